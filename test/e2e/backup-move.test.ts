// kite app move end to end: between the rig's swarm (kite-test) and the
// multi-node lab's manager (kite-lab, scripts/lab.sh), over SSH, with real
// restic (kite-test/restic is on every lab node) and one repository both
// reach: a host directory (the lab nodes' mount namespaces see the host's
// file system). A move whose target fails leaves the app running on the
// source; a move that works keeps the data and the secret value, pins the
// service to the manager's node (where the volumes were restored) and moves
// the env file only once the target converged.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { SERVER, Sandbox, docker, purgeStack, serviceTaskIds } from './harness.js';
import * as fx from './backup-fixture.js';

const LAB = 'kite-lab';
const DOMAIN = 'mv.kite.test';
const STACK = 'mv_kite_test';
const REPO = '/var/lib/kite-backups-e2e-move';
const sb = new Sandbox();

/** the docker CLI on the lab manager's own socket */
function lab(...args: string[]): string {
  return execFileSync('docker', ['-H', 'unix:///var/run/kite-lab-n1.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_HOST: '', DOCKER_CONTEXT: '' } }).trim();
}

const inApp = (cli: fx.Cli, script: string) => fx.inApp(cli, STACK, script);
const sums = (cli: fx.Cli) => fx.dataSums(cli, STACK);

/** everything of the stack on the lab manager (services, volumes, secrets, kite's configs) */
function labObjects(): string[] {
  const ours = (n: string) => n.startsWith(`${STACK}_`) || n.startsWith(`kp-${STACK}_`) || n.startsWith(`kh-${STACK}-`) || n === `kite-lock-${STACK}`;
  return ['service', 'volume', 'secret', 'config'].flatMap((k) => lab(k, 'ls', '--format', '{{.Name}}').split('\n').filter(ours).map((n) => `${k} ${n}`));
}

function purgeLab(): void {
  for (const s of lab('service', 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`${STACK}_`) || n.startsWith(`kite-backup-${STACK}`))) lab('service', 'rm', s);
  for (let i = 0; i < 60 && lab('ps', '-aq', '--filter', `label=com.docker.stack.namespace=${STACK}`); i++) execFileSync('sleep', ['0.5']);
  for (const o of labObjects()) {
    const [kind, name] = o.split(' ');
    try {
      lab(kind, 'rm', name);
    } catch {
      /* gone already */
    }
  }
  for (const n of lab('network', 'ls', '--format', '{{.Name}}').split('\n').filter((x) => x.startsWith(`${STACK}_`))) lab('network', 'rm', n);
}

function cleanup(): void {
  purgeStack(STACK);
  purgeLab();
  fx.dropPasswordSecrets(docker, REPO);
  fx.dropPasswordSecrets(lab, REPO);
  rmSync(REPO, { recursive: true, force: true });
}

let token = '';
let dataSums = '';

before(async () => {
  cleanup();
  token = await fx.deployBackupApp(sb, DOMAIN, REPO);
  assert.equal((await sb.kite(['server', 'add', LAB])).code, 0);
  inApp(docker, 'dd if=/dev/urandom of=/data/blob bs=1M count=2 2>/dev/null && echo one > /data/.hidden');
  dataSums = sums(docker);
});
after(cleanup);

test('a move whose target fails (it cannot place the app) leaves the app running on the source, with its data, and nothing on the target', async () => {
  // the rig's node, which the lab does not have: the source runs it, the target refuses it
  sb.setEnv(DOMAIN, 'KITE_PLACEMENT_APP', `node.hostname==${docker('info', '--format', '{{.Name}}')}`);
  assert.equal((await sb.kite(['app', 'deploy', DOMAIN, '--force'])).code, 0);
  const r = await sb.kite(['app', 'move', DOMAIN, LAB]);
  assert.notEqual(r.code, 0, r.stderr);
  assert.match(r.stderr, /cannot be deployed now/);
  assert.match(r.stderr, /nothing of mv\.kite\.test was left on kite-lab/);
  assert.match(r.stderr, /mv\.kite\.test runs on kite-test again/);
  assert.equal(serviceTaskIds(`${STACK}_app`).length, 1);
  assert.equal(sums(docker), dataSums);
  assert.equal(inApp(docker, 'cat /run/secrets/token'), token);
  assert.ok(existsSync(sb.envPath(DOMAIN)), 'the env file stays with the source');
  assert.equal(existsSync(sb.envPath(DOMAIN, LAB)), false);
  assert.equal(existsSync(`${sb.envPath(DOMAIN, LAB)}.moving`), false);
  assert.deepEqual(labObjects(), []);
});

test('app move to the lab: same data and secret there, pinned to the manager node, env file moved; the source keeps its volumes', async () => {
  const lines = sb.readEnv(DOMAIN).split('\n').filter((l) => !l.startsWith('KITE_PLACEMENT_APP='));
  writeFileSync(sb.envPath(DOMAIN), lines.join('\n'));
  const r = await sb.kite(['app', 'move', DOMAIN, LAB, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.from, SERVER);
  assert.equal(out.to, LAB);
  assert.equal(out.converged, true);
  assert.equal(out.source.pruned, false);
  assert.deepEqual(out.source.volumes, [`${STACK}_cache`, `${STACK}_data`]);
  assert.equal(sums(lab), dataSums);
  assert.equal(inApp(lab, 'cat /run/secrets/token'), token);
  assert.doesNotMatch(r.stderr + r.stdout, new RegExp(token));
  assert.match(lab('service', 'inspect', `${STACK}_app`, '--format', '{{json .Spec.TaskTemplate.Placement.Constraints}}'), /node\.id==/);
  assert.equal(lab('node', 'inspect', lab('service', 'ps', `${STACK}_app`, '--filter', 'desired-state=running', '--format', '{{.Node}}'), '--format', '{{.Description.Hostname}}'), 'kite-lab-n1');
  assert.equal(existsSync(sb.envPath(DOMAIN)), false, 'the env file left servers/kite-test/');
  assert.ok(existsSync(sb.envPath(DOMAIN, LAB)));
  assert.equal(docker('service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${STACK}`), '', 'undeployed from the source');
  assert.match(docker('volume', 'ls', '--format', '{{.Name}}'), new RegExp(`${STACK}_data`), 'the source keeps its volume');
  // the app is a normal app on the lab now
  const ps = await sb.kite(['app', 'ps', DOMAIN]);
  assert.equal(ps.code, 0, ps.stderr);
  assert.match(ps.stdout, /kite-lab-n1/);
});
