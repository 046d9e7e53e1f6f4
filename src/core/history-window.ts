// The deploy history kept on the server is bounded: the newest KEEP entries
// stay one config each; older ones are folded into one archive config that
// holds at most ARCHIVE_MAX entries (the oldest beyond that are dropped).
// Folding happens once SLACK entries beyond KEEP have piled up, so most
// deploys add one config and remove none. Pure: which entries go where.

import { byText } from './text-order.js';

export const HISTORY_KEEP = 50;
export const HISTORY_SLACK = 10;
export const ARCHIVE_MAX = 500;

export interface Stored<E> {
  id: string;
  /** one entry, or the archive's entries */
  entries: E[];
  archive: boolean;
}

export interface Compaction<E> {
  /** the new archive's entries, oldest first */
  archive: E[];
  /** configs to remove once the new archive exists */
  remove: string[];
}

/** undefined when nothing needs folding yet */
export function planCompaction<E extends { at: string }>(stored: Stored<E>[], keep = HISTORY_KEEP, slack = HISTORY_SLACK, archiveMax = ARCHIVE_MAX): Compaction<E> | undefined {
  const single = stored.filter((s) => !s.archive).sort((a, b) => byText(a.entries[0].at, b.entries[0].at));
  if (single.length <= keep + slack) return undefined;
  const folded = single.slice(0, single.length - keep);
  const archives = stored.filter((s) => s.archive);
  const entries = dedupe([...archives.flatMap((a) => a.entries), ...folded.flatMap((s) => s.entries)]);
  return { archive: entries.slice(-archiveMax), remove: [...archives, ...folded].map((s) => s.id) };
}

/** entries sorted oldest first, each once (an interrupted compaction may leave one twice) */
export function dedupe<E extends { at: string }>(entries: E[]): E[] {
  const seen = new Set<string>();
  const out: E[] = [];
  for (const e of [...entries].sort((a, b) => byText(a.at, b.at))) {
    const key = JSON.stringify(e);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}
