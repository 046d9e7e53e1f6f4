// Would updating a service with `sent` change anything? Swarm stores a spec
// with its own defaults filled in (Runtime "container", Isolation "default",
// an update FailureAction "pause", null Privileges fields, zero counters) and
// network names resolved to IDs. `sent` matches `stored` when every field
// it sets is equal there, and every field it leaves out is absent or one of
// those defaults there. Anything else counts as a change: a wrong "changed"
// costs an update call that restarts nothing, a wrong "unchanged" would
// leave an operator's change undeployed, so doubt means changed.

import type { ServiceSpec } from './convert/swarm-types.js';

/** string values Swarm fills in for fields left out, by field name */
const STRING_DEFAULTS: Record<string, string> = {
  Isolation: 'default',
  Runtime: 'container',
  FailureAction: 'pause',
  Order: 'stop-first',
  Mode: 'vip',
};

export function sameServiceSpec(sent: ServiceSpec, stored: ServiceSpec): boolean {
  return same(sent, stored, '');
}

function same(a: unknown, b: unknown, key: string): boolean {
  if (a === undefined) return isDefault(b, key);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i], key));
  if (a !== null && typeof a === 'object') {
    if (b === null || b === undefined) return isDefault(a, key);
    if (typeof b !== 'object' || Array.isArray(b)) return false;
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].every((k) => same(x[k], y[k], k));
  }
  if (b === undefined || b === null) return isDefault(a, key);
  return a === b;
}

/** null, zero, false, "", {}, [] (recursively), or the default Swarm fills in for this field */
function isDefault(v: unknown, key: string): boolean {
  if (v === undefined || v === null || v === 0 || v === false || v === '') return true;
  if (typeof v === 'string') return STRING_DEFAULTS[key] === v;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).every(([k, x]) => isDefault(x, k));
  return false;
}
