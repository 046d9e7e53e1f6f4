import type { Context } from '../../cli/context.js';
import { UsageError } from '../../core/errors.js';
import { addServer } from '../../operations/server-add.js';

export async function run(ctx: Context, name: string | undefined, opts: { local?: boolean }): Promise<void> {
  const server = opts.local ? 'default' : name;
  if (!server) throw new UsageError('name a server (an SSH host or ~/.ssh/config alias), or pass --local');
  if (opts.local && name) throw new UsageError('--local takes no server name (the local server is "default")');
  const added = await addServer(ctx.dir, server, ctx.docker);
  if (ctx.io.json) return ctx.io.jsonData(added);
  ctx.io.info(`server ${added.name} added (Docker ${added.dockerVersion}, API ${added.apiVersion}, swarm manager ${added.node})`);
}
