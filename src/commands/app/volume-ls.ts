import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { stackName } from '../../core/stack-name.js';
import { appVolumes } from '../../operations/app-volumes.js';
import { volumesOnOtherNodes } from '../../operations/pins.js';

export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const [rows, others] = await Promise.all([appVolumes(docker, stackName(domain)), volumesOnOtherNodes(docker, stackName(domain))]);
  // several nodes: the manager's Engine API lists its own node's volumes only
  if (others) {
    ctx.io.warn(`${ref.server} lists the volumes of its own node (${others.manager}) only`);
    for (const e of others.elsewhere) ctx.io.warn(`${e.service} keeps its volumes on ${e.node} (pinned there)`);
  }
  if (ctx.io.json) return ctx.io.jsonData(rows);
  if (rows.length === 0) return ctx.io.info(`${domain} has no volumes on ${ref.server}`);
  ctx.io.table(['VOLUME', 'DRIVER', 'CREATED'], rows.map((r) => [r.name, r.driver, r.createdAt ?? '']));
}
