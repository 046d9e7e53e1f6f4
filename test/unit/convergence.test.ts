import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, monitorMs, serverTimeNs } from '../../src/core/convergence.js';
import type { Service, Task } from '../../src/ports/docker.js';

const T0 = '2026-11-29T10:00:00.5Z';
const LATER = '2026-11-29T10:00:01.123456789Z';
const EARLIER = '2026-11-29T09:59:59Z';

function service(over: Partial<Service> = {}, replicas = 1): Service {
  return {
    ID: 'svc1',
    Version: { Index: 10 },
    Spec: { Name: 's_app', TaskTemplate: { ContainerSpec: { Image: 'x:1' } }, Mode: { Replicated: { Replicas: replicas } } },
    ...over,
  } as Service;
}
function task(state: string, created = LATER, desired = 'running', err?: string): Task {
  return { ID: `t-${state}-${created}`, ServiceID: 'svc1', DesiredState: desired, CreatedAt: created, Status: { State: state, Err: err } };
}

test('running up-to-date tasks created after the deploy: converged with new tasks', () => {
  const v = assess({ service: service(), tasks: [task('running')], deployedAt: T0 });
  assert.equal(v.state, 'converged');
  assert.equal(v.state === 'converged' && v.newTasks, true);
});

test('tasks older than the deploy that are still up to date: converged, nothing restarted', () => {
  const v = assess({ service: service(), tasks: [task('running', EARLIER)], deployedAt: T0 });
  assert.equal(v.state === 'converged' && v.newTasks, false);
});

test('a task still starting (healthcheck pending) is pending', () => {
  const v = assess({ service: service(), tasks: [task('starting')], deployedAt: T0 });
  assert.equal(v.state, 'pending');
  assert.match(v.state === 'pending' ? v.message : '', /starting/);
});

test('fewer running tasks than replicas is pending', () => {
  const v = assess({ service: service({}, 2), tasks: [task('running')], deployedAt: T0 });
  assert.deepEqual([v.state, v.running, v.desired], ['pending', 1, 2]);
});

test('a paused update started by this deploy is a failure', () => {
  const s = service({ UpdateStatus: { State: 'paused', StartedAt: LATER, Message: 'update paused due to failure' } });
  const v = assess({ service: s, tasks: [task('failed', LATER, 'shutdown', 'unhealthy')], deployedAt: T0, previousUpdateStartedAt: EARLIER });
  assert.equal(v.state, 'failed');
  assert.match(v.state === 'failed' ? v.reason : '', /update paused/);
  assert.equal(v.state === 'failed' && v.tasks[0].error, 'unhealthy');
});

test('an old rollback status from an earlier deploy is not ours', () => {
  const s = service({ UpdateStatus: { State: 'rollback_completed', StartedAt: EARLIER } });
  const v = assess({ service: s, tasks: [task('running')], deployedAt: T0, previousUpdateStartedAt: EARLIER });
  assert.equal(v.state, 'converged');
});

test('swarm rolling back our update is a failure', () => {
  const s = service({ UpdateStatus: { State: 'rollback_started', StartedAt: LATER } });
  assert.equal(assess({ service: s, tasks: [], deployedAt: T0 }).state, 'failed');
});

test('a rejected task fails at once with its error', () => {
  const v = assess({ service: service(), tasks: [task('rejected', LATER, 'shutdown', 'No such image: x:1')], deployedAt: T0 });
  assert.equal(v.state, 'failed');
  assert.match(v.state === 'failed' ? v.reason : '', /No such image/);
});

test('an update in progress is not converged even with running tasks', () => {
  const s = service({ UpdateStatus: { State: 'updating', StartedAt: LATER } });
  assert.equal(assess({ service: s, tasks: [task('running')], deployedAt: T0 }).state, 'pending');
});

test('zero replicas converge at once', () => {
  assert.equal(assess({ service: service({}, 0), tasks: [], deployedAt: T0 }).state, 'converged');
});

test('server timestamps compare at nanosecond precision whatever their digits', () => {
  assert.ok(serverTimeNs('2026-11-29T10:00:00.6Z') > serverTimeNs('2026-11-29T10:00:00.65Z') === false);
  assert.ok(serverTimeNs('2026-11-29T10:00:00.65Z') > serverTimeNs('2026-11-29T10:00:00.6Z'));
  assert.equal(serverTimeNs('2026-11-29T10:00:01Z') - serverTimeNs('2026-11-29T10:00:00.999999999Z'), 1n);
});

test('monitor window comes from UpdateConfig.Monitor, default 5s', () => {
  assert.equal(monitorMs(service()), 5000);
  const s = service();
  s.Spec.UpdateConfig = { Parallelism: 1, Monitor: 2e9 };
  assert.equal(monitorMs(s), 2000);
});
