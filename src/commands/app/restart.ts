import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { restart } from '../../operations/app-restart.js';
import { renderEvent } from '../../cli/render.js';
import { withAppLock, type LockFlags } from './app-lock.js';

interface Flags extends LockFlags {
  allServices?: boolean;
  timeout?: number;
}

export async function run(ctx: Context, domain: string, service: string | undefined, flags: Flags): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const restarted = await withAppLock(ctx, ref, 'restart', flags, async (docker) => {
    const events = restart(docker, stackName(domain), domain, { service, all: flags.allServices, timeoutSeconds: flags.timeout, clock: ctx.ports.clock });
    for (;;) {
      const next = await events.next();
      if (next.done) return next.value;
      const ev = next.value;
      if (ev.type === 'service' && !ctx.io.json) ctx.io.info(`  restarting ${ev.service}`);
      else renderEvent(ctx.io, ev);
    }
  });
  if (ctx.io.json) ctx.io.jsonData({ type: 'restarted', services: restarted });
  else ctx.io.info(ctx.io.paint('green', `restarted ${restarted.join(', ')}`));
}
