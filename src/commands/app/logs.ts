import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { parseSince, parseTail } from '../../core/log-options.js';
import { appLogs } from '../../operations/app-logs.js';

interface Flags {
  follow?: boolean;
  since?: string;
  tail?: string;
}

export async function run(ctx: Context, domain: string, service: string | undefined, flags: Flags): Promise<void> {
  const since = flags.since !== undefined ? parseSince(flags.since) : undefined;
  const tail = flags.tail !== undefined ? parseTail(flags.tail) : undefined;
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);

  // --follow runs until Ctrl-C, which ends it normally (exit 0)
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.on('SIGINT', onSigint);
  try {
    const logs = await appLogs(domain, stackName(domain), docker, { service, follow: flags.follow, since, tail, signal: stop.signal });
    // several services: each line says which one it came from, like `docker stack` tools do
    const width = Math.max(...logs.services.map((s) => s.length));
    const prefix = (s: string) => (logs.services.length > 1 ? `${s.padEnd(width)} | ` : '');
    for await (const l of logs.lines) {
      if (ctx.io.json) ctx.io.jsonData(l);
      else if (l.stream === 'stderr') ctx.io.info(prefix(l.service) + l.text);
      else ctx.io.data(prefix(l.service) + l.text);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
