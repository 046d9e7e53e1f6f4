// A per-app lock held on the server itself, so two operators cannot change
// one app at once: a Swarm config named kite-lock-<stack>. Creating a config
// whose name exists fails (409), which makes taking it atomic. Deploy,
// upgrade, rollback and every other command that changes an app (undeploy,
// remove, restart, secret insert|rm|generate, volume rm, remote cmd) take it.
// Its labels say who holds it (user@host, host, pid, process start time),
// since when and for what. A lock whose holder is provably gone is taken over
// with a warning (src/core/lock-holder.ts decides); any other is broken
// explicitly with `kite app unlock`.

import type { DockerPort } from '../ports/docker.js';
import type { Ports } from '../ports/index.js';
import type { Host } from '../ports/host.js';
import { CancelledError, ConflictError, DockerApiError } from '../core/errors.js';
import { describeHolder, lockLabels, lockVerdict, parseLockLabels, type LockRecord, type LockVerdict } from '../core/lock-holder.js';

export { LOCK_LABEL } from '../core/lock-holder.js';

export type LockHolder = LockRecord;

export function lockName(stack: string): string {
  return `kite-lock-${stack}`;
}

/** the verdict on a lock as seen from this process */
export function judgeLock(lock: LockRecord, here: Host, now: number): LockVerdict {
  const host = here.hostname();
  const pid = lock.host === host && lock.pid !== undefined ? here.probe(lock.pid) : undefined;
  return lockVerdict(lock, { host, now, pid });
}

export interface Lock {
  /** never throws: a failure is reported through onWarning with how to unlock */
  release(): Promise<void>;
}

export interface LockOptions {
  waitSeconds?: number;
  onWait?: (h: LockHolder) => void;
  /** a lock taken over, a lock that could not be released; without it they go to stderr */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

/** operations do not print; a caller that passes no onWarning still must not lose these */
function stderrWarning(message: string): void {
  process.stderr.write(`WARN ${message}\n`);
}

export async function readLock(docker: DockerPort, stack: string): Promise<(LockHolder & { id: string }) | undefined> {
  const found = (await docker.listConfigs({ name: [lockName(stack)] })).find((c) => c.Spec.Name === lockName(stack));
  if (!found) return undefined;
  return { id: found.ID, ...parseLockLabels(found.Spec.Labels) };
}

/** what the lock asks of this machine: who and which process holds it, and the time */
export type LockPorts = Pick<Ports, 'host' | 'clock'>;

export async function acquireLock(ports: LockPorts, docker: DockerPort, stack: string, domain: string, action: string, opts: LockOptions = {}): Promise<Lock> {
  const { host, clock } = ports;
  const warn = opts.onWarning ?? stderrWarning;
  const deadline = clock.now() + (opts.waitSeconds ?? 0) * 1000;
  let told = false;
  for (;;) {
    const record: LockRecord = { holder: host.operator(), since: new Date(clock.now()).toISOString(), action, host: host.hostname(), pid: host.pid, started: host.startTime(host.pid) };
    try {
      const { ID } = await docker.createConfig({ Name: lockName(stack), Labels: lockLabels(stack, record), Data: Buffer.from(JSON.stringify(record)).toString('base64') });
      return { release: () => releaseLock(docker, ID, domain, warn) };
    } catch (e) {
      if (!(e instanceof DockerApiError) || (e.statusCode !== 409 && !/already exists|AlreadyExists/i.test(e.message))) throw e;
    }
    const held = await readLock(docker, stack);
    if (!held) continue; // released between our two calls
    const verdict = judgeLock(held, host, clock.now());
    if (verdict.stale) {
      // by ID: if another operator took it over first, ours is a no-op and their lock stays
      await removeIfPresent(docker, held.id);
      warn(`took over the lock of ${domain}: ${describeHolder(held)}, but ${verdict.reason}`);
      continue;
    }
    if (clock.now() >= deadline) {
      throw new ConflictError(
        `${domain} is locked: ${describeHolder(held)}`,
        opts.waitSeconds
          ? `still locked after waiting; if that command is dead, break the lock with \`kite app unlock ${domain}\``
          : `wait with --lock-wait <seconds>, or if that command is dead, break the lock with \`kite app unlock ${domain}\``,
      );
    }
    if (!told) {
      opts.onWait?.(held);
      told = true;
    }
    if (opts.signal?.aborted) throw new CancelledError(`stopped waiting for the lock of ${domain} (held by ${held.holder})`);
    await clock.sleep(1000);
  }
}

async function releaseLock(docker: DockerPort, id: string, domain: string, warn: (m: string) => void): Promise<void> {
  try {
    await removeIfPresent(docker, id);
  } catch (e) {
    warn(`could not release the lock of ${domain} (${(e as Error).message}); the next command on it will refuse until you run \`kite app unlock ${domain}\``);
  }
}

async function removeIfPresent(docker: DockerPort, id: string): Promise<void> {
  try {
    await docker.removeConfig(id);
  } catch (e) {
    if (!(e instanceof DockerApiError && e.statusCode === 404)) throw e;
  }
}

/** the lock of an app, if held, with the verdict on its holder */
export async function inspectLock(ports: LockPorts, docker: DockerPort, stack: string): Promise<{ held: LockHolder & { id: string }; verdict: LockVerdict } | undefined> {
  const held = await readLock(docker, stack);
  return held && { held, verdict: judgeLock(held, ports.host, ports.clock.now()) };
}

/** Break the lock `held` (as read): by its ID, so a lock taken since is not touched. */
export async function breakLock(docker: DockerPort, held: { id: string }): Promise<void> {
  await removeIfPresent(docker, held.id);
}
