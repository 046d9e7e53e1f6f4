// Reading the catalogue for `recipe ls` / `recipe versions`: bring
// $ABRA_DIR/catalogue up to date (unless offline) and parse recipes.json.
// A recipe missing from the catalogue falls back to its local clone's tags.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import type { CatalogueStore } from '../ports/catalogue.js';
import type { Catalogue, ServiceMeta } from '../core/catalogue.js';
import { KiteError, NotFoundError } from '../core/errors.js';
import { recipeRemotes } from '../core/settings.js';
import { releaseVersions } from '../core/versions.js';
import { readRelease } from './catalogue-releases.js';
import { readSettings } from './recipe-ensure.js';

/** $ABRA_DIR/catalogue */
export function catalogueRepo(ports: Pick<Ports, 'apps' | 'catalogues'>): Promise<CatalogueStore> {
  return ports.catalogues.open(join(ports.apps.root, 'catalogue'));
}

export interface LoadedCatalogue {
  catalogue: Catalogue;
  path: string;
  /** the URL it was fetched from, or which local copy was used */
  source: string;
  local: boolean;
  warnings: string[];
}

export async function loadCatalogue(ports: Pick<Ports, 'apps' | 'catalogues'>, offline: boolean): Promise<LoadedCatalogue> {
  const settings = await readSettings(ports.apps);
  const repo = await catalogueRepo(ports);
  const sync = await repo.sync([settings.catalogue.url, ...settings.catalogue.mirrors], offline);
  return { catalogue: repo.read(), path: repo.file, source: sync.source, local: sync.local, warnings: sync.warnings };
}

export interface VersionRow {
  version: string;
  service: string;
  image: string;
  tag: string;
  /** full digest as recorded (`sha256:…`, or abra's short form); '' when unknown */
  digest: string;
}

export interface RecipeVersionsResult {
  recipe: string;
  /** 'catalogue' or 'local clone' */
  from: 'catalogue' | 'local clone';
  /** where exactly: the catalogue file and its source, or the recipe directory */
  source: string;
  /** newest first */
  rows: VersionRow[];
  warnings: string[];
}

/**
 * Versions of a recipe, newest first, from the catalogue; when the recipe is
 * not in it (or there is no catalogue to read), from the tags of its local
 * clone (fetched unless offline), without digests.
 */
export async function recipeVersions(ports: Pick<Ports, 'apps' | 'catalogues' | 'recipes'>, recipe: string, offline: boolean): Promise<RecipeVersionsResult> {
  const { apps: dir, recipes } = ports;
  const warnings: string[] = [];
  let loaded: LoadedCatalogue | undefined;
  try {
    loaded = await loadCatalogue(ports, offline);
    warnings.push(...loaded.warnings);
  } catch (e) {
    if (!(e instanceof KiteError) || !recipes.isRepo(dir.recipeDir(recipe))) throw e;
    warnings.push(`${e.message}: reading the local clone instead`);
  }
  const meta = loaded?.catalogue[recipe];
  if (meta) {
    const rows: VersionRow[] = [];
    for (const entry of [...meta.versions].reverse()) {
      for (const [version, services] of Object.entries(entry)) rows.push(...serviceRows(version, services));
    }
    return { recipe, from: 'catalogue', source: `${loaded!.path} (${loaded!.source})`, rows, warnings };
  }

  const recipeDir = dir.recipeDir(recipe);
  if (!dir.exists(recipeDir) || !recipes.isRepo(recipeDir)) {
    throw new NotFoundError(
      `recipe ${recipe} is neither in the catalogue${loaded ? ` (${loaded.path})` : ''} nor a git clone in ${dir.recipesDir}`,
      `list known recipes with \`kite recipe ls\`, or fetch it with \`kite recipe fetch ${recipe}\``,
    );
  }
  const repo = await recipes.open(recipeDir);
  if (!offline) {
    try {
      const fetched = await repo.fetch(recipeRemotes(recipe, await readSettings(dir)).slice(1), false);
      for (const f of fetched.failures) warnings.push(`could not fetch from ${f.remote}: ${f.error}`);
    } catch (e) {
      warnings.push(`${(e as Error).message}: using the tags the local clone has`);
    }
  }
  const list = releaseVersions(await repo.tags());
  warnings.push(...list.warnings);
  const rows: VersionRow[] = [];
  for (const v of [...list.versions].reverse()) {
    const release = await readRelease(repo, recipe, v.tag);
    if (!release.ok) {
      warnings.push(`${recipe} ${v.tag}: ${release.problem}`);
      continue;
    }
    rows.push(...serviceRows(v.tag, Object.fromEntries(Object.entries(release.services).map(([s, r]) => [s, { image: r.image, tag: r.tag, digest: r.pinned ?? '' }]))));
  }
  return { recipe, from: 'local clone', source: recipeDir, rows, warnings };
}

function serviceRows(version: string, services: Record<string, ServiceMeta>): VersionRow[] {
  return Object.keys(services)
    .sort()
    .map((service) => ({ version, service, image: services[service].image, tag: services[service].tag, digest: services[service].digest }));
}
