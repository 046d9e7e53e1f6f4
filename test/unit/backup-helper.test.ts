// The backup helper against a fake Engine API: the one-off service it asks
// for, its exit code and output read from the task and the logs, and the
// service removed whatever happens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DockerPort, ServiceLogLine, Task } from '../../src/ports/docker.js';
import type { ServiceSpec } from '../../src/core/convert/swarm-types.js';
import { BackupError, CancelledError, DockerApiError } from '../../src/core/errors.js';
import { PassThrough } from 'node:stream';
import { runHook } from '../../src/operations/backup-create.js';
import { helperServiceSpec, runHelper, type HelperSpec } from '../../src/operations/backup-helper.js';

const SPEC: HelperSpec = {
  stack: 'bk_example_com',
  image: 'restic/restic:0.17.3',
  script: 'restic snapshots',
  env: ['RESTIC_REPOSITORY=/r'],
  mounts: [{ Type: 'volume', Source: 'bk_example_com_data', Target: '/var/lib/docker/volumes/bk_example_com_data/_data', ReadOnly: true }],
  secrets: [],
  nodeId: 'node-1',
};

const clock = { now: () => 0, sleep: async () => undefined };

function fakeDocker(states: Task['Status'][], logs: ServiceLogLine[] = []) {
  const calls = { created: [] as ServiceSpec[], removed: [] as string[], polls: 0 };
  const over: Partial<DockerPort> = {
    server: 'srv',
    createService: async (spec) => {
      calls.created.push(spec);
      return { ID: 'svc-1' };
    },
    listTasks: async () => {
      const status = states[Math.min(calls.polls++, states.length - 1)];
      return [{ ID: 't1', ServiceID: 'svc-1', DesiredState: 'shutdown', Status: status }];
    },
    async *streamServiceLogs() {
      yield* logs;
    },
    removeService: async (id) => {
      calls.removed.push(id);
    },
  };
  const docker = new Proxy(over as DockerPort, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof DockerPort];
      throw new Error(`unexpected Docker call ${String(prop)}`);
    },
  });
  return { docker, calls };
}

test('the helper service: one replica, never restarted, pinned to the node, json-file logs, stopped with SIGINT through init', () => {
  const s = helperServiceSpec({ ...SPEC, hostNetwork: true }, 'kite-backup-x');
  assert.deepEqual(s.Mode, { Replicated: { Replicas: 1 } });
  assert.equal(s.TaskTemplate.RestartPolicy?.Condition, 'none');
  assert.deepEqual(s.TaskTemplate.Placement?.Constraints, ['node.id==node-1']);
  assert.equal(s.TaskTemplate.LogDriver?.Name, 'json-file');
  assert.deepEqual(s.TaskTemplate.Networks, [{ Target: 'host' }]);
  const c = s.TaskTemplate.ContainerSpec;
  assert.equal(c.Init, true);
  assert.equal(c.StopSignal, 'SIGINT');
  assert.ok(c.Env?.includes('TINI_KILL_PROCESS_GROUP=1'));
  assert.deepEqual(c.Command?.slice(0, 2), ['sh', '-c']);
  assert.match(c.Command?.[2] ?? '', /^set -eu\n[\s\S]*restic snapshots$/);
  assert.equal(s.Labels['kite.backup-helper'], 'bk_example_com');
  assert.equal(helperServiceSpec(SPEC, 'x').TaskTemplate.Networks, undefined, 'no network for a repository on the server');
});

test('a finished helper: its exit code from the task, its output from the logs, the service removed', async () => {
  const { docker, calls } = fakeDocker(
    [{ State: 'pending' }, { State: 'running', ContainerStatus: { ContainerID: 'c1' } }, { State: 'failed', ContainerStatus: { ContainerID: 'c1', ExitCode: 3 } }],
    [
      { stream: 'stdout', text: '[]' },
      { stream: 'stderr', text: 'Fatal: oops' },
    ],
  );
  const out = await runHelper(docker, SPEC, { clock });
  assert.deepEqual(out, { exitCode: 3, stdout: ['[]'], stderr: ['Fatal: oops'] });
  assert.equal(calls.polls, 3);
  assert.deepEqual(calls.removed, ['svc-1']);
  assert.match(calls.created[0].Name, /^kite-backup-bk_example_com-[0-9a-f]{6}$/);
});

test('a helper the node cannot start (no such image): a clear error naming backups.image, and the service removed', async () => {
  const { docker, calls } = fakeDocker([{ State: 'rejected', Err: 'No such image: restic/restic:0.17.3' }]);
  await assert.rejects(runHelper(docker, SPEC, { clock }), (e: Error) => e instanceof BackupError && /could not start on srv: No such image/.test(e.message) && /backups\.image/.test((e as BackupError).hint ?? ''));
  assert.deepEqual(calls.removed, ['svc-1']);
});

test('Ctrl-C (the abort signal) while the helper runs: cancelled, and the service removed', async () => {
  const abort = new AbortController();
  const { docker, calls } = fakeDocker([{ State: 'running', ContainerStatus: { ContainerID: 'c1' } }]);
  const sleepy = { now: () => 0, sleep: async () => abort.abort() };
  await assert.rejects(runHelper(docker, SPEC, { clock: sleepy, signal: abort.signal }), CancelledError);
  assert.deepEqual(calls.removed, ['svc-1']);
});

test('a hook runs in the service\'s current container: a container replaced under it (HTTP 409) is found again', async () => {
  const tasks = [
    [{ ID: 'old', ServiceID: 's-app', NodeID: 'n1', DesiredState: 'running', Status: { State: 'running', ContainerStatus: { ContainerID: 'c-old' } } }],
    [{ ID: 'new', ServiceID: 's-app', NodeID: 'n1', DesiredState: 'running', Status: { State: 'running', ContainerStatus: { ContainerID: 'c-new' } } }],
  ];
  const execIn: string[] = [];
  let found = 0;
  const over: Partial<DockerPort> = {
    server: 'srv',
    info: async () => ({ ServerVersion: '27', Name: 'n1', Swarm: { LocalNodeState: 'active', ControlAvailable: true, NodeID: 'n1' } }),
    listServices: async () => [{ ID: 's-app', Version: { Index: 1 }, Spec: { Name: 'bk_example_com_app', Labels: {}, Mode: {}, TaskTemplate: { ContainerSpec: { Image: 'x' } } } }],
    listTasks: async () => tasks[Math.min(found++, 1)] as Task[],
    createExec: async (id, config) => {
      execIn.push(id);
      if (id === 'c-old') throw new DockerApiError('container is not running', 409);
      assert.deepEqual(config.Cmd.slice(0, 2), ['sh', '-c']);
      return { Id: 'e1' };
    },
    startExec: async () => {
      const s = new PassThrough();
      s.end();
      return s;
    },
    inspectExec: async () => ({ Running: false, ExitCode: 0 }),
  };
  const docker = new Proxy(over as DockerPort, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof DockerPort];
      throw new Error(`unexpected Docker call ${String(prop)}`);
    },
  });
  const svc = { name: 'app', fullName: 'bk_example_com_app', hooks: {} };
  await runHook(docker, 'bk_example_com', 'bk.example.com', svc, 'backup pre-hook', 'true', {});
  assert.deepEqual(execIn, ['c-old', 'c-new']);
});
