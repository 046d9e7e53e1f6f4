// `kite app backup ls` and `kite app backup forget`: an app's snapshots in
// its server's repository (kite's own, one app each, tagged with the stack).

import type { AppRef } from '../ports/app-store.js';
import type { DockerPort } from '../ports/docker.js';
import { KITE_TAG, parseSnapshots, pickSnapshot, type Snapshot } from '../core/backup-snapshots.js';
import { stackName } from '../core/stack-name.js';
import { BackupError, NotFoundError } from '../core/errors.js';
import { helperTail, openRepository, runRepoHelper, type BackupRunOptions, type RepoPorts, type Repository } from './backup-repo.js';
import { shQuote } from './backup-helper.js';

/** the stack's snapshots, oldest first */
export async function listSnapshots(repo: Repository, stack: string, opts: BackupRunOptions = {}): Promise<Snapshot[]> {
  const out = await runRepoHelper(repo, { stack, script: `restic snapshots --json --tag ${shQuote(`${KITE_TAG},${stack}`)}` }, opts);
  if (out.exitCode !== 0) throw new BackupError(`listing the snapshots of ${stack} failed: ${helperTail(out)}`);
  try {
    return parseSnapshots(out.stdout.join('\n'), stack);
  } catch (e) {
    throw new BackupError(`restic's snapshot list could not be read: ${(e as Error).message}`);
  }
}

export async function backupList(ports: RepoPorts, docker: DockerPort, ref: AppRef, opts: BackupRunOptions = {}): Promise<Snapshot[]> {
  const repo = await openRepository(ports, docker, ref.server, false, opts);
  return listSnapshots(repo, stackName(ref.domain), opts);
}

/** the snapshot the operator named (default: the latest), or a NotFoundError listing what there is */
export function requireSnapshot(snapshots: Snapshot[], wanted: string | undefined, domain: string): Snapshot {
  const s = pickSnapshot(snapshots, wanted);
  if (s) return s;
  if (snapshots.length === 0) throw new NotFoundError(`${domain} has no backups`, `make one with \`kite app backup create ${domain}\``);
  throw new NotFoundError(`${domain} has no snapshot "${wanted}"`, `its snapshots: ${snapshots.slice(-5).map((x) => x.shortId).join(', ')} (see \`kite app backup ls ${domain}\`)`);
}

export interface ForgetResult {
  kept: Snapshot[];
  removed: Snapshot[];
}

/** keep the app's last `keepLast` snapshots, forget the rest, prune the repository */
export async function backupForget(ports: RepoPorts, docker: DockerPort, ref: AppRef, keepLast: number, opts: BackupRunOptions = {}): Promise<ForgetResult> {
  const stack = stackName(ref.domain);
  const repo = await openRepository(ports, docker, ref.server, false, opts);
  const all = await listSnapshots(repo, stack, opts);
  const kept = keepLast > 0 ? all.slice(-keepLast) : [];
  const removed = all.slice(0, all.length - kept.length);
  if (removed.length === 0) return { kept, removed };
  opts.onEvent?.({ type: 'step', message: `forgetting ${removed.length} snapshot${removed.length === 1 ? '' : 's'} of ${ref.domain} and pruning the repository` });
  // by id, so nothing but this app's kite snapshots can go
  const out = await runRepoHelper(repo, { stack, script: `restic forget --prune ${removed.map((s) => shQuote(s.id)).join(' ')} >&2` }, opts);
  if (out.exitCode !== 0) throw new BackupError(`restic forget failed: ${helperTail(out)}`);
  return { kept, removed };
}
