// Ordering release tags (`X.Y.Z+upstream`) to find the newest: by the
// recipe's semver, then by the upstream part chunk by chunk (numbers as
// numbers), since semver ignores build metadata.

import semver from 'semver';

const RELEASE = /^(\d+\.\d+\.\d+)(?:\+(.+))?$/;

export function isReleaseLike(tag: string): boolean {
  const m = RELEASE.exec(tag);
  return Boolean(m && semver.valid(m[1]));
}

export function compareReleaseTags(a: string, b: string): number {
  const [, sa, ua = ''] = RELEASE.exec(a) ?? [];
  const [, sb, ub = ''] = RELEASE.exec(b) ?? [];
  return semver.compare(sa, sb) || compareChunks(ua, ub);
}

/** The newest release-like tag, or undefined. */
export function newestRelease(tags: string[]): string | undefined {
  return tags.filter(isReleaseLike).sort(compareReleaseTags).at(-1);
}

function compareChunks(a: string, b: string): number {
  const ca = a.match(/\d+|\D+/g) ?? [];
  const cb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const d = /^\d/.test(x) && /^\d/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
