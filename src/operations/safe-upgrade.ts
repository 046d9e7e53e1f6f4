// Safe upgrades: before a deploy changes the version of an app whose recipe
// carries backup labels, a snapshot is taken (`--no-backup` skips it). When
// the new version fails and the deploy rolls back, the volumes are restored
// from that snapshot before the previous version starts again, so a
// migration the new version already ran does not strand the old one: the
// services that mount them are stopped (scaled to 0), the volumes restored,
// then deploy.ts puts the previous specs (and replicas) back.

import type { AppRef } from '../ports/app-store.js';
import type { DockerPort } from '../ports/docker.js';
import type { Snapshot } from '../core/backup-snapshots.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import type { BackupEvent, RepoPorts } from './backup-repo.js';
import { openRepository } from './backup-repo.js';
import { backupCreate, deployedApp, volumeNode } from './backup-create.js';
import { restoreSnapshotVolumes } from './backup-restore.js';
import { changeService } from './app-restart.js';
import type { DeployEvent } from './events.js';

export interface UpgradeSnapshot {
  snapshot: Snapshot;
  /** set once the volumes were restored from it during a rollback */
  restored?: boolean;
}

/** a backup event as a deploy event (the repository password, made on first use, is shown once as backup create shows it) */
function asDeployEvent(e: BackupEvent): DeployEvent | undefined {
  switch (e.type) {
    case 'password-created':
      return { type: 'warning', message: `created the backup repository password for this server, kept in the Docker secret ${e.secret} and in ${e.file} (mode 0600); keep a copy somewhere safe. repository password: ${e.password}` };
    case 'password-saved':
      return { type: 'info', message: `saved a copy of the server's backup repository password in ${e.file}` };
    case 'warning':
      return { type: 'warning', message: e.message };
    case 'step':
      return { type: 'backup', message: e.message };
    default:
      return undefined;
  }
}

/** the deployed app's services carry backup labels selecting at least one volume */
export async function hasBackupLabels(docker: DockerPort, domain: string): Promise<boolean> {
  const { plan } = await deployedApp(docker, domain);
  return plan.services.length > 0 && plan.volumes.length > 0;
}

/** the snapshot before a version change; undefined when the deployed recipe has nothing to back up */
export async function* takeUpgradeSnapshot(ports: RepoPorts, docker: DockerPort, ref: AppRef, signal?: AbortSignal): AsyncGenerator<DeployEvent, UpgradeSnapshot | undefined> {
  const app = await deployedApp(docker, ref.domain);
  if (app.plan.services.length === 0 || app.plan.volumes.length === 0) return undefined;
  yield { type: 'backup', message: `taking a snapshot of ${ref.domain} before the version changes (--no-backup skips it)` };
  const events: BackupEvent[] = [];
  try {
    const snapshot = await backupCreate(ports, docker, { ref }, { signal, onEvent: (e) => events.push(e) });
    yield { type: 'backup', message: `snapshot ${snapshot.shortId} taken: a failed upgrade restores the volumes from it when it rolls back` };
    return { snapshot };
  } finally {
    for (const e of events) {
      const ev = asDeployEvent(e);
      if (ev) yield ev;
    }
  }
}

/** deploy.ts's beforeRollback: stop the services mounting the snapshot's volumes, restore them; a failure is a warning (the rollback goes on) */
export function restoreBeforeRollback(ports: RepoPorts, docker: DockerPort, ref: AppRef, stack: string, safe: UpgradeSnapshot): () => AsyncGenerator<DeployEvent, void> {
  return async function* () {
    const { snapshot } = safe;
    yield { type: 'backup', message: `restoring ${snapshot.volumes.join(', ')} from snapshot ${snapshot.shortId} before the previous version starts again` };
    try {
      const repo = await openRepository(ports, docker, ref.server, false);
      const sources = new Set(snapshot.volumes.map((v) => `${stack}_${v}`));
      const mounting = (await docker.listServices({ label: [`${NAMESPACE_LABEL}=${stack}`] })).filter((s) => (s.Spec.TaskTemplate.ContainerSpec.Mounts ?? []).some((m) => m.Type === 'volume' && m.Source && sources.has(m.Source)));
      const nodeId = await volumeNode(docker, mounting, ref.domain).catch(() => undefined);
      for (const s of mounting.filter((x) => x.Spec.Mode.Replicated)) {
        await changeService(docker, s.Spec.Name, (spec) => ({ ...spec, Mode: { Replicated: { Replicas: 0 } } }));
        yield { type: 'backup', message: `stopped ${s.Spec.Name} for the restore` };
      }
      await waitGone(docker, mounting.map((s) => s.ID), ports);
      await restoreSnapshotVolumes({ repo, snapshot, sourceStack: stack, targetStack: stack, volumes: snapshot.volumes, nodeId });
      safe.restored = true;
      yield { type: 'backup', message: `restored ${snapshot.volumes.join(', ')} from snapshot ${snapshot.shortId}` };
    } catch (e) {
      yield { type: 'warning', message: `could not restore the volumes from snapshot ${snapshot.shortId} (${(e as Error).message}): the previous version starts on the data the failed version left; restore it with \`kite app restore ${ref.domain} -s ${snapshot.shortId}\`` };
    }
  };
}

const ACTIVE = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

/** until no task of these services runs (their containers let go of the volumes) */
async function waitGone(docker: DockerPort, ids: string[], ports: RepoPorts): Promise<void> {
  const deadline = ports.clock.now() + 180_000;
  while ((await docker.listTasks({ service: ids })).some((t) => ids.includes(t.ServiceID) && ACTIVE.has(t.Status.State))) {
    if (ports.clock.now() > deadline) throw new Error('the services mounting the volumes did not stop within 180s');
    await ports.clock.sleep(500);
  }
}
