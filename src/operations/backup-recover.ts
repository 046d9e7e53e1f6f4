// Disaster recovery: `kite app restore <domain> --server <server>` when no env
// file exists for the domain, and `--from <domain>` to bring a snapshot back
// as another domain (a clone). From the snapshot alone (in that server's
// repository): the env file (atomic, 0600, through the app store), the
// secrets with their values, the volumes, then a deploy of the recorded
// version, watched until it converged — all under the target app's lock.
//
// Refused, with nothing changed: a domain that already has an env file, a
// stack already on the server, secrets or volumes of that stack already
// there. A failure before the deploy removes what was made; a failed deploy
// keeps the restored env file, secrets and volumes (the data is the point)
// and says so.

import type { DockerPort } from '../ports/docker.js';
import type { Snapshot } from '../core/backup-snapshots.js';
import { appRecipe, parseEnvFile } from '../core/env-file.js';
import { setEnvValue } from '../core/env-edit.js';
import { stackName } from '../core/stack-name.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { BackupError, ConflictError, NotFoundError, RecipeError } from '../core/errors.js';
import { acquireLock } from './deploy-lock.js';
import { removePins, writePin } from './pins.js';
import { nodeHostname } from '../core/nodes.js';
import { openRepository, type BackupRunOptions, type Repository } from './backup-repo.js';
import { listSnapshots, requireSnapshot } from './backup-list.js';
import { readSnapshotFiles, restoreSnapshotVolumes } from './backup-restore.js';
import { appDeploy, type AppDeployHooks, type AppDeployPorts, type AppDeployResult } from './app-deploy.js';
import type { DeployEvent } from './events.js';

export interface AppRecoverInput {
  /** the domain to bring back (the new domain with `from`) */
  domain: string;
  server: string;
  /** the domain whose snapshot is used (default: `domain`) */
  from?: string;
  /** snapshot id or prefix; default the latest */
  snapshot?: string;
  offline?: boolean;
  timeoutSeconds?: number;
  lockWaitSeconds?: number;
  signal?: AbortSignal;
}

export interface AppRecovered {
  snapshot: Snapshot;
  /** the env file written */
  path: string;
  volumes: string[];
  secrets: string[];
  deploy: AppDeployResult;
}

/** a snapshot's secret name under another stack (`<stack>_<name>_<version>`) */
export function renameSecret(name: string, sourceStack: string, targetStack: string): string {
  return name.startsWith(`${sourceStack}_`) ? `${targetStack}_${name.slice(sourceStack.length + 1)}` : name;
}

/** the snapshot's env file for the target domain: DOMAIN follows it */
export function envForDomain(envText: string, path: string, domain: string, fromDomain: string): string {
  if (domain === fromDomain) return envText;
  return setEnvValue(envText, 'DOMAIN', domain, path);
}

export async function* appRecover(ports: AppDeployPorts, input: AppRecoverInput, opts: BackupRunOptions = {}, hooks: AppDeployHooks = {}): AsyncGenerator<DeployEvent, AppRecovered> {
  const { domain, server } = input;
  const fromDomain = input.from ?? domain;
  const dir = ports.apps;
  if (!dir.hasServer(server)) throw new NotFoundError(`unknown server "${server}"`, `add it with \`kite server add ${server}\``);
  const existing = dir.listApps().find((a) => a.domain === domain);
  if (existing) {
    throw new ConflictError(`${domain} already has an env file (${existing.path}): a restore from a snapshot alone is for an app that is gone`, `restore its data in place with \`kite app restore ${domain}\`, or restore into another domain with \`kite app restore <new-domain> --from ${fromDomain} --server ${server}\``);
  }
  const stack = stackName(domain);
  const sourceStack = stackName(fromDomain);
  const path = dir.appPath(server, domain);
  dir.assertWritable(path);

  const docker = await ports.docker(server);
  const warnings: string[] = [];
  const lock = await acquireLock(ports, docker, stack, domain, 'restore', { waitSeconds: input.lockWaitSeconds, onWait: hooks.onLockWait, onWarning: (m) => warnings.push(m), signal: input.signal });
  try {
    for (const message of warnings.splice(0)) yield { type: 'warning', message };
    await refuseExisting(docker, stack, domain, server);
    const repo = await openRepository(ports, docker, server, false, opts);
    const snapshot = requireSnapshot(await listSnapshots(repo, sourceStack, opts), input.snapshot, fromDomain);
    const files = await readSnapshotFiles(repo, sourceStack, snapshot, true, opts);
    if (!files.envText) throw new BackupError(`snapshot ${snapshot.shortId} of ${fromDomain} holds no env file (/kite/app.env): it was not taken by kite and cannot rebuild the app`);
    const envText = envForDomain(files.envText, path, domain, fromDomain);
    if (!appRecipe(parseEnvFile(envText, path).env)) throw new RecipeError(`the env file in snapshot ${snapshot.shortId} has no TYPE= (or RECIPE=) line naming the recipe`, path, { key: 'TYPE' });
    const secrets = Object.entries(files.secrets).map(([name, value]) => ({ name: renameSecret(name, sourceStack, stack), value }));
    const volumes = snapshot.volumes;

    // from here the server and $ABRA_DIR change: a failure before the deploy removes what was made
    await materializeApp(ports, docker, { repo, snapshot, sourceStack, stack, domain, path, envText, secrets }, opts);

    let deploy: AppDeployResult;
    try {
      deploy = yield* appDeploy(ports, { domain, mode: 'deploy', version: snapshot.version, offline: input.offline, timeoutSeconds: input.timeoutSeconds, signal: input.signal, lockHeld: true }, hooks);
    } catch (e) {
      const err = e as Error & { hint?: string };
      err.hint = `${err.hint ? `${err.hint}; ` : ''}the env file (${path}), the secrets and the volumes of ${domain} were restored from ${snapshot.shortId} and are kept: fix the cause and run \`kite app deploy ${domain}\``;
      throw e;
    }
    return { snapshot, path, volumes, secrets: secrets.map((s) => s.name), deploy };
  } finally {
    await lock.release();
    for (const message of warnings.splice(0)) yield { type: 'warning', message };
  }
}

/** a stack, or secrets or volumes of it, already on the server: refused before anything changes */
export async function refuseExisting(docker: DockerPort, stack: string, domain: string, server: string): Promise<void> {
  const services = await docker.listServices({ label: [`${NAMESPACE_LABEL}=${stack}`] });
  if (services.length > 0) throw new ConflictError(`${server} already runs the stack ${stack} (${services.map((s) => s.Spec.Name).sort().join(', ')})`, `restore into another domain with --from, or remove that stack first`);
  const secrets = (await docker.listSecrets({ name: [`${stack}_`] })).filter((s) => s.Spec.Name.startsWith(`${stack}_`));
  const volumes = (await docker.listVolumes({ name: [`${stack}_`] })).filter((v) => v.Name.startsWith(`${stack}_`));
  const left = [...secrets.map((s) => `secret ${s.Spec.Name}`), ...volumes.map((v) => `volume ${v.Name}`)];
  if (left.length > 0) throw new ConflictError(`${server} still has ${left.join(', ')} of ${domain}`, `nothing was changed: remove them on ${server} first (the restore makes them from the snapshot), or restore into another domain with --from`);
}

export interface MaterializeRequest {
  repo: Repository;
  snapshot: Snapshot;
  sourceStack: string;
  stack: string;
  domain: string;
  /** where the env file is written */
  path: string;
  envText: string;
  /** full names under `stack` and values */
  secrets: { name: string; value: string }[];
}

export interface Materialized {
  /** remove what was made (the stack's services must be gone); what could not be removed */
  undo(): Promise<string[]>;
}

/**
 * The env file, the secrets and the volumes of a snapshot on a server (the
 * volumes on the node kite talks to; on several nodes the restored services
 * are pinned there). A failure removes what it made, says so and throws.
 */
export async function materializeApp(ports: Pick<AppDeployPorts, 'apps' | 'clock'>, docker: DockerPort, m: MaterializeRequest, opts: BackupRunOptions = {}): Promise<Materialized> {
  const made = { env: false, secrets: [] as string[], volumes: false, pins: false };
  const undoIt = () => undo(docker, ports, m.path, m.stack, made);
  try {
    ports.apps.writeEnvFile(m.path, m.envText);
    made.env = true;
    opts.onEvent?.({ type: 'step', message: `wrote ${m.path}` });
    for (const s of m.secrets) {
      const { ID } = await docker.createSecret({ Name: s.name, Labels: {}, Data: Buffer.from(s.value, 'utf8').toString('base64') });
      made.secrets.push(ID);
      opts.onEvent?.({ type: 'step', message: `created secret ${s.name}` });
    }
    const volumes = m.snapshot.volumes;
    if (volumes.length > 0) {
      made.volumes = true;
      // the node kite talks to: its Engine API is where the volumes are made and seen
      const nodeId = (await docker.info()).Swarm?.NodeID || undefined;
      await restoreSnapshotVolumes({ repo: m.repo, snapshot: m.snapshot, sourceStack: m.sourceStack, targetStack: m.stack, volumes, nodeId, volumeLabels: { [NAMESPACE_LABEL]: m.stack } }, opts);
      // several nodes: the services whose volumes were restored are pinned to this node before the deploy places them
      if (nodeId && (await docker.listNodes()).length > 1) {
        const hostname = nodeHostname(await docker.inspectNode(nodeId));
        made.pins = true;
        for (const service of m.snapshot.services) {
          await writePin(docker, m.stack, { service, nodeId, hostname });
          opts.onEvent?.({ type: 'step', message: `pinned ${service} to ${hostname}, where its volumes were restored` });
        }
      }
    }
  } catch (e) {
    const left = await undoIt();
    const err = e as Error & { hint?: string };
    err.hint = `${err.hint ? `${err.hint}; ` : ''}${left.length ? `could not remove: ${left.join(', ')}` : `nothing of ${m.domain} was left behind there`}`;
    throw e;
  }
  return { undo: undoIt };
}

/** remove what a failed recovery made; what could not be removed */
async function undo(docker: DockerPort, { apps: dir, clock }: Pick<AppDeployPorts, 'apps' | 'clock'>, path: string, stack: string, made: { env: boolean; secrets: string[]; volumes: boolean; pins: boolean }): Promise<string[]> {
  const left: string[] = [];
  if (made.pins) await removePins(docker, stack).catch(() => left.push(`the pins of ${stack} (configs labelled kite.pin=${stack})`));
  for (const id of made.secrets) {
    try {
      await docker.removeSecret(id);
    } catch {
      left.push(`secret ${id}`);
    }
  }
  if (made.volumes) {
    for (const v of (await docker.listVolumes({ label: [`${NAMESPACE_LABEL}=${stack}`] }).catch(() => [])).filter((x) => x.Name.startsWith(`${stack}_`))) {
      // busy until the helper's (or the failed deploy's) containers are gone
      for (let i = 0; ; i++) {
        try {
          await docker.removeVolume(v.Name);
          break;
        } catch {
          if (i >= 60) {
            left.push(`volume ${v.Name}`);
            break;
          }
          await clock.sleep(500);
        }
      }
    }
  }
  if (made.env) {
    try {
      dir.removeEnvFile(path);
    } catch {
      left.push(path);
    }
  }
  return left;
}
