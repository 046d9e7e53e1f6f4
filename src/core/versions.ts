// Recipe versions: `X.Y.Z+upstream` release tags (the part before `+` is the
// recipe's own semver, the part after is the upstream app version). Ordered
// by the semver part, then by the upstream part compared chunk by chunk
// (numbers as numbers), which is how abra's tag comparison orders them.
// semver alone would not do: it ignores build metadata when comparing.

// two functions, not the whole package (its index loads ~50 modules)
import semverCompare from 'semver/functions/compare.js';
import semverValid from 'semver/functions/valid.js';

export interface RecipeVersion {
  tag: string;
  /** the recipe's semver (`1.2.0`) */
  semver: string;
  /** the upstream part after `+`, '' when absent */
  upstream: string;
}

export function parseVersion(tag: string): RecipeVersion | undefined {
  const plus = tag.indexOf('+');
  const main = plus < 0 ? tag : tag.slice(0, plus);
  const upstream = plus < 0 ? '' : tag.slice(plus + 1);
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(main) || !semverValid(main)) return undefined;
  if (plus >= 0 && !/^[0-9A-Za-z._-]+$/.test(upstream)) return undefined;
  return { tag, semver: main, upstream };
}

export function compareVersions(a: RecipeVersion, b: RecipeVersion): number {
  return semverCompare(a.semver, b.semver) || compareChunks(a.upstream, b.upstream);
}

/** `1.27.10-alpine` > `1.27.9-alpine`: digits compare as numbers, the rest as text */
export function compareChunks(a: string, b: string): number {
  const ca = a.match(/\d+|\D+/g) ?? [];
  const cb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

export interface TagInfo {
  name: string;
  annotated: boolean;
}

export interface VersionList {
  /** releases, oldest first */
  versions: RecipeVersion[];
  /** tags skipped, with why */
  warnings: string[];
}

/** Release versions from a repository's tags: lightweight and malformed tags are skipped with a warning. */
export function releaseVersions(tags: TagInfo[]): VersionList {
  const versions: RecipeVersion[] = [];
  const warnings: string[] = [];
  for (const t of tags) {
    const v = parseVersion(t.name);
    if (!v) {
      warnings.push(`tag ${t.name} is not a recipe version (X.Y.Z+upstream); skipped`);
      continue;
    }
    if (!t.annotated) {
      warnings.push(`tag ${t.name} is a lightweight tag; releases must be annotated tags (R014); skipped`);
      continue;
    }
    versions.push(v);
  }
  versions.sort(compareVersions);
  return { versions, warnings };
}

export function latestVersion(list: VersionList): RecipeVersion | undefined {
  return list.versions[list.versions.length - 1];
}

export function newerThan(list: VersionList, current: string): RecipeVersion[] {
  const cur = parseVersion(current);
  if (!cur) return [];
  return list.versions.filter((v) => compareVersions(v, cur) > 0);
}

export function olderThan(list: VersionList, current: string): RecipeVersion[] {
  const cur = parseVersion(current);
  if (!cur) return [];
  return list.versions.filter((v) => compareVersions(v, cur) < 0);
}

/** Versions in (from, to], oldest first: whose release notes an upgrade shows. */
export function versionsBetween(list: VersionList, from: string | undefined, to: string): RecipeVersion[] {
  const target = parseVersion(to);
  if (!target) return [];
  const start = from ? parseVersion(from) : undefined;
  return list.versions.filter((v) => compareVersions(v, target) <= 0 && (!start || compareVersions(v, start) > 0));
}

/** abra's chaos version: the short commit hash, `+U` when the tree has uncommitted changes. */
export function chaosVersion(shortHash: string, dirty: boolean): string {
  return dirty ? `${shortHash}+U` : shortHash;
}
