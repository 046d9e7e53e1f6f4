// One stack, one app. Stack names are domains with `.` → `_`, cut to 45
// characters (core/stack-name.ts), so two domains that share their first 45
// characters become the same Docker stack: the same services, volumes,
// secrets and configs. `app new` refuses such a domain; every command that
// changes or removes server objects refuses while another env file of the
// same server maps to the same stack (an env file placed by hand), naming
// both files, so it never takes down or deletes the other app's data.

import type { AppStore, AppRef } from '../ports/app-store.js';
import type { DockerPort } from '../ports/docker.js';
import type { Ports } from '../ports/index.js';
import { ConflictError } from '../core/errors.js';
import { sameStackApps, stackName, MAX_SANITISED_APP_NAME_LENGTH } from '../core/stack-name.js';
import { acquireLock, type Lock, type LockOptions } from './deploy-lock.js';

const RENAME_HINT = `rename one of them: give it a domain that differs from the other within its first ${MAX_SANITISED_APP_NAME_LENGTH} characters (dots count as _)`;

/** `app new`: refuse a domain whose stack name another app of `server` already has. */
export function assertStackFree(dir: AppStore, server: string, domain: string): void {
  const [other] = sameStackApps(dir.listApps(server), server, domain);
  if (!other) return;
  throw new ConflictError(
    `the stack name ${stackName(domain)} of ${domain} is already taken on ${server} by ${other.domain} (${other.path}): both apps would share their services, volumes and secrets`,
    `choose a domain that differs from ${other.domain} within its first ${MAX_SANITISED_APP_NAME_LENGTH} characters (dots count as _)`,
  );
}

/**
 * Refuse to change `ref` on its server while another env file there maps to
 * the same stack. The deploy calls this too, before taking its lock.
 */
export function assertStackOwner(dir: AppStore, ref: AppRef): void {
  const others = sameStackApps(dir.listApps(ref.server), ref.server, ref.domain);
  if (others.length === 0) return;
  throw new ConflictError(
    `${ref.domain} shares its Docker stack ${stackName(ref.domain)} on ${ref.server} with ${others.map((o) => o.domain).join(', ')}: ` +
      `${[ref, ...others].map((a) => a.path).join(' and ')} — kite changes neither while they collide, it would touch the other app's services, volumes and secrets`,
    RENAME_HINT,
  );
}

/** The guard of every command that changes an app: one stack owner, then the app's server-side lock. */
export async function lockApp(ports: Pick<Ports, 'apps' | 'host' | 'clock'>, ref: AppRef, docker: DockerPort, action: string, opts: LockOptions = {}): Promise<Lock> {
  assertStackOwner(ports.apps, ref);
  return acquireLock(ports, docker, stackName(ref.domain), ref.domain, action, opts);
}
