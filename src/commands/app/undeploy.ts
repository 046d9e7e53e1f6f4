import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { undeploy } from '../../operations/undeploy.js';
import { renderEvent } from '../../cli/render.js';
import { withAppLock, type LockFlags } from './app-lock.js';

export async function run(ctx: Context, domain: string, flags: { prune?: boolean } & LockFlags = {}): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  await withAppLock(ctx, ref, 'undeploy', flags, async (docker) => {
    for await (const ev of undeploy(stackName(domain), domain, docker, { prune: flags.prune })) renderEvent(ctx.io, ev);
  });
  if (!ctx.io.json) ctx.io.info(`${domain} undeployed (volumes and secrets kept${flags.prune ? ', configs pruned' : ''})`);
}
