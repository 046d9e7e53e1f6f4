// Comparing IMAGE tags the way abra's `recipe upgrade` does (its tagcmp
// library, which follows Renovate's docker versioning): a tag is
// "semver-like" when it is an optional `v`, one to four dot-separated
// numbers and an optional `-suffix` (`1.27.5`, `v2.4.8`, `16-alpine`,
// `1.14.1-rootless`). Two tags are only compared when they share a SCHEME:
// same `v` prefix, same number of numeric parts, same suffix. So `16-alpine`
// is never offered for `16` (another build of the image), `1.27` is never
// offered for `1.27.5`, and `1.28.0-rc1` is never offered for `1.27.5`.
// Moving tags (`latest`, `stable`, `main`…) do not parse and are never offered.
//
// (Recipe versions `X.Y.Z+upstream` are ordered by src/core/versions.ts.)

import { byText } from './text-order.js';

export interface ImageTag {
  raw: string;
  /** written with a leading `v` */
  v: boolean;
  /** the numeric parts, `1.27.5` → [1, 27, 5] */
  parts: number[];
  /** what follows the first `-`, '' when none */
  suffix: string;
}

export type UpgradeKind = 'major' | 'minor' | 'patch';

const KIND_RANK: Record<UpgradeKind, number> = { patch: 1, minor: 2, major: 3 };

const SEMVER_LIKE = /^(v?)(\d+(?:\.\d+){0,3})(?:-([0-9A-Za-z][0-9A-Za-z._-]*))?$/;

/** The parsed tag, or undefined when it is not semver-like (`latest`, `alpine`, a commit hash with letters…). */
export function parseTag(raw: string): ImageTag | undefined {
  const m = SEMVER_LIKE.exec(raw);
  if (!m) return undefined;
  const parts = m[2].split('.').map(Number);
  if (parts.some((n) => !Number.isSafeInteger(n))) return undefined;
  return { raw, v: m[1] === 'v', parts, suffix: m[3] ?? '' };
}

/** Same scheme: comparable at all. */
export function sameScheme(a: ImageTag, b: ImageTag): boolean {
  return a.v === b.v && a.parts.length === b.parts.length && a.suffix === b.suffix;
}

/** Orders tags of the same scheme by their numbers (1.27.10 > 1.27.5). */
export function compareTags(a: ImageTag, b: ImageTag): number {
  for (let i = 0; i < Math.max(a.parts.length, b.parts.length); i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * What kind of change `from` → `to` is: the first numeric part that differs
 * decides (first = major, second = minor, any later one = patch). A change of
 * scheme counts as major. undefined when nothing changed.
 */
export function upgradeKind(from: ImageTag, to: ImageTag): UpgradeKind | undefined {
  if (!sameScheme(from, to)) return 'major';
  const i = from.parts.findIndex((n, j) => n !== to.parts[j]);
  if (i < 0) return undefined;
  return i === 0 ? 'major' : i === 1 ? 'minor' : 'patch';
}

/** The larger of two kinds (undefined = no change). */
export function largerKind(a: UpgradeKind | undefined, b: UpgradeKind | undefined): UpgradeKind | undefined {
  if (!a) return b;
  if (!b) return a;
  return KIND_RANK[a] >= KIND_RANK[b] ? a : b;
}

/** `bound` allows this kind: -x allows any change, -y minor and patch, -z patch only. */
export function withinBound(kind: UpgradeKind, bound: UpgradeKind | undefined): boolean {
  return !bound || KIND_RANK[kind] <= KIND_RANK[bound];
}

export interface TagCandidate {
  tag: string;
  kind: UpgradeKind;
}

/**
 * Tags newer than `current` and of its scheme, newest first, each with its
 * kind; `bound` drops larger changes. Empty when `current` is not semver-like.
 */
export function newerTags(current: string, available: string[], bound?: UpgradeKind): TagCandidate[] {
  const cur = parseTag(current);
  if (!cur) return [];
  const out: { parsed: ImageTag; kind: UpgradeKind }[] = [];
  for (const raw of new Set(available)) {
    const t = parseTag(raw);
    if (!t || !sameScheme(cur, t) || compareTags(t, cur) <= 0) continue;
    const kind = upgradeKind(cur, t)!;
    if (withinBound(kind, bound)) out.push({ parsed: t, kind });
  }
  return out.sort((a, b) => compareTags(b.parsed, a.parsed)).map((c) => ({ tag: c.parsed.raw, kind: c.kind }));
}

/**
 * Every semver-like tag (any scheme), for `--all-tags`: the current
 * scheme's tags first (newest first), then the others ordered by suffix and
 * number. Moving tags are left out even here.
 */
export function allSemverLikeTags(current: string, available: string[]): string[] {
  const cur = parseTag(current);
  const parsed = [...new Set(available)].map(parseTag).filter((t): t is ImageTag => t !== undefined);
  const mine = (t: ImageTag) => (cur && sameScheme(cur, t) ? 0 : 1);
  return parsed
    .sort((a, b) => mine(a) - mine(b) || Number(a.v) - Number(b.v) || byText(a.suffix, b.suffix) || b.parts.length - a.parts.length || compareTags(b, a))
    .map((t) => t.raw);
}
