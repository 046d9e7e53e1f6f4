import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { formatBytes } from '../../core/bytes.js';
import { formatLabels } from '../../core/nodes.js';
import { listNodes } from '../../operations/server-nodes.js';
import { requireServer } from './node-common.js';

export async function run(ctx: Context, server: string, _options: NoOptions): Promise<void> {
  requireServer(ctx, server);
  const rows = await listNodes(await ctx.docker(server));
  if (ctx.io.json) return ctx.io.jsonData(rows);
  ctx.io.table(
    ['HOSTNAME', 'ROLE', 'MANAGER', 'AVAILABILITY', 'STATE', 'LABELS', 'ENGINE', 'ADDRESS', 'TASKS', 'CPU', 'MEMORY'],
    rows.map((r) => [r.hostname, r.role, r.managerStatus || '-', r.availability, r.state, formatLabels(r.labels) || '-', r.engineVersion, r.address, String(r.tasks), r.cpus ? String(r.cpus) : '-', r.memoryBytes ? formatBytes(r.memoryBytes) : '-']),
  );
}
