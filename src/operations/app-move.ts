// `kite app move <domain> <server>`: backup on the source → undeploy there →
// the env file (staged), secrets and volumes on the target from that
// snapshot → deploy there → converged. Only then does the env file move from
// servers/<old>/ to servers/<new>/. The source's volumes and secrets stay
// until the caller's pruneSource says yes (--prune-source, a confirmation).
// A failure at any step puts the app back where it was: what the target got
// is removed and, once the source was undeployed, it is deployed there again.
// Both servers' app locks are held throughout.

import type { DockerPort } from '../ports/docker.js';
import type { Snapshot } from '../core/backup-snapshots.js';
import { backupSettingsFor } from '../core/backup-settings.js';
import { stackName } from '../core/stack-name.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { ConflictError, NotFoundError, UsageError } from '../core/errors.js';
import { acquireLock, type Lock } from './deploy-lock.js';
import { localPasswordPath, openRepository, type BackupRunOptions } from './backup-repo.js';
import { listSnapshots, requireSnapshot } from './backup-list.js';
import { backupCreate } from './backup-create.js';
import { readSnapshotFiles } from './backup-restore.js';
import { materializeApp, refuseExisting, type Materialized } from './backup-recover.js';
import { appDeploy, type AppDeployHooks, type AppDeployPorts, type AppDeployResult } from './app-deploy.js';
import { undeploy } from './undeploy.js';
import { removePins } from './pins.js';
import type { DeployEvent } from './events.js';

export interface AppMoveInput {
  domain: string;
  /** the server to move to */
  server: string;
  offline?: boolean;
  timeoutSeconds?: number;
  lockWaitSeconds?: number;
  signal?: AbortSignal;
}

export interface AppMoveHooks extends AppDeployHooks {
  /** asked once the app runs on the target: remove its volumes and secrets on the source? */
  pruneSource?: () => Promise<boolean>;
}

export interface AppMoved {
  snapshot: Snapshot;
  from: string;
  to: string;
  /** the env file now */
  path: string;
  deploy: AppDeployResult;
  /** the source's volumes and secrets, removed or kept */
  source: { pruned: boolean; volumes: string[]; secrets: string[] };
}

export async function* appMove(ports: AppDeployPorts, input: AppMoveInput, opts: BackupRunOptions = {}, hooks: AppMoveHooks = {}): AsyncGenerator<DeployEvent, AppMoved> {
  const { domain, server: to } = input;
  const dir = ports.apps;
  const ref = dir.findApp(domain);
  const from = ref.server;
  if (from === to) throw new UsageError(`${domain} is already on ${to}`);
  if (!dir.hasServer(to)) throw new NotFoundError(`unknown server "${to}"`, `add it with \`kite server add ${to}\``);
  const settings = (await dir.settings()).backups;
  const [srcRepo, dstRepo] = [backupSettingsFor(settings, from).repository, backupSettingsFor(settings, to).repository];
  if (srcRepo !== dstRepo) {
    throw new ConflictError(`${from} and ${to} use different backup repositories (${srcRepo}, ${dstRepo}): a move restores on ${to} the snapshot taken on ${from}`, `point both at one repository reachable from both servers in $ABRA_DIR/kite.yml (backups.repository, or backups.servers.<server>.repository)`);
  }
  const stack = stackName(domain);
  const finalPath = dir.appPath(to, domain);
  const staged = `${finalPath}.moving`;
  dir.assertWritable(finalPath);
  dir.assertWritable(ref.path);

  const src = await ports.docker(from);
  const dst = await ports.docker(to);
  const warnings: string[] = [];
  const lockOpts = { waitSeconds: input.lockWaitSeconds, onWait: hooks.onLockWait, onWarning: (m: string) => warnings.push(m), signal: input.signal };
  const locks: Lock[] = [await acquireLock(ports, src, stack, domain, 'move', lockOpts)];
  try {
    locks.push(await acquireLock(ports, dst, stack, domain, 'move', lockOpts));
    for (const message of warnings.splice(0)) yield { type: 'warning', message };
    // refused before anything changes: the target has the app already
    await refuseExisting(dst, stack, domain, to);

    // 1. a snapshot on the source (the app keeps running)
    opts.onEvent?.({ type: 'step', message: `backing up ${domain} on ${from}` });
    const created = await backupCreate(ports, src, { ref }, opts);
    // the same repository from the target: its password copy is the source's
    const dstFile = localPasswordPath(dir, to, dstRepo);
    const srcFile = localPasswordPath(dir, from, srcRepo);
    if (!dir.exists(dstFile) && dir.exists(srcFile)) dir.writeEnvFile(dstFile, dir.readText(srcFile));
    const repo = await openRepository(ports, dst, to, false, opts);
    const snapshot = requireSnapshot(await listSnapshots(repo, stack, opts), created.id, domain);
    const files = await readSnapshotFiles(repo, stack, snapshot, true, opts);
    if (!files.envText) throw new NotFoundError(`snapshot ${snapshot.shortId} read from ${to} holds no env file`);
    const secrets = Object.entries(files.secrets).map(([name, value]) => ({ name, value }));

    // 2. undeploy on the source; from here a failure deploys it there again
    let undeployed = false;
    let made: Materialized | undefined;
    let deploy: AppDeployResult;
    try {
      opts.onEvent?.({ type: 'step', message: `undeploying ${domain} from ${from}` });
      undeployed = true;
      yield* undeploy(stack, domain, src);
      // 3. the target: staged env file, secrets, volumes; 4. deploy, watched until it converged
      made = await materializeApp(ports, dst, { repo, snapshot, sourceStack: stack, stack, domain, path: staged, envText: files.envText, secrets }, opts);
      opts.onEvent?.({ type: 'step', message: `deploying ${domain} on ${to}` });
      deploy = yield* appDeploy(ports, { domain, ref: { domain, server: to, path: staged }, mode: 'deploy', version: snapshot.version, offline: input.offline, timeoutSeconds: input.timeoutSeconds, signal: input.signal, lockHeld: true }, hooks);
      if (!deploy.converged) throw new ConflictError(`${domain} did not converge on ${to}`);
    } catch (e) {
      yield* putBack(ports, { domain, stack, from, to, dst, made, undeployed, offline: input.offline, version: snapshot.version }, e as Error);
      throw e;
    }

    // 5. the env file moves only now (the target's copy records the version deployed)
    dir.writeEnvFile(finalPath, dir.readText(staged));
    dir.removeEnvFile(staged);
    dir.removeEnvFile(ref.path);
    opts.onEvent?.({ type: 'step', message: `moved the env file to ${finalPath}` });

    // 6. the source's data: kept unless the caller says to prune it
    const volumes = (await src.listVolumes({ label: [`${NAMESPACE_LABEL}=${stack}`] })).map((v) => v.Name).filter((n) => n.startsWith(`${stack}_`)).sort();
    const srcSecrets = (await src.listSecrets({ name: [`${stack}_`] })).filter((s) => s.Spec.Name.startsWith(`${stack}_`));
    const pruned = (await hooks.pruneSource?.()) === true;
    if (pruned) {
      for (const s of srcSecrets) await src.removeSecret(s.ID);
      for (const v of volumes) await src.removeVolume(v);
      await removePins(src, stack);
      opts.onEvent?.({ type: 'step', message: `removed ${volumes.length} volume(s) and ${srcSecrets.length} secret(s) of ${domain} from ${from}` });
    }
    return { snapshot, from, to, path: finalPath, deploy, source: { pruned, volumes, secrets: srcSecrets.map((s) => s.Spec.Name).sort() } };
  } finally {
    for (const l of locks.reverse()) await l.release();
    for (const message of warnings.splice(0)) yield { type: 'warning', message };
  }
}

interface PutBack {
  domain: string;
  stack: string;
  from: string;
  to: string;
  dst: DockerPort;
  made?: Materialized;
  undeployed: boolean;
  offline?: boolean;
  version?: string;
}

/** after a failed step: remove what the target got, deploy the app on the source again; the error says what happened */
async function* putBack(ports: AppDeployPorts, p: PutBack, failure: Error & { hint?: string }): AsyncGenerator<DeployEvent> {
  const said: string[] = [];
  if (p.made) {
    try {
      if ((await p.dst.listServices({ label: [`${NAMESPACE_LABEL}=${p.stack}`] })).length > 0) yield* undeploy(p.stack, p.domain, p.dst, { prune: true });
      const left = await p.made.undo();
      said.push(left.length ? `on ${p.to}, could not remove ${left.join(', ')}` : `nothing of ${p.domain} was left on ${p.to}`);
    } catch (e) {
      said.push(`cleaning ${p.to} failed (${(e as Error).message}): see \`docker stack ps ${p.stack}\` there`);
    }
  }
  if (p.undeployed) {
    yield { type: 'warning', message: `the move of ${p.domain} failed (${failure.message}): deploying it on ${p.from} again` };
    try {
      const r = yield* appDeploy(ports, { domain: p.domain, mode: 'deploy', force: true, version: p.version, offline: p.offline, lockHeld: true });
      said.push(`${p.domain} runs on ${p.from} again${r.converged ? '' : ' (submitted, not yet converged)'}, with its volumes as they were`);
    } catch (e) {
      said.push(`deploying it on ${p.from} again failed too (${(e as Error).message}): its volumes and secrets are still there; run \`kite app deploy --force ${p.domain}\``);
    }
  } else {
    said.push(`${p.domain} kept running on ${p.from}`);
  }
  failure.hint = `${failure.hint ? `${failure.hint}; ` : ''}${said.join('; ')}`;
}
