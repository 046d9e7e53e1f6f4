// An append-only history of deploys, kept on the server: one immutable Swarm
// config per entry (configs cannot be edited, only added or removed), named
// kh-<stack>-<time> and labelled kite.history=<stack>.

import type { DockerPort } from '../ports/docker.js';
import { whoAmI } from './deploy-lock.js';

export const HISTORY_LABEL = 'kite.history';

export interface HistoryEntry {
  at: string;
  who: string;
  action: string;
  from?: string;
  to?: string;
  result: 'success' | 'failed' | 'rolled back' | 'interrupted';
  message?: string;
}

export async function appendHistory(docker: DockerPort, stack: string, entry: Omit<HistoryEntry, 'at' | 'who'>): Promise<void> {
  const at = new Date().toISOString();
  const full: HistoryEntry = { at, who: whoAmI(), ...entry };
  const suffix = Date.now().toString(36) + Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, '0');
  await docker.createConfig({
    Name: `kh-${stack}-${suffix}`,
    Labels: { [HISTORY_LABEL]: stack, [`${HISTORY_LABEL}.at`]: at },
    Data: Buffer.from(JSON.stringify(full)).toString('base64'),
  });
}

export async function readHistory(docker: DockerPort, stack: string): Promise<HistoryEntry[]> {
  const configs = await docker.listConfigs({ label: [`${HISTORY_LABEL}=${stack}`] });
  return configs
    .map((c) => {
      try {
        return JSON.parse(Buffer.from(c.Spec.Data ?? '', 'base64').toString('utf8')) as HistoryEntry;
      } catch {
        return undefined;
      }
    })
    .filter((e): e is HistoryEntry => Boolean(e))
    .sort((a, b) => a.at.localeCompare(b.at));
}
