import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { assertUndeployed, removeVolume, selectVolumes } from '../../operations/app-volumes.js';
import { confirm } from '../../cli/prompt.js';
import { withAppLock, type LockFlags } from './app-lock.js';

/** `app volume rm <domain> [volume...]`: the app must be undeployed; asks first unless --force. */
export async function run(ctx: Context, domain: string, volumes: string[], flags: { force?: boolean } & LockFlags): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const stack = stackName(domain);
  await withAppLock(ctx, ref, 'volume rm', flags, async (docker) => {
    await assertUndeployed(docker, stack, domain, 'volumes');
    const chosen = await selectVolumes(docker, stack, domain, volumes);
    if (chosen.length === 0) {
      if (ctx.io.json) return ctx.io.jsonData([]);
      return ctx.io.info(`${domain} has no volumes on ${ref.server}`);
    }
    if (!flags.force) {
      ctx.io.info(`volumes of ${domain} on ${ref.server} to delete, with all their data:`);
      for (const v of chosen) ctx.io.info(`  ${v.name}`);
    }
    await confirm(ctx, `delete ${chosen.length} volume${chosen.length === 1 ? '' : 's'} of ${domain}?`, flags);
    for (const v of chosen) {
      await removeVolume(docker, v.name, domain);
      if (!ctx.io.json) ctx.io.info(`removed volume ${v.name}`);
    }
    if (ctx.io.json) ctx.io.jsonData(chosen.map((v) => v.name));
  });
}
