import type { Context } from '../../cli/context.js';
import { appRecover, type AppRecovered } from '../../operations/backup-recover.js';
import { renderEvent } from '../../cli/render.js';
import { UsageError } from '../../core/errors.js';
import { renderBackupEvent } from './backup-common.js';
import { commitEnvChange } from './env-commit.js';
import type { Flags } from './restore.js';
import { EXIT } from '../../cli/exit-codes.js';


/** `app restore <domain> --server <server> [--from <domain>]`: an app from a snapshot alone */
export async function run(ctx: Context, domain: string, flags: Flags): Promise<void> {
  if (!flags.server) throw new UsageError('--from needs --server <server>: the server whose repository holds the snapshot, where the app is restored');
  if (flags.volumes) throw new UsageError('--volumes is for a restore in place: a restore with --server brings back every volume in the snapshot');
  const server = flags.server;
  // Ctrl-C: the operation stops (a deploy already submitted goes on), the lock is released; a second one quits
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.cancelled);
    ctx.io.warn(`stopping the restore of ${domain} (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)`);
    abort.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const signal = abort.signal;
  try {
    const events = appRecover(
      ctx.ports,
      { domain, server, from: flags.from, snapshot: flags.snapshot, offline: ctx.globals.offline, timeoutSeconds: flags.timeout, lockWaitSeconds: flags.lockWait, signal },
      { signal, onEvent: (e) => renderBackupEvent(ctx, e) },
      { onLockWait: (h) => ctx.io.warn(`waiting for the lock: ${h.holder} is running \`${h.action}\` since ${h.since}`) },
    );
    for (;;) {
      const next = await events.next();
      if (next.done) return await done(ctx, domain, server, flags, next.value);
      if (!ctx.io.json) renderEvent(ctx.io, next.value);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

async function done(ctx: Context, domain: string, server: string, flags: Flags, r: AppRecovered): Promise<void> {
  await commitEnvChange(ctx, ctx.dir.findApp(domain), `restore from snapshot ${r.snapshot.shortId}${flags.from ? ` of ${flags.from}` : ''}`);
  if (ctx.io.json) return ctx.io.jsonData({ domain, server, from: flags.from ?? domain, id: r.snapshot.id, version: r.snapshot.version, volumes: r.volumes, secrets: r.secrets, envFile: r.path, converged: r.deploy.converged });
  ctx.io.info(ctx.io.paint('green', `restored ${domain} on ${server} from snapshot ${r.snapshot.shortId}${flags.from ? ` of ${flags.from}` : ''} (${r.snapshot.time}): env file, ${r.secrets.length} secret(s), volumes ${r.volumes.join(', ') || 'none'}; ${r.deploy.recorded ?? 'deployed'}${r.deploy.converged ? ', running' : ''}`));
}
