import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { listServers } from '../../operations/server-ls.js';

export async function run(ctx: Context, _options: NoOptions): Promise<void> {
  const rows = await listServers(ctx.dir, (s) => ctx.ports.sshHosts.resolve(s));
  if (ctx.io.json) return ctx.io.jsonData(rows.map(({ name, host, user, port }) => ({ name, host, user, port })));
  if (rows.length === 0) return ctx.io.info(`no servers in ${ctx.dir.serversDir}; add one with \`kite server add <server>\``);
  ctx.io.table(
    ['NAME', 'HOST', 'USER', 'PORT'],
    rows.map((r) => [r.name, r.host, r.user || '-', r.port || '-']),
  );
}
