import type { Context } from '../../cli/context.js';
import { backupForget } from '../../operations/backup-list.js';
import { withBackupLock } from './backup-common.js';
import type { LockFlags } from './app-lock.js';

/** `app backup forget <domain> --keep-last N`: only this app's snapshots; the repository is pruned */
export async function run(ctx: Context, domain: string, flags: { keepLast: number } & LockFlags): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const r = await withBackupLock(ctx, ref, 'backup forget', flags, (docker, opts) => backupForget(ctx.ports, docker, ref, flags.keepLast, opts));
  if (ctx.io.json) return ctx.io.jsonData({ kept: r.kept.map((s) => s.id), removed: r.removed.map((s) => s.id) });
  if (r.removed.length === 0) return ctx.io.info(`${domain} has ${r.kept.length} snapshot${r.kept.length === 1 ? '' : 's'}: nothing to forget`);
  for (const s of r.removed) ctx.io.data(s.shortId);
  ctx.io.info(`forgot ${r.removed.length} snapshot${r.removed.length === 1 ? '' : 's'} of ${domain}, kept ${r.kept.length}`);
}
