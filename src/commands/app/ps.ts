import type { Context } from '../../cli/context.js';
import type { IO } from '../../cli/io.js';
import { stackName } from '../../core/stack-name.js';
import { appStatus, watchAppStatus, type ServiceStatusRow } from '../../operations/app-ps.js';

const WATCH_INTERVAL_MS = 2000;

export async function run(ctx: Context, domain: string, opts: { watch?: boolean } = {}): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const stack = stackName(domain);
  if (!opts.watch) return show(ctx.io, domain, await appStatus(stack, docker));

  // --watch: on a terminal, redraw every interval; otherwise print a new
  // snapshot each time something changed. Ctrl-C (SIGINT) ends it normally.
  const redraw = Boolean(process.stdout.isTTY) && !ctx.io.json;
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.on('SIGINT', onSigint);
  try {
    let first = true;
    for await (const rows of watchAppStatus(stack, docker, { intervalMs: WATCH_INTERVAL_MS, onlyChanges: !redraw, signal: stop.signal })) {
      if (redraw) {
        process.stdout.write('\x1b[H\x1b[2J');
        ctx.io.data(`every ${WATCH_INTERVAL_MS / 1000}s: kite app ps ${domain}   ${new Date().toLocaleTimeString()}   (Ctrl-C to stop)\n`);
      } else if (!first && !ctx.io.json) ctx.io.data('');
      show(ctx.io, domain, rows);
      first = false;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function show(io: IO, domain: string, rows: ServiceStatusRow[]): void {
  if (io.json) return io.jsonData(rows);
  if (rows.length === 0) return io.info(`${domain} is not deployed`);
  // on a swarm of several nodes: the node of every task, and what a lost node means
  const multi = rows.some((r) => r.nodes);
  io.table(
    ['SERVICE', 'IMAGE', 'MODE', 'REPLICAS', 'STATE', ...(multi ? ['NODE'] : []), 'PORTS'],
    rows.map((r) => [r.service, r.image, r.mode, `${r.running}/${r.desired}`, r.state, ...(multi ? [r.nodes?.join(', ') || '-'] : []), r.ports.join(', ')]),
  );
  for (const r of rows) if (r.nodeLoss && r.nodeLoss.kind !== 'waiting') io.warn(`${r.service}: ${r.nodeLoss.text}`);
}
