// A server's restic repository as the backup operations use it: where it is
// (kite.yml `backups`), its password (a Docker secret on the server and a
// 0600 file in $ABRA_DIR, created on first use), and running the helper
// against it with the opening checks every script starts with.

import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import type { DockerPort } from '../ports/docker.js';
import type { Mount, SecretReference } from '../core/convert/swarm-types.js';
import { backupSettingsFor, type ServerBackupSettings } from '../core/backup-settings.js';
import { BackupError, NotFoundError, RemoteError } from '../core/errors.js';
import { runHelper, type HelperOptions, type HelperOutput, type HelperSpec } from './backup-helper.js';

/** where the helper finds the repository password */
const PASSWORD_FILE = '/run/secrets/restic_password';
const SSH_KEY_SECRET = 'kite_backup_ssh_key';
const KNOWN_HOSTS_SECRET = 'kite_backup_known_hosts';

export type BackupEvent =
  | { type: 'password-created'; password: string; file: string; secret: string }
  | { type: 'password-saved'; file: string }
  | { type: 'step'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  /** a service scaled to 0 for a restore, and started again */
  | { type: 'stopped'; service: string; replicas: number }
  | { type: 'started'; service: string };

export interface BackupRunOptions {
  signal?: AbortSignal;
  onEvent?: (e: BackupEvent) => void;
}

export type RepoPorts = Pick<Ports, 'apps' | 'clock'>;

export interface Repository {
  docker: DockerPort;
  server: string;
  settings: ServerBackupSettings;
  local: boolean;
  secrets: SecretReference[];
  clock: RepoPorts['clock'];
  /** a password made by this command, not yet kept: keep() once the repository opened, else drop() */
  newPassword?: { keep(): void; drop(): Promise<void> };
}

/** one password per repository: its names carry a short hash of the repository's URL */
function repoKey(repository: string): string {
  return createHash('sha256').update(repository).digest('hex').slice(0, 10);
}

/** the Docker secret holding a repository's password on the server */
export function passwordSecretName(repository: string): string {
  return `kite_backup_password_${repoKey(repository)}`;
}

/** the operator's copy of a server's repository password, mode 0600 */
export function localPasswordPath(apps: Ports['apps'], server: string, repository: string): string {
  return join(apps.root, 'backups', `${server}-${repoKey(repository)}.restic-password`);
}

function secretRef(id: string, name: string, target: string, mode = 0o400): SecretReference {
  return { SecretID: id, SecretName: name, File: { Name: target, UID: '0', GID: '0', Mode: mode } };
}

async function findSecret(docker: DockerPort, name: string): Promise<string | undefined> {
  const found = await docker.listSecrets({ name: [name] });
  return found.find((s) => s.Spec.Name === name)?.ID;
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/**
 * The server's repository with its password in place. `create`: make the
 * password when there is none anywhere (backup create); otherwise a missing
 * password means there are no backups on this server.
 */
export async function openRepository(ports: RepoPorts, docker: DockerPort, server: string, create: boolean, opts: BackupRunOptions = {}): Promise<Repository> {
  const settings = backupSettingsFor((await ports.apps.settings()).backups, server);
  const file = localPasswordPath(ports.apps, server, settings.repository);
  const secretName = passwordSecretName(settings.repository);
  let haveLocal = ports.apps.exists(file);
  let secretId = await findSecret(docker, secretName);
  const repo: Repository = { docker, server, settings, local: settings.repository.startsWith('/'), secrets: [], clock: ports.clock };
  const labels = { 'kite.backup': 'password', 'kite.backup.repository': settings.repository };
  if (!secretId && !haveLocal) {
    if (!create) throw new NotFoundError(`no backups on ${server} in ${settings.repository}: it has no repository password yet`, 'make one with `kite app backup create <domain>`');
    const password = randomBytes(32).toString('base64url');
    const id = (secretId = (await docker.createSecret({ Name: secretName, Labels: labels, Data: b64(password) })).ID);
    haveLocal = true;
    // kept (written here, printed) once the repository opened with it; else the secret goes again
    repo.newPassword = {
      keep: () => {
        ports.apps.writeEnvFile(file, `${password}\n`);
        opts.onEvent?.({ type: 'password-created', password, file, secret: secretName });
      },
      drop: () => docker.removeSecret(id).catch(() => undefined),
    };
  } else if (!secretId) {
    // the server lost it (a new server, say): put the operator's copy back
    const password = ports.apps.readText(file).trim();
    secretId = (await docker.createSecret({ Name: secretName, Labels: labels, Data: b64(password) })).ID;
    opts.onEvent?.({ type: 'step', message: `put the repository password from ${file} back on ${server} (Docker secret ${secretName})` });
  }
  repo.secrets.push(secretRef(secretId, secretName, PASSWORD_FILE));
  if (settings.sshKey) {
    const key = await fileSecret(ports, docker, settings.sshKey, SSH_KEY_SECRET, 'ssh_key');
    repo.secrets.push(secretRef(key.id, key.name, '/root/.ssh/id_kite'));
  }
  if (settings.knownHosts) {
    const hosts = await fileSecret(ports, docker, settings.knownHosts, KNOWN_HOSTS_SECRET, 'known_hosts');
    repo.secrets.push(secretRef(hosts.id, hosts.name, '/root/.ssh/known_hosts_kite', 0o444));
  }
  if (!haveLocal) {
    // only the server had it: keep a copy here, so losing the server alone never locks the operator out
    const out = await runRepoHelper(repo, { stack: 'password', script: `cat ${PASSWORD_FILE}`, open: false }, opts);
    const password = out.stdout.join('\n').trim();
    if (!password) throw new BackupError(`could not read the repository password from the Docker secret ${secretName} on ${server}`);
    ports.apps.writeEnvFile(file, `${password}\n`);
    opts.onEvent?.({ type: 'password-saved', file });
  }
  return repo;
}

/** a local file (the sftp key, its known_hosts) as a Docker secret, named after its content's hash (a changed file makes a new one) */
async function fileSecret(ports: RepoPorts, docker: DockerPort, localFile: string, prefix: string, key: string): Promise<{ id: string; name: string }> {
  const path = localFile.replace(/^~(?=\/)/, process.env.HOME ?? '~');
  if (!ports.apps.exists(path)) throw new NotFoundError(`backups ${key} ${localFile} does not exist`, `fix backups.servers.<server>.${key} in $ABRA_DIR/kite.yml`);
  const raw = ports.apps.readText(path);
  const text = raw.endsWith('\n') ? raw : `${raw}\n`;
  const name = `${prefix}_${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
  const id = (await findSecret(docker, name)) ?? (await docker.createSecret({ Name: name, Labels: { 'kite.backup': key.replace('_', '-') }, Data: b64(text) })).ID;
  return { id, name };
}

export interface RepoRun {
  stack: string;
  script: string;
  env?: string[];
  mounts?: Mount[];
  secrets?: SecretReference[];
  nodeId?: string;
  /** check the repository first (default); `init` creates it when there is none */
  open?: boolean;
  init?: boolean;
}

/** exit codes of the opening checks */
const WRONG_PASSWORD = 90;
const NO_REPOSITORY = 91;
const UNREACHABLE = 92;

/** opening the repository: `restic unlock` (stale locks of killed helpers go) tells a wrong password, no repository and the rest apart */
function preamble(init: boolean): string {
  return `if ! restic unlock >/dev/null 2>/tmp/kite-open; then
  if grep -q 'wrong password' /tmp/kite-open; then cat /tmp/kite-open >&2; exit ${WRONG_PASSWORD}
  elif grep -q 'Is there a repository at the following location' /tmp/kite-open; then
    ${init ? 'restic init >/dev/null' : `cat /tmp/kite-open >&2; exit ${NO_REPOSITORY}`}
  else cat /tmp/kite-open >&2; exit ${UNREACHABLE}
  fi
fi
`;
}

/** the helper for a script against the repository: its environment, the repository's mount, password and key */
export function repoHelperSpec(repo: Repository, run: RepoRun): HelperSpec {
  const s = repo.settings;
  const mounts: Mount[] = [...(run.mounts ?? [])];
  if (repo.local) mounts.push({ Type: 'bind', Source: s.repository, Target: s.repository });
  const env = [`RESTIC_REPOSITORY=${s.repository}`, `RESTIC_PASSWORD_FILE=${PASSWORD_FILE}`, 'RESTIC_CACHE_DIR=/tmp/restic-cache', ...(run.env ?? [])];
  let script = run.script;
  if (run.open !== false) script = preamble(Boolean(run.init)) + script;
  if (s.sshKey || s.knownHosts) {
    const hostKeys = s.knownHosts ? 'StrictHostKeyChecking yes\\n  UserKnownHostsFile /root/.ssh/known_hosts_kite' : 'StrictHostKeyChecking accept-new\\n  UserKnownHostsFile /tmp/known_hosts';
    const identity = s.sshKey ? 'IdentityFile /root/.ssh/id_kite\\n  ' : '';
    script = `mkdir -p /root/.ssh && printf 'Host *\\n  ${identity}${hostKeys}\\n  BatchMode yes\\n' >/root/.ssh/config\n${script}`;
  }
  return { stack: run.stack, image: s.image, script, env, mounts, secrets: [...repo.secrets, ...(run.secrets ?? [])], nodeId: run.nodeId, hostNetwork: !repo.local };
}

/** Run a script against the repository; a non-zero exit of the opening checks becomes a clear error. */
export async function runRepoHelper(repo: Repository, run: RepoRun, opts: BackupRunOptions = {}): Promise<HelperOutput> {
  const s = repo.settings;
  const spec = repoHelperSpec(repo, run);
  const helperOpts: HelperOptions = { clock: repo.clock, signal: opts.signal };
  let out: HelperOutput;
  try {
    out = await runHelper(repo.docker, spec, helperOpts);
  } catch (e) {
    if (!(repo.local && run.init && e instanceof BackupError && /bind source path does not exist/.test(e.message))) throw e;
    // the repository directory is made on first use (0700, root's)
    opts.onEvent?.({ type: 'step', message: `creating ${s.repository} on ${repo.server}` });
    const mk = await runHelper(repo.docker, { ...spec, script: `mkdir -p /host${s.repository} && chmod 700 /host${s.repository}`, mounts: [{ Type: 'bind', Source: '/', Target: '/host' }], secrets: [] }, helperOpts);
    if (mk.exitCode !== 0) throw new BackupError(`could not create the backup repository directory ${s.repository} on ${repo.server}: ${mk.stderr.join(' ')}`);
    out = await runHelper(repo.docker, spec, helperOpts);
  }
  const said = out.stderr.filter((l) => l.trim()).slice(-3).join(' | ');
  if (out.exitCode === WRONG_PASSWORD) throw new BackupError(`the backup repository ${s.repository} on ${repo.server} refuses the password (Docker secret ${passwordSecretName(s.repository)})`, `the repository was made with another password: put the right one in that secret and in ${'$'}ABRA_DIR/backups/${repo.server}-*.restic-password`);
  if (out.exitCode === NO_REPOSITORY) throw new NotFoundError(`there is no backup repository at ${s.repository} for ${repo.server}`, 'make a backup first with `kite app backup create <domain>`, or check backups.repository in $ABRA_DIR/kite.yml');
  if (out.exitCode === UNREACHABLE) {
    // restic relays ssh's lines as they come and may stop after the first, ssh's banner
    const hostKey = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|@{20}/.test(out.stderr.join('\n'));
    throw new RemoteError(
      `cannot open the backup repository ${s.repository} from ${repo.server}: ${said}`,
      hostKey
        ? `the sftp host sent a key that known_hosts does not hold (Host key verification failed): check backups.servers.${repo.server}.known_hosts in $ABRA_DIR/kite.yml, or whether the host was reinstalled`
        : 'check backups.repository (and ssh_key, known_hosts) in $ABRA_DIR/kite.yml and that the server reaches it',
    );
  }
  return out;
}

/** The last lines of a failed helper run, for an error message (restic's own words). */
export function helperTail(out: HelperOutput, n = 4): string {
  return out.stderr.filter((l) => l.trim()).slice(-n).join(' | ') || `exit status ${out.exitCode}`;
}
