import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { appStatus } from '../../operations/app-ps.js';

export async function run(ctx: Context, domain: string): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const rows = await appStatus(stackName(domain), docker);
  if (ctx.io.json) return ctx.io.jsonData(rows);
  if (rows.length === 0) return ctx.io.info(`${domain} is not deployed`);
  ctx.io.table(
    ['SERVICE', 'IMAGE', 'MODE', 'REPLICAS', 'STATE', 'PORTS'],
    rows.map((r) => [r.service, r.image, r.mode, `${r.running}/${r.desired}`, r.state, r.ports.join(', ')]),
  );
}
