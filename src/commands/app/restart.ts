import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { restart } from '../../operations/app-restart.js';
import { renderEvent } from '../../cli/render.js';

interface Flags {
  allServices?: boolean;
  timeout?: number;
}

export async function run(ctx: Context, domain: string, service: string | undefined, flags: Flags): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const events = restart(docker, stackName(domain), domain, { service, all: flags.allServices, timeoutSeconds: flags.timeout });
  for (;;) {
    const next = await events.next();
    if (next.done) {
      if (ctx.io.json) ctx.io.jsonData({ type: 'restarted', services: next.value });
      else ctx.io.info(ctx.io.paint('green', `restarted ${next.value.join(', ')}`));
      return;
    }
    const ev = next.value;
    if (ev.type === 'service' && !ctx.io.json) ctx.io.info(`  restarting ${ev.service}`);
    else renderEvent(ctx.io, ev);
  }
}
