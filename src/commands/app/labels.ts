import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { stackName } from '../../core/stack-name.js';
import { appLabels } from '../../operations/app-services.js';

export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const l = await appLabels(domain, stackName(domain), docker);
  if (ctx.io.json) return ctx.io.jsonData(l);
  ctx.io.table(
    ['LABEL', 'VALUE', 'ON'],
    [
      ...Object.entries(l.serviceLabels).map(([k, v]) => [k, v, 'service']),
      ...Object.entries(l.containerLabels).map(([k, v]) => [k, v, 'container']),
    ],
  );
}
