import type { Context } from '../../cli/context.js';
import { drainNode, type DrainEvent } from '../../operations/server-nodes.js';
import { renderDrain, requireServer } from './node-common.js';

export async function run(ctx: Context, server: string, node: string, flags: { timeout: number }): Promise<void> {
  requireServer(ctx, server);
  const docker = await ctx.docker(server);
  let last: DrainEvent | undefined;
  for await (const e of drainNode({ docker, clock: ctx.ports.clock }, node, { timeoutMs: flags.timeout * 1000 })) {
    renderDrain(ctx, e);
    last = e;
  }
  if (ctx.io.json && last?.type === 'moved') ctx.io.jsonData({ node: last.node, availability: 'drain', moves: last.moves });
}
