// Release tags for lint: thin names over core/versions.ts, which owns the
// ordering of `X.Y.Z+upstream` versions.

import { compareVersions, parseVersion, type RecipeVersion } from '../versions.js';

export function isReleaseLike(tag: string): boolean {
  return parseVersion(tag) !== undefined;
}

export function compareReleaseTags(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : 0;
  return compareVersions(va, vb);
}

/** The newest release-like tag, or undefined. */
export function newestRelease(tags: string[]): string | undefined {
  const versions = tags.map(parseVersion).filter((v): v is RecipeVersion => v !== undefined);
  return versions.sort(compareVersions).at(-1)?.tag;
}
