import type { Context } from '../../cli/context.js';
import { appRestore } from '../../operations/backup-restore.js';
import { withBackupLock } from './backup-common.js';
import type { LockFlags } from './app-lock.js';

export interface Flags extends LockFlags {
  server?: string;
  from?: string;
  snapshot?: string;
  volumes?: string;
  hooks?: boolean;
  timeout?: number;
}

/** `app restore <domain>`: in place, from a snapshot of the app's server repository */
export async function run(ctx: Context, domain: string, flags: Flags): Promise<void> {
  // --server / --from: an app from a snapshot alone (disaster recovery, a clone)
  if (flags.server || flags.from) return (await import('./restore-recover.js')).run(ctx, domain, flags);
  const ref = ctx.dir.findApp(domain);
  const volumes = flags.volumes?.split(',').map((v) => v.trim()).filter(Boolean);
  const r = await withBackupLock(ctx, ref, 'restore', flags, (docker, opts) =>
    appRestore(ctx.ports, docker, { ref, snapshot: flags.snapshot, volumes, noHooks: flags.hooks === false, timeoutSeconds: flags.timeout }, opts),
  );
  if (ctx.io.json) return ctx.io.jsonData({ id: r.snapshot.id, volumes: r.volumes, services: r.services });
  ctx.io.info(ctx.io.paint('green', `restored ${r.volumes.join(', ')} of ${domain} from snapshot ${r.snapshot.shortId} (${r.snapshot.time}); ${r.services.join(', ') || 'no service'} running again`));
}
