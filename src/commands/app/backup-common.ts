// What the backup commands share: rendering the operations' events, and
// running one under the app's lock with Ctrl-C turned into an abort (so a
// restore starts the services it stopped before the lock is released).

import type { Context } from '../../cli/context.js';
import type { AppRef } from '../../ports/app-store.js';
import type { DockerPort } from '../../ports/docker.js';
import type { BackupEvent, BackupRunOptions } from '../../operations/backup-repo.js';
import { CancelledError } from '../../core/errors.js';
import { withAppLock, type LockFlags } from './app-lock.js';

export function renderBackupEvent(ctx: Context, e: BackupEvent): void {
  switch (e.type) {
    case 'password-created':
      // printed once, on stderr, even with --json: the operator must keep it
      ctx.io.warn(`created the backup repository password for this server; it is kept in the Docker secret ${e.secret} on the server and in ${e.file} (mode 0600). Keep a copy somewhere safe: without it the backups cannot be read.`);
      ctx.io.info(`repository password: ${e.password}`);
      return;
    case 'password-saved':
      ctx.io.info(`saved a copy of the server's backup repository password in ${e.file} (mode 0600)`);
      return;
    case 'warning':
      ctx.io.warn(e.message);
      return;
    case 'step':
      if (!ctx.io.json) ctx.io.info(`  ${e.message}`);
      return;
    case 'output':
      if (!ctx.io.json) ctx.io.info(`    ${e.text}`);
      return;
    case 'stopped':
    case 'started':
      return;
  }
}

/** run `fn` under the app's lock; the first Ctrl-C aborts it (it puts things back), a second one quits */
export async function withBackupLock<T>(ctx: Context, ref: AppRef, action: string, flags: LockFlags, fn: (docker: DockerPort, opts: BackupRunOptions) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  // services a restore has stopped and not started again: said on a second Ctrl-C, which quits at once
  const stopped = new Map<string, number>();
  const opts: BackupRunOptions = {
    signal: abort.signal,
    onEvent: (e) => {
      if (e.type === 'stopped') stopped.set(e.service, e.replicas);
      if (e.type === 'started') stopped.delete(e.service);
      renderBackupEvent(ctx, e);
    },
  };
  const onSecondSignal = () => {
    if (!abort.signal.aborted || stopped.size === 0) return;
    for (const [service, replicas] of stopped) ctx.io.warn(`${service} is stopped (0 replicas): start it with \`docker service scale ${service}=${replicas}\` on ${ref.server}, or \`kite app deploy --force ${ref.domain}\``);
  };
  // registered before withAppLock's own handler, which exits on a second signal
  process.on('SIGINT', onSecondSignal);
  process.on('SIGTERM', onSecondSignal);
  try {
    return await withAppLock(ctx, ref, action, flags, (docker) => fn(docker, opts), abort);
  } catch (e) {
    if (abort.signal.aborted && !(e instanceof CancelledError)) throw new CancelledError(`stopped: ${(e as Error).message}`);
    if (e instanceof CancelledError && abort.signal.reason === 'SIGTERM') e.signal = 'SIGTERM';
    throw e;
  } finally {
    process.removeListener('SIGINT', onSecondSignal);
    process.removeListener('SIGTERM', onSecondSignal);
  }
}
