import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { describeHolder } from '../../core/lock-holder.js';
import { breakLock, inspectLock } from '../../operations/deploy-lock.js';
import { confirm } from '../../cli/prompt.js';

/**
 * `app unlock <domain>`: break the app's lock. One whose holder is provably
 * gone goes without asking; one whose holder may still run is broken only
 * after a yes on a terminal, or with --force.
 */
export async function run(ctx: Context, domain: string, flags: { force?: boolean } = {}): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const found = await inspectLock(ctx.ports, docker, stackName(domain));
  if (found && !found.verdict.stale) {
    ctx.io.warn(`${domain} is locked: ${describeHolder(found.held)}; ${found.verdict.reason}`);
    await confirm(ctx, `break the lock of ${domain} anyway? (only if that command is dead)`, flags);
  }
  if (found) await breakLock(docker, found.held);
  const held = found?.held;
  if (ctx.io.json) return ctx.io.jsonData({ broken: Boolean(held), ...held });
  ctx.io.info(held ? `broke the lock held by ${held.holder} (\`${held.action}\` since ${held.since})` : `${domain} was not locked`);
}
