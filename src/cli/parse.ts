// The parsers of kite's numeric options, applied by commander as it reads the
// command line: a bad value is a usage error (exit 2) naming the flag, e.g.
//   error: option '--lock-wait <seconds>' argument 'abc' is invalid. expected a number of seconds …
// before any command code runs. Number() alone would turn `abc` into NaN (a
// wait that never ends), `-1` into a negative timeout and `1e999` into Infinity.

import { InvalidArgumentError } from '@commander-js/extra-typings';
import { parseTail } from '../core/log-options.js';
import { KiteError } from '../core/errors.js';

/** the longest delay setTimeout honours (2^31-1 ms); a longer one fires at once */
export const MAX_SECONDS = 2_147_483;

/**
 * A number of seconds: digits with an optional fraction (`30`, `2.5`), at
 * least 1 unless `zero` allows 0 (e.g. `--lock-wait 0`: do not wait).
 */
export function seconds(opts: { zero?: boolean } = {}): (value: string) => number {
  const min = opts.zero ? 0 : 1;
  return (value: string) => {
    const v = value.trim();
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`expected a number of seconds, such as 30${opts.zero ? ' (0: do not wait)' : ''}.`);
    }
    if (n < min) throw new InvalidArgumentError(`expected at least ${min} second.`);
    if (n > MAX_SECONDS) throw new InvalidArgumentError(`expected at most ${MAX_SECONDS} seconds (24 days).`);
    return n;
  };
}

/** `--tail`: a count of lines, or `all` (src/core/log-options.ts) */
export function tailLines(value: string): number | 'all' {
  try {
    return parseTail(value);
  } catch (e) {
    if (e instanceof KiteError) throw new InvalidArgumentError('expected a count of lines, such as 50, or all.');
    throw e;
  }
}

/** `recipe ls --status`: a score 0–5, handed on as the text it was written as */
export function score(value: string): number {
  const v = value.trim();
  if (!/^[0-5]$/.test(v)) throw new InvalidArgumentError('expected a status score from 0 to 5.');
  return Number(v);
}
