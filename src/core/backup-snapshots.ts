// kite's snapshots as restic lists them: one app per snapshot, its facts in
// tags (so `backup ls` reads them without opening a snapshot), its env file
// and meta.json under /kite in the snapshot itself. Pure.

import { byText } from './text-order.js';

export const KITE_TAG = 'kite';

export interface SnapshotFacts {
  stack: string;
  version?: string;
  recipe?: string;
  services: string[];
  volumes: string[];
  /** bytes of the selected volume data when it was taken */
  size?: number;
}

/** restic tags for a snapshot (restic splits on commas, so values must have none) */
export function snapshotTags(f: SnapshotFacts): string[] {
  const clean = (s: string) => s.replace(/,/g, '_');
  const tags = [f.stack, KITE_TAG];
  if (f.version) tags.push(`version=${clean(f.version)}`);
  if (f.recipe) tags.push(`recipe=${clean(f.recipe)}`);
  for (const s of f.services) tags.push(`service=${clean(s)}`);
  for (const v of f.volumes) tags.push(`volume=${clean(v)}`);
  if (f.size !== undefined) tags.push(`size=${f.size}`);
  return tags;
}

export interface Snapshot {
  id: string;
  shortId: string;
  /** RFC 3339 */
  time: string;
  version?: string;
  recipe?: string;
  services: string[];
  volumes: string[];
  size?: number;
  paths: string[];
}

/** one element of `restic snapshots --json` */
interface ResticSnapshot {
  id: string;
  short_id?: string;
  time: string;
  tags?: string[] | null;
  paths?: string[] | null;
}

/** `restic snapshots --json` output → kite's snapshots of `stack`, oldest first */
export function parseSnapshots(json: string, stack: string): Snapshot[] {
  const text = json.trim();
  if (!text) return [];
  const list = JSON.parse(text) as ResticSnapshot[] | null;
  return (list ?? [])
    .filter((s) => (s.tags ?? []).includes(stack) && (s.tags ?? []).includes(KITE_TAG))
    .map((s) => {
      const tags = s.tags ?? [];
      const values = (k: string) => tags.filter((t) => t.startsWith(`${k}=`)).map((t) => t.slice(k.length + 1));
      const size = Number(values('size')[0]);
      return {
        id: s.id,
        shortId: s.short_id ?? s.id.slice(0, 8),
        time: s.time,
        version: values('version')[0],
        recipe: values('recipe')[0],
        services: values('service'),
        volumes: values('volume'),
        size: Number.isFinite(size) && values('size').length ? size : undefined,
        paths: s.paths ?? [],
      };
    })
    .sort((a, b) => byText(a.time, b.time));
}

/** the snapshot an operator named (id or its prefix, at least 4 characters), or the latest; undefined when none fits */
export function pickSnapshot(snapshots: Snapshot[], wanted?: string): Snapshot | undefined {
  if (!wanted || wanted === 'latest') return snapshots[snapshots.length - 1];
  if (wanted.length < 4) return undefined;
  const hits = snapshots.filter((s) => s.id.startsWith(wanted));
  return hits.length === 1 ? hits[0] : undefined;
}

/** a snapshot's archive path → the path in a download (volume files under the volume's name), or undefined to leave it out */
export function downloadPath(archivePath: string, stack: string): string | undefined {
  const p = archivePath.replace(/^\.?\/+/, '');
  const vol = new RegExp(`^var/lib/docker/volumes/${escapeRe(stack)}_([^/]+)/_data(/.*)?$`).exec(p);
  if (vol) return `${vol[1]}${vol[2] ?? '/'}`;
  if (p === 'secrets' || p.startsWith('secrets/') || p === 'kite' || p.startsWith('kite/')) return p;
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
