// Multi-node servers end to end: the lab's 3-node swarm (scripts/lab.sh,
// network namespaces, one dockerd each) reached over SSH as the server
// `kite-lab`, through kite only. The docker CLI on the lab nodes' own sockets
// is the independent observer. Covers: nodes listed with labels; labels set
// and removed; KITE_PLACEMENT_DB; an unpinned stateful service pinned to its
// volume's node across a redeploy and a restart; a worker killed (stateless
// tasks rescheduled and reported, the pinned service waiting for it by
// name, a deploy needing it refused); the node back (converged, data kept);
// drain; join of a fourth node and its removal.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { ROOT, Sandbox } from './harness.js';

const LAB = 'kite-lab';
const N = (i: number) => `kite-lab-n${i}`;
const A = { domain: 'multi-a.lab.test', stack: 'multi-a_lab_test', port: '18181' };
const B = { domain: 'multi-b.lab.test', stack: 'multi-b_lab_test', port: '18182' };
const C = { domain: 'multi-c.lab.test', stack: 'multi-c_lab_test', port: '18183' };
/** the lab's registry (scripts/lab.sh), which every node trusts */
const REGISTRY = '192.168.197.1:5000';
const sb = new Sandbox();

/** the docker CLI on lab node i's own socket */
function lab(i: number, ...args: string[]): string {
  return execFileSync('docker', ['-H', `unix:///var/run/kite-lab-n${i}.sock`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_HOST: '', DOCKER_CONTEXT: '' } }).trim();
}
function labScript(...args: string[]): void {
  execFileSync(join(ROOT, 'scripts/lab.sh'), args, { stdio: 'ignore' });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean, seconds = 90): Promise<void> {
  for (let i = 0; i < seconds * 2; i++) {
    try {
      if (cond()) return;
    } catch {
      /* the node may be restarting */
    }
    await sleep(500);
  }
  assert.fail(`timed out after ${seconds}s waiting for ${what}`);
}

/** hostnames of the nodes running a service's tasks */
function runningOn(service: string): string[] {
  return lab(1, 'service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}')
    .split('\n')
    .filter((l) => / Running /.test(l))
    .map((l) => l.split(' ')[0])
    .sort();
}

function nodeState(i: number): string {
  return lab(1, 'node', 'inspect', N(i), '--format', '{{.Status.State}} {{.Spec.Availability}}');
}

/** everything an app left on the lab: services, networks, configs (pins, history), secrets, volumes on every node */
function purgeLab(stack: string): void {
  const names = (kind: string, i = 1) => { try { return lab(i, kind, 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`${stack}_`) || n.startsWith(`kh-${stack}-`) || n.startsWith(`kp-${stack}_`) || n === `kite-lock-${stack}`); } catch { return []; } };
  const rm = (kind: string, list: string[], i = 1) => { if (list.length) try { lab(i, kind, 'rm', ...list); } catch { /* busy or gone */ } };
  rm('service', names('service'));
  for (let t = 0; t < 20 && names('network').length; t++) {
    rm('network', names('network'));
    execFileSync('sleep', ['0.5']);
  }
  rm('config', names('config'));
  rm('secret', names('secret'));
  // a volume stays in use until the removed services' containers are gone
  for (const i of [1, 2, 3]) for (let t = 0; t < 40 && names('volume', i).length; t++) {
    rm('volume', names('volume', i), i);
    if (names('volume', i).length) execFileSync('sleep', ['0.5']);
  }
}

function restoreLab(): void {
  try { labScript('start', '2'); } catch { /* running */ }
  for (const i of [2, 3]) try { lab(1, 'node', 'update', '--availability', 'active', N(i)); } catch { /* down */ }
  try { lab(1, 'node', 'update', '--label-rm', 'storage', N(3)); } catch { /* not set */ }
  try { lab(1, 'node', 'update', '--label-rm', 'gpu', N(3)); } catch { /* not set */ }
  if (lab(4, 'info', '--format', '{{.Swarm.LocalNodeState}}') !== 'inactive') try { lab(4, 'swarm', 'leave', '--force'); } catch { /* not in */ }
  for (const id of lab(1, 'node', 'ls', '--filter', `name=${N(4)}`, '--format', '{{.ID}}').split('\n').filter(Boolean)) try { lab(1, 'node', 'rm', '--force', id); } catch { /* gone */ }
}

async function newApp(app: typeof A, env: Record<string, string>, recipe = 'kite-test-app'): Promise<void> {
  const r = await sb.kite(['app', 'new', recipe, '-s', LAB, '-D', app.domain, '--secrets']);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(app.domain, 'APP_PORT', app.port, LAB);
  for (const [k, v] of Object.entries(env)) sb.setEnv(app.domain, k, v, LAB);
}

before(() => {
  restoreLab();
  for (const app of [A, B, C]) purgeLab(app.stack);
  sb.addRecipe('kite-test-app');
});
after(() => {
  restoreLab();
  for (const app of [A, B, C]) purgeLab(app.stack);
});

test('server add kite-lab: the lab manager is a normal kite server over SSH; nodes are listed with role, state and labels', async () => {
  const add = await sb.kite(['server', 'add', LAB]);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stderr, /swarm manager kite-lab-n1/);
  const r = await sb.kite(['server', 'nodes', LAB, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const nodes = JSON.parse(r.stdout) as { hostname: string; role: string; state: string; availability: string; labels: Record<string, string>; address: string; engineVersion: string }[];
  assert.deepEqual(nodes.map((n) => [n.hostname, n.role, n.state, n.availability]), [
    [N(1), 'manager', 'ready', 'active'],
    [N(2), 'worker', 'ready', 'active'],
    [N(3), 'worker', 'ready', 'active'],
  ]);
  assert.deepEqual(nodes[1].labels, { database: 'true' });
  assert.deepEqual(nodes.map((n) => n.address), ['192.168.197.11', '192.168.197.12', '192.168.197.13']);
  assert.equal(nodes[0].engineVersion, lab(1, 'version', '--format', '{{.Server.Version}}'));
  const table = await sb.kite(['server', 'node', 'ls', LAB]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^HOSTNAME\s+ROLE\s+MANAGER\s+AVAILABILITY\s+STATE\s+LABELS/);
  assert.match(table.stdout, /kite-lab-n1\s+manager\s+Leader\s+active\s+ready/);
  assert.match(table.stdout, /kite-lab-n2\s+worker\s+-\s+active\s+ready\s+database=true/);
});

test('node label sets and removes labels; a malformed label changes nothing', async () => {
  const set = await sb.kite(['server', 'node', 'label', LAB, N(3), 'storage=ssd', 'gpu=yes']);
  assert.equal(set.code, 0, set.stderr);
  assert.deepEqual(JSON.parse(lab(1, 'node', 'inspect', N(3), '--format', '{{json .Spec.Labels}}')), { storage: 'ssd', gpu: 'yes' });
  const rm = await sb.kite(['server', 'node', 'label', LAB, N(3), 'gpu-']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.deepEqual(JSON.parse(lab(1, 'node', 'inspect', N(3), '--format', '{{json .Spec.Labels}}')), { storage: 'ssd' });
  const bad = await sb.kite(['server', 'node', 'label', LAB, N(3), 'storage-', 'broken']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /label "broken": write key=value to set it or key- to remove it/);
  assert.deepEqual(JSON.parse(lab(1, 'node', 'inspect', N(3), '--format', '{{json .Spec.Labels}}')), { storage: 'ssd' }, 'nothing applied');
  const unknown = await sb.kite(['server', 'node', 'label', LAB, 'kite-lab-n9', 'x=1']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /no node "kite-lab-n9" in the swarm of kite-lab/);
  assert.equal((await sb.kite(['server', 'node', 'label', LAB, N(3), 'storage-'])).code, 0);
});

test('KITE_PLACEMENT_DB places the database on the labelled node, shown in the deploy overview', async () => {
  await newApp(A, { KITE_PLACEMENT_DB: 'node.labels.database==true' });
  const r = await sb.kite(['app', 'deploy', A.domain, '--no-input']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /PLACEMENT\s+db: node\.labels\.database==true \(with KITE_PLACEMENT_DB\)/);
  assert.deepEqual(runningOn(`${A.stack}_db`), [N(2)]);
  assert.deepEqual(JSON.parse(lab(1, 'service', 'inspect', `${A.stack}_db`, '--format', '{{json .Spec.TaskTemplate.Placement.Constraints}}')), ['node.labels.database==true']);
  const ps = await sb.kite(['app', 'ps', A.domain]);
  assert.match(ps.stdout, /multi-a_lab_test_db\s.*running\s+kite-lab-n2/);
  for (const cmd of [['app', 'check', A.domain], ['app', 'config', A.domain]]) {
    const shown = await sb.kite(cmd, { EDITOR: 'true' });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stderr, /placement: db runs where node\.labels\.database==true \(KITE_PLACEMENT_DB\)/, cmd.join(' '));
  }
  assert.equal((await sb.kite(['app', 'undeploy', A.domain, '--no-input'])).code, 0);
  purgeLab(A.stack);
});

let pinnedId = '';

test('an unpinned stateful service is pinned to the node holding its volume (recorded on the server), across a redeploy and a restart', async () => {
  // only kite-lab-n2 takes workers while deploying, so where things land is known
  const drain = await sb.kite(['server', 'node', 'drain', LAB, N(3)]);
  assert.equal(drain.code, 0, drain.stderr);
  await newApp(B, { KITE_PLACEMENT_DB: 'node.role==worker', KITE_PLACEMENT_WORKER: 'node.role==worker' });
  const r = await sb.kite(['app', 'deploy', B.domain, '--no-input']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /db: node\.role==worker \(with KITE_PLACEMENT_DB\); pinned to the node Swarm places it on now/);
  assert.match(r.stderr, /multi-b_lab_test_db: pinned to node kite-lab-n2, which holds its volumes/);
  pinnedId = lab(1, 'node', 'inspect', N(2), '--format', '{{.ID}}');
  assert.deepEqual(JSON.parse(lab(1, 'service', 'inspect', `${B.stack}_db`, '--format', '{{json .Spec.TaskTemplate.Placement.Constraints}}')), ['node.role==worker', `node.id==${pinnedId}`]);
  assert.equal(lab(1, 'config', 'inspect', `kp-${B.stack}_db`, '--format', '{{index .Spec.Labels "kite.pin.hostname"}}'), N(2));
  assert.equal((await sb.kite(['server', 'node', 'activate', LAB, N(3)])).code, 0);

  const task = lab(1, 'service', 'ps', `${B.stack}_db`, '-q', '--filter', 'desired-state=running');
  sb.setEnv(B.domain, 'GREETING', 'again', LAB);
  const again = await sb.kite(['app', 'deploy', B.domain, '--force', '--no-input']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /PLACEMENT\s+db: node\.role==worker \(with KITE_PLACEMENT_DB\); pinned to kite-lab-n2 \(holds its volumes\)/);
  assert.equal(lab(1, 'service', 'ps', `${B.stack}_db`, '-q', '--filter', 'desired-state=running'), task, 'the db was not touched');
  const restart = await sb.kite(['app', 'restart', B.domain, 'db', '--no-input']);
  assert.equal(restart.code, 0, restart.stderr);
  assert.notEqual(lab(1, 'service', 'ps', `${B.stack}_db`, '-q', '--filter', 'desired-state=running'), task, 'restarted');
  assert.deepEqual(runningOn(`${B.stack}_db`), [N(2)], 'still on its node');
  const vols = await sb.kite(['app', 'volume', 'ls', B.domain]);
  assert.equal(vols.code, 0, vols.stderr);
  assert.match(vols.stderr, /kite-lab lists the volumes of its own node \(kite-lab-n1\) only/);
  assert.match(vols.stderr, /db keeps its volumes on kite-lab-n2 \(pinned there\)/);
  const ps = await sb.kite(['app', 'ps', B.domain, '--json']);
  const rows = JSON.parse(ps.stdout) as { service: string; nodes: string[] }[];
  assert.deepEqual(rows.map((x) => [x.service, x.nodes]), [
    [`${B.stack}_app`, runningOn(`${B.stack}_app`)],
    [`${B.stack}_db`, [N(2)]],
    [`${B.stack}_worker`, [N(2)]],
  ]);
});

test('a worker node killed: stateless tasks rescheduled and reported, the pinned service waiting for that node by name; a deploy needing it is refused', async () => {
  const db = lab(2, 'ps', '-q', '--filter', `label=com.docker.swarm.service.name=${B.stack}_db`);
  lab(2, 'exec', db, 'sh', '-c', 'echo kept > /data/marker');
  labScript('kill', '2');
  await until('kite-lab-n2 down', () => nodeState(2).startsWith('down'));
  await until('the worker service rescheduled to kite-lab-n3', () => runningOn(`${B.stack}_worker`).join() === N(3));
  const ps = await sb.kite(['app', 'ps', B.domain]);
  assert.equal(ps.code, 0, ps.stderr);
  assert.match(ps.stdout, /multi-b_lab_test_db\s+\S+\s+replicated\s+0\/1\s+waiting for node kite-lab-n2 \(down since \d{4}-\d\d-\d\dT[\d:]+Z\)/);
  assert.match(ps.stdout, /multi-b_lab_test_worker\s+\S+\s+replicated\s+1\/1\s+running\s+kite-lab-n3/);
  assert.match(ps.stderr, /multi-b_lab_test_worker: rescheduled from kite-lab-n2 \(down since [^)]+\) to kite-lab-n3/);
  const ls = await sb.kite(['app', 'ls', '-S', '-s', LAB]);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stderr, /kite-lab: node kite-lab-n2 is down since/);
  assert.match(ls.stderr, /multi-b\.lab\.test: db waiting for node kite-lab-n2/);

  const version = lab(1, 'service', 'inspect', `${B.stack}_app`, '--format', '{{.Version.Index}}');
  sb.setEnv(B.domain, 'GREETING', 'while-down', LAB);
  const refused = await sb.kite(['app', 'deploy', B.domain, '--force', '--no-input']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, new RegExp(`db can only run on a node matching node\\.role==worker,node\\.id==${pinnedId}: kite-lab-n2 is down`));
  assert.match(refused.stderr, /nothing was changed/);
  assert.equal(lab(1, 'service', 'inspect', `${B.stack}_app`, '--format', '{{.Version.Index}}'), version, 'nothing changed');
  sb.setEnv(B.domain, 'GREETING', 'again', LAB);
});

test('the node back: the pinned service converges on it by itself, with the data its volume held', async () => {
  labScript('start', '2');
  await until('kite-lab-n2 ready', () => nodeState(2).startsWith('ready'));
  await until('the db running on kite-lab-n2 again', () => runningOn(`${B.stack}_db`).join() === N(2));
  const ps = await sb.kite(['app', 'ps', B.domain]);
  assert.match(ps.stdout, /multi-b_lab_test_db\s+\S+\s+replicated\s+1\/1\s+running\s+kite-lab-n2/);
  assert.doesNotMatch(ps.stderr, /rescheduled|waiting/);
  const db = lab(2, 'ps', '-q', '--filter', `label=com.docker.swarm.service.name=${B.stack}_db`);
  assert.equal(lab(2, 'exec', db, 'cat', '/data/marker'), 'kept');
});

test('drain moves the tasks elsewhere and says where; activate lets the node take tasks again', async () => {
  const r = await sb.kite(['server', 'node', 'drain', LAB, N(3)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /kite-lab-n3: drained, waiting for its tasks to run elsewhere/);
  assert.match(r.stdout, /multi-b_lab_test_worker\.1\s+kite-lab-n2\s+running/);
  assert.deepEqual(runningOn(`${B.stack}_worker`), [N(2)]);
  assert.equal(nodeState(3), 'ready drain');
  const a = await sb.kite(['server', 'node', 'activate', LAB, N(3)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(nodeState(3), 'ready active');
});

test('a global service from the registry converges with one task on every node, all on one digest', async () => {
  // the test recipe with its worker global and its image in the lab's registry
  const dir = sb.addRecipe('kite-test-app', 'kite-global');
  const compose = join(dir, 'compose.yml');
  const text = readFileSync(compose, 'utf8');
  const worker = text.indexOf('  worker:\n    image: kite-test/web:1.0\n');
  assert.ok(worker > 0);
  writeFileSync(compose, text.replace('  worker:\n    image: kite-test/web:1.0\n', `  worker:\n    image: ${REGISTRY}/kite-test/web:1.0\n`).replace('    deploy:\n      endpoint_mode: dnsrr\n      update_config:\n        monitor: 1s\n\nconfigs:', '    deploy:\n      mode: global\n      endpoint_mode: dnsrr\n      update_config:\n        monitor: 1s\n\nconfigs:'));
  writeFileSync(join(dir, '.env.sample'), readFileSync(join(dir, '.env.sample'), 'utf8').replace('TYPE=kite-test-app', 'TYPE=kite-global'));
  await newApp(C, {}, 'kite-global');
  const r = await sb.kite(['app', 'deploy', C.domain, '--no-input']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /multi-c_lab_test_worker: converged/);
  assert.doesNotMatch(r.stderr, new RegExp(`image ${REGISTRY.replace(/\./g, '\\.')}/kite-test/web:1.0 could not be accessed`));
  const image = lab(1, 'service', 'inspect', `${C.stack}_worker`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}');
  assert.match(image, new RegExp(`^${REGISTRY}/kite-test/web:1\\.0@sha256:[0-9a-f]{64}$`));
  assert.deepEqual(runningOn(`${C.stack}_worker`), [N(1), N(2), N(3)]);
  for (const i of [1, 2, 3]) {
    const id = lab(i, 'ps', '-q', '--filter', `label=com.docker.swarm.service.name=${C.stack}_worker`);
    assert.equal(lab(i, 'inspect', id, '--format', '{{.Config.Image}}'), image, `node ${i} runs the pinned digest`);
  }
  assert.equal((await sb.kite(['app', 'undeploy', C.domain, '--no-input'])).code, 0);
  purgeLab(C.stack);
});

test('join a fourth machine as a worker through its own SSH connection, then remove it safely', async () => {
  const j = await sb.kite(['server', 'node', 'join', LAB, N(4), '--advertise-addr', '192.168.197.14']);
  assert.equal(j.code, 0, j.stderr);
  assert.match(j.stderr, /kite-lab-n4 joined the swarm of kite-lab as worker node kite-lab-n4/);
  assert.equal(lab(4, 'info', '--format', '{{.Swarm.LocalNodeState}}'), 'active');
  const nodes = JSON.parse((await sb.kite(['server', 'nodes', LAB, '--json'])).stdout) as { hostname: string; state: string; role: string; address: string }[];
  assert.deepEqual(nodes.map((n) => [n.hostname, n.state, n.role, n.address]).at(-1), [N(4), 'ready', 'worker', '192.168.197.14']);
  const again = await sb.kite(['server', 'node', 'join', LAB, N(4)]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already a node of this swarm/);

  const refused = await sb.kite(['server', 'node', 'remove', LAB, N(4)]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /kite-lab-n4 is ready: kite removes a running node through its own SSH connection/);
  const rm = await sb.kite(['server', 'node', 'remove', LAB, N(4), '--via', N(4)]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(rm.stderr, /kite-lab-n4 left the swarm/);
  assert.match(rm.stderr, /kite-lab-n4 removed from the swarm of kite-lab/);
  assert.equal(lab(4, 'info', '--format', '{{.Swarm.LocalNodeState}}'), 'inactive');
  assert.equal(lab(1, 'node', 'ls', '--filter', `name=${N(4)}`, '-q'), '');
});
