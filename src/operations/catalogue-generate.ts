// `catalogue generate`: for each recipe (named, or every git clone in
// $ABRA_DIR/recipes), fetch it unless told not to, read its README metadata
// from the default branch, and for every release tag the images its compose
// files name, with the registry digest of each; then merge the entries into
// $ABRA_DIR/catalogue/recipes.json (other recipes' entries are kept) and,
// with publish, commit and push the catalogue repository.
//
// Everything is gathered before anything is written: a registry that cannot
// be asked fails the whole run (exit 4) and leaves recipes.json as it was.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import type { RecipeRepo } from '../ports/recipe-repo.js';
import { mergeCatalogue, serialiseCatalogue, type Catalogue, type ServiceMeta } from '../core/catalogue.js';
import { buildRecipeMeta, type ReleaseImages } from '../core/catalogue-entry.js';
import { KiteError, NotFoundError, RemoteError, UsageError } from '../core/errors.js';
import { registryRepo, describeRepo } from '../core/image-registry.js';
import { recipeRemotes } from '../core/settings.js';
import { releaseVersions, type VersionList } from '../core/versions.js';
import type { RegistryPort } from '../ports/registry.js';

/** what generating talks to: $ABRA_DIR, the recipe clones, the catalogue clone, the image registries */
export type CataloguePorts = Pick<Ports, 'apps' | 'recipes' | 'recipeFiles' | 'catalogues' | 'registry'>;
import { catalogueRepo } from './catalogue-read.js';
import { readRelease } from './catalogue-releases.js';
import { ensureRecipe, readSettings } from './recipe-ensure.js';
import { readTestResults } from './recipe-test-results.js';
import { catalogueLevels } from '../core/recipe-test/settings.js';

/** abra's commit message for catalogue updates [M] */
export const PUBLISH_MESSAGE = 'chore: publish new catalogue release changes';

export interface GenerateInput {
  /** recipe names; empty = every git repository in $ABRA_DIR/recipes */
  recipes: string[];
  offline: boolean;
  /** don't fetch (or clone) recipes */
  skipUpdates: boolean;
  dryRun: boolean;
  publish: boolean;
  /** read the README from the working tree as it is, uncommitted changes included */
  chaos: boolean;
}

export type CatalogueEvent = { type: 'info'; message: string } | { type: 'warning'; message: string };

export interface GenerateResult {
  catalogue: Catalogue;
  /** recipes.json as written (or as it would be, on a dry run) */
  text: string;
  path: string;
  regenerated: string[];
  /** where the existing catalogue came from */
  catalogueSource: string;
  written: boolean;
  /** set when published: the commit pushed (undefined commit = nothing to publish) */
  published?: { url: string; commit?: string; branch?: string };
}

export async function generateCatalogue(ports: CataloguePorts, input: GenerateInput, emit: (e: CatalogueEvent) => void): Promise<GenerateResult> {
  const { apps: dir, registry } = ports;
  if (input.publish && input.dryRun) throw new UsageError('--publish and --dry-run cannot be used together', 'drop --dry-run to publish, or --publish to only look');
  if (input.publish && input.offline) throw new UsageError('--publish needs the network: it cannot be used with --offline');
  const settings = await readSettings(dir);
  const names = input.recipes.length > 0 ? [...new Set(input.recipes)] : localGitRecipes(ports);
  if (names.length === 0) throw new NotFoundError(`no recipe git repositories in ${dir.recipesDir}`, 'name the recipes to generate (`kite catalogue generate <recipe>`), or fetch some first');

  // the existing catalogue first: its other entries are kept, and publishing needs it current
  const cat = await catalogueRepo(ports);
  const sync = await cat.sync([settings.catalogue.url, ...settings.catalogue.mirrors], input.offline, true);
  for (const w of sync.warnings) emit({ type: 'warning', message: w });
  if (!cat.exists()) emit({ type: 'warning', message: `no ${cat.file} yet: starting a new catalogue` });
  if (input.publish) await cat.checkPublishable();
  const existing = cat.read();

  const digests = new Map<string, Promise<string>>();
  const regenerated: Catalogue = {};
  for (const name of names) {
    const { repo, versions, source } = await openForCatalogue(ports, name, input, emit);
    const defaultBranch = await repo.defaultBranch();
    const readme = input.chaos ? ports.recipeFiles.readFile(join(repo.dir, 'README.md')) : await readAtBranch(repo, defaultBranch, 'README.md');
    const releases: ReleaseImages[] = [];
    for (const v of versions.versions) {
      const release = await readRelease(repo, name, v.tag);
      if (!release.ok) {
        emit({ type: 'warning', message: `${name}: version ${v.tag} left out of the catalogue: ${release.problem}` });
        continue;
      }
      const services: Record<string, ServiceMeta> = {};
      for (const [service, img] of Object.entries(release.services)) {
        const digest = img.pinned ?? (await digestOf(registry, digests, img.image, img.tag, `${name} ${v.tag} (service ${service})`));
        services[service] = { digest, image: img.image, tag: img.tag };
      }
      releases.push({ tag: v.tag, services });
    }
    const repository = (await repo.originUrl()) ?? recipeRemotes(name, settings)[0];
    const { meta, warnings } = buildRecipeMeta({ name, readme, repository, defaultBranch, releases, previous: existing[name] });
    for (const w of warnings) emit({ type: 'warning', message: w });
    // kite recipe test's levels beside `versions`: saved results, else what was published
    const tested = readTestResults(ports, name);
    for (const p of tested.problems) emit({ type: 'warning', message: `${name}: recipe test result left out: ${p}` });
    const levels = catalogueLevels(existing[name]?.levels, tested.results, releases.map((r) => r.tag));
    if (Object.keys(levels).length > 0) meta.levels = levels;
    regenerated[name] = meta;
    emit({ type: 'info', message: `${name}: ${releases.length} version${releases.length === 1 ? '' : 's'}${releases.length ? ` (latest ${releases[releases.length - 1].tag})` : ''}, from ${source}` });
  }

  const catalogue = mergeCatalogue(existing, regenerated);
  const text = serialiseCatalogue(catalogue);
  const result: GenerateResult = { catalogue, text, path: cat.file, regenerated: Object.keys(regenerated), catalogueSource: sync.source, written: false };
  if (input.dryRun) return result;
  cat.write(text);
  result.written = true;
  if (input.publish) {
    const url = settings.catalogue.url;
    const pushed = await cat.publish(url, PUBLISH_MESSAGE);
    result.published = { url, commit: pushed?.commit, branch: pushed?.branch };
  }
  return result;
}

function localGitRecipes(ports: Pick<Ports, 'apps' | 'recipes'>): string[] {
  return ports.apps.listRecipeDirs().filter((name) => ports.recipes.isRepo(join(ports.apps.recipesDir, name)));
}

async function openForCatalogue(ports: Pick<Ports, 'apps' | 'recipes'>, name: string, input: GenerateInput, emit: (e: CatalogueEvent) => void): Promise<{ repo: RecipeRepo; versions: VersionList; source: string }> {
  const { apps: dir, recipes } = ports;
  const recipeDir = dir.recipeDir(name);
  const noNetwork = input.offline || input.skipUpdates;
  if (noNetwork && !dir.exists(recipeDir)) {
    throw new NotFoundError(`recipe ${name} is not in ${dir.recipesDir} and ${input.offline ? '--offline' : '--skip-updates'} forbids cloning it`, `run without ${input.offline ? '--offline' : '--skip-updates'}, or fetch it first`);
  }
  if (dir.exists(recipeDir) && !recipes.isRepo(recipeDir)) {
    throw new NotFoundError(`recipe ${name} (${recipeDir}) is not a git repository: the catalogue lists released versions, which are git tags`, 'clone the recipe with git instead');
  }
  if (noNetwork) {
    const repo = await recipes.open(recipeDir);
    const versions = releaseVersions(await repo.tags());
    for (const w of versions.warnings) emit({ type: 'warning', message: `${name}: ${w}` });
    return { repo, versions, source: `the local clone (${input.offline ? 'offline' : 'not updated'})` };
  }
  const ensured = await ensureRecipe(ports, name, false);
  for (const w of ensured.warnings) emit({ type: 'warning', message: `${name}: ${w}` });
  return { repo: ensured.repo ?? (await recipes.open(recipeDir)), versions: ensured.versions, source: ensured.source };
}

/** The file on the default branch as fetched (origin/<branch>), else the local branch, else HEAD. */
async function readAtBranch(repo: RecipeRepo, branch: string, path: string): Promise<string | undefined> {
  for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`, 'HEAD']) {
    if (!(await repo.isCommit(ref))) continue;
    return repo.readAt(ref, path);
  }
  return undefined;
}

/** One registry question per image:tag per run. */
function digestOf(registry: RegistryPort, cache: Map<string, Promise<string>>, image: string, tag: string, where: string): Promise<string> {
  const repo = registryRepo(image);
  const key = `${describeRepo(repo)}:${tag}`;
  let p = cache.get(key);
  if (!p) {
    p = registry.digest(repo, tag).catch((e: unknown) => {
      const why = (e as Error)?.message ?? String(e);
      const hint = `check that ${repo.registry} is reachable and has ${repo.repository}:${tag}; nothing was written`;
      // the registry adapter's messages already name the registry
      if (e instanceof KiteError && e.kind === 'not-found') throw new NotFoundError(`${where}: image ${image}:${tag}: ${why}`, hint);
      throw new RemoteError(`${where}: could not get the digest of ${image}:${tag}: ${why}`, hint);
    });
    cache.set(key, p);
  }
  return p;
}
