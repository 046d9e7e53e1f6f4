// Backups end to end, over SSH against the rig's real swarm, with real restic
// in the helper image the rig builds (kite-test/restic): a repository in a
// directory on the server and one over sftp: to the rig's sshd. The fixture
// recipe (kite-backup-app) carries backup-bot-two labels: volume `data`
// backed up, `cache` left out, a pre-hook that fails while
// /data/fail-pre-hook exists, restore hooks that write to /cache/hooks.log.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SERVER, SSH_CONFIG, Sandbox, docker, purgeStack, serviceTaskIds } from './harness.js';
import { closedPort } from './ssh-fixtures.js';
import { connectDocker } from '../../src/adapters/docker/engine.js';
import { AbraDir } from '../../src/adapters/abra-dir.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { openRepository } from '../../src/operations/backup-repo.js';
import { listSnapshots } from '../../src/operations/backup-list.js';
import { readSnapshotFiles, restoreSnapshotVolumes } from '../../src/operations/backup-restore.js';

const DOMAIN = 'bk.kite.test';
const STACK = 'bk_kite_test';
const REPO = '/var/lib/kite-backups-e2e';
const SFTP_REPO_DIR = '/tmp/kite-backups-e2e-sftp';
const sb = new Sandbox();
let token = '';

function kiteYml(sandbox: Sandbox, body: string): void {
  writeFileSync(join(sandbox.abraDir, 'kite.yml'), `backups:\n  image: kite-test/restic:latest\n${body}`);
}

/** the container of the app service's one running task (waits for it: a redeploy or a restore replaces it) */
function appContainer(): string {
  for (let i = 0; i < 120; i++) {
    const tasks = docker('service', 'ps', `${STACK}_app`, '--filter', 'desired-state=running', '-q').split('\n').filter(Boolean);
    if (tasks.length === 1) {
      const status = JSON.parse(docker('inspect', tasks[0], '--format', '{{json .Status}}')) as { State: string; ContainerStatus?: { ContainerID?: string } };
      const [state, id] = [status.State, status.ContainerStatus?.ContainerID];
      if (state === 'running' && id && docker('inspect', id, '--format', '{{.State.Running}}') === 'true') return id;
    }
    execFileSync('sleep', ['0.5']);
  }
  throw new Error(`${STACK}_app has no running container`);
}

/** run a shell line in the app's running container */
function inApp(script: string): string {
  return docker('exec', appContainer(), 'sh', '-c', script);
}

function sums(): string {
  return inApp('cd /data && find . -type f | sort | xargs md5sum');
}

/** the password secrets this file's repositories made on the rig */
function dropPasswordSecrets(): void {
  const ours = docker('secret', 'ls', '--filter', 'label=kite.backup', '--format', '{{.Name}} {{.Labels}}')
    .split('\n')
    .filter((l) => l.includes(REPO) || l.includes(SFTP_REPO_DIR) || l.includes('//nowhere') || l.includes('kite.backup=ssh-key') || l.includes('kite.backup=known-hosts'))
    .map((l) => l.split(' ')[0]);
  for (const name of ours) {
    try {
      execFileSync('docker', ['secret', 'rm', name], { stdio: 'ignore' });
    } catch {
      /* in use by another run's helper: it goes with that run */
    }
  }
}

function cleanup(): void {
  purgeStack(STACK);
  for (const s of docker('service', 'ls', '--filter', `label=kite.backup-helper=${STACK}`, '--format', '{{.Name}}').split('\n').filter(Boolean)) docker('service', 'rm', s);
  dropPasswordSecrets();
  rmSync(REPO, { recursive: true, force: true });
  rmSync(SFTP_REPO_DIR, { recursive: true, force: true });
  rmSync(`${REPO}-wrong`, { recursive: true, force: true });
}

async function snapshots(sandbox = sb): Promise<{ id: string; time: string; version: string; volumes: string[] }[]> {
  const r = await sandbox.kite(['app', 'backup', 'ls', DOMAIN, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(async () => {
  cleanup();
  sb.addRecipe('kite-backup-app');
  kiteYml(sb, `  repository: ${REPO}\n`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const made = await sb.kite(['app', 'new', 'kite-backup-app', '--server', SERVER, '--domain', DOMAIN, '--secrets', '--json']);
  assert.equal(made.code, 0, made.stderr);
  token = JSON.parse(made.stdout).secrets[0].value;
  const d = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(d.code, 0, d.stderr);
  inApp('dd if=/dev/urandom of=/data/blob bs=1M count=4 2>/dev/null && mkdir -p /data/sub && echo one > /data/sub/.hidden && echo cached > /cache/c');
});
after(cleanup);

test('a recipe without backup labels has nothing to back up (non-zero, no repository touched)', async () => {
  sb.setEnv(DOMAIN, 'ENABLE_BACKUPS', 'false');
  try {
    assert.equal((await sb.kite(['app', 'deploy', DOMAIN, '--force'])).code, 0);
    const r = await sb.kite(['app', 'backup', 'create', DOMAIN]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /nothing to back up: no service of bk\.kite\.test carries the label backupbot\.backup=true/);
    assert.equal(readdirSync(join(sb.abraDir)).includes('backups'), false, 'no password was made');
  } finally {
    sb.setEnv(DOMAIN, 'ENABLE_BACKUPS', 'True');
    assert.equal((await sb.kite(['app', 'deploy', DOMAIN, '--force'])).code, 0);
  }
});

test('backup create: the password is made and printed once (0600 copy here), a verified snapshot id on stdout', async () => {
  inApp('test -f /data/blob || (dd if=/dev/urandom of=/data/blob bs=1M count=4 2>/dev/null && mkdir -p /data/sub && echo one > /data/sub/.hidden)');
  const r = await sb.kite(['app', 'backup', 'create', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.trim(), /^[0-9a-f]{8}$/);
  assert.match(r.stderr, /repository password: \S{20,}/);
  assert.match(r.stderr, /backup pre-hook of app/);
  assert.match(r.stderr, /verified/);
  const files = readdirSync(join(sb.abraDir, 'backups'));
  assert.equal(files.length, 1);
  assert.equal(statSync(join(sb.abraDir, 'backups', files[0])).mode & 0o777, 0o600);
  const again = await sb.kite(['app', 'backup', 'create', DOMAIN, '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /repository password:/);
  assert.match(JSON.parse(again.stdout).id, /^[0-9a-f]{64}$/);
  const list = await snapshots();
  assert.equal(list.length, 2);
  assert.equal(list[1].version, '1.0.0+1.0');
  assert.deepEqual(list[1].volumes, ['data'], 'cache is excluded by its label');
  assert.ok(list.every((s) => s.time));
});

test('another operator ($ABRA_DIR without the password) gets a copy of the server-side password', async () => {
  const other = new Sandbox();
  kiteYml(other, `  repository: ${REPO}\n`);
  assert.equal((await other.kite(['server', 'add', SERVER])).code, 0);
  writeFileSync(other.envPath(DOMAIN), sb.readEnv(DOMAIN));
  const list = await snapshots(other);
  assert.equal(list.length, 2);
  const mine = readdirSync(join(sb.abraDir, 'backups'))[0];
  assert.equal(readFileSync(join(other.abraDir, 'backups', mine), 'utf8'), readFileSync(join(sb.abraDir, 'backups', mine), 'utf8'));
  assert.equal(statSync(join(other.abraDir, 'backups', mine)).mode & 0o777, 0o600);
});

test('restore in place: data changed after the backup comes back byte for byte, hooks run, the app runs again', async () => {
  const before = sums();
  inApp('rm /data/blob && echo new > /data/added && echo two > /data/sub/.hidden && : > /cache/hooks.log');
  assert.notEqual(sums(), before);
  const r = await sb.kite(['app', 'restore', DOMAIN, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.volumes, ['data']);
  assert.deepEqual(out.services, [`${STACK}_app`]);
  assert.equal(sums(), before);
  assert.equal(inApp('cat /cache/hooks.log').split('\n').join(','), 'restore-pre,restore-post');
  assert.equal(inApp('cat /cache/c'), 'cached', 'the excluded volume is untouched');
  assert.equal(serviceTaskIds(`${STACK}_app`).length, 1);
});

test('bad input changes nothing: unknown snapshot, a volume not in the recipe or not in the snapshot', async () => {
  const tasks = serviceTaskIds(`${STACK}_app`);
  const unknown = await sb.kite(['app', 'restore', DOMAIN, '-s', 'ffffffff']);
  assert.equal(unknown.code, 5, unknown.stderr);
  assert.match(unknown.stderr, /has no snapshot "ffffffff"/);
  const vol = await sb.kite(['app', 'restore', DOMAIN, '--volumes', 'nope']);
  assert.equal(vol.code, 5);
  assert.match(vol.stderr, /has no volume "nope".*\n.*its volumes: cache, data/);
  const notIn = await sb.kite(['app', 'restore', DOMAIN, '--volumes', 'cache']);
  assert.equal(notIn.code, 5);
  assert.match(notIn.stderr, /holds no volume "cache"/);
  assert.deepEqual(serviceTaskIds(`${STACK}_app`), tasks, 'no service was stopped');
});

test('Ctrl-C while a restore has the services stopped starts them again', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'restore', DOMAIN], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: join(ROOT, '.rig/ssh_config'), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let sent = false;
  const code = await new Promise<number>((done) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && /stopping bk_kite_test_app/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', (c) => done(c ?? -1));
  });
  assert.ok(sent, stderr);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /starting bk_kite_test_app/);
  assert.equal(docker('service', 'inspect', `${STACK}_app`, '--format', '{{.Spec.Mode.Replicated.Replicas}}'), '1');
  assert.ok(appContainer(), 'the app runs again');
  assert.equal(inApp('ls -a /data').includes('.kite-restore'), false, 'no staging directory is left in the volume');
});

test('a repository that refuses the password, or cannot be reached: a clear error before any hook runs', async () => {
  const other = new Sandbox();
  kiteYml(other, `  repository: ${REPO}-wrong\n`);
  assert.equal((await other.kite(['server', 'add', SERVER])).code, 0);
  writeFileSync(other.envPath(DOMAIN), sb.readEnv(DOMAIN));
  assert.equal((await other.kite(['app', 'backup', 'create', DOMAIN])).code, 0);
  // the operator's copy and the server's secret now hold another password
  const file = join(other.abraDir, 'backups', readdirSync(join(other.abraDir, 'backups'))[0]);
  writeFileSync(file, 'not-the-password\n');
  const secret = docker('secret', 'ls', '--filter', 'label=kite.backup=password', '--format', '{{.Name}} {{.Labels}}').split('\n').find((l) => l.includes(`${REPO}-wrong`))?.split(' ')[0];
  docker('secret', 'rm', secret ?? 'none');
  const wrong = await other.kite(['app', 'backup', 'create', DOMAIN]);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /refuses the password/);
  assert.doesNotMatch(wrong.stderr, /pre-hook/);
  const restore = await other.kite(['app', 'restore', DOMAIN]);
  assert.match(restore.stderr, /refuses the password/);
  assert.doesNotMatch(restore.stderr, /stopping/);

  const port = await closedPort();
  const away = new Sandbox();
  kiteYml(away, `  servers:\n    ${SERVER}:\n      repository: sftp://root@127.0.0.1:${port}//nowhere\n      ssh_key: ${join(ROOT, '.rig/ssh/id_ed25519')}\n`);
  assert.equal((await away.kite(['server', 'add', SERVER])).code, 0);
  writeFileSync(away.envPath(DOMAIN), sb.readEnv(DOMAIN));
  const r = await away.kite(['app', 'backup', 'create', DOMAIN]);
  assert.equal(r.code, 4, r.stderr);
  assert.ok(r.stderr.includes(`cannot open the backup repository sftp://root@127.0.0.1:${port}//nowhere from kite-test`), r.stderr);
  assert.doesNotMatch(r.stderr, /pre-hook/);
  // the password made for it is not kept, printed nor left on the server
  assert.doesNotMatch(r.stderr, /repository password:/);
  assert.equal(readdirSync(away.abraDir).includes('backups'), false);
  assert.equal(docker('secret', 'ls', '--filter', 'label=kite.backup=password', '--format', '{{.Labels}}').includes(`127.0.0.1:${port}//nowhere`), false);
});

test('a failing pre-hook fails the backup and leaves no snapshot', async () => {
  const count = (await snapshots()).length;
  inApp('touch /data/fail-pre-hook');
  try {
    const r = await sb.kite(['app', 'backup', 'create', DOMAIN]);
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /backup pre-hook of app failed with status 1/, r.stderr);
    assert.equal(r.stdout, '');
  } finally {
    inApp('rm -f /data/fail-pre-hook');
  }
  assert.equal((await snapshots()).length, count);
});

test('download: a 0600 .tar.gz holding the volume files under the volume name, the secret and the env file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kite-dl-'));
  try {
    const file = join(dir, 'bk.tar.gz');
    const r = await sb.kite(['app', 'backup', 'download', DOMAIN, '-O', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /holds the app's secrets/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    execFileSync('tar', ['-xzf', file, '-C', dir]);
    assert.equal(execFileSync('md5sum', ['data/blob'], { cwd: dir, encoding: 'utf8' }).split(' ')[0], inApp('md5sum /data/blob').split(' ')[0]);
    assert.equal(readFileSync(join(dir, 'data/sub/.hidden'), 'utf8'), 'one\n');
    assert.equal(readFileSync(join(dir, `secrets/${STACK}_token_v1`), 'utf8'), token);
    assert.equal(readFileSync(join(dir, 'kite/app.env'), 'utf8'), sb.readEnv(DOMAIN));
    assert.equal(JSON.parse(readFileSync(join(dir, 'kite/meta.json'), 'utf8')).version, '1.0.0+1.0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forget --keep-last keeps the newest N of this app', async () => {
  const all = await snapshots();
  assert.ok(all.length >= 2);
  const r = await sb.kite(['app', 'backup', 'forget', DOMAIN, '--keep-last', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const left = await snapshots();
  assert.deepEqual(left.map((s) => s.id), [all[all.length - 1].id]);
});

test('an sftp: repository on the rig sshd, its host key checked: a wrong key refused, then backup, change, restore', async () => {
  const other = new Sandbox();
  const sftp = (knownHosts: string) =>
    kiteYml(other, `  servers:\n    ${SERVER}:\n      repository: sftp://root@127.0.0.1:2222/${SFTP_REPO_DIR}\n      ssh_key: ${join(ROOT, '.rig/ssh/id_ed25519')}\n      known_hosts: ${knownHosts}\n`);
  assert.equal((await other.kite(['server', 'add', SERVER])).code, 0);
  writeFileSync(other.envPath(DOMAIN), sb.readEnv(DOMAIN));
  // a known_hosts that holds another key for the host
  const stranger = join(other.abraDir, 'stranger');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
  writeFileSync(join(other.abraDir, 'wrong_known_hosts'), `[127.0.0.1]:2222 ${readFileSync(`${stranger}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  sftp(join(other.abraDir, 'wrong_known_hosts'));
  const refused = await other.kite(['app', 'backup', 'create', DOMAIN]);
  assert.equal(refused.code, 4, refused.stderr);
  // restic relays ssh's lines as they come: its words may stop at ssh's banner; kite's hint names the cause either way
  assert.match(refused.stderr, /cannot open the backup repository sftp:[\s\S]*Host key verification failed/);
  assert.match(refused.stderr, /known_hosts does not hold/);
  sftp(join(ROOT, '.rig/ssh/known_hosts'));
  const made = await other.kite(['app', 'backup', 'create', DOMAIN]);
  assert.equal(made.code, 0, made.stderr);
  assert.ok(readdirSync(join(SFTP_REPO_DIR, 'snapshots')).length === 1, 'the snapshot is in the sftp repository');
  const before = sums();
  inApp('echo changed > /data/sub/.hidden');
  const r = await other.kite(['app', 'restore', DOMAIN, '-s', made.stdout.trim()]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sums(), before);
});

test("the building blocks of a restore elsewhere: a snapshot's volume into another stack's volume, its env file and secret values read back", async () => {
  const clone = 'bkclone_kite_test';
  const api = await connectDocker(SERVER, { sshConfig: SSH_CONFIG });
  try {
    const repo = await openRepository({ apps: new AbraDir(sb.abraDir), clock: systemClock }, api, SERVER, false);
    const snap = (await listSnapshots(repo, STACK)).pop();
    assert.ok(snap);
    await restoreSnapshotVolumes({ repo, snapshot: snap, sourceStack: STACK, targetStack: clone, volumes: ['data'] });
    const inClone = docker('run', '--rm', '-v', `${clone}_data:/data`, 'kite-test/web:1.0', 'sh', '-c', 'md5sum /data/blob; cat /data/sub/.hidden; ls -a /data');
    assert.ok(inClone.includes(inApp('md5sum /data/blob').split(' ')[0]), inClone);
    assert.match(inClone, /^one$/m);
    assert.doesNotMatch(inClone, /\.kite-restore/);
    const files = await readSnapshotFiles(repo, STACK, snap, true);
    assert.equal(files.envText, sb.readEnv(DOMAIN));
    assert.equal(files.secrets[`${STACK}_token_v1`], token);
    assert.equal(files.meta?.version, '1.0.0+1.0');
    assert.deepEqual(files.meta?.volumes, [{ name: 'data', paths: [] }]);
  } finally {
    await api.close();
    execFileSync('docker', ['volume', 'rm', '-f', `${clone}_data`], { stdio: 'ignore' });
  }
});

test('a corrupted pack in the repository is found by the verification: the backup fails, no snapshot is left', async () => {
  const count = (await snapshots()).length;
  // the largest pack holds the blob's data: flip bytes in its middle
  const packs: { path: string; size: number }[] = [];
  for (const sub of readdirSync(join(REPO, 'data'))) for (const f of readdirSync(join(REPO, 'data', sub))) packs.push({ path: join(REPO, 'data', sub, f), size: statSync(join(REPO, 'data', sub, f)).size });
  const pack = packs.sort((a, b) => b.size - a.size)[0];
  const fd = openSync(pack.path, 'r+');
  writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, Math.floor(pack.size / 2));
  closeSync(fd);
  const r = await sb.kite(['app', 'backup', 'create', DOMAIN]);
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stderr, /ciphertext verification failed[\s\S]*verification failed: the snapshot could not be read back/);
  assert.equal((await snapshots()).length, count);
});
