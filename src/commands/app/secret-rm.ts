import type { Context } from '../../cli/context.js';
import { loadApp } from '../../operations/load-app.js';
import { removeSecrets } from '../../operations/secret-manage.js';
import { withAppLock, type LockFlags } from './app-lock.js';

export async function run(ctx: Context, domain: string, name: string | undefined, flags: { all?: boolean } & LockFlags): Promise<void> {
  const app = loadApp(ctx.dir, domain);
  const removed = await withAppLock(ctx, app, 'secret rm', flags, (docker) => removeSecrets(app, docker, { name, all: flags.all }));
  if (ctx.io.json) return ctx.io.jsonData(removed);
  if (removed.length === 0) return ctx.io.info(`no secrets of ${domain} exist on ${app.server}`);
  for (const r of removed) ctx.io.info(`removed secret ${r.remoteName}`);
}
