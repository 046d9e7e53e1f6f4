// `server prune --filter`: docker system prune's filters (`label=k=v`,
// `label!=k`, `until=24h`), and which of them each prune endpoint accepts.
// Volumes know no `until`; the build cache knows no labels, so a label
// filter leaves it alone rather than pruning it all.

import { UsageError } from './errors.js';
import type { PruneKind } from './engine-types.js';

export type PruneFilters = Record<string, string[]>;

const KEYS = ['label', 'label!', 'until'];

export function parsePruneFilters(specs: string[]): PruneFilters {
  const out: PruneFilters = {};
  for (const spec of specs) {
    const m = /^(label!?|until)=(.+)$/.exec(spec.trim());
    if (!m) throw new UsageError(`--filter ${spec}: expected one of ${KEYS.map((k) => `${k}=…`).join(', ')}`, 'e.g. --filter label=com.example.temp=1 or --filter until=24h');
    (out[m[1]] ??= []).push(m[2]);
  }
  return out;
}

/** The filters one endpoint gets, or `undefined` when it cannot honour them (skip it). */
export function filtersFor(kind: PruneKind, filters: PruneFilters): PruneFilters | undefined {
  const hasLabels = Boolean(filters.label || filters['label!']);
  const pick = (keys: string[]) => Object.fromEntries(Object.entries(filters).filter(([k]) => keys.includes(k)));
  switch (kind) {
    case 'containers':
    case 'networks':
    case 'images':
      return pick(KEYS);
    case 'volumes':
      return filters.until ? undefined : pick(['label', 'label!']);
    case 'build':
      return hasLabels ? undefined : pick(['until']);
  }
}
