import type { Context } from '../../cli/context.js';
import { appRestore } from '../../operations/backup-restore.js';
import { withBackupLock } from './backup-common.js';
import type { LockFlags } from './app-lock.js';

interface Flags extends LockFlags {
  snapshot?: string;
  volumes?: string;
  hooks?: boolean;
  timeout?: number;
}

/** `app restore <domain>`: in place, from a snapshot of the app's server repository */
export async function run(ctx: Context, domain: string, flags: Flags): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const volumes = flags.volumes?.split(',').map((v) => v.trim()).filter(Boolean);
  const r = await withBackupLock(ctx, ref, 'restore', flags, (docker, opts) =>
    appRestore(ctx.ports, docker, { ref, snapshot: flags.snapshot, volumes, noHooks: flags.hooks === false, timeoutSeconds: flags.timeout }, opts),
  );
  if (ctx.io.json) return ctx.io.jsonData({ id: r.snapshot.id, volumes: r.volumes, services: r.services });
  ctx.io.info(ctx.io.paint('green', `restored ${r.volumes.join(', ')} of ${domain} from snapshot ${r.snapshot.shortId} (${r.snapshot.time}); ${r.services.join(', ') || 'no service'} running again`));
}
