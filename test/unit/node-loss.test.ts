// A node lost, told truthfully: stateless tasks rescheduled elsewhere (and
// where to), a service pinned to that node waiting for it by name, and the
// service back on its node when the node returns.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appStatus } from '../../src/operations/app-ps.js';
import { serverNodeLoss } from '../../src/operations/app-status.js';
import { describeUnavailable, unavailableNodes } from '../../src/core/node-loss.js';
import type { ServiceSpec } from '../../src/core/convert/swarm-types.js';
import { FakeSwarm } from './helpers/fake-swarm.js';

const STACK = 'loss_example_com';

function spec(name: string, constraints: string[] = []): ServiceSpec {
  return {
    Name: `${STACK}_${name}`,
    Labels: { 'com.docker.stack.namespace': STACK },
    TaskTemplate: { ContainerSpec: { Image: 'web:1' }, Placement: { Constraints: constraints }, RestartPolicy: { Condition: 'any', Delay: 1e9 } },
    Mode: { Replicated: { Replicas: 1 } },
  } as ServiceSpec;
}

async function setUp(): Promise<FakeSwarm> {
  const swarm = new FakeSwarm().addNodes({ id: 'node2', hostname: 'n2' }, { id: 'node3', hostname: 'n3' });
  await swarm.updateNode('node1', 1, { Role: 'manager', Availability: 'drain', Labels: {} });
  await swarm.updateNode('node3', 1, { Role: 'worker', Availability: 'drain', Labels: {} });
  await swarm.createService(spec('db', ['node.id==node2']));
  await swarm.createService(spec('web'));
  await swarm.clock.sleep(3000);
  const n1 = await swarm.inspectNode('node1');
  await swarm.updateNode('node1', n1.Version.Index, { ...n1.Spec, Availability: 'active' });
  const n3 = await swarm.inspectNode('node3');
  await swarm.updateNode('node3', n3.Version.Index, { ...n3.Spec, Availability: 'active' });
  return swarm;
}

test('all nodes up: app ps shows the node of every service and no node loss', async () => {
  const swarm = await setUp();
  const rows = await appStatus(STACK, swarm);
  assert.deepEqual(rows.map((r) => [r.service, r.nodes, r.nodeLoss]), [
    [`${STACK}_db`, ['n2'], undefined],
    [`${STACK}_web`, ['n2'], undefined],
  ]);
  assert.equal(await serverNodeLoss(swarm), undefined);
});

test('a node down: the pinned service waits for it by name, the stateless one is rescheduled and says where; back: converged', async () => {
  const swarm = await setUp();
  swarm.nodeDown('node2');
  await swarm.clock.sleep(3000);
  const rows = await appStatus(STACK, swarm);
  const db = rows.find((r) => r.service === `${STACK}_db`)!;
  const web = rows.find((r) => r.service === `${STACK}_web`)!;
  assert.equal(db.nodeLoss?.kind, 'waiting');
  assert.match(db.state, /^waiting for node n2 \(down since 2026-11-30T10:00:03/);
  assert.equal(db.running, 0);
  assert.equal(web.nodeLoss?.kind, 'rescheduled');
  assert.match(web.nodeLoss?.text ?? '', /^rescheduled from n2 \(down since .*\) to (node1|n3)$/);
  assert.equal(web.running, 1);

  const loss = await serverNodeLoss(swarm);
  assert.match(loss?.nodes.join() ?? '', /node n2 is down since/);
  assert.deepEqual(loss?.stacks.get(STACK)?.map((l) => l.split(' ')[0]), ['db', 'web']);
  assert.match(loss?.stacks.get(STACK)?.[0] ?? '', /^db waiting for node n2/);

  swarm.nodeUp('node2');
  await swarm.clock.sleep(3000);
  const after = await appStatus(STACK, swarm);
  assert.deepEqual(after.map((r) => [r.running, r.nodeLoss]), [[1, undefined], [1, undefined]]);
  assert.deepEqual(after[0].nodes, ['n2'], 'the db runs on its node again');
});

test('unavailable nodes: down with since, or drained', () => {
  const gone = unavailableNodes([
    { ID: 'a', Version: { Index: 1 }, UpdatedAt: '2026-11-30T10:00:00.123456789Z', Spec: { Role: 'worker', Availability: 'active' }, Description: { Hostname: 'a' }, Status: { State: 'down' } },
    { ID: 'b', Version: { Index: 1 }, Spec: { Role: 'worker', Availability: 'drain' }, Description: { Hostname: 'b' }, Status: { State: 'ready' } },
    { ID: 'c', Version: { Index: 1 }, Spec: { Role: 'worker', Availability: 'active' }, Status: { State: 'ready' } },
  ]);
  assert.deepEqual(gone.map(describeUnavailable), ['down since 2026-11-30T10:00:00Z', 'drained']);
});
