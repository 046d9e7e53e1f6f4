import type { Context } from '../../cli/context.js';
import { joinNode } from '../../operations/server-nodes.js';
import { requireServer } from './node-common.js';

export async function run(ctx: Context, server: string, sshHost: string, flags: { manager?: boolean; advertiseAddr?: string; timeout: number }): Promise<void> {
  requireServer(ctx, server);
  const [manager, joiner] = await Promise.all([ctx.docker(server), ctx.docker(sshHost)]);
  const r = await joinNode({ manager, joiner, clock: ctx.ports.clock }, { manager: flags.manager, advertiseAddr: flags.advertiseAddr, timeoutMs: flags.timeout * 1000 });
  if (ctx.io.json) return ctx.io.jsonData(r);
  ctx.io.info(`${sshHost} joined the swarm of ${server} as ${r.role} node ${r.node} (manager ${r.managerAddr})`);
  for (const p of r.pinned) ctx.io.info(`  ${p.service}: pinned to ${p.node}, which holds its volumes (so Swarm does not start it on another node with empty ones)`);
}
