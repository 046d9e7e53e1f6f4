// `app logs` options as the operator writes them, turned into what the
// Engine API's /services/{id}/logs wants:
//   --since  a Go duration back from now (`10m`, `1h30m`), a UNIX timestamp
//            (`1732880000`, `1732880000.5`) or a date (`2024-11-29`,
//            `2024-11-29T10:00:00Z`) → UNIX seconds as a string
//   --tail   a count of lines per service, or `all`

import { parseDuration } from './duration.js';
import { KiteError, UsageError } from './errors.js';

export function parseSince(input: string, now: number = Date.now()): string {
  const s = input.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return s;
  if (/^[0-9.]+[a-zµμ]/.test(s)) {
    try {
      const ns = parseDuration(s, '--since');
      if (ns < 0) throw new UsageError(`--since ${input}: a duration must be positive`);
      return secondsString(now - ns / 1e6);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (!(e instanceof KiteError)) throw e;
      throw new UsageError(`--since ${input}: ${e.message.replace(/^--since: /, '')}`, 'give a duration such as 10m or 1h30m, a UNIX timestamp or a date such as 2024-11-29T10:00:00Z');
    }
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return secondsString(ms);
  }
  throw new UsageError(`--since ${input}: not a duration, timestamp or date`, 'give a duration such as 10m or 1h30m, a UNIX timestamp or a date such as 2024-11-29T10:00:00Z');
}

function secondsString(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = Math.round(ms - whole * 1000);
  return frac ? `${whole}.${String(frac).padStart(3, '0')}` : String(whole);
}

export function parseTail(input: string): number | 'all' {
  const s = input.trim();
  if (s === 'all') return 'all';
  if (!/^\d+$/.test(s)) throw new UsageError(`--tail ${input}: not a number of lines`, 'give a count such as 50, or all');
  return Number(s);
}

/** A log line that starts with the RFC 3339 timestamp Docker adds with timestamps=1. */
export function splitTimestamp(line: string): { time: string; text: string } {
  const sp = line.indexOf(' ');
  if (sp > 0 && /^\d{4}-\d{2}-\d{2}T/.test(line)) return { time: line.slice(0, sp), text: line.slice(sp + 1) };
  return { time: '', text: line };
}

/**
 * Orders lines from several services by their timestamps. RFC 3339 times
 * with nanoseconds sort as text only when they have the same length, so the
 * fraction is padded first. Lines without a time keep their place at the start.
 */
export function byTime(a: { time: string }, b: { time: string }): number {
  const ka = sortKey(a.time);
  const kb = sortKey(b.time);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function sortKey(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/.exec(t);
  if (!m) return t;
  if (m[3] && m[3] !== 'Z') {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString().slice(0, 19) + '.' + (m[2] ?? '').padEnd(9, '0');
  }
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`;
}
