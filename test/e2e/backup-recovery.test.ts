// Disaster recovery end to end, over SSH against the rig's real swarm with
// real restic (kite-test/restic) and a repository in a directory on the
// server: the app removed entirely (stack, volumes, secrets, env file) comes
// back from a snapshot alone with the same data and secret value; the same
// snapshot restored as a second domain while the first runs; refusals when
// the target exists change nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER, Sandbox, docker, purgeStack, serviceTaskIds } from './harness.js';
import * as fx from './backup-fixture.js';

const DOMAIN = 'rcv.kite.test';
const STACK = 'rcv_kite_test';
const CLONE = 'rcv2.kite.test';
const CLONE_STACK = 'rcv2_kite_test';
const REPO = '/var/lib/kite-backups-e2e-recovery';
const sb = new Sandbox();

const inApp = (stack: string, script: string) => fx.inApp(docker, stack, script);
const sums = (stack: string) => fx.dataSums(docker, stack);

function cleanup(): void {
  for (const stack of [STACK, CLONE_STACK]) {
    purgeStack(stack);
    for (const s of docker('service', 'ls', '--filter', `label=kite.backup-helper=${stack}`, '--format', '{{.Name}}').split('\n').filter(Boolean)) docker('service', 'rm', s);
  }
  fx.dropPasswordSecrets(docker, REPO);
  rmSync(REPO, { recursive: true, force: true });
}

let token = '';
let dataSums = '';

before(async () => {
  cleanup();
  token = await fx.deployBackupApp(sb, DOMAIN, REPO);
  inApp(STACK, 'dd if=/dev/urandom of=/data/blob bs=1M count=3 2>/dev/null && mkdir -p /data/sub && echo one > /data/sub/.hidden');
  const b = await sb.kite(['app', 'backup', 'create', DOMAIN]);
  assert.equal(b.code, 0, b.stderr);
  dataSums = sums(STACK);
});
after(cleanup);

test('restore --server refuses a domain that still has an env file, and changes nothing', async () => {
  const tasks = serviceTaskIds(`${STACK}_app`);
  const r = await sb.kite(['app', 'restore', DOMAIN, '--server', SERVER]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /rcv\.kite\.test already has an env file/);
  assert.deepEqual(serviceTaskIds(`${STACK}_app`), tasks);
});

test('disaster recovery: the app removed entirely comes back from the snapshot alone (data, secret value, env file), converged', async () => {
  const envBefore = sb.readEnv(DOMAIN);
  purgeStack(STACK);
  unlinkSync(sb.envPath(DOMAIN));
  assert.equal(docker('volume', 'ls', '-q', '--filter', `name=${STACK}_`), '');
  assert.equal(docker('secret', 'ls', '-q', '--filter', `name=${STACK}_`), '');

  const r = await sb.kite(['app', 'restore', DOMAIN, '--server', SERVER, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.volumes, ['data']);
  assert.deepEqual(out.secrets, [`${STACK}_token_v1`]);
  assert.equal(out.converged, true);
  assert.equal(sb.readEnv(DOMAIN).replace(/^TYPE=.*$/m, ''), envBefore.replace(/^TYPE=.*$/m, ''));
  assert.equal(statSync(sb.envPath(DOMAIN)).mode & 0o777, 0o600);
  assert.equal(sums(STACK), dataSums);
  assert.equal(inApp(STACK, 'cat /run/secrets/token'), token);
  assert.doesNotMatch(r.stderr + r.stdout, new RegExp(token), 'the secret value is never printed');
  assert.equal(serviceTaskIds(`${STACK}_app`).length, 1);
  assert.equal(docker('volume', 'inspect', `${STACK}_data`, '--format', '{{index .Labels "com.docker.stack.namespace"}}'), STACK, 'the restored volume carries the stack label');
  // the app is whole again: an in-place restore works on it
  const again = await sb.kite(['app', 'restore', DOMAIN]);
  assert.equal(again.code, 0, again.stderr);
});

test('restore --from onto a second domain while the first runs: same data and secret, DOMAIN follows, the first untouched', async () => {
  const tasks = serviceTaskIds(`${STACK}_app`);
  const r = await sb.kite(['app', 'restore', CLONE, '--from', DOMAIN, '--server', SERVER]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /restored rcv2\.kite\.test on kite-test from snapshot [0-9a-f]{8} of rcv\.kite\.test/);
  assert.match(sb.readEnv(CLONE), /^DOMAIN=rcv2\.kite\.test$/m);
  assert.equal(sums(CLONE_STACK), dataSums);
  assert.equal(inApp(CLONE_STACK, 'cat /run/secrets/token'), token);
  assert.deepEqual(serviceTaskIds(`${STACK}_app`), tasks, 'the original app was not touched');
  assert.equal(sums(STACK), dataSums);

  // its stack exists: a second restore into it is refused, even without its env file, and nothing is made
  const saved = sb.readEnv(CLONE);
  unlinkSync(sb.envPath(CLONE));
  const again = await sb.kite(['app', 'restore', CLONE, '--from', DOMAIN, '--server', SERVER]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already runs the stack rcv2_kite_test/);
  assert.equal(existsSync(sb.envPath(CLONE)), false, 'no env file was written');
  writeFileSync(sb.envPath(CLONE), saved);
  assert.equal(readFileSync(sb.envPath(CLONE), 'utf8'), saved);
});

test('restore --from a domain with no snapshots: a clear error, nothing made', async () => {
  const r = await sb.kite(['app', 'restore', 'rcv3.kite.test', '--from', 'nothing.kite.test', '--server', SERVER]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /nothing\.kite\.test has no backups/);
  assert.equal(existsSync(sb.envPath('rcv3.kite.test')), false);
});

// Safe upgrades: a released recipe (git tags) whose 1.1.0+1.1 changes the data, then fails its healthcheck
const UP = 'sup.kite.test';
const UP_STACK = 'sup_kite_test';

function releasedRecipe(): void {
  const dir = sb.addRecipe('kite-backup-app', 'kite-backup-git');
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' }, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'chore: publish 1.0.0+1.0 release');
  git('tag', '-a', '1.0.0+1.0', '-m', '1.0.0+1.0');
  const compose = readFileSync(join(dir, 'compose.yml'), 'utf8')
    .replace('image: kite-test/web:1.0', 'image: kite-test/web:unhealthy')
    .replace(`command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]`, `command: ["sh", "-c", "rm -f /data/blob; echo migrated > /data/migrated; trap 'exit 0' TERM; while true; do sleep 1; done"]\n    healthcheck:\n      test: ["CMD", "test", "-f", "/www/healthy"]\n      interval: 1s\n      retries: 2`)
    .replace('version=1.0.0+1.0', 'version=1.1.0+1.1');
  writeFileSync(join(dir, 'compose.yml'), compose);
  git('commit', '-q', '-am', 'chore: publish 1.1.0+1.1 release');
  git('tag', '-a', '1.1.0+1.1', '-m', '1.1.0+1.1');
}

test('safe upgrade: a snapshot first; the new version changes the data and fails; the rollback restores the data before the old version starts, and history says so', async (t) => {
  t.after(() => purgeStack(UP_STACK));
  purgeStack(UP_STACK);
  releasedRecipe();
  const made = await sb.kite(['app', 'new', 'kite-backup-git', '1.0.0+1.0', '--server', SERVER, '--domain', UP, '--secrets', '-o']);
  assert.equal(made.code, 0, made.stderr);
  const d = await sb.kite(['app', 'deploy', UP, '1.0.0+1.0', '-n', '-o']);
  assert.equal(d.code, 0, d.stderr);
  inApp(UP_STACK, 'dd if=/dev/urandom of=/data/blob bs=1M count=2 2>/dev/null');
  const before = sums(UP_STACK);

  const up = await sb.kite(['app', 'upgrade', UP, '1.1.0+1.1', '-n', '-o', '--timeout', '20']);
  assert.notEqual(up.code, 0, up.stderr);
  assert.match(up.stderr, /BACKUP\s+snapshot first/, 'the overview says a snapshot is taken first');
  assert.match(up.stderr, /taking a snapshot of sup\.kite\.test before the version changes/);
  const id = /snapshot ([0-9a-f]{8}) taken/.exec(up.stderr)?.[1];
  assert.ok(id, up.stderr);
  assert.match(up.stderr, new RegExp(`restored data from snapshot ${id}`));
  assert.match(up.stderr, /the volumes were restored from snapshot/);
  assert.equal(sums(UP_STACK), before, 'the data is as it was before the upgrade');
  assert.equal(inApp(UP_STACK, 'test -e /data/migrated && echo yes || echo no'), 'no');
  assert.equal(docker('service', 'inspect', `${UP_STACK}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}').split('@')[0], 'kite-test/web:1.0');
  const h = await sb.kite(['app', 'history', UP, '--json']);
  assert.equal(h.code, 0, h.stderr);
  const last = JSON.parse(h.stdout).at(-1);
  assert.equal(last.result, 'rolled back');
  assert.equal(last.dataRestoredFrom, id);

  // --no-backup: no snapshot, said before the deploy
  const snaps = JSON.parse((await sb.kite(['app', 'backup', 'ls', UP, '--json'])).stdout).length;
  const nb = await sb.kite(['app', 'upgrade', UP, '1.1.0+1.1', '-n', '-o', '--timeout', '10', '--no-backup']);
  assert.notEqual(nb.code, 0);
  assert.match(nb.stderr, /BACKUP\s+skipped \(--no-backup\)/);
  assert.equal(JSON.parse((await sb.kite(['app', 'backup', 'ls', UP, '--json'])).stdout).length, snaps);
});
