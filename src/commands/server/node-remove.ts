import type { Context } from '../../cli/context.js';
import { removeNode } from '../../operations/server-nodes.js';
import { renderDrain, requireServer } from './node-common.js';

export async function run(ctx: Context, server: string, node: string, flags: { via?: string; timeout: number }): Promise<void> {
  requireServer(ctx, server);
  const [docker, own] = await Promise.all([ctx.docker(server), flags.via ? ctx.docker(flags.via) : undefined]);
  let removed: string | undefined;
  for await (const e of removeNode({ docker, clock: ctx.ports.clock, node: own }, node, { timeoutMs: flags.timeout * 1000 })) {
    if (e.type === 'left') ctx.io.info(`${e.node} left the swarm`);
    else if (e.type === 'removed') removed = e.node;
    else renderDrain(ctx, e);
  }
  if (ctx.io.json) return ctx.io.jsonData({ node: removed, removed: true });
  ctx.io.info(`${removed} removed from the swarm of ${server}`);
}
