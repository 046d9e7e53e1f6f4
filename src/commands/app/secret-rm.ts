import type { Context } from '../../cli/context.js';
import { withAppAtVersion } from '../../operations/app-at-version.js';
import { removeSecrets } from '../../operations/secret-manage.js';
import { withAppLock, type LockFlags } from './app-lock.js';

export interface SecretRmFlags extends LockFlags {
  all?: boolean;
  /** also remove the entries from the operator's `pass` store */
  pass?: boolean;
}

export async function run(ctx: Context, domain: string, name: string | undefined, flags: SecretRmFlags): Promise<void> {
  // the recipe as the recorded version has it (kite never moves the shared clone)
  return withAppAtVersion(ctx.ports, domain, async (app) => {
    const store = flags.pass ? await ctx.ports.secretStore(app.server, app.domain) : undefined;
    const removed = await withAppLock(ctx, app, 'secret rm', flags, (docker) => removeSecrets(app, docker, { name, all: flags.all, store }));
    if (ctx.io.json) return ctx.io.jsonData(removed);
    if (removed.length === 0) return ctx.io.info(`no secrets of ${domain} exist on ${app.server}`);
    for (const r of removed) {
      const pass = r.unstored === undefined ? '' : r.unstored ? ` and ${r.unstored} from pass` : ' (pass had no entry for it)';
      ctx.io.info(`removed secret ${r.remoteName}${pass}`);
    }
  });
}
