// Placement on a swarm of several nodes: KITE_PLACEMENT_<SERVICE> env keys,
// a stateful service pinned to the node holding its volumes (recorded on the
// server), and a deploy refused before any change when its services could
// only run on a node that is down or drained.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbraDir } from '../../src/adapters/abra-dir.js';
import { createPorts } from '../../src/cli/ports.js';
import { appDeploy } from '../../src/operations/app-deploy.js';
import type { DeployEvent } from '../../src/operations/events.js';
import { ConflictError, UsageError } from '../../src/core/errors.js';
import { describeUnplaceable, localVolumes, parseConstraint, pinRecordName, pinsService, placementFromEnv, placementKey, satisfies, unplaceable, withConstraints } from '../../src/core/placement.js';
import type { ServiceSpec } from '../../src/core/convert/swarm-types.js';
import type { SwarmNode } from '../../src/core/engine-types.js';
import { FakeSwarm } from './helpers/fake-swarm.js';

const DOMAIN = 'data.example.com';
const STACK = 'data_example_com';

test('placement keys: service name upper-cased, other characters as _', () => {
  assert.equal(placementKey('db'), 'KITE_PLACEMENT_DB');
  assert.equal(placementKey('my-app.web'), 'KITE_PLACEMENT_MY_APP_WEB');
});

test('KITE_PLACEMENT_* values: comma-separated constraints per service; unknown keys and bad constraints are refused with file and key', () => {
  const env = { KITE_PLACEMENT_DB: 'node.labels.database==true, node.role==manager', KITE_PLACEMENT_APP: '', OTHER: 'x' };
  assert.deepEqual([...placementFromEnv(env, ['app', 'db'], '/e.env')], [['db', ['node.labels.database==true', 'node.role==manager']]]);
  assert.throws(() => placementFromEnv({ KITE_PLACEMENT_WEB: 'node.role==worker' }, ['app', 'db'], '/e.env'), (e: Error) => e instanceof UsageError && /\/e\.env: KITE_PLACEMENT_WEB names no service/.test(e.message));
  assert.throws(() => placementFromEnv({ KITE_PLACEMENT_DB: 'node.labels.database=true' }, ['db'], '/e.env'), /KITE_PLACEMENT_DB: "node.labels.database=true" is not a Swarm placement constraint/);
  assert.deepEqual(parseConstraint('node.labels.gpu != yes'), { key: 'node.labels.gpu', op: '!=', value: 'yes' });
  assert.equal(parseConstraint('node.colour==red'), undefined);
});

test('KITE_PLACEMENT_* constraints Swarm itself would refuse are refused by kite, naming file and key, before anything is deployed', () => {
  // each of these passed kite's check, then Swarm refused the service mid-deploy ("value '=manager' is invalid") and the deploy rolled back
  for (const bad of ['node.role===manager', 'node.role!==manager', 'node.labels.a/b==x', 'node.labels.a<b==x', 'node.labels.a==x;y', 'node.labels.a==x=y', 'node.labels.a==é', 'node.labels.a==\x1b[31mred', 'node.labels.a==x\ny', 'node.labels.==x']) {
    assert.throws(() => placementFromEnv({ KITE_PLACEMENT_DB: bad }, ['db'], '/e.env'), (e: Error) => e instanceof UsageError && e.message.startsWith('/e.env: KITE_PLACEMENT_DB: "') && /is not a Swarm placement constraint/.test(e.message), JSON.stringify(bad));
    assert.equal(parseConstraint(bad), undefined, JSON.stringify(bad));
  }
  // and what Swarm accepts still passes: spaces around the operator, globs, a value with spaces
  for (const good of ['node.role == manager', 'node.labels.a==*', 'node.labels.a==b c', 'node.labels.zone_1.x==eu-west/2', 'engine.labels.os!=windows']) assert.ok(parseConstraint(good), good);
  assert.deepEqual(parseConstraint('node.role == manager'), { key: 'node.role', op: '==', value: 'manager' });
});

test('constraints are added to the recipe’s own, without repeats', () => {
  const spec = { Name: 's', Labels: {}, TaskTemplate: { ContainerSpec: { Image: 'x' }, Placement: { Constraints: ['node.role==worker'] } } } as unknown as ServiceSpec;
  assert.deepEqual(withConstraints(spec, ['node.role==worker', 'node.labels.a==1']).TaskTemplate.Placement?.Constraints, ['node.role==worker', 'node.labels.a==1']);
});

test('stateful: named local volumes only; pinned by id, hostname or a node label', () => {
  const spec = (mounts: object[]) => ({ TaskTemplate: { ContainerSpec: { Image: 'x', Mounts: mounts } } }) as unknown as ServiceSpec;
  assert.deepEqual(localVolumes(spec([{ Type: 'volume', Source: 's_data', Target: '/d' }, { Type: 'bind', Source: '/x', Target: '/x' }, { Type: 'volume', Target: '/anon' }])), ['s_data']);
  assert.deepEqual(localVolumes(spec([{ Type: 'volume', Source: 's_nfs', Target: '/d', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'nfs' } } } }])), []);
  assert.deepEqual(localVolumes(spec([{ Type: 'volume', Source: 's_x', Target: '/d', VolumeOptions: { DriverConfig: { Name: 'rexray' } } }])), []);
  assert.equal(pinsService(['node.role==manager']), false);
  assert.equal(pinsService(['node.labels.database==true']), true);
  assert.equal(pinsService(['node.hostname!=a']), false);
  assert.ok(pinRecordName('a'.repeat(80), 'db').length <= 64);
  assert.equal(pinRecordName('s_t', 'db'), 'kp-s_t_db');
});

test('a service that can only run on a down or drained node is named with the node and since when', () => {
  const node = (id: string, state: string, availability: 'active' | 'drain', labels = {}): SwarmNode => ({ ID: id, Version: { Index: 1 }, UpdatedAt: '2026-11-30T10:00:00Z', Spec: { Role: 'worker', Availability: availability, Labels: labels }, Description: { Hostname: id }, Status: { State: state } });
  const nodes = [node('n1', 'ready', 'active'), node('n2', 'down', 'active', { database: 'true' }), node('n3', 'ready', 'drain', { gpu: 'yes' })];
  assert.equal(satisfies(nodes[1], 'node.labels.database==true'), true);
  assert.equal(unplaceable('web', [], nodes), undefined);
  assert.equal(describeUnplaceable(unplaceable('db', ['node.labels.database==true'], nodes)!), 'db can only run on a node matching node.labels.database==true: n2 is down (since 2026-11-30T10:00:00Z)');
  assert.match(describeUnplaceable(unplaceable('ml', ['node.labels.gpu==yes'], nodes)!), /n3 is drained/);
  assert.match(describeUnplaceable(unplaceable('x', ['node.labels.none==1'], nodes)!), /no node matches/);
});

// ---- deploys against a fake swarm of three nodes ----

const COMPOSE = `version: "3.8"
services:
  web:
    image: web:good
    deploy:
      restart_policy:
        delay: 1s
      update_config:
        monitor: 1s
  db:
    image: web:good
    volumes:
      - data:/var/lib/db
    deploy:
      restart_policy:
        delay: 1s
      update_config:
        monitor: 1s
volumes:
  data:
`;

function app(env: string[] = []): { dir: AbraDir; envPath: string } {
  const root = mkdtempSync(join(tmpdir(), 'kite-placement-unit-'));
  mkdirSync(join(root, 'recipes', 'data'), { recursive: true });
  mkdirSync(join(root, 'servers', 'fake'), { recursive: true });
  writeFileSync(join(root, 'recipes', 'data', 'compose.yml'), COMPOSE);
  const envPath = join(root, 'servers', 'fake', `${DOMAIN}.env`);
  writeFileSync(envPath, ['TYPE=data', `DOMAIN=${DOMAIN}`, ...env, ''].join('\n'), { mode: 0o600 });
  return { dir: new AbraDir(root), envPath };
}

function threeNodes(): FakeSwarm {
  return new FakeSwarm().addNodes({ id: 'node2', hostname: 'n2', labels: { database: 'true' } }, { id: 'node3', hostname: 'n3' });
}

async function run(dir: AbraDir, swarm: FakeSwarm, input: { force?: boolean; noPin?: boolean } = {}): Promise<{ events: DeployEvent[]; error?: Error }> {
  const events: DeployEvent[] = [];
  try {
    for await (const e of appDeploy(createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock }), { domain: DOMAIN, mode: 'deploy', offline: true, ...input })) events.push(e);
    return { events };
  } catch (error) {
    return { events, error: error as Error };
  }
}

const constraintsOf = (swarm: FakeSwarm, name: string) => swarm.serviceByName(name)?.Spec.TaskTemplate.Placement?.Constraints ?? [];
const nodeOf = (swarm: FakeSwarm, name: string) => swarm.tasksOf(name).find((t) => t.DesiredState === 'running')?.NodeID;

test('first deploy pins the stateful service to the node Swarm chose, records it, and the next deploy keeps it there', async () => {
  const { dir } = app();
  const swarm = threeNodes();
  const first = await run(dir, swarm);
  assert.equal(first.error, undefined);
  const node = nodeOf(swarm, `${STACK}_db`);
  assert.ok(node);
  assert.deepEqual(constraintsOf(swarm, `${STACK}_db`), [`node.id==${node}`]);
  assert.deepEqual(constraintsOf(swarm, `${STACK}_web`), [], 'a stateless service is not pinned');
  assert.ok(first.events.some((e) => e.type === 'pinned' && e.service === `${STACK}_db`));
  const record = swarm.configs.find((c) => c.Spec.Labels['kite.pin'] === STACK);
  assert.equal(record?.Spec.Labels['kite.pin.node'], node);
  // undeployed and deployed again: the record brings it back to the same node
  for (const s of [...swarm.services.values()]) await swarm.removeService(s.ID);
  const again = await run(dir, swarm);
  assert.equal(again.error, undefined);
  assert.equal(nodeOf(swarm, `${STACK}_db`), node);
  const overview = again.events.find((e) => e.type === 'overview');
  assert.ok(overview?.type === 'overview');
  assert.deepEqual(overview.overview.placement?.find((p) => p.service === 'db')?.pinnedTo, (await swarm.inspectNode(node)).Description?.Hostname);
});

test('KITE_PLACEMENT_DB places the db on the labelled node (no pin needed); the overview names the key', async () => {
  const { dir } = app(['KITE_PLACEMENT_DB=node.labels.database==true']);
  const swarm = threeNodes();
  const r = await run(dir, swarm);
  assert.equal(r.error, undefined);
  assert.equal(nodeOf(swarm, `${STACK}_db`), 'node2');
  assert.deepEqual(constraintsOf(swarm, `${STACK}_db`), ['node.labels.database==true']);
  const overview = r.events.find((e) => e.type === 'overview');
  assert.ok(overview?.type === 'overview');
  assert.deepEqual(overview.overview.placement, [{ service: 'db', constraints: ['node.labels.database==true'], fromEnv: 'KITE_PLACEMENT_DB' }]);
});

test('--no-pin deploys unpinned with a warning naming the volume', async () => {
  const { dir } = app();
  const swarm = threeNodes();
  const r = await run(dir, swarm, { noPin: true });
  assert.equal(r.error, undefined);
  assert.deepEqual(constraintsOf(swarm, `${STACK}_db`), []);
  assert.ok(r.events.some((e) => e.type === 'warning' && /db keeps its data in volumes on one node \(data_example_com_data\).*--no-pin/.test(e.message)));
});

test('a deploy that needs a down node is refused before anything changes, naming the node', async () => {
  const { dir, envPath } = app();
  const swarm = threeNodes();
  assert.equal((await run(dir, swarm)).error, undefined);
  const node = nodeOf(swarm, `${STACK}_db`)!;
  swarm.nodeDown(node);
  appendFileSync(envPath, 'KITE_PLACEMENT_WEB=node.role==worker\n');
  const calls = swarm.calls.length;
  const r = await run(dir, swarm, { force: true });
  assert.ok(r.error instanceof ConflictError, String(r.error));
  const hostname = (await swarm.inspectNode(node)).Description?.Hostname;
  assert.match(r.error.message, new RegExp(`db can only run on a node matching node\\.id==${node}: ${hostname} is down \\(since `));
  assert.deepEqual(swarm.calls.slice(calls).filter((c) => !c.startsWith('createConfig kite-lock') && !c.startsWith('removeConfig')), [], 'nothing but the lock touched');
});

test('a single-node swarm pins nothing', async () => {
  const { dir } = app();
  const swarm = new FakeSwarm();
  assert.equal((await run(dir, swarm)).error, undefined);
  assert.deepEqual(constraintsOf(swarm, `${STACK}_db`), []);
  assert.equal(swarm.configs.filter((c) => c.Spec.Labels['kite.pin']).length, 0);
});

test('a global service converges when every eligible node runs one (drained, down and unmatched nodes do not count)', async () => {
  const { assess } = await import('../../src/core/convergence.js');
  const node = (id: string, state = 'ready', availability: 'active' | 'drain' = 'active', labels = {}): SwarmNode => ({ ID: id, Version: { Index: 1 }, Spec: { Role: 'worker', Availability: availability, Labels: labels }, Status: { State: state } });
  const nodes = [node('a', 'ready', 'active', { edge: '1' }), node('b', 'ready', 'active', { edge: '1' }), node('c', 'ready', 'active'), node('d', 'down', 'active', { edge: '1' }), node('e', 'ready', 'drain', { edge: '1' })];
  const service = { ID: 's', Version: { Index: 1 }, Spec: { Name: 'st_proxy', Labels: {}, Mode: { Global: {} }, TaskTemplate: { ContainerSpec: { Image: 'x' }, Placement: { Constraints: ['node.labels.edge==1'] } } } } as never;
  const task = (id: string, nodeId: string) => ({ ID: id, ServiceID: 's', NodeID: nodeId, DesiredState: 'running', CreatedAt: '2026-11-30T10:00:01Z', Status: { State: 'running' } });
  const one = assess({ service, tasks: [task('1', 'a')], deployedAt: '2026-11-30T10:00:00Z', nodes });
  assert.deepEqual([one.state, one.desired], ['pending', 2]);
  const both = assess({ service, tasks: [task('1', 'a'), task('2', 'b')], deployedAt: '2026-11-30T10:00:00Z', nodes });
  assert.deepEqual([both.state, both.desired], ['converged', 2]);
});

test('max_replicas_per_node that cannot fit the replicas on the eligible nodes refuses the deploy before any change', async () => {
  const { dir } = app();
  const root = dir.root;
  writeFileSync(join(root, 'recipes', 'data', 'compose.yml'), COMPOSE.replace('  web:\n    image: web:good\n    deploy:\n', '  web:\n    image: web:good\n    deploy:\n      replicas: 4\n      placement:\n        max_replicas_per_node: 1\n'));
  const swarm = threeNodes();
  const r = await run(dir, swarm);
  assert.ok(r.error instanceof ConflictError, String(r.error));
  assert.match(r.error.message, /web wants 4 replicas, at most 1 per node \(max_replicas_per_node\), but only 3 nodes can take it/);
  assert.equal(swarm.services.size, 0);
});

test('app remove takes the pin records with the app', async () => {
  const { planRemoval } = await import('../../src/operations/app-remove.js');
  const { dir } = app();
  const swarm = threeNodes();
  assert.equal((await run(dir, swarm)).error, undefined);
  for (const s of [...swarm.services.values()]) await swarm.removeService(s.ID);
  const plan = await planRemoval(swarm, STACK, DOMAIN, []);
  assert.ok(plan.configs.some((c) => c.name === `kp-${STACK}_db`), JSON.stringify(plan.configs));
});

test('several replicas or a global service with volumes are not pinned (a volume on each of their nodes)', async () => {
  const { dir } = app();
  writeFileSync(join(dir.root, 'recipes', 'data', 'compose.yml'), COMPOSE.replace('      - data:/var/lib/db\n    deploy:\n', '      - data:/var/lib/db\n    deploy:\n      replicas: 2\n'));
  const swarm = threeNodes();
  assert.equal((await run(dir, swarm)).error, undefined);
  assert.deepEqual(constraintsOf(swarm, `${STACK}_db`), []);
});

test('a pin to a node removed from the swarm is replaced by the node Swarm places the service on now, with a warning', async () => {
  const { dir } = app();
  const swarm = threeNodes();
  assert.equal((await run(dir, swarm)).error, undefined);
  const old = nodeOf(swarm, `${STACK}_db`)!;
  const hostname = (await swarm.inspectNode(old)).Description?.Hostname;
  for (const s of [...swarm.services.values()]) await swarm.removeService(s.ID);
  swarm.nodeDown(old);
  await swarm.removeNode(old);
  const r = await run(dir, swarm);
  assert.equal(r.error, undefined, String(r.error));
  assert.ok(r.events.some((e) => e.type === 'warning' && e.message === `db was pinned to node ${hostname}, which is no longer in the swarm: it is pinned anew where it runs now; its old volumes stayed on ${hostname}`));
  const now = nodeOf(swarm, `${STACK}_db`)!;
  assert.notEqual(now, old);
  const records = swarm.configs.filter((c) => c.Spec.Labels['kite.pin'] === STACK);
  assert.deepEqual(records.map((c) => c.Spec.Labels['kite.pin.node']), [now], 'one record, for the new node');
});

test('pinInPlace (after a node joins): a deployed unpinned stateful service is pinned where it runs and recorded; stateless ones untouched', async () => {
  const { pinInPlace } = await import('../../src/operations/pins.js');
  const { dir } = app();
  const swarm = new FakeSwarm();
  assert.equal((await run(dir, swarm)).error, undefined);
  assert.deepEqual(constraintsOf(swarm, `${STACK}_db`), [], 'one node: not pinned');
  swarm.addNodes({ id: 'node2', hostname: 'n2' });
  assert.deepEqual(await pinInPlace(swarm), [{ service: `${STACK}_db`, node: 'node1' }]);
  assert.deepEqual(constraintsOf(swarm, `${STACK}_db`), ['node.id==node1']);
  assert.deepEqual(constraintsOf(swarm, `${STACK}_web`), []);
  assert.equal(swarm.configs.find((c) => c.Spec.Labels['kite.pin'] === STACK)?.Spec.Labels['kite.pin.node'], 'node1');
  assert.deepEqual(await pinInPlace(swarm), [], 'pinned once');
});

test('restart on a swarm of several nodes first pins an unpinned stateful service where it runs (an app deployed without pins)', async () => {
  const { restart } = await import('../../src/operations/app-restart.js');
  const { dir } = app();
  const swarm = new FakeSwarm();
  assert.equal((await run(dir, swarm)).error, undefined);
  swarm.addNodes({ id: 'node2', hostname: 'n2' }, { id: 'node3', hostname: 'n3' });
  const events: DeployEvent[] = [];
  for await (const e of restart(swarm, STACK, DOMAIN, { service: 'db', timeoutSeconds: 30, clock: swarm.clock })) events.push(e);
  assert.deepEqual(events[0], { type: 'pinned', service: `${STACK}_db`, node: 'node1' });
  assert.deepEqual(constraintsOf(swarm, `${STACK}_db`), ['node.id==node1']);
  assert.equal(nodeOf(swarm, `${STACK}_db`), 'node1', 'restarted on its node');
});
