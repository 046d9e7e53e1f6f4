import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { breakLock } from '../../operations/deploy-lock.js';

export async function run(ctx: Context, domain: string): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const held = await breakLock(await ctx.docker(ref.server), stackName(domain));
  if (ctx.io.json) return ctx.io.jsonData({ broken: Boolean(held), ...held });
  ctx.io.info(held ? `broke the lock held by ${held.holder} (\`${held.action}\` since ${held.since})` : `${domain} was not locked`);
}
