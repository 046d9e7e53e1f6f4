import type { Context } from '../../cli/context.js';
import { stackName } from '../../core/stack-name.js';
import { UsageError } from '../../core/errors.js';
import { findServiceContainer, startExec } from '../../operations/app-exec.js';
import { attachSession, stdinIsPiped, wantTty } from '../../cli/exec-io.js';

interface Flags {
  tty?: boolean;
  user?: string;
  env?: string[];
}

/** `app run <domain> <service> [--] <cmd> [args...]`: exits with the command's exit code. */
export async function run(ctx: Context, domain: string, service: string, cmd: string, args: string[], flags: Flags): Promise<void> {
  const env = flags.env ?? [];
  for (const e of env) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(e)) throw new UsageError(`--env ${e}: expected KEY=VALUE`);
  }
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const target = await findServiceContainer(docker, stackName(domain), domain, service);
  ctx.io.debug(`exec in ${target.service} (container ${target.containerId.slice(0, 12)}, task ${target.taskId.slice(0, 12)})`);
  const tty = wantTty(flags.tty);
  const forwardStdin = tty || stdinIsPiped();
  const session = await startExec(docker, target.containerId, { cmd: [cmd, ...args], env, user: flags.user, tty, stdin: forwardStdin });
  const code = await attachSession(session, { forwardStdin });
  if (code !== 0) process.exitCode = code;
}
