import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { withAppAtVersion } from '../../operations/app-at-version.js';
import { secretStatuses } from '../../operations/secret-manage.js';

export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  // the recipe as the recorded version has it (kite never moves the shared clone)
  return withAppAtVersion(ctx.ports, domain, async (app) => {
    const docker = await ctx.docker(app.server);
    const rows = await secretStatuses(app, docker);
    if (ctx.io.json) return ctx.io.jsonData(rows);
    if (rows.length === 0) return ctx.io.info(`the recipe of ${domain} defines no secrets`);
    ctx.io.table(
      ['SECRET', 'VERSION', 'GENERATED-ON-SERVER', 'REMOTE NAME'],
      rows.map((r) => [r.name, r.version, String(r.createdOnServer), r.remoteName]),
    );
  });
}
