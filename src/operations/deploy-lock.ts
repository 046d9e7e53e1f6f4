// A per-app deploy lock held on the server itself, so two operators cannot
// deploy one app at once: a Swarm config named kite-lock-<stack>. Creating
// a config whose name exists fails (409), which makes taking it atomic. Its
// labels say who holds it and since when. A stale lock is broken explicitly.

import { hostname, userInfo } from 'node:os';
import type { DockerPort } from '../ports/docker.js';
import { CancelledError, ConflictError, DockerApiError } from '../core/errors.js';

export const LOCK_LABEL = 'kite.lock';

export interface LockHolder {
  holder: string;
  since: string;
  action: string;
}

export function lockName(stack: string): string {
  return `kite-lock-${stack}`;
}

export function whoAmI(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return `${process.env.KITE_OPERATOR || user}@${hostname()}`;
}

export interface Lock {
  release(): Promise<void>;
}

export async function readLock(docker: DockerPort, stack: string): Promise<(LockHolder & { id: string }) | undefined> {
  const found = (await docker.listConfigs({ name: [lockName(stack)] })).find((c) => c.Spec.Name === lockName(stack));
  if (!found) return undefined;
  const l = found.Spec.Labels ?? {};
  return { id: found.ID, holder: l[`${LOCK_LABEL}.holder`] ?? 'unknown', since: l[`${LOCK_LABEL}.since`] ?? 'unknown', action: l[`${LOCK_LABEL}.action`] ?? 'deploy' };
}

export async function acquireLock(
  docker: DockerPort,
  stack: string,
  domain: string,
  action: string,
  opts: { waitSeconds?: number; onWait?: (h: LockHolder) => void; signal?: AbortSignal } = {},
): Promise<Lock> {
  const deadline = Date.now() + (opts.waitSeconds ?? 0) * 1000;
  let told = false;
  for (;;) {
    const since = new Date().toISOString();
    try {
      const holder = whoAmI();
      const data = Buffer.from(JSON.stringify({ holder, since, action, pid: process.pid })).toString('base64');
      const { ID } = await docker.createConfig({
        Name: lockName(stack),
        Labels: { [LOCK_LABEL]: stack, [`${LOCK_LABEL}.holder`]: holder, [`${LOCK_LABEL}.since`]: since, [`${LOCK_LABEL}.action`]: action },
        Data: data,
      });
      return { release: () => docker.removeConfig(ID).catch(() => undefined) };
    } catch (e) {
      if (!(e instanceof DockerApiError) || (e.statusCode !== 409 && !/already exists|AlreadyExists/i.test(e.message))) throw e;
    }
    const held = await readLock(docker, stack);
    if (!held) continue; // released between our two calls
    if (Date.now() >= deadline) {
      throw new ConflictError(
        `${domain} is locked: ${held.holder} has been running \`${held.action}\` since ${held.since}`,
        opts.waitSeconds ? 'still locked after waiting; if that deploy is dead, break the lock with `kite app unlock ' + domain + '`' : `wait with --lock-wait <seconds>, or if that deploy is dead, break the lock with \`kite app unlock ${domain}\``,
      );
    }
    if (!told) {
      opts.onWait?.(held);
      told = true;
    }
    if (opts.signal?.aborted) throw new CancelledError(`stopped waiting for the lock of ${domain} (held by ${held.holder})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Break a (stale) lock: returns who held it. */
export async function breakLock(docker: DockerPort, stack: string): Promise<LockHolder | undefined> {
  const held = await readLock(docker, stack);
  if (held) await docker.removeConfig(held.id);
  return held;
}
