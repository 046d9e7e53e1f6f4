import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { stackName } from '../../core/stack-name.js';
import { appServices } from '../../operations/app-services.js';

export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const rows = await appServices(domain, stackName(domain), docker);
  if (ctx.io.json) return ctx.io.jsonData(rows);
  ctx.io.table(
    ['SERVICE', 'IMAGE', 'MODE', 'REPLICAS', 'PORTS'],
    rows.map((r) => [r.name, r.image, r.mode, `${r.running}/${r.desired}`, r.ports.join(', ')]),
  );
}
