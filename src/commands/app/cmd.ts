import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import type { Context } from '../../cli/context.js';
import { loadApp, type LoadedApp } from '../../operations/load-app.js';
import { planCmd, readAbraSh } from '../../operations/app-cmd.js';
import { startExec } from '../../operations/app-exec.js';
import { attachSession, stdinIsPiped } from '../../cli/exec-io.js';
import { withAppLock, type LockFlags } from './app-lock.js';
import { withAppAtVersion } from '../../operations/app-at-version.js';

interface Flags extends LockFlags {
  local?: boolean;
  list?: boolean;
  remoteUser?: string;
  tty?: boolean;
}

/**
 * `app cmd <domain> [service] <function> [-- args...]`: exits with the
 * function's exit code. A function may change the app's state (migrate,
 * set_admin...), so a remote one runs holding the app's lock; --local and
 * --list touch nothing on the server and take none.
 */
export async function run(ctx: Context, domain: string, operands: string[], flags: Flags): Promise<void> {
  // --local runs in the recipe clone as it is; otherwise abra.sh of the version the env file records
  if (flags.local) return runWith(ctx, loadApp(ctx.ports, domain), operands, flags);
  return withAppAtVersion(ctx.ports, domain, (app) => runWith(ctx, app, operands, flags));
}

async function runWith(ctx: Context, app: LoadedApp, operands: string[], flags: Flags): Promise<void> {
  const abraSh = readAbraSh(ctx.ports, app);
  if (flags.list) {
    if (ctx.io.json) return ctx.io.jsonData(abraSh.functions);
    for (const f of abraSh.functions) ctx.io.data(f);
    return;
  }
  const plan = await planCmd(app, abraSh, operands, {
    local: Boolean(flags.local),
    user: flags.remoteUser,
    shell: localShell(),
    docker: () => ctx.docker(app.server),
  });
  if (plan.mode === 'local') {
    ctx.io.debug(`running ${plan.fn} locally in ${plan.cwd}`);
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(plan.argv[0], plan.argv.slice(1), { cwd: plan.cwd, env: { ...process.env, ...plan.env }, stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', (c, signal) => resolve(c ?? (signal ? 128 + (constants.signals[signal] ?? 15) : 1)));
    });
    if (code !== 0) process.exitCode = code;
    return;
  }
  ctx.io.debug(`running ${plan.fn} in ${plan.target.service} (container ${plan.target.containerId.slice(0, 12)})`);
  const tty = Boolean(flags.tty) && Boolean(process.stdin.isTTY);
  const forwardStdin = tty || stdinIsPiped();
  const code = await withAppLock(ctx, app, `cmd ${plan.fn}`, flags, async (docker) => {
    const session = await startExec(docker, plan.target.containerId, { ...plan.request, tty, stdin: forwardStdin });
    return attachSession(session, { forwardStdin });
  });
  if (code !== 0) process.exitCode = code;
}

/** bash like abra, sh where there is no bash */
function localShell(): string {
  return spawnSync('bash', ['-c', 'true']).status === 0 ? 'bash' : 'sh';
}
