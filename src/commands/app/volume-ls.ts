import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { stackName } from '../../core/stack-name.js';
import { appVolumes } from '../../operations/app-volumes.js';

export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const rows = await appVolumes(docker, stackName(domain));
  if (ctx.io.json) return ctx.io.jsonData(rows);
  if (rows.length === 0) return ctx.io.info(`${domain} has no volumes on ${ref.server}`);
  ctx.io.table(['VOLUME', 'DRIVER', 'CREATED'], rows.map((r) => [r.name, r.driver, r.createdAt ?? '']));
}
