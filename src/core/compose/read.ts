// Typed access to the parsed, interpolated YAML tree of one compose file.
// Every accessor takes the key path so errors name the file and the key
// (`compose.yml (services.app.deploy.replicas): must be an integer`).
// Scalars are converted the way docker/cli converts them (Go's fmt.Sprint
// for numbers that end up in strings).

import { RecipeError } from '../errors.js';

export type Obj = Record<string, unknown>;

/** Sets `target[key]` only when `value` is defined (keeps optional fields absent). */
export function setIfDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A number as Go's fmt.Sprint prints it. yaml.v3 yields int or float64 and
 * floats print in %g style (`1e-05`, `1.2345675e+06`). After parsing we can
 * no longer tell `1000000` from `1000000.0`, so integral values print as
 * integers; only fractional or huge values take Go's exponent form.
 */
export function goNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${exp < 0 ? '-' : '+'}${digits}`;
  }
  return String(n);
}

/** Go's time.ParseDuration grammar (`90s`, `1m30s`, `1.5h`, `0`). */
const DURATION = /^[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

/** docker's units.RAMInBytes: binary multipliers, optional `i`/`b` suffix. */
const RAM = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i;
const RAM_UNITS: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

export class Reader {
  constructor(readonly file: string) {}

  fail(key: string, message: string, hint?: string): never {
    throw new RecipeError(message, this.file, key ? { key } : undefined, hint);
  }

  /** A mapping; null/absent reads as an empty mapping. */
  obj(v: unknown, key: string): Obj {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) this.fail(key, 'must be a mapping');
    return v;
  }

  /** A sequence; null/absent reads as undefined. */
  list(v: unknown, key: string): unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(key, 'must be a list');
    return v;
  }

  /** A string; numbers are accepted and printed as Go would. */
  string(v: unknown, key: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return goNumber(v);
    this.fail(key, 'must be a string');
  }

  int(v: unknown, key: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    this.fail(key, 'must be an integer');
  }

  /** A non-negative integer (Go uint64 fields). */
  uint(v: unknown, key: string): number | undefined {
    const n = this.int(v, key);
    if (n !== undefined && n < 0) this.fail(key, 'must be zero or positive');
    return n;
  }

  number(v: unknown, key: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number') return v;
    this.fail(key, 'must be a number');
  }

  bool(v: unknown, key: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    this.fail(key, 'must be a boolean');
  }

  /** A Go duration string, kept as written (`30s`, `1m`). */
  duration(v: unknown, key: string): string | undefined {
    const s = this.string(v, key);
    if (s === undefined) return undefined;
    if (!DURATION.test(s)) this.fail(key, `invalid duration ${JSON.stringify(s)} (use e.g. 30s, 1m30s, 2h)`);
    return s;
  }

  /** A byte size: a number, or a string like `512M` / `1.5GiB` (binary units). */
  bytes(v: unknown, key: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string') {
      const m = RAM.exec(v);
      const size = m ? Number(m[1]) : NaN;
      if (m && !Number.isNaN(size)) {
        const unit = m[2] ? RAM_UNITS[m[2].toLowerCase()] : 1;
        return Math.trunc(size * unit);
      }
    }
    this.fail(key, `invalid size ${JSON.stringify(v)} (use e.g. 512M, 1G)`);
  }

  /** A list of strings (numbers are stringified). */
  strings(v: unknown, key: string): string[] | undefined {
    const items = this.list(v, key);
    return items?.map((item, i) => this.string(item, `${key}[${i}]`) ?? this.fail(`${key}[${i}]`, 'must be a string'));
  }

  /** docker's StringList: a single string or a list of strings. */
  stringOrList(v: unknown, key: string): string[] | undefined {
    if (typeof v === 'string') return [v];
    return this.strings(v, key);
  }

  /**
   * docker's list_or_dict (environment, labels, sysctls...): either a list of
   * `key<sep>value` strings or a mapping whose values are strings, numbers or
   * null. A list entry without separator maps to null when `allowNull`
   * (environment), else to ''. In a mapping, null becomes '' unless allowNull.
   */
  mapping(v: unknown, key: string, sep: string, allowNull: true): Record<string, string | null>;
  mapping(v: unknown, key: string, sep: string, allowNull: false): Record<string, string>;
  mapping(v: unknown, key: string, sep: string, allowNull: boolean): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    if (v === undefined || v === null) return out;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const entry = this.scalarString(item, `${key}[${i}]`);
        if (entry === null) this.fail(`${key}[${i}]`, 'must be a string');
        const at = entry.indexOf(sep);
        if (at < 0) out[entry] = allowNull ? null : '';
        else out[entry.slice(0, at)] = entry.slice(at + sep.length);
      });
      return out;
    }
    if (!isObj(v)) this.fail(key, 'must be a mapping or a list');
    for (const [k, item] of Object.entries(v)) {
      const value = this.scalarString(item, `${key}.${k}`);
      out[k] = value === null && !allowNull ? '' : value;
    }
    return out;
  }

  /** string | number | null, as docker's schema allows in list_or_dict values. */
  private scalarString(v: unknown, key: string): string | null {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return goNumber(v);
    this.fail(key, 'must be a string, number or null');
  }

  /** Reports keys of `o` not in `known` (and not `x-*`) to `unknown`. */
  checkKeys(o: Obj, known: ReadonlySet<string>, key: string, unknown: (path: string) => void): void {
    for (const k of Object.keys(o)) {
      if (!known.has(k) && !k.startsWith('x-')) unknown(key ? `${key}.${k}` : k);
    }
  }
}
