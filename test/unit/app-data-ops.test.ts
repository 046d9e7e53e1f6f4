// Operations of `app remove`, `app secret rm`, `app restart` and the
// container lookup of `app run`, against a fake Docker API: what they pick,
// what they refuse, and how Docker's refusals are worded for the operator.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DockerPort, Service, Task } from '../../src/ports/docker.js';
import type { ServiceSpec } from '../../src/core/convert/swarm-types.js';
import { ConflictError, DockerApiError, NotFoundError, UsageError } from '../../src/core/errors.js';
import { executeRemoval, planRemoval } from '../../src/operations/app-remove.js';
import { LocalWriteError } from '../../src/core/errors.js';
import { removeSecretObject } from '../../src/operations/secret-manage.js';
import { findServiceContainer } from '../../src/operations/app-exec.js';
import { restart } from '../../src/operations/app-restart.js';
import type { AppSecret } from '../../src/core/secrets.js';
import { systemClock } from '../../src/adapters/system-clock.js';

const STACK = 'x_example_com';

function service(name: string, extra: Partial<Service> = {}): Service {
  return { ID: `id-${name}`, Version: { Index: 10 }, Spec: { Name: `${STACK}_${name}`, Labels: {}, TaskTemplate: { ContainerSpec: { Image: 'img' } } } as unknown as ServiceSpec, ...extra };
}

function fake(over: Partial<DockerPort>): DockerPort {
  return new Proxy(over as DockerPort, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof DockerPort];
      if (prop === 'server') return 'srv';
      throw new Error(`unexpected Docker call ${String(prop)}`);
    },
  });
}

const secret = (name: string, version: string): AppSecret => ({ name, version, remoteName: `${STACK}_${name}_${version}`, envKey: '', charset: 'default', generate: true });

test('app remove picks the stack volumes, configs and secrets, old versions included, and nothing of other stacks', async () => {
  const docker = fake({
    listServices: async () => [],
    listVolumes: async () => [{ Name: `${STACK}_data`, Driver: 'local' }],
    listConfigs: async (filters) =>
      filters?.label?.[0]?.startsWith('kite.history=')
        ? [{ ID: 'h1', Version: { Index: 1 }, Spec: { Name: `kh-${STACK}-abc`, Labels: {} } }]
        : [{ ID: 'c1', Version: { Index: 1 }, Spec: { Name: `${STACK}_page_v1`, Labels: {} } }],
    listSecrets: async () =>
      [
        `${STACK}_db_password_v2`, // current
        `${STACK}_db_password_v1`, // older version
        `${STACK}_db_password_extra_v1`, // a different secret, `db_password_extra`, not the app's
        `${STACK}_db_v1`, // the app's `db` secret
        `x_example_com_other_stack_db_v1`,
        'unrelated',
      ].map((Name, i) => ({ ID: `s${i}`, Version: { Index: 1 }, Spec: { Name, Labels: {} } })),
  });
  const plan = await planRemoval(docker, STACK, 'x.example.com', [secret('db_password', 'v2'), secret('db', 'v1')]);
  assert.deepEqual(plan.volumes, [`${STACK}_data`]);
  assert.deepEqual(plan.configs.map((c) => c.name), [`kh-${STACK}-abc`, `${STACK}_page_v1`]);
  assert.deepEqual(plan.secrets.map((s) => s.name), [`${STACK}_db_password_v1`, `${STACK}_db_password_v2`, `${STACK}_db_v1`]);
});

test('app remove deletes the env file last, through the app store: a failure on the server keeps it, a failed delete says which file', async () => {
  const ref = { domain: 'x.example.com', server: 'srv', path: '/abra/servers/srv/x.example.com.env' };
  const plan = { volumes: [`${STACK}_data`], secrets: [], configs: [{ id: 'c1', name: `${STACK}_conf_v1` }] };
  const order: string[] = [];
  const apps = { removeEnvFile: (path: string) => void order.push(`env ${path}`) };
  const docker = fake({
    listVolumes: async () => [],
    removeVolume: async (name) => void order.push(`volume ${name}`),
    removeConfig: async (id) => void order.push(`config ${id}`),
  });
  const removed = [];
  for await (const r of executeRemoval(apps, docker, plan, ref)) removed.push(r);
  assert.deepEqual(order, [`volume ${STACK}_data`, 'config c1', `env ${ref.path}`]);
  assert.deepEqual(removed.at(-1), { object: 'env file', name: ref.path });

  order.length = 0;
  const failing = fake({ removeConfig: async () => Promise.reject(new DockerApiError('boom', 500)) });
  await assert.rejects(async () => {
    for await (const _ of executeRemoval(apps, failing, { volumes: [], secrets: [], configs: plan.configs }, ref));
  }, DockerApiError);
  assert.deepEqual(order, [], 'the env file stays when the server refused');

  const readOnly = { removeEnvFile: (path: string) => { throw new LocalWriteError(path, 'EROFS', `cannot write ${path}: read-only file system (EROFS)`, 'remount'); } };
  await assert.rejects(async () => {
    for await (const _ of executeRemoval(readOnly, fake({}), { volumes: [], secrets: [], configs: [] }, ref));
  }, (e: unknown) => e instanceof LocalWriteError && e.message.includes(ref.path));
});

test('app remove refuses while deployed, naming undeploy', async () => {
  const docker = fake({ listServices: async () => [service('app')] });
  await assert.rejects(planRemoval(docker, STACK, 'x.example.com', []), (e: unknown) => e instanceof ConflictError && /kite app undeploy x.example.com/.test(e.hint ?? ''));
});

test("Docker's 'in use' refusal of a secret becomes a conflict naming the service", async () => {
  const docker = fake({
    removeSecret: async () => {
      throw new DockerApiError('rpc error: code = InvalidArgument desc = secret \'s\' is in use by the following service: x_example_com_app', 400);
    },
  });
  await assert.rejects(removeSecretObject(docker, 'id', 's', 'x.example.com'), (e: unknown) => e instanceof ConflictError && e.message === 'secret s is in use by x_example_com_app');
});

test('the container of a service: not deployed, unknown service, nothing running, another node', async () => {
  const task = (state: string, node = 'n1'): Task => ({ ID: `t-${state}-${node}`, ServiceID: 'id-app', NodeID: node, DesiredState: 'running', Status: { State: state, ContainerStatus: { ContainerID: `c-${node}` } } });
  const base = { info: async () => ({ ServerVersion: '27', Name: 'n', Swarm: { LocalNodeState: 'active', ControlAvailable: true, NodeID: 'n1' } }) };
  await assert.rejects(findServiceContainer(fake({ ...base, listServices: async () => [] }), STACK, 'x.example.com', 'app'), ConflictError);
  await assert.rejects(
    findServiceContainer(fake({ ...base, listServices: async () => [service('app'), service('db')] }), STACK, 'x.example.com', 'web'),
    (e: unknown) => e instanceof NotFoundError && e.hint === 'its services: app, db',
  );
  const withTasks = (tasks: Task[]) => fake({ ...base, listServices: async () => [service('app')], listTasks: async () => tasks });
  await assert.rejects(findServiceContainer(withTasks([task('starting')]), STACK, 'x.example.com', 'app'), /no running container/);
  await assert.rejects(findServiceContainer(withTasks([task('running', 'n2')]), STACK, 'x.example.com', 'app'), /other nodes/);
  const found = await findServiceContainer(withTasks([task('running', 'n2'), task('running', 'n1')]), STACK, 'x.example.com', 'app');
  assert.equal(found.containerId, 'c-n1');
});

test('restart bumps ForceUpdate on the current version and needs a service or --all-services', async () => {
  const updates: { id: string; version: number; force?: number }[] = [];
  const svc = service('app', { Spec: { ...service('app').Spec, TaskTemplate: { ContainerSpec: { Image: 'img' }, ForceUpdate: 4 } } as ServiceSpec });
  const docker = fake({
    listServices: async () => [svc],
    listNodes: async () => [], // a single-node swarm: nothing to pin first
    inspectService: async () => ({ ...svc, UpdatedAt: '2026-01-01T00:00:00Z' }),
    updateService: async (id, version, spec) => {
      updates.push({ id, version, force: spec.TaskTemplate.ForceUpdate });
      return {};
    },
  });
  const gen = restart(docker, STACK, 'x.example.com', { service: 'app', timeoutSeconds: 1, clock: systemClock });
  const first = await gen.next();
  assert.deepEqual(first.value, { type: 'service', action: 'updated', service: `${STACK}_app` });
  assert.deepEqual(updates, [{ id: 'id-app', version: 10, force: 5 }]);
  await assert.rejects(restart(docker, STACK, 'x.example.com', { clock: systemClock }).next(), UsageError);
  await assert.rejects(restart(docker, STACK, 'x.example.com', { service: 'nope', clock: systemClock }).next(), NotFoundError);
});
