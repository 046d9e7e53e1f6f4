// Disaster recovery end to end, over SSH against the rig's real swarm with
// real restic (kite-test/restic) and a repository in a directory on the
// server: the app removed entirely (stack, volumes, secrets, env file) comes
// back from a snapshot alone with the same data and secret value; the same
// snapshot restored as a second domain while the first runs; refusals when
// the target exists change nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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
