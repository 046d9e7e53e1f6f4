import type { Context } from '../../cli/context.js';
import { appDeploy, type AppDeployHooks, type DeployMode } from '../../operations/app-deploy.js';
import { renderEvent } from '../../cli/render.js';
import { releaseLevelWarnings } from '../../operations/recipe-test-results.js';
import { CancelledError, DeployFailedError } from '../../core/errors.js';
import { EXIT } from '../../cli/exit-codes.js';
import { commitEnvChange } from './env-commit.js';

export interface DeployFlags {
  force?: boolean;
  chaos?: boolean;
  ignoreEnvVersion?: boolean;
  convergeChecks?: boolean;
  rollback?: boolean;
  /** false: --no-pin */
  pin?: boolean;
  /** false: --no-backup */
  backup?: boolean;
  timeout?: number;
  lockWait?: number;
}

export async function run(ctx: Context, domain: string, version: string | undefined, flags: DeployFlags): Promise<void> {
  await deployWith(ctx, 'deploy', domain, version, flags);
}

/** deploy, upgrade and rollback share everything but the version choice */
export async function deployWith(ctx: Context, mode: DeployMode, domain: string, version: string | undefined, flags: DeployFlags): Promise<void> {
  const hooks: AppDeployHooks = {
    onLockWait: (h) => ctx.io.warn(`waiting for the lock: ${h.holder} is running \`${h.action}\` since ${h.since}`),
  };
  if (ctx.io.interactive) {
    hooks.confirm = () => ctx.prompter.confirm('proceed?');
    hooks.choose = (m, candidates) => ctx.prompter.select(`${m} ${domain} to which version?`, candidates.map((c) => ({ value: c, label: c })));
  }
  // Ctrl-C (or SIGTERM) while waiting or watching: stop, release the lock,
  // record the interruption; a second signal quits at once
  const abort = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.cancelled);
    received = signal;
    ctx.io.warn(`stopping: a deploy already submitted goes on on the server (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const events = appDeploy(
    ctx.ports,
    {
      domain,
      mode,
      version,
      chaos: flags.chaos,
      force: flags.force,
      ignoreEnvVersion: flags.ignoreEnvVersion,
      offline: ctx.globals.offline,
      noConvergeChecks: flags.convergeChecks === false,
      rollback: flags.rollback !== false,
      noPin: flags.pin === false,
      noBackup: flags.backup === false,
      timeoutSeconds: flags.timeout,
      lockWaitSeconds: flags.lockWait,
      signal: abort.signal,
    },
    hooks,
  );
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) {
        if (next.value.skipped === 'cancelled') ctx.io.info('deployment cancelled');
        else if (next.value.recorded && !ctx.io.json) ctx.io.info(`recorded ${next.value.recorded} in the env file`);
        if (next.value.recorded) await commitEnvChange(ctx, ctx.dir.findApp(domain), `${mode} to ${next.value.recorded}`);
        break;
      }
      renderEvent(ctx.io, next.value);
      // the chosen release's recipe test level: a warning, never a refusal
      const ev = next.value;
      if (ev.type === 'overview' && !ev.overview.chaos) for (const w of await releaseLevelWarnings(ctx.ports, ev.overview.recipe, ev.overview.next)) ctx.io.warn(w);
    }
  } catch (e) {
    if (e instanceof CancelledError && received === 'SIGTERM') e.signal = 'SIGTERM';
    if (e instanceof DeployFailedError) {
      const what = { yes: 'the previous version is running again', 'no-previous': 'there was no previous version to go back to', disabled: 'the failed version was left in place (--no-rollback)', failed: 'putting the previous version back failed too' }[e.rolledBack];
      e.hint = `${what}; the env file was not changed; see \`kite app ps ${domain}\` and \`kite app logs ${domain}\``;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
