// Go-style durations (`1m30s`, `500ms`, `1.5h`), as compose files carry them
// and as docker/cli reads them with Go's time.ParseDuration. The Engine API
// wants nanoseconds, so that is what we return.

import { RecipeError } from './errors.js';

const NANOS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

// One `<number><unit>` component; Go allows `1.`, `.5` but not a lone `.`.
const COMPONENT = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/;

/**
 * Parses a Go duration string into nanoseconds.
 * `key` is the compose path (e.g. `services.app.healthcheck.interval`); the
 * RecipeError names it, so the operator knows which line to fix.
 */
export function parseDuration(input: string, key: string): number {
  const fail: (why: string) => never = (why) => {
    throw new RecipeError(
      `invalid duration "${input}": ${why} (Go syntax, e.g. 10s, 500ms, 1m30s, 1h)`,
      undefined,
      { key },
    );
  };

  let rest = input;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  // Go accepts a bare "0" (and only that) without a unit.
  if (rest === '0') return 0;
  if (rest === '') fail('empty value');

  let total = 0n;
  while (rest !== '') {
    const m = COMPONENT.exec(rest);
    if (!m) return fail('expected a number followed by a unit');
    const whole = m[0];
    const intDigits = m[1];
    const fracDigits: string | undefined = m[2];
    const unit = m[3];
    if (intDigits === '' && !fracDigits) fail('expected a number before the unit');
    const perUnit = NANOS_PER_UNIT[unit];
    if (perUnit === undefined) fail(`unknown unit "${unit}" (use ns, us, ms, s, m or h)`);
    total += BigInt(intDigits || '0') * perUnit;
    if (fracDigits) {
      // Truncates sub-nanosecond precision, as Go does.
      total += (BigInt(fracDigits) * perUnit) / 10n ** BigInt(fracDigits.length);
    }
    rest = rest.slice(whole.length);
  }

  if (total > BigInt(Number.MAX_SAFE_INTEGER)) fail('value is too large');
  const nanos = Number(total);
  return negative && nanos !== 0 ? -nanos : nanos;
}
