import type { Context } from '../../cli/context.js';
import { backupCreate } from '../../operations/backup-create.js';
import { formatBytes } from '../../core/bytes.js';
import { withBackupLock } from './backup-common.js';
import type { LockFlags } from './app-lock.js';

/** `app backup create <domain> [-s service]`: prints the snapshot id on stdout */
export async function run(ctx: Context, domain: string, flags: { service?: string } & LockFlags): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const made = await withBackupLock(ctx, ref, 'backup create', flags, (docker, opts) => backupCreate(ctx.ports, docker, { ref, service: flags.service }, opts));
  if (ctx.io.json) return ctx.io.jsonData(made);
  ctx.io.info(ctx.io.paint('green', `backed up ${domain} (${made.volumes.join(', ')}${made.size !== undefined ? `, ${formatBytes(made.size)}` : ''}), verified`));
  ctx.io.data(made.shortId);
}
