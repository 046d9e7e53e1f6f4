import type { AppRef } from '../../ports/app-store.js';
import type { Context } from '../../cli/context.js';
import { EXIT } from '../../cli/exit-codes.js';
import type { DockerPort } from '../../ports/docker.js';
import { assertStackOwner, lockApp } from '../../operations/stack-owner.js';

export interface LockFlags {
  lockWait?: number;
}

/**
 * Run `fn` holding the app's server-side lock (after the one-stack-one-app
 * check): another operator's command refuses, or waits with --lock-wait.
 * Ctrl-C or SIGTERM meanwhile releases the lock before exiting; a second
 * one exits at once. With `abort`, the first signal aborts it instead, so
 * `fn` can put things back (restart what it stopped) before the lock goes.
 */
export async function withAppLock<T>(ctx: Context, ref: AppRef, action: string, flags: LockFlags, fn: (docker: DockerPort) => Promise<T>, abort?: AbortController): Promise<T> {
  assertStackOwner(ctx.dir, ref); // before connecting: a collision is known here
  const docker = await ctx.docker(ref.server);
  const lock = await lockApp(ctx.ports, ref, docker, action, {
    waitSeconds: flags.lockWait,
    onWait: (h) => ctx.io.warn(`waiting for the lock: ${h.holder} is running \`${h.action}\` since ${h.since}`),
    onWarning: (m) => ctx.io.warn(m),
  });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGTERM' ? EXIT.terminated : EXIT.cancelled;
    if (stopping || abort?.signal.aborted) process.exit(code);
    if (abort) {
      ctx.io.warn(`stopping: putting ${ref.domain} back as it was, then releasing its lock (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)`);
      abort.abort(signal);
      return;
    }
    stopping = true;
    ctx.io.warn(`stopping: releasing the lock of ${ref.domain} (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)`);
    void lock.release().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(docker);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (!stopping) await lock.release();
  }
}
