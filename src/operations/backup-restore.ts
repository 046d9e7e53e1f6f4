// Restoring from a snapshot.
//
// restoreSnapshotVolumes: the building block — a snapshot's volumes into a
// target stack's volumes (the same stack, or another one for a clone, a
// move or disaster recovery). Each volume is first restored into a staging
// directory inside itself (same file system), and only when every volume is
// staged are the live contents replaced (renames): a failed or interrupted
// restic restore leaves the live data as it was. What the volume holds and
// the snapshot does not is removed, so the volume ends as the snapshot was.
//
// readSnapshotFiles: the env file, meta.json and (on request) the secret
// values a snapshot holds, for rebuilding an app from a snapshot alone.
//
// appRestore (`kite app restore`, in place): check everything first (the
// repository opens, the snapshot exists, the volumes are in it and in the
// deployed recipe), restore pre-hooks, stop the services that mount the
// restored volumes (scale to 0), restore, start them again — always, also
// on failure or Ctrl-C — wait for convergence as a deploy does, post-hooks.

import type { AppRef } from '../ports/app-store.js';
import type { DockerPort, Service } from '../ports/docker.js';
import type { Mount } from '../core/convert/swarm-types.js';
import { KITE_DIR, SECRETS_DIR, shortVolumeName, volumeDataPath } from '../core/backup-plan.js';
import type { Snapshot } from '../core/backup-snapshots.js';
import { BackupError, ConflictError, DeployFailedError, NotFoundError, UsageError } from '../core/errors.js';
import { shQuote } from './backup-helper.js';
import { helperTail, openRepository, runRepoHelper, type BackupRunOptions, type RepoPorts, type Repository } from './backup-repo.js';
import { listSnapshots, requireSnapshot } from './backup-list.js';
import { deployedApp, runHook, volumeNode } from './backup-create.js';
import { watchConvergence, type WatchTarget } from './watch.js';
import { changeService, timeoutFromLabels } from './app-restart.js';

export interface SnapshotVolumesRequest {
  repo: Repository;
  snapshot: Snapshot;
  /** the stack the snapshot was taken of */
  sourceStack: string;
  /** the stack whose volumes receive the data (`<targetStack>_<volume>`) */
  targetStack: string;
  /** short volume names, each in the snapshot */
  volumes: string[];
  /** the node that holds (or will hold) the target volumes */
  nodeId?: string;
  /** labels for a target volume Docker makes on mounting it (a stack's namespace label, as a deploy gives it) */
  volumeLabels?: Record<string, string>;
}

/** the volume's paths the snapshot holds, relative to its root; [] for the whole volume */
export function snapshotVolumePaths(snapshot: Snapshot, stack: string, volume: string): string[] {
  const root = volumeDataPath(stack, volume);
  if (snapshot.paths.includes(root)) return [];
  return snapshot.paths.filter((p) => p.startsWith(`${root}/`)).map((p) => p.slice(root.length + 1));
}

const STAGE = '.kite-restore';

/** the helper's script: stage every volume, then swap the live contents */
export function restoreScript(id: string, items: { live: string; source: string; paths: string[] }[]): string {
  const stage = items
    .map(
      (v) => `rm -rf ${shQuote(`${v.live}/${STAGE}`)} && mkdir -p ${shQuote(`${v.live}/${STAGE}`)}
restic restore ${shQuote(id)} --target ${shQuote(`${v.live}/${STAGE}`)} --include ${shQuote(v.source)} >&2 || fail ${shQuote(`restic restore of ${v.source} failed`)}
[ -d ${shQuote(`${v.live}/${STAGE}${v.source}`)} ] || fail ${shQuote(`the snapshot holds no data at ${v.source}`)}`,
    )
    .join('\n');
  const swap = items
    .map((v) => {
      const from = `${v.live}/${STAGE}${v.source}`;
      if (v.paths.length === 0) {
        return `find ${shQuote(v.live)} -mindepth 1 -maxdepth 1 ! -name ${STAGE} -exec rm -rf {} \\;
movein ${shQuote(from)} ${shQuote(v.live)}
chmod "$(stat -c %a ${shQuote(from)})" ${shQuote(v.live)}; chown "$(stat -c %u:%g ${shQuote(from)})" ${shQuote(v.live)}
rm -rf ${shQuote(`${v.live}/${STAGE}`)}`;
      }
      return (
        v.paths
          .map((p) => `rm -rf ${shQuote(`${v.live}/${p}`)}; mkdir -p "$(dirname ${shQuote(`${v.live}/${p}`)})"; if [ -e ${shQuote(`${from}/${p}`)} ]; then mv ${shQuote(`${from}/${p}`)} ${shQuote(`${v.live}/${p}`)}; fi`)
          .join('\n') + `\nrm -rf ${shQuote(`${v.live}/${STAGE}`)}`
      );
    })
    .join('\n');
  const cleanup = items.map((v) => shQuote(`${v.live}/${STAGE}`)).join(' ');
  return `fail() { trap '' INT TERM; echo "kite: $1" >&2; rm -rf ${cleanup}; exit 40; }
trap 'fail "interrupted: the live data was not changed"' INT TERM
movein() { for f in "$1"/* "$1"/.[!.]* "$1"/..?*; do if [ -e "$f" ] || [ -L "$f" ]; then mv "$f" "$2"/; fi; done; }
${stage}
# the swap is renames: it is not interrupted (children inherit the ignored signals)
trap '' INT TERM
echo "kite: staged; replacing the live data" >&2
${swap}
`;
}

/**
 * Put a snapshot's volumes into the target stack's volumes. Nothing else is
 * touched. A target volume that does not exist is made by Docker when the
 * helper mounts it, without the stack's labels: deploy the target app first
 * (its services then have to be stopped) or make the volumes with their labels.
 */
export async function restoreSnapshotVolumes(req: SnapshotVolumesRequest, opts: BackupRunOptions = {}): Promise<void> {
  const items = req.volumes.map((v) => ({
    live: volumeDataPath(req.targetStack, v),
    source: volumeDataPath(req.sourceStack, v),
    paths: snapshotVolumePaths(req.snapshot, req.sourceStack, v),
  }));
  const mounts: Mount[] = req.volumes.map((v) => ({ Type: 'volume', Source: `${req.targetStack}_${v}`, Target: volumeDataPath(req.targetStack, v), ...(req.volumeLabels ? { VolumeOptions: { Labels: req.volumeLabels } } : {}) }));
  opts.onEvent?.({ type: 'step', message: `restoring ${req.volumes.join(', ')} from snapshot ${req.snapshot.shortId}` });
  const out = await runRepoHelper(req.repo, { stack: req.targetStack, nodeId: req.nodeId, mounts, script: restoreScript(req.snapshot.id, items) }, opts);
  if (out.exitCode !== 0) {
    const staged = out.stderr.some((l) => l.includes('kite: staged'));
    throw new BackupError(`restoring the volumes from snapshot ${req.snapshot.shortId} failed: ${helperTail(out)}`, staged ? 'the failure came while replacing the live data: restore again' : 'the live data was not changed');
  }
}

export interface SnapshotFiles {
  /** the app's env file as it was */
  envText?: string;
  meta?: Record<string, unknown>;
  /** full secret name → value (only with `secrets: true`) */
  secrets: Record<string, string>;
}

/** the env file, meta.json and optionally the secret values in a snapshot (read through the helper's output, base64) */
export async function readSnapshotFiles(repo: Repository, stack: string, snapshot: Snapshot, secrets: boolean, opts: BackupRunOptions = {}): Promise<SnapshotFiles> {
  const script = `out() { printf 'KITE-FILE %s ' "$1"; restic dump ${shQuote(snapshot.id)} "$1" | base64 | tr -d '\\n'; echo; }
out ${KITE_DIR}/app.env
out ${KITE_DIR}/meta.json
${secrets ? `restic ls ${shQuote(snapshot.id)} ${SECRETS_DIR} | grep '^${SECRETS_DIR}/' | while read -r f; do out "$f"; done` : ''}
`;
  const res = await runRepoHelper(repo, { stack, script }, opts);
  if (res.exitCode !== 0) throw new BackupError(`reading snapshot ${snapshot.shortId} failed: ${helperTail(res)}`);
  const files = new Map<string, string>();
  for (const l of res.stdout) {
    const m = /^KITE-FILE (\S+) (\S*)$/.exec(l);
    if (m) files.set(m[1], Buffer.from(m[2], 'base64').toString('utf8'));
  }
  const meta = files.get(`${KITE_DIR}/meta.json`);
  const result: SnapshotFiles = { envText: files.get(`${KITE_DIR}/app.env`), meta: meta ? (JSON.parse(meta) as Record<string, unknown>) : undefined, secrets: {} };
  for (const [k, v] of files) if (k.startsWith(`${SECRETS_DIR}/`)) result.secrets[k.slice(SECRETS_DIR.length + 1)] = v;
  return result;
}

export interface AppRestoreRequest {
  ref: AppRef;
  /** snapshot id (or prefix); default the latest */
  snapshot?: string;
  /** short volume names; default every volume in the snapshot */
  volumes?: string[];
  noHooks?: boolean;
  timeoutSeconds?: number;
}

export interface AppRestored {
  snapshot: Snapshot;
  volumes: string[];
  /** services stopped for the restore and started again */
  services: string[];
}

export async function appRestore(ports: RepoPorts, docker: DockerPort, req: AppRestoreRequest, opts: BackupRunOptions = {}): Promise<AppRestored> {
  const { domain, server } = req.ref;
  const app = await deployedApp(docker, domain);
  const { stack, plan } = app;
  // everything that can be refused is checked before anything changes
  const recipeVolumes = new Set(app.services.flatMap((s) => (s.Spec.TaskTemplate.ContainerSpec.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Source).map((m) => shortVolumeName(stack, m.Source ?? ''))));
  for (const v of req.volumes ?? []) {
    if (!recipeVolumes.has(v)) throw new NotFoundError(`${domain} has no volume "${v}"`, `its volumes: ${[...recipeVolumes].sort().join(', ') || 'none'}`);
  }
  const repo = await openRepository(ports, docker, server, false, opts);
  const snapshot = requireSnapshot(await listSnapshots(repo, stack, opts), req.snapshot, domain);
  const volumes = req.volumes?.length ? req.volumes : snapshot.volumes;
  for (const v of volumes) {
    if (!snapshot.volumes.includes(v)) throw new NotFoundError(`snapshot ${snapshot.shortId} of ${domain} holds no volume "${v}"`, `it holds: ${snapshot.volumes.join(', ')}`);
    if (!recipeVolumes.has(v)) throw new ConflictError(`snapshot ${snapshot.shortId} holds volume "${v}", which the deployed ${domain} does not mount`, 'name the volumes to restore with --volumes');
  }
  if (volumes.length === 0) throw new UsageError(`snapshot ${snapshot.shortId} holds no volumes to restore`);
  const sources = new Set(volumes.map((v) => `${stack}_${v}`));
  const mounting = app.services.filter((s) => (s.Spec.TaskTemplate.ContainerSpec.Mounts ?? []).some((m) => m.Type === 'volume' && m.Source && sources.has(m.Source)));
  const global = mounting.find((s) => !s.Spec.Mode.Replicated);
  if (global) throw new ConflictError(`${global.Spec.Name} mounts a restored volume and is not a replicated service: kite cannot stop it for the restore`);
  const nodeId = await volumeNode(docker, mounting, domain);
  const hooked = req.noHooks ? [] : plan.services;

  // restore pre-hooks run in the running containers, before they stop
  for (const svc of hooked) if (svc.hooks.restorePre) await runHook(docker, stack, domain, svc, 'restore pre-hook', svc.hooks.restorePre, opts);

  const stopped: { service: Service; replicas: number }[] = [];
  let failure: unknown;
  try {
    for (const s of mounting) {
      const replicas = s.Spec.Mode.Replicated?.Replicas ?? 1;
      opts.onEvent?.({ type: 'step', message: `stopping ${s.Spec.Name}` });
      stopped.push({ service: s, replicas });
      opts.onEvent?.({ type: 'stopped', service: s.Spec.Name, replicas });
      await setReplicas(docker, s.Spec.Name, 0);
    }
    await waitStopped(docker, mounting, ports, opts.signal);
    await restoreSnapshotVolumes({ repo, snapshot, sourceStack: stack, targetStack: stack, volumes, nodeId }, opts);
  } catch (e) {
    failure = e;
  }
  // start them again whatever happened (no abort signal: this must finish)
  const targets: WatchTarget[] = [];
  for (const { service, replicas } of stopped) {
    opts.onEvent?.({ type: 'step', message: `starting ${service.Spec.Name}` });
    try {
      const r = await setReplicas(docker, service.Spec.Name, replicas);
      opts.onEvent?.({ type: 'started', service: service.Spec.Name });
      targets.push({ name: service.Spec.Name, previousUpdateStartedAt: r.before.UpdateStatus?.StartedAt, deployedAt: r.after.UpdatedAt ?? '' });
    } catch (e) {
      const msg = `could not start ${service.Spec.Name} again (${(e as Error).message}): run \`kite app deploy --force ${domain}\``;
      if (failure) opts.onEvent?.({ type: 'warning', message: msg });
      else failure = new BackupError(msg);
    }
  }
  if (failure) throw failure;
  const timeoutSeconds = req.timeoutSeconds ?? timeoutFromLabels(app.services, stack);
  const watch = watchConvergence(docker, targets, { timeoutMs: timeoutSeconds * 1000, namespace: stack, clock: ports.clock });
  let failures;
  for (;;) {
    const n = await watch.next();
    if (n.done) {
      failures = n.value;
      break;
    }
    if (n.value.type === 'converged') opts.onEvent?.({ type: 'step', message: `${n.value.service} is running` });
  }
  if (failures.length > 0) {
    const err = new DeployFailedError(stack, failures, 'no-previous');
    err.message = `the data of ${domain} was restored from ${snapshot.shortId}, but ${failures.map((f) => `${f.service}: ${f.reason}`).join('; ')}`;
    err.hint = `see \`kite app ps ${domain}\` and \`kite app logs ${domain}\``;
    throw err;
  }
  for (const svc of hooked) if (svc.hooks.restorePost) await runHook(docker, stack, domain, svc, 'restore post-hook', svc.hooks.restorePost, opts);
  return { snapshot, volumes, services: mounting.map((s) => s.Spec.Name).sort() };
}

/** set a replicated service's replicas on its current version */
function setReplicas(docker: DockerPort, name: string, replicas: number): Promise<{ before: Service; after: Service }> {
  return changeService(docker, name, (spec) => ({ ...spec, Mode: { Replicated: { Replicas: replicas } } }));
}

const ACTIVE = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

/** until no task of these services is running (their containers have stopped and let go of the volumes) */
async function waitStopped(docker: DockerPort, services: Service[], ports: RepoPorts, signal?: AbortSignal): Promise<void> {
  const ids = new Set(services.map((s) => s.ID));
  const deadline = ports.clock.now() + 180_000;
  for (;;) {
    const tasks = (await docker.listTasks({ service: services.map((s) => s.ID) })).filter((t) => ids.has(t.ServiceID) && ACTIVE.has(t.Status.State));
    if (tasks.length === 0) return;
    if (signal?.aborted) throw new BackupError('stopped before the restore began: the services are started again; nothing was restored');
    if (ports.clock.now() > deadline) throw new BackupError(`the services mounting the volumes did not stop within 180s; nothing was restored`);
    await ports.clock.sleep(500, signal);
  }
}
