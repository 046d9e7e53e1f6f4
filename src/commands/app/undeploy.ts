import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { undeploy } from '../../operations/undeploy.js';
import { renderEvent } from '../../cli/render.js';

export async function run(ctx: Context, domain: string, flags: { prune?: boolean } = {}): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  for await (const ev of undeploy(stackName(domain), domain, docker, { prune: flags.prune })) renderEvent(ctx.io, ev);
  if (!ctx.io.json) ctx.io.info(`${domain} undeployed (volumes and secrets kept${flags.prune ? ', configs pruned' : ''})`);
}
