// `recipe upgrade`: for every service image of a recipe, the newer tags its
// registry has (same scheme, within the -x/-y/-z bound), a choice per
// service, and the chosen tags written into the compose files in place.
//
// Every registry is asked before anything is written: one that is down or
// answers garbage fails the whole run and no file changes. Images that
// cannot be rewritten in place (anchors, aliases, merges, interpolation,
// digests) or whose tag is not semver-like are skipped with the reason.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import { registryRepo, describeRepo } from '../core/image-registry.js';
import { findImageSites, setImageTags, type ImageSite } from '../core/recipe-edit.js';
import { allSemverLikeTags, newerTags, parseTag, upgradeKind, type TagCandidate, type UpgradeKind } from '../core/tag-compare.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { imageSites } from './recipe-compose.js';

export interface ServiceUpgrade {
  file: string;
  service: string;
  line: number;
  image: string;
  name: string;
  tag?: string;
  /** newer tags of the same scheme within the bound, newest first */
  upgrades: TagCandidate[];
  /** with --all-tags: every semver-like tag of the repository */
  allTags?: string[];
  /** the new tag: written, or (in a report) the one -n would write */
  chosen?: string;
  kind?: UpgradeKind;
  /** why this service was not looked at */
  skipped?: string;
}

export interface UpgradeInput {
  /** the largest change allowed: -x major, -y minor, -z patch; none = any */
  bound?: UpgradeKind;
  allTags: boolean;
  /** false: only report what could be upgraded, write nothing */
  write: boolean;
  /** commit the changed compose files */
  commit: boolean;
  /** the new tag for one service, undefined to keep it; asked only when there is something to choose */
  choose: (s: ServiceUpgrade) => Promise<string | undefined>;
}

export interface UpgradeResult {
  recipe: string;
  dir: string;
  services: ServiceUpgrade[];
  changedFiles: string[];
  written: boolean;
  commit?: string;
}

export const UPGRADE_COMMIT_SUBJECT = 'chore: upgrade image tags';

export async function upgradeRecipe(ports: Pick<Ports, 'worktrees' | 'recipeFiles' | 'registry'>, dir: string, recipe: string, input: UpgradeInput): Promise<UpgradeResult> {
  const { registry, recipeFiles } = ports;
  const files = await recipeFiles.readAll(dir, recipe);
  const sites = imageSites(files.composeFiles);
  const services: ServiceUpgrade[] = sites.map((s) => ({ file: s.file, service: s.service, line: s.line, image: s.image, name: s.name, tag: s.tag, upgrades: [], skipped: s.skip }));
  for (const s of services) {
    if (!s.skipped && s.tag && !parseTag(s.tag)) s.skipped = `its tag ${s.tag} is not semver-like (no newer tag can be told apart)`;
  }

  // every registry question first: a failure leaves every file as it was
  const asked = new Map<string, Promise<string[]>>();
  for (const s of services) {
    if (s.skipped) continue;
    const repo = registryRepo(s.name);
    const key = describeRepo(repo);
    if (!asked.has(key)) asked.set(key, registry.tags(repo));
  }
  const answers = await Promise.allSettled(asked.values());
  const failed = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (failed) throw failed.reason;
  const tagsOf = new Map([...asked.keys()].map((k, i) => [k, (answers[i] as PromiseFulfilledResult<string[]>).value]));

  for (const s of services) {
    if (s.skipped) continue;
    const available = tagsOf.get(describeRepo(registryRepo(s.name)))!;
    s.upgrades = newerTags(s.tag!, available, input.bound);
    if (input.allTags) s.allTags = allSemverLikeTags(s.tag!, available);
  }

  const candidates = services.filter((s) => !s.skipped && (s.upgrades.length > 0 || (s.allTags?.length ?? 0) > 0));
  const worktree = input.write && input.commit ? await ports.worktrees.open(dir) : undefined;
  if (worktree) {
    await worktree.requireIdentity();
    const dirty = new Set((await worktree.status()).map((e) => e.path));
    const touched = [...new Set(candidates.map((s) => s.file))].filter((f) => dirty.has(f));
    if (touched.length) throw new ConflictError(`--commit: ${touched.join(', ')} ${touched.length > 1 ? 'have' : 'has'} uncommitted changes`, 'commit or discard them first (kite recipe diff / kite recipe reset), or upgrade without --commit');
  }

  for (const s of candidates) {
    const chosen = input.write ? await input.choose(s) : s.upgrades[0]?.tag;
    if (!chosen || chosen === s.tag) continue;
    s.chosen = chosen;
    const from = parseTag(s.tag!);
    const to = parseTag(chosen);
    s.kind = from && to ? upgradeKind(from, to) : 'major';
  }

  const result: UpgradeResult = { recipe, dir, services, changedFiles: [], written: false };
  const changes = services.filter((s) => s.chosen);
  if (!input.write || changes.length === 0) return result;

  // new texts for every file first, then the writes
  const texts = new Map<string, string>();
  for (const file of [...new Set(changes.map((s) => s.file))]) {
    const text = recipeFiles.readFile(join(dir, file));
    if (text === undefined) throw new NotFoundError(`${join(dir, file)} is gone`);
    const fresh = findImageSites(text, file);
    const edits = changes.filter((s) => s.file === file).map((s) => ({ site: siteFor(fresh, s), tag: s.chosen! }));
    texts.set(file, setImageTags(text, edits));
  }
  for (const [file, text] of texts) recipeFiles.replace(join(dir, file), text);
  result.changedFiles = [...texts.keys()];
  result.written = true;

  if (worktree) {
    await worktree.add(result.changedFiles);
    const body = changes.map((s) => `- ${s.service}: ${s.name} ${s.tag} → ${s.chosen}`).join('\n');
    result.commit = await worktree.commit(`${UPGRADE_COMMIT_SUBJECT}\n\n${body}\n`);
  }
  return result;
}

/** The same service's site in the file as it is on disk now (it may have been edited since the first read). */
function siteFor(fresh: ImageSite[], s: ServiceUpgrade): ImageSite {
  const site = fresh.find((f) => f.service === s.service);
  if (!site?.tagRange || site.image !== s.image) {
    throw new ConflictError(`${s.file} changed while kite was working on it (service ${s.service})`, 'run the upgrade again');
  }
  return site;
}
