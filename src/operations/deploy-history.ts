// The history of deploys, kept on the server: one immutable Swarm config per
// entry (configs cannot be edited, only added or removed), named
// kh-<stack>-<time> and labelled kite.history=<stack>. It is bounded: older
// entries are folded into one archive config (src/core/history-window.ts),
// written before the entries it replaces are removed, so an interrupted
// compaction never loses one.

import type { DockerPort, SwarmObject } from '../ports/docker.js';
import type { ConfigSpec } from '../core/convert/swarm-types.js';
import { dedupe, planCompaction, type Stored } from '../core/history-window.js';
import type { Host } from '../ports/host.js';

export const HISTORY_LABEL = 'kite.history';
const ARCHIVE_LABEL = `${HISTORY_LABEL}.archive`;

export interface HistoryEntry {
  at: string;
  who: string;
  action: string;
  from?: string;
  to?: string;
  result: 'success' | 'unchanged' | 'submitted' | 'failed' | 'rolled back' | 'interrupted';
  message?: string;
  /** a failed version change rolled back with the volumes restored from this snapshot */
  dataRestoredFrom?: string;
  /** the front end it was made from, when not the CLI */
  via?: 'web';
}

/** Adds an entry, then folds old ones when due; returns warnings (a failed fold is retried next time). */
export async function appendHistory(ports: { host: Pick<Host, 'operator'> }, docker: DockerPort, stack: string, entry: Omit<HistoryEntry, 'at' | 'who'>): Promise<string[]> {
  const at = new Date().toISOString();
  const full: HistoryEntry = { at, who: ports.host.operator(), ...entry };
  await createEntry(docker, stack, [full], false);
  try {
    await compact(docker, stack);
    return [];
  } catch (e) {
    return [`could not fold old deploy history entries of ${stack} (tried again on the next deploy): ${(e as Error).message}`];
  }
}

export async function readHistory(docker: DockerPort, stack: string): Promise<HistoryEntry[]> {
  return dedupe((await readStored(docker, stack)).flatMap((s) => s.entries));
}

async function compact(docker: DockerPort, stack: string): Promise<void> {
  const plan = planCompaction(await readStored(docker, stack));
  if (!plan) return;
  await createEntry(docker, stack, plan.archive, true);
  for (const id of plan.remove) await docker.removeConfig(id);
}

async function createEntry(docker: DockerPort, stack: string, entries: HistoryEntry[], archive: boolean): Promise<void> {
  const suffix = Date.now().toString(36) + Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, '0');
  const last = entries[entries.length - 1];
  await docker.createConfig({
    Name: `kh-${stack}-${archive ? 'a' : ''}${suffix}`,
    Labels: { [HISTORY_LABEL]: stack, [`${HISTORY_LABEL}.at`]: last.at, ...(archive ? { [ARCHIVE_LABEL]: 'true' } : {}) },
    Data: Buffer.from(JSON.stringify(archive ? entries : last)).toString('base64'),
  });
}

async function readStored(docker: DockerPort, stack: string): Promise<Stored<HistoryEntry>[]> {
  const configs = await docker.listConfigs({ label: [`${HISTORY_LABEL}=${stack}`] });
  return configs.map(parseStored).filter((s): s is Stored<HistoryEntry> => s !== undefined && s.entries.length > 0);
}

function parseStored(c: SwarmObject<ConfigSpec>): Stored<HistoryEntry> | undefined {
  const archive = c.Spec.Labels?.[ARCHIVE_LABEL] === 'true';
  try {
    const data = JSON.parse(Buffer.from(c.Spec.Data ?? '', 'base64').toString('utf8')) as HistoryEntry | HistoryEntry[];
    const entries = Array.isArray(data) ? data : [data];
    return { id: c.ID, archive, entries: entries.filter((e) => e && typeof e.at === 'string') };
  } catch {
    return undefined;
  }
}
