import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { parseSince } from '../../core/log-options.js';
import { appLogs } from '../../operations/app-logs.js';

interface Flags {
  follow?: boolean;
  since?: string;
  /** checked when parsed (src/cli/parse.ts) */
  tail?: number | 'all';
  raw?: boolean;
}

export async function run(ctx: Context, domain: string, service: string | undefined, flags: Flags): Promise<void> {
  const since = flags.since !== undefined ? parseSince(flags.since) : undefined;
  const tail = flags.tail;
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
    // log lines are the containers' text: made safe for a terminal, unless
    // --raw and the stream they go to is not one (see src/cli/io.ts)
    const onTerminal = [ctx.io.isTerminal('out') && 'stdout', ctx.io.isTerminal('err') && 'stderr'].filter(Boolean);
    if (flags.raw && !ctx.io.json && onTerminal.length) {
      ctx.io.warn(`--raw: control sequences are still made safe on a terminal (${onTerminal.join(' and ')}); redirect or pipe the output for the raw bytes`);
    }
    const out = flags.raw ? (s: string) => ctx.io.rawData(s) : (s: string) => ctx.io.data(s);
    const err = flags.raw ? (s: string) => ctx.io.rawInfo(s) : (s: string) => ctx.io.info(s);
    for await (const l of logs.lines) {
      if (ctx.io.json) ctx.io.jsonData(l);
      else if (l.stream === 'stderr') err(prefix(l.service) + l.text);
      else out(prefix(l.service) + l.text);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
