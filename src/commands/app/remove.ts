import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { appSecrets, type AppSecret } from '../../core/secrets.js';
import { KiteError } from '../../core/errors.js';
import { withAppAtVersion } from '../../operations/app-at-version.js';
import { executeRemoval, planRemoval } from '../../operations/app-remove.js';
import { confirm } from '../../cli/prompt.js';
import { withAppLock, type LockFlags } from './app-lock.js';
import { commitEnvChange } from './env-commit.js';

/**
 * `app remove <domain>`: refuses while deployed; lists what it deletes, asks
 * (or needs --force), deletes volumes, secrets and configs, then the env file.
 */
export async function run(ctx: Context, domain: string, flags: { force?: boolean } & LockFlags): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const stack = stackName(domain);
  let secrets: AppSecret[] | undefined;
  try {
    // the secrets of the recorded version (kite never moves the shared clone)
    secrets = await withAppAtVersion(ctx.ports, domain, async (app) => appSecrets(app.compose, app.stack, app.env, app.modifiers));
  } catch (e) {
    if (!(e instanceof KiteError)) throw e;
    // without the recipe the secrets' names are unknown: only labelled ones are found
    ctx.io.warn(`cannot read the recipe of ${domain} (${e.message}); only secrets labelled with the stack are removed`);
  }
  const removed: { object: string; name: string }[] = [];
  await withAppLock(ctx, ref, 'remove', flags, async (docker) => {
    const plan = await planRemoval(docker, stack, domain, secrets);

    const lines = [
      ...plan.volumes.map((v) => `volume  ${v}`),
      ...plan.secrets.map((s) => `secret  ${s.name}`),
      ...plan.configs.map((c) => `config  ${c.name}`),
      `env file  ${ref.path}`,
    ];
    if (!ctx.io.json || !flags.force) {
      ctx.io.info(`removing ${domain} deletes, on ${ref.server} and here:`);
      for (const l of lines) ctx.io.info(`  ${l}`);
    }
    await confirm(ctx, `delete ${domain} and all its data?`, flags);

    for await (const r of executeRemoval(ctx.dir, docker, plan, ref)) {
      removed.push(r);
      if (!ctx.io.json && r.object !== 'env file') ctx.io.info(`  removed ${r.object} ${r.name}`);
    }
  });
  // config in git: the env file's deletion is committed too (kite.yml git.commit)
  if (removed.some((r) => r.object === 'env file')) await commitEnvChange(ctx, ref, 'removed (env file deleted with its volumes, secrets and configs)');
  if (ctx.io.json) return ctx.io.jsonData(removed);
  ctx.io.info(ctx.io.paint('green', `${domain} removed`));
}
