// `kite app backup create`: one verified restic snapshot of one app.
//
//   1. the plan from the deployed service specs' backupbot labels
//   2. the pre-hooks, in each service's current running container
//   3. one helper run on the node that holds the volumes: every selected path
//      present and non-empty, `restic backup` of the volumes (read-only),
//      the secrets (/secrets/<name>) and /kite (env file, meta.json), then
//      verification: `restic check` and reading the whole snapshot back
//      (every blob's MAC checked) with each selected path found non-empty
//   4. the post-hooks (also when the backup failed)
// Any failure: an error, and the snapshot (if one was made) is forgotten.

import type { AppRef } from '../ports/app-store.js';
import type { DockerPort, Service } from '../ports/docker.js';
import type { Mount, SecretReference } from '../core/convert/swarm-types.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { labelKey } from '../core/abra-labels.js';
import { KITE_DIR, SECRETS_DIR, hookCommand, planBackup, volumeDataPath, volumeIncludePaths, type BackupPlan, type PlannedService } from '../core/backup-plan.js';
import { parseSnapshots, snapshotTags, type Snapshot } from '../core/backup-snapshots.js';
import { appRecipe, parseEnvFile } from '../core/env-file.js';
import { stackName } from '../core/stack-name.js';
import { BackupError, ConflictError, DockerApiError } from '../core/errors.js';
import { findServiceContainer, startExec } from './app-exec.js';
import { outputLines } from './post-deploy.js';
import { helperTail, openRepository, runRepoHelper, type BackupRunOptions, type RepoPorts, type Repository } from './backup-repo.js';
import { shQuote } from './backup-helper.js';

export interface BackupCreateRequest {
  ref: AppRef;
  /** only this service's labels (short or full name) */
  service?: string;
}

export interface BackupCreated extends Snapshot {
  domain: string;
  server: string;
  repository: string;
}

/** What restore and the others need to know about a deployed app. */
export interface DeployedApp {
  stack: string;
  services: Service[];
  plan: BackupPlan;
}

export async function deployedApp(docker: DockerPort, domain: string, only?: string): Promise<DeployedApp> {
  const stack = stackName(domain);
  const services = await docker.listServices({ label: [`${NAMESPACE_LABEL}=${stack}`] });
  if (services.length === 0) throw new ConflictError(`${domain} is not deployed`, `deploy it with \`kite app deploy ${domain}\`; backups read what to save from the deployed services`);
  return { stack, services, plan: planBackup(stack, services.map((s) => s.Spec), only) };
}

/** the node running the services (their tasks), for a helper that mounts their volumes; one node or an error */
export async function volumeNode(docker: DockerPort, services: Service[], domain: string): Promise<string | undefined> {
  const ids = new Set(services.map((s) => s.ID));
  const tasks = (await docker.listTasks({ 'desired-state': ['running'] })).filter((t) => ids.has(t.ServiceID) && t.NodeID);
  const nodes = [...new Set(tasks.map((t) => t.NodeID as string))];
  if (nodes.length > 1) throw new ConflictError(`the services of ${domain} whose volumes are backed up run on ${nodes.length} nodes`, 'local volumes live on one node: pin those services to one node (placement constraints)');
  if (nodes.length === 1) return nodes[0];
  return (await docker.info()).Swarm.NodeID || undefined;
}

/** Run one hook in the service's current running container; non-zero: a BackupError naming it. */
export async function runHook(docker: DockerPort, stack: string, domain: string, svc: PlannedService, which: string, label: string, opts: BackupRunOptions): Promise<void> {
  opts.onEvent?.({ type: 'step', message: `${which} of ${svc.name}: ${label}` });
  const session = await execInCurrentContainer(docker, stack, domain, svc, which, label);
  session.stream.end();
  for await (const line of outputLines(session.stream)) opts.onEvent?.({ type: 'output', ...line });
  const code = await session.exitCode();
  if (code !== 0) throw new BackupError(`${which} of ${svc.name} failed with status ${code}: ${label}`, `run it by hand to see why: kite app run ${domain} ${svc.name} -- sh -c '…'`);
}

/** the service's current container, found again when Docker says the one found is no longer running (a task being replaced: HTTP 409) */
async function execInCurrentContainer(docker: DockerPort, stack: string, domain: string, svc: PlannedService, which: string, label: string) {
  for (let attempt = 0; ; attempt++) {
    const target = await findServiceContainer(docker, stack, domain, svc.name).catch((e: Error) => {
      throw new BackupError(`${which} of ${svc.name} cannot run: ${e.message}`, `see \`kite app ps ${domain}\``);
    });
    try {
      return await startExec(docker, target.containerId, { cmd: hookCommand(label), tty: false, stdin: false });
    } catch (e) {
      if (attempt < 3 && e instanceof DockerApiError && (e.statusCode === 409 || e.statusCode === 404)) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      throw e;
    }
  }
}

function secretMounts(plan: BackupPlan): SecretReference[] {
  return plan.secrets.map((s) => ({ SecretID: s.id, SecretName: s.name, File: { Name: `${SECRETS_DIR}/${s.name}`, UID: '0', GID: '0', Mode: 0o400 } }));
}

function volumeMounts(plan: BackupPlan, stack: string, readOnly: boolean): Mount[] {
  return plan.volumes.map((v) => ({ Type: 'volume', Source: v.source, Target: volumeDataPath(stack, v.name), ReadOnly: readOnly }));
}

/** the helper's script: check, back up, verify; prints `KITE-SNAPSHOT <json>` */
export function backupScript(includes: string[], tags: string[]): string {
  const list = includes.map(shQuote).join(' ');
  const tagArgs = tags.map((t) => `--tag ${shQuote(t)}`).join(' ');
  return `for p in ${list}; do
  if [ ! -e "$p" ]; then echo "kite: $p does not exist: nothing to back up there" >&2; exit 20; fi
  if [ -z "$(find "$p" -type f -size +0 2>/dev/null | head -n 1)" ]; then echo "kite: $p holds no data (no non-empty file)" >&2; exit 20; fi
done
mkdir -p ${SECRETS_DIR} ${KITE_DIR}
printf '%s' "$KITE_ENV_B64" | base64 -d > ${KITE_DIR}/app.env
printf '%s\\n' "$KITE_META" > ${KITE_DIR}/meta.json
size=$(du -sk ${list} | awk '{s+=$1} END {print s*1024}')
restic backup --json ${tagArgs} --tag "size=$size" ${list} ${SECRETS_DIR} ${KITE_DIR} > /tmp/kite-backup.json || rc=$?
id=$(grep '"message_type":"summary"' /tmp/kite-backup.json | sed -n 's/.*"snapshot_id":"\\([0-9a-f]*\\)".*/\\1/p' || true)
if [ "\${rc:-0}" != 0 ]; then
  echo "kite: restic backup failed (status \${rc})" >&2
  [ -n "$id" ] && restic forget "$id" >/dev/null 2>&1
  exit 21
fi
[ -n "$id" ] || { echo "kite: restic made no snapshot" >&2; exit 21; }
fail() { echo "kite: verification failed: $1" >&2; restic forget "$id" >/dev/null 2>&1 || true; exit 22; }
restic check >/tmp/kite-check 2>&1 || { cat /tmp/kite-check >&2; fail "restic check found errors in the repository"; }
printf '%s\\n' ${list} > /tmp/kite-paths
restic dump --archive tar "$id" / 2>/tmp/kite-dump | tar -tvf - > /tmp/kite-list || { cat /tmp/kite-dump >&2; fail "the snapshot could not be read back"; }
awk 'BEGIN { while ((getline l < "/tmp/kite-paths") > 0) want[l] = 0 }
  substr($0, 1, 1) == "-" && $3 > 0 { p = $0; for (i = 0; i < 5; i++) sub(/^[^ ]+ +/, "", p); p = "/" p; for (w in want) if (p == w || index(p, w "/") == 1) want[w] = 1 }
  END { bad = 0; for (w in want) if (!want[w]) { print "kite: " w " is missing or empty in the snapshot" > "/dev/stderr"; bad = 1 }; exit bad }' /tmp/kite-list || fail "a selected path is missing or empty in the snapshot"
echo "KITE-SNAPSHOT $(restic snapshots --json "$id")"
`;
}

export async function backupCreate(ports: RepoPorts, docker: DockerPort, req: BackupCreateRequest, opts: BackupRunOptions = {}): Promise<BackupCreated> {
  const { domain, server } = req.ref;
  const app = await deployedApp(docker, domain, req.service);
  const { stack, plan } = app;
  for (const w of plan.warnings) opts.onEvent?.({ type: 'warning', message: w });
  if (plan.services.length === 0) {
    const why = req.service ? plan.warnings[plan.warnings.length - 1] : `no service of ${domain} carries the label backupbot.backup=true`;
    throw new BackupError(`nothing to back up: ${why}`, 'the recipe says what to back up with backup-bot-two labels (backupbot.backup=true on a service)');
  }
  if (plan.volumes.length === 0) throw new BackupError(`nothing to back up: the labelled services of ${domain} mount no volume that is backed up`);
  const envText = ports.apps.readText(req.ref.path);
  const recipe = appRecipe(parseEnvFile(envText, req.ref.path).env);
  const appService = app.services.find((s) => s.Spec.Labels?.[labelKey(stack, 'version')]);
  const version = appService?.Spec.Labels?.[labelKey(stack, 'version')] || recipe?.version;
  const nodeId = await volumeNode(docker, app.services.filter((s) => plan.volumes.some((v) => v.services.includes(s.Spec.Name.slice(stack.length + 1)))), domain);
  const repo = await openRepository(ports, docker, server, true, opts);

  const includes = plan.volumes.flatMap((v) => volumeIncludePaths(stack, v));
  const tags = snapshotTags({ stack, version, recipe: recipe?.recipe, services: plan.services.map((s) => s.name), volumes: plan.volumes.map((v) => v.name) });
  const meta = { kite: 1, domain, server, stack, recipe: recipe?.recipe, version, services: plan.services.map((s) => s.name), volumes: plan.volumes.map((v) => ({ name: v.name, paths: v.paths })), secrets: plan.secrets.map((s) => s.name) };

  let snapshot: Snapshot | undefined;
  let failure: unknown;
  // the repository opens (made on first use) before any hook runs: a wrong password or an unreachable repository changes nothing
  try {
    const check = await runRepoHelper(repo, { stack, init: true, nodeId, script: 'true' }, opts);
    if (check.exitCode !== 0) throw new BackupError(`the backup repository ${repo.settings.repository} cannot be used: ${helperTail(check)}`);
  } catch (e) {
    await repo.newPassword?.drop();
    throw e;
  }
  repo.newPassword?.keep();
  try {
    for (const svc of plan.services) if (svc.hooks.backupPre) await runHook(docker, stack, domain, svc, 'backup pre-hook', svc.hooks.backupPre, opts);
    opts.onEvent?.({ type: 'step', message: `backing up ${plan.volumes.map((v) => v.name).join(', ')} to ${repo.settings.repository} on ${server}` });
    const out = await runRepoHelper(
      repo,
      {
        stack,
        nodeId,
        script: backupScript(includes, tags),
        env: [`KITE_ENV_B64=${Buffer.from(envText, 'utf8').toString('base64')}`, `KITE_META=${JSON.stringify(meta)}`],
        mounts: volumeMounts(plan, stack, true),
        secrets: secretMounts(plan),
      },
      opts,
    );
    if (out.exitCode !== 0) throw new BackupError(`the backup of ${domain} failed: ${helperTail(out)}`, out.exitCode === 22 ? 'the repository may be damaged: run `restic check --read-data` on it' : undefined);
    const line = out.stdout.find((l) => l.startsWith('KITE-SNAPSHOT '));
    snapshot = line ? parseSnapshots(line.slice('KITE-SNAPSHOT '.length), stack)[0] : undefined;
    if (!snapshot) throw new BackupError(`the backup of ${domain} made no snapshot kite could read: ${helperTail(out)}`);
  } catch (e) {
    failure = e;
  }
  // post-hooks run after a failed backup too (they clean up what the pre-hooks made)
  for (const svc of plan.services) {
    if (!svc.hooks.backupPost) continue;
    try {
      await runHook(docker, stack, domain, svc, 'backup post-hook', svc.hooks.backupPost, opts);
    } catch (e) {
      if (failure) opts.onEvent?.({ type: 'warning', message: (e as Error).message });
      else failure = e;
    }
  }
  if (failure) {
    if (snapshot) await forgetSnapshots(repo, stack, [snapshot.id], opts).catch((e: Error) => opts.onEvent?.({ type: 'warning', message: `could not forget snapshot ${snapshot?.shortId}: ${e.message}` }));
    throw failure;
  }
  return { ...(snapshot as Snapshot), domain, server, repository: repo.settings.repository };
}

/** `restic forget <ids>` (no prune: the data goes at the next `backup forget`) */
export async function forgetSnapshots(repo: Repository, stack: string, ids: string[], opts: BackupRunOptions): Promise<void> {
  const out = await runRepoHelper(repo, { stack, script: `restic forget ${ids.map(shQuote).join(' ')}` }, opts);
  if (out.exitCode !== 0) throw new BackupError(`restic forget failed: ${helperTail(out)}`);
}
