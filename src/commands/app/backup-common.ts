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
  }
}

/** run `fn` under the app's lock; the first Ctrl-C aborts it (it puts things back), a second one quits */
export async function withBackupLock<T>(ctx: Context, ref: AppRef, action: string, flags: LockFlags, fn: (docker: DockerPort, opts: BackupRunOptions) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const opts: BackupRunOptions = { signal: abort.signal, onEvent: (e) => renderBackupEvent(ctx, e) };
  try {
    return await withAppLock(ctx, ref, action, flags, (docker) => fn(docker, opts), abort);
  } catch (e) {
    if (abort.signal.aborted && !(e instanceof CancelledError)) throw new CancelledError(`stopped: ${(e as Error).message}`);
    if (e instanceof CancelledError && abort.signal.reason === 'SIGTERM') e.signal = 'SIGTERM';
    throw e;
  }
}
