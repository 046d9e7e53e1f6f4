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

const DOMAIN = 'rcv.kite.test';
const STACK = 'rcv_kite_test';
const CLONE = 'rcv2.kite.test';
const CLONE_STACK = 'rcv2_kite_test';
const REPO = '/var/lib/kite-backups-e2e-recovery';
const sb = new Sandbox();

/** the container of the stack's app service's one running task (waits for it) */
function appContainer(stack: string): string {
  for (let i = 0; i < 240; i++) {
    const tasks = docker('service', 'ps', `${stack}_app`, '--filter', 'desired-state=running', '-q').split('\n').filter(Boolean);
    if (tasks.length === 1) {
      const status = JSON.parse(docker('inspect', tasks[0], '--format', '{{json .Status}}')) as { State: string; ContainerStatus?: { ContainerID?: string } };
      const id = status.ContainerStatus?.ContainerID;
      if (status.State === 'running' && id && docker('inspect', id, '--format', '{{.State.Running}}') === 'true') return id;
    }
    execFileSync('sleep', ['0.5']);
  }
  throw new Error(`${stack}_app has no running container`);
}

function inApp(stack: string, script: string): string {
  return docker('exec', appContainer(stack), 'sh', '-c', script);
}

function sums(stack: string): string {
  return inApp(stack, 'cd /data && find . -type f | sort | xargs md5sum');
}

function cleanup(): void {
  for (const stack of [STACK, CLONE_STACK]) {
    purgeStack(stack);
    for (const s of docker('service', 'ls', '--filter', `label=kite.backup-helper=${stack}`, '--format', '{{.Name}}').split('\n').filter(Boolean)) docker('service', 'rm', s);
  }
  for (const l of docker('secret', 'ls', '--filter', 'label=kite.backup', '--format', '{{.Name}} {{.Labels}}').split('\n').filter((x) => x.includes(REPO))) {
    try {
      execFileSync('docker', ['secret', 'rm', l.split(' ')[0]], { stdio: 'ignore' });
    } catch {
      /* in use by a helper still going: it goes with it */
    }
  }
  rmSync(REPO, { recursive: true, force: true });
}

let token = '';
let dataSums = '';

before(async () => {
  cleanup();
  sb.addRecipe('kite-backup-app');
  writeFileSync(join(sb.abraDir, 'kite.yml'), `backups:\n  image: kite-test/restic:latest\n  repository: ${REPO}\n`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const made = await sb.kite(['app', 'new', 'kite-backup-app', '--server', SERVER, '--domain', DOMAIN, '--secrets', '--json']);
  assert.equal(made.code, 0, made.stderr);
  token = JSON.parse(made.stdout).secrets[0].value;
  const d = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(d.code, 0, d.stderr);
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
