import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { activateNode } from '../../operations/server-nodes.js';
import { requireServer } from './node-common.js';

export async function run(ctx: Context, server: string, node: string, _options: NoOptions): Promise<void> {
  requireServer(ctx, server);
  const r = await activateNode(await ctx.docker(server), node);
  if (ctx.io.json) return ctx.io.jsonData({ node: r.node, availability: 'active', changed: r.changed });
  ctx.io.info(r.changed ? `${r.node} is active: the swarm schedules tasks on it again (running tasks are not moved back by themselves)` : `${r.node} was already active`);
}
