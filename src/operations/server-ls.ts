// `server ls`: the directories under servers/, with where each name really
// points (HOST/USER/PORT as ssh resolves them; `default` is the local daemon).

import type { AppStore } from '../ports/app-store.js';
import { targetFromName, type SshTarget } from '../core/ssh-config.js';

export const LOCAL_SERVER = 'default';

export interface ServerRow {
  name: string;
  host: string;
  user: string;
  port: string;
  /** apps (env files) in servers/<name>/ */
  apps: number;
}

export type ResolveTarget = (server: string) => Promise<Partial<SshTarget> | undefined>;

export async function listServers(dir: AppStore, resolve: ResolveTarget): Promise<ServerRow[]> {
  const names = dir.listServers();
  return Promise.all(
    names.map(async (name) => {
      const apps = dir.listApps(name).length;
      if (name === LOCAL_SERVER) return { name, host: 'local', user: '', port: '', apps };
      // ssh's answer wins; when ssh cannot say, the name itself is the target
      const t = { ...targetFromName(name), ...((await resolve(name)) ?? {}) };
      return { name, host: t.host ?? name, user: t.user ?? '', port: t.port ?? '', apps };
    }),
  );
}
