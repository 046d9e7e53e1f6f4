import type { Context } from '../../cli/context.js';
import { appMove } from '../../operations/app-move.js';
import { renderEvent } from '../../cli/render.js';
import { EXIT } from '../../cli/exit-codes.js';
import { renderBackupEvent } from './backup-common.js';
import { commitEnvChange } from './env-commit.js';

interface Flags {
  pruneSource?: boolean;
  timeout?: number;
  lockWait?: number;
}

/** `app move <domain> <server>`: backup, undeploy, restore and deploy on the other server */
export async function run(ctx: Context, domain: string, server: string, flags: Flags): Promise<void> {
  const from = ctx.dir.findApp(domain).server;
  // Ctrl-C: the move stops at the next step and puts the app back on its server; a second one quits
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.cancelled);
    ctx.io.warn(`stopping the move of ${domain}: it is put back on ${from} (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)`);
    abort.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const events = appMove(
      ctx.ports,
      { domain, server, offline: ctx.globals.offline, timeoutSeconds: flags.timeout, lockWaitSeconds: flags.lockWait, signal: abort.signal },
      { signal: abort.signal, onEvent: (e) => renderBackupEvent(ctx, e) },
      {
        onLockWait: (h) => ctx.io.warn(`waiting for the lock: ${h.holder} is running \`${h.action}\` since ${h.since}`),
        // kept unless --prune-source, or a yes on a terminal (never asked without one)
        pruneSource: async () => flags.pruneSource === true || (ctx.io.interactive && (await ctx.prompter.confirm(`remove the volumes and secrets of ${domain} from ${from}?`))),
      },
    );
    for (;;) {
      const next = await events.next();
      if (!next.done) {
        if (!ctx.io.json) renderEvent(ctx.io, next.value);
        continue;
      }
      const r = next.value;
      await commitEnvChange(ctx, ctx.dir.findApp(domain), `move from ${r.from} to ${r.to}`);
      if (ctx.io.json) return ctx.io.jsonData({ domain, from: r.from, to: r.to, id: r.snapshot.id, envFile: r.path, converged: r.deploy.converged, source: r.source });
      ctx.io.info(ctx.io.paint('green', `moved ${domain} from ${r.from} to ${r.to} (snapshot ${r.snapshot.shortId}); it runs on ${r.to}`));
      if (!r.source.pruned && r.source.volumes.length + r.source.secrets.length > 0) {
        ctx.io.warn(`kept on ${r.from}: ${[...r.source.volumes.map((v) => `volume ${v}`), ...r.source.secrets.map((s) => `secret ${s}`)].join(', ')}; remove them there when you no longer need them (docker volume rm / docker secret rm)`);
      }
      return;
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
