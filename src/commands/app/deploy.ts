import type { Context } from '../../cli/context.js';
import { loadApp } from '../../operations/load-app.js';
import { deploy } from '../../operations/deploy.js';
import { renderEvent } from '../../cli/render.js';
import { DeployFailedError } from '../../core/errors.js';

interface Flags {
  force?: boolean;
  convergeChecks?: boolean;
  rollback?: boolean;
  timeout?: number;
}

export async function run(ctx: Context, domain: string, flags: Flags): Promise<void> {
  const app = loadApp(ctx.dir, domain);
  const docker = await ctx.docker(app.server);
  const events = deploy(app, docker, {
    force: flags.force,
    noConvergeChecks: flags.convergeChecks === false,
    rollback: flags.rollback !== false,
    timeoutSeconds: flags.timeout,
  });
  try {
    for await (const ev of events) renderEvent(ctx.io, ev);
  } catch (e) {
    if (e instanceof DeployFailedError) {
      const what = { yes: 'the previous version is running again', 'no-previous': 'there was no previous version to go back to', disabled: 'the failed version was left in place (--no-rollback)', failed: 'putting the previous version back failed too' }[e.rolledBack];
      e.hint = `${what}; see \`kite app ps ${domain}\``;
    }
    throw e;
  }
}
