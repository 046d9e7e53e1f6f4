// A server is a swarm: node rows, label edits, finding a node, and drain /
// remove against the fake swarm with several nodes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLabelEdit, findNode, formatLabels, nodeRows, parseLabelEdits, taskMoves } from '../../src/core/nodes.js';
import { activateNode, drainNode, labelNode, listNodes, removeNode, type DrainEvent, type RemoveEvent } from '../../src/operations/server-nodes.js';
import { NotFoundError, UsageError } from '../../src/core/errors.js';
import type { ServiceSpec } from '../../src/core/convert/swarm-types.js';
import { FakeSwarm } from './helpers/fake-swarm.js';

function swarm3(): FakeSwarm {
  return new FakeSwarm().addNodes({ id: 'node2', hostname: 'n2', labels: { database: 'true' } }, { id: 'node3', hostname: 'n3' });
}

function spec(name: string, replicas: number, constraints: string[] = []): ServiceSpec {
  return {
    Name: name,
    Labels: { 'com.docker.stack.namespace': 'st' },
    TaskTemplate: { ContainerSpec: { Image: 'web:1' }, Placement: { Constraints: constraints }, RestartPolicy: { Condition: 'any', Delay: 1e9 } },
    Mode: { Replicated: { Replicas: replicas } },
  } as ServiceSpec;
}

test('label edits: key=value sets, key- removes; anything else is refused before anything changes', () => {
  const edit = parseLabelEdits(['database=true', 'gpu-', 'zone=a=b']);
  assert.deepEqual(edit, { set: { database: 'true', zone: 'a=b' }, remove: ['gpu'] });
  assert.deepEqual(applyLabelEdit({ gpu: 'yes', keep: '1' }, edit), { keep: '1', database: 'true', zone: 'a=b' });
  assert.throws(() => parseLabelEdits(['database']), UsageError);
  assert.throws(() => parseLabelEdits([]), UsageError);
  assert.throws(() => parseLabelEdits(['a=1', 'a-']), /twice/);
  assert.throws(() => parseLabelEdits(['-x=1']), /key/);
  assert.equal(formatLabels({ b: '2', a: '' }), 'a, b=2');
});

test('label edits: a key no placement constraint can name, or a value with control characters, is refused; any existing key can be removed', () => {
  // Swarm refuses `node.labels.a/b==x` ("key 'node.labels.a/b' is invalid"): such a label could never place anything
  assert.throws(() => parseLabelEdits(['a/b=x']), (e: Error) => e instanceof UsageError && /label "a\/b=x": the key "a\/b" .*letters, digits and \. _ -/.test(e.message));
  assert.throws(() => parseLabelEdits(['db:x=1']), UsageError);
  for (const v of ['\x1b[31mtrue', 'a\nb', 'x\ry', '\x07']) assert.throws(() => parseLabelEdits([`database=${v}`]), (e: Error) => e instanceof UsageError && /control character/.test(e.message), JSON.stringify(v));
  assert.deepEqual(parseLabelEdits(['a/b-', 'zone_1.x=eu west']), { set: { 'zone_1.x': 'eu west' }, remove: ['a/b'] });
});

test('two operators labelling the same node at once: both edits land (a stale node version is read again, not an error)', async () => {
  const swarm = swarm3();
  const [a, b, c] = await Promise.all([
    labelNode(swarm, 'n3', parseLabelEdits(['storage=ssd'])),
    labelNode(swarm, 'n3', parseLabelEdits(['backups=true'])),
    activateNode(swarm, 'n3'),
  ]);
  assert.equal(a.node, 'n3');
  assert.equal(b.node, 'n3');
  assert.equal(c.node, 'n3');
  assert.deepEqual((await swarm.inspectNode('node3')).Spec.Labels, { storage: 'ssd', backups: 'true' });
});

test('nodes: rows sorted by hostname with role, state, labels and running tasks; found by hostname, ID or prefix', async () => {
  const swarm = swarm3();
  await swarm.createService(spec('st_web', 3));
  await swarm.clock.sleep(3000);
  const rows = await listNodes(swarm);
  assert.deepEqual(rows.map((r) => [r.hostname, r.role, r.managerStatus, r.state, r.tasks]), [
    ['n2', 'worker', '', 'ready', 1],
    ['n3', 'worker', '', 'ready', 1],
    ['node1', 'manager', 'Leader', 'ready', 1],
  ]);
  assert.deepEqual(rows[0].labels, { database: 'true' });
  const nodes = await swarm.listNodes();
  assert.equal(findNode(nodes, 'n3', 's').ID, 'node3');
  assert.equal(findNode(nodes, 'node2', 's').ID, 'node2');
  assert.throws(() => findNode(nodes, 'node', 's'), /more than one node/);
  assert.throws(() => findNode(nodes, 'nope', 's'), NotFoundError);
});

test('label a node through the manager: the other labels stay', async () => {
  const swarm = swarm3();
  const r = await labelNode(swarm, 'n2', parseLabelEdits(['storage=ssd']));
  assert.deepEqual(r, { node: 'n2', labels: { database: 'true', storage: 'ssd' } });
  assert.deepEqual((await swarm.inspectNode('node2')).Spec.Labels, { database: 'true', storage: 'ssd' });
});

test('drain waits until the node’s tasks run elsewhere and says where each went; activate undoes it', async () => {
  const swarm = swarm3();
  await swarm.createService(spec('st_web', 3));
  await swarm.createService(spec('st_db', 1, ['node.labels.database==true']));
  await swarm.clock.sleep(3000);
  const events: DrainEvent[] = [];
  for await (const e of drainNode({ docker: swarm, clock: swarm.clock }, 'n3', { timeoutMs: 30_000, pollMs: 200 })) events.push(e);
  const moved = events.at(-1);
  assert.equal(moved?.type, 'moved');
  assert.ok(moved?.type === 'moved');
  assert.deepEqual(moved.moves.map((m) => [m.service, m.state]), [['st_web', 'running']]);
  assert.ok(['n2', 'node1'].includes(moved.moves[0].to ?? ''), `moved to ${moved.moves[0].to}`);
  assert.equal((await swarm.listTasks({ node: ['node3'], 'desired-state': ['running'] })).length, 0);
  assert.deepEqual(await activateNode(swarm, 'n3'), { node: 'n3', changed: true });
  assert.deepEqual(await activateNode(swarm, 'n3'), { node: 'n3', changed: false });
});

test('drain of the only node a constrained service may use says it waits there, without waiting for it', async () => {
  const swarm = swarm3();
  await swarm.createService(spec('st_db', 1, ['node.labels.database==true']));
  await swarm.clock.sleep(3000);
  const events: DrainEvent[] = [];
  for await (const e of drainNode({ docker: swarm, clock: swarm.clock }, 'n2', { timeoutMs: 60_000, pollMs: 500 })) events.push(e);
  const last = events.at(-1);
  assert.ok(last?.type === 'moved');
  assert.deepEqual(last.moves.map((m) => [m.service, m.to, m.state]), [['st_db', undefined, 'waits: it can only run on n2']]);
  assert.ok(swarm.clock.now() < Date.parse('2026-11-30T10:00:30Z'), 'did not wait for the timeout');
});

test('drain of the last node that can take tasks (a one-node server) is refused before anything changes: it would stop every app', async () => {
  const one = new FakeSwarm();
  await one.createService(spec('st_web', 1));
  await one.clock.sleep(3000);
  const [node] = await one.listNodes();
  await assert.rejects(async () => {
    for await (const _ of drainNode({ docker: one, clock: one.clock }, node.ID, { timeoutMs: 5_000, pollMs: 500 })) void _;
  }, (e: Error) => e instanceof UsageError && /is the only node that can take tasks: draining it would stop every service of the server/.test(e.message));
  assert.equal((await one.inspectNode(node.ID)).Spec.Availability, 'active', 'not drained');
  // with the others drained too, the last active node of three is refused the same way
  const swarm = swarm3();
  for (const n of ['n2', 'n3']) for await (const _ of drainNode({ docker: swarm, clock: swarm.clock }, n, { timeoutMs: 5_000, pollMs: 500 })) void _;
  await assert.rejects(async () => {
    for await (const _ of drainNode({ docker: swarm, clock: swarm.clock }, 'node1', { timeoutMs: 5_000, pollMs: 500 })) void _;
  }, /only node that can take tasks/);
  // draining an already drained node again changes nothing and is fine
  for await (const _ of drainNode({ docker: swarm, clock: swarm.clock }, 'n2', { timeoutMs: 5_000, pollMs: 500 })) void _;
});

test('drain whose tasks find no place in time says so, with where they are', async () => {
  const swarm = swarm3();
  await swarm.createService(spec('st_web', 3));
  await swarm.clock.sleep(3000);
  swarm.behave('web:1', { pending: 'no suitable node (insufficient resources on 2 nodes)' });
  const events: DrainEvent[] = [];
  await assert.rejects(async () => {
    for await (const e of drainNode({ docker: swarm, clock: swarm.clock }, 'n3', { timeoutMs: 5_000, pollMs: 500 })) events.push(e);
  }, /did not all run elsewhere/);
  const last = events.at(-1);
  assert.ok(last?.type === 'moved');
  assert.deepEqual(last.moves.map((m) => [m.service, m.to]), [['st_web', undefined]]);
});

test('remove refuses a node that holds pinned data', async () => {
  const swarm = swarm3();
  await swarm.createService(spec('st_db', 1, ['node.id==node3']));
  swarm.nodeDown('node3');
  await assert.rejects(async () => {
    for await (const _ of removeNode({ docker: swarm, clock: swarm.clock }, 'n3', { timeoutMs: 5000 })) void _;
  }, /n3 holds the volumes of st_db \(pinned there\)/);
  assert.equal((await swarm.listNodes()).length, 3);
});

test('remove refuses a running node without its own connection and a manager; removes a down node after draining', async () => {
  const swarm = swarm3();
  await assert.rejects(async () => {
    for await (const _ of removeNode({ docker: swarm, clock: swarm.clock }, 'n3', { timeoutMs: 5000 })) void _;
  }, /through its own SSH connection/);
  await assert.rejects(async () => {
    for await (const _ of removeNode({ docker: swarm, clock: swarm.clock }, 'node1', { timeoutMs: 5000 })) void _;
  }, /manager/);
  swarm.nodeDown('node3');
  const events: RemoveEvent[] = [];
  for await (const e of removeNode({ docker: swarm, clock: swarm.clock }, 'n3', { timeoutMs: 5000, pollMs: 200 })) events.push(e);
  assert.equal(events.at(-1)?.type, 'removed');
  assert.deepEqual((await swarm.listNodes()).map((n) => n.ID), ['node1', 'node2']);
});

test('task moves: a global task is not moved; a replicated one is found by its slot', () => {
  const t = (id: string, node: string, slot: number | undefined, state = 'running') => ({ ID: id, ServiceID: 's1', NodeID: node, Slot: slot, DesiredState: 'running', Status: { State: state } });
  const moves = taskMoves([t('a', 'n3', 2), t('g', 'n3', undefined)], [t('b', 'n1', 1), t('c', 'n2', 2, 'starting')], 'n3', new Map([['n2', 'two']]), new Map([['s1', 'web']]));
  assert.deepEqual(moves, [
    { service: 'web', slot: 2, to: 'two', state: 'starting' },
    { service: 'web', state: 'global: not moved (one task per node)' },
  ]);
});

test('nodeRows: a manager row shows Leader, a down worker its state and since when', () => {
  const rows = nodeRows(
    [{ ID: 'x', Version: { Index: 1 }, UpdatedAt: '2026-11-30T10:00:00Z', Spec: { Role: 'worker', Availability: 'active' }, Status: { State: 'down', Addr: '10.0.0.9' } }],
    [],
  );
  assert.deepEqual([rows[0].hostname, rows[0].state, rows[0].since, rows[0].address], ['x', 'down', '2026-11-30T10:00:00Z', '10.0.0.9']);
});
