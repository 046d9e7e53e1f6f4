// `recipe sync`: the next recipe version (from the last release tag and the
// bump kind — given with -x/-y/-z, chosen at a prompt, or inferred from how
// the images changed since that release) written into the
// `coop-cloud.${STACK_NAME}.version=` label of the `app` service. Only that
// label's value changes, in every compose file that declares it.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import type { RecipeWorktree } from '../ports/recipe-worktree.js';
import { findVersionLabel, setVersionLabel, type LabelSite } from '../core/recipe-edit.js';
import { inferBump, nextRecipeVersion, upstreamFromImage, type BumpInference } from '../core/recipe-sync.js';
import { compareVersions, latestVersion, parseVersion, releaseVersions } from '../core/versions.js';
import type { UpgradeKind } from '../core/tag-compare.js';
import type { RecipeFiles } from '../core/lint/types.js';
import { ConflictError, RecipeError, UsageError } from '../core/errors.js';
import { composeOrder, serviceImages } from './recipe-compose.js';

export interface VersionInput {
  /** an explicit version: no computation */
  version?: string;
  /** -x/-y/-z */
  bump?: UpgradeKind;
  /** asked when neither is given (a terminal): the inferred kind comes first */
  chooseBump?: (inferred: BumpInference, lastRelease: string | undefined) => Promise<UpgradeKind>;
}

export interface VersionPlan {
  version: string;
  /** the newest release tag, if any */
  lastRelease?: string;
  /** the bump applied (absent for an explicit version) */
  kind?: UpgradeKind;
  /** the bump the image changes call for, and why */
  inferred?: BumpInference;
  /** the label in each compose file that declares it, as it is now */
  labels: LabelSite[];
  /** the new text of each compose file whose label changes */
  edits: Map<string, string>;
}

export interface SyncResult {
  recipe: string;
  version: string;
  previous: string;
  lastRelease?: string;
  kind?: UpgradeKind;
  reasons: string[];
  files: { file: string; line: number }[];
  changed: boolean;
  dryRun: boolean;
}

export async function syncRecipe(ports: Pick<Ports, 'worktrees' | 'recipeFiles'>, dir: string, recipe: string, input: VersionInput & { dryRun: boolean }): Promise<SyncResult> {
  const worktree = await ports.worktrees.open(dir);
  const files = await ports.recipeFiles.readAll(dir, recipe);
  const plan = await planVersion(worktree, files, input);
  if (!input.dryRun) for (const [file, text] of plan.edits) ports.recipeFiles.replace(join(dir, file), text);
  return {
    recipe,
    version: plan.version,
    previous: plan.labels[0].value,
    lastRelease: plan.lastRelease,
    kind: plan.kind,
    reasons: plan.inferred?.reasons ?? [],
    files: plan.labels.map((l) => ({ file: l.file, line: l.line })),
    changed: plan.edits.size > 0,
    dryRun: input.dryRun,
  };
}

/** The version label of `app` in every compose file that declares it, the base file first. */
export function versionLabels(files: RecipeFiles): LabelSite[] {
  const sites = composeOrder(Object.keys(files.composeFiles))
    .map((f) => findVersionLabel(files.composeFiles[f], f))
    .filter((s): s is LabelSite => s !== undefined);
  if (sites.length === 0) {
    throw new RecipeError(
      'no coop-cloud.${STACK_NAME}.version label on service app in any compose file',
      Object.keys(files.composeFiles).length ? composeOrder(Object.keys(files.composeFiles))[0] : 'compose.yml',
      { key: 'services.app.deploy.labels' },
      'add the line  - "coop-cloud.${STACK_NAME}.version="  under services.app.deploy.labels',
    );
  }
  return sites;
}

/** The release tags of the repository, newest last. */
export async function releases(worktree: RecipeWorktree) {
  const tags = await worktree.tags();
  return { tags, list: releaseVersions(tags.map((t) => ({ name: t.name, annotated: t.annotated }))) };
}

/**
 * Which version comes next, and the label edits that write it. An explicit
 * version must be a recipe version newer than the last release.
 */
export async function planVersion(worktree: RecipeWorktree, files: RecipeFiles, input: VersionInput): Promise<VersionPlan> {
  const labels = versionLabels(files);
  const { tags, list } = await releases(worktree);
  const last = latestVersion(list)?.tag;
  let version: string;
  let kind: UpgradeKind | undefined;
  let inferred: BumpInference | undefined;
  if (input.version !== undefined) {
    version = checkNewVersion(input.version, tags.map((t) => t.name), last);
  } else {
    const now = serviceImages(files.composeFiles);
    const upstream = upstreamFromImage(now.app);
    if (!upstream) {
      throw new RecipeError(`the app service's image (${now.app ?? 'none'}) has no literal tag to take the upstream version from`, composeOrder(Object.keys(files.composeFiles))[0], { key: 'services.app.image' }, 'pass the version yourself: kite recipe sync <recipe> <X.Y.Z+upstream>');
    }
    inferred = last ? inferBump(await imagesAt(worktree, last, Object.keys(files.composeFiles)), now) : { kind: 'minor', reasons: ['no release yet: the first release'] };
    kind = input.bump ?? (input.chooseBump ? await input.chooseBump(inferred, last) : inferred.kind);
    version = nextRecipeVersion(last, kind, upstream);
  }
  const edits = new Map<string, string>();
  for (const site of labels) {
    if (site.value !== version) edits.set(site.file, setVersionLabel(files.composeFiles[site.file], site, version));
  }
  return { version, lastRelease: last, kind, inferred, labels, edits };
}

/** A version the maintainer typed: well-formed, not released yet, newer than the last release. */
export function checkNewVersion(version: string, tagNames: string[], last: string | undefined): string {
  const v = parseVersion(version);
  if (!v) throw new UsageError(`"${version}" is not a recipe version`, 'write it as X.Y.Z+upstream, e.g. 1.2.0+1.27.5');
  if (tagNames.includes(version)) throw new ConflictError(`${version} is already released (a tag of that name exists)`, 'pick a newer version, or leave it out to have one computed');
  const lastParsed = last ? parseVersion(last) : undefined;
  if (lastParsed && compareVersions(v, lastParsed) <= 0) throw new ConflictError(`${version} is not newer than the last release ${last}`, 'pick a newer version, or leave it out to have one computed');
  return version;
}

/** service → image in the compose files as they were at a tag. */
async function imagesAt(worktree: RecipeWorktree, tag: string, paths: string[]): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  for (const p of new Set([...paths, 'compose.yml'])) {
    const text = await worktree.show(`refs/tags/${tag}`, p);
    if (text !== undefined) texts[p] = text;
  }
  return serviceImages(texts);
}
