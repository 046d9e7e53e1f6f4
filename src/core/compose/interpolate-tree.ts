// Interpolates every string value (never a key) of a parsed compose file, then
// casts the fields docker/cli knows to be numbers or booleans back from the
// strings interpolation produced (cli/compose/loader/interpolate.go), so that
// `replicas: ${REPLICAS:-1}` ends up as the number 1.
//
// Difference from docker: docker casts only strings that interpolation
// changed, and rejects e.g. `replicas: "2"` as "must be a integer"; we also
// cast unchanged strings, which accepts that spelling.

import { RecipeError } from '../errors.js';
import { interpolate, type Lookup } from '../interpolate.js';
import { isObj } from './read.js';

type Segment = string | number;
type Cast = (value: string) => number | boolean;

const ANY = '*';
const ITEM = '[]';

const toInt: Cast = (s) => {
  if (!/^[-+]?\d+$/.test(s)) throw new Error(`parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
};
const toFloat: Cast = (s) => {
  const n = Number(s.trim() === '' ? NaN : s);
  if (Number.isNaN(n)) throw new Error(`parsing ${JSON.stringify(s)}: invalid syntax`);
  return n;
};
const toBool: Cast = (s) => {
  switch (s.toLowerCase()) {
    case 'y': case 'yes': case 'true': case 'on':
      return true;
    case 'n': case 'no': case 'false': case 'off':
      return false;
    default:
      throw new Error(`invalid boolean: ${s}`);
  }
};

const service = (...rest: string[]) => ['services', ANY, ...rest];

/** docker/cli's interpolateTypeCastMapping. */
const CASTS: [string[], Cast][] = [
  [service('configs', ITEM, 'mode'), toInt],
  [service('secrets', ITEM, 'mode'), toInt],
  [service('healthcheck', 'retries'), toInt],
  [service('healthcheck', 'disable'), toBool],
  [service('deploy', 'replicas'), toInt],
  [service('deploy', 'update_config', 'parallelism'), toInt],
  [service('deploy', 'update_config', 'max_failure_ratio'), toFloat],
  [service('deploy', 'rollback_config', 'parallelism'), toInt],
  [service('deploy', 'rollback_config', 'max_failure_ratio'), toFloat],
  [service('deploy', 'restart_policy', 'max_attempts'), toInt],
  [service('deploy', 'placement', 'max_replicas_per_node'), toInt],
  [service('ports', ITEM, 'target'), toInt],
  [service('ports', ITEM, 'published'), toInt],
  [service('ulimits', ANY), toInt],
  [service('ulimits', ANY, 'hard'), toInt],
  [service('ulimits', ANY, 'soft'), toInt],
  [service('privileged'), toBool],
  [service('read_only'), toBool],
  [service('stdin_open'), toBool],
  [service('tty'), toBool],
  [service('init'), toBool],
  [service('volumes', ITEM, 'read_only'), toBool],
  [service('volumes', ITEM, 'volume', 'nocopy'), toBool],
  [['networks', ANY, 'external'], toBool],
  [['networks', ANY, 'internal'], toBool],
  [['networks', ANY, 'attachable'], toBool],
  [['volumes', ANY, 'external'], toBool],
  [['secrets', ANY, 'external'], toBool],
  [['configs', ANY, 'external'], toBool],
];

/** `services.app.environment[0]` */
export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

function matches(pattern: readonly string[], path: readonly Segment[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((p, i) => {
    const seg = path[i];
    if (p === ITEM) return typeof seg === 'number';
    if (p === ANY) return typeof seg === 'string';
    return p === seg;
  });
}

export function interpolateTree(value: unknown, lookup: Lookup, file: string, path: Segment[] = []): unknown {
  if (typeof value === 'string') {
    const key = formatPath(path);
    const result = interpolate(value, lookup, { file, key });
    const cast = CASTS.find(([pattern]) => matches(pattern, path))?.[1];
    if (!cast) return result;
    try {
      return cast(result);
    } catch (e) {
      throw new RecipeError(
        `failed to cast to expected type: ${(e as Error).message}`,
        file,
        { key },
      );
    }
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => interpolateTree(item, lookup, file, [...path, i]));
  }
  if (isObj(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateTree(v, lookup, file, [...path, k]);
    return out;
  }
  return value;
}
