import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { backupList } from '../../operations/backup-list.js';
import { formatBytes } from '../../core/bytes.js';
import { renderBackupEvent } from './backup-common.js';

/** `app backup ls <domain>`: the app's snapshots, oldest first */
export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const rows = await backupList(ctx.ports, docker, ref, { onEvent: (e) => renderBackupEvent(ctx, e) });
  if (ctx.io.json) return ctx.io.jsonData(rows);
  if (rows.length === 0) return ctx.io.info(`${domain} has no backups on ${ref.server}`);
  ctx.io.table(
    ['ID', 'TIME', 'VERSION', 'SERVICES', 'VOLUMES', 'SIZE'],
    rows.map((r) => [r.shortId, r.time.replace(/\.\d+/, ''), r.version ?? '', r.services.join(','), r.volumes.join(','), r.size !== undefined ? formatBytes(r.size) : '']),
  );
}
