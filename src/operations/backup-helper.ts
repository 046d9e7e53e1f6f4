// The backup helper: a short-lived one-off service (restart condition none,
// pinned to the node that holds the app's volumes) that runs a shell script
// with restic from `backups.image`. Everything goes through the Engine API:
// the task's state and exit code from the task list, its output from the
// service's logs. The service is removed afterwards, whatever happened
// (failure, Ctrl-C through the abort signal).

import { randomBytes } from 'node:crypto';
import type { DockerPort, Task } from '../ports/docker.js';
import type { Clock } from '../ports/clock.js';
import type { Mount, SecretReference, ServiceSpec } from '../core/convert/swarm-types.js';
import { BackupError, CancelledError } from '../core/errors.js';

/** label on every helper service: the stack it works for */
export const HELPER_LABEL = 'kite.backup-helper';
/** one hostname for every helper: restic's `unlock` then knows the locks of killed helpers for stale */
const HELPER_HOSTNAME = 'kite-backup';

export interface HelperSpec {
  /** the stack the helper works for (its name and label) */
  stack: string;
  image: string;
  /** run with `sh -c` (set -eu and pipefail are on) */
  script: string;
  env: string[];
  mounts: Mount[];
  secrets: SecretReference[];
  /** the node to run on (holds the volumes); none: anywhere */
  nodeId?: string;
  /** the host's network (an sftp: repository); otherwise none */
  hostNetwork?: boolean;
}

export interface HelperOutput {
  exitCode: number;
  stdout: string[];
  stderr: string[];
}

export interface HelperOptions {
  clock: Clock;
  signal?: AbortSignal;
  pollMs?: number;
}

const TERMINAL = new Set(['complete', 'failed', 'rejected', 'shutdown', 'orphaned', 'remove']);

export function helperServiceSpec(spec: HelperSpec, name: string): ServiceSpec {
  return {
    Name: name,
    Labels: { [HELPER_LABEL]: spec.stack },
    Mode: { Replicated: { Replicas: 1 } },
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image,
        Command: ['sh', '-c', `set -eu\n(set -o pipefail) 2>/dev/null && set -o pipefail\n${spec.script}`],
        // removing the service stops the container with SIGINT, which Docker's
        // init (tini) passes to the whole process group: restic ends cleanly
        // and removes its lock from the repository
        Init: true,
        StopSignal: 'SIGINT',
        StopGracePeriod: 60e9,
        Env: [...spec.env, 'TINI_KILL_PROCESS_GROUP=1'],
        Hostname: HELPER_HOSTNAME,
        Mounts: spec.mounts,
        Secrets: spec.secrets,
        Labels: { [HELPER_LABEL]: spec.stack },
      },
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: spec.nodeId ? { Constraints: [`node.id==${spec.nodeId}`] } : {},
      // service logs need a driver that keeps them readable
      LogDriver: { Name: 'json-file' },
      ...(spec.hostNetwork ? { Networks: [{ Target: 'host' }] } : {}),
    },
  };
}

/** Run the helper to its end; the service is removed before this returns or throws. */
export async function runHelper(docker: DockerPort, spec: HelperSpec, opts: HelperOptions): Promise<HelperOutput> {
  if (opts.signal?.aborted) throw cancelled();
  const name = `kite-backup-${spec.stack}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  const { ID } = await docker.createService(helperServiceSpec(spec, name));
  try {
    const task = await waitForEnd(docker, ID, opts);
    const out: HelperOutput = { exitCode: task.Status.ContainerStatus?.ExitCode ?? -1, stdout: [], stderr: [] };
    if (task.Status.State === 'rejected' || (!task.Status.ContainerStatus?.ContainerID && task.Status.State !== 'complete')) {
      throw new BackupError(`the backup helper could not start on ${docker.server}: ${task.Status.Err ?? task.Status.Message ?? task.Status.State}`, helperHint(spec, task));
    }
    for await (const line of docker.streamServiceLogs(ID, { tail: 'all' })) out[line.stream].push(line.text);
    return out;
  } finally {
    await docker.removeService(ID).catch(() => undefined);
  }
}

function helperHint(spec: HelperSpec, task: Task): string {
  const err = task.Status.Err ?? '';
  if (/bind source path does not exist/.test(err)) return 'the backup repository directory does not exist on the server yet: run `kite app backup create` once';
  if (/No such image|pull access denied|manifest unknown/i.test(err)) return `the node cannot get the image ${spec.image}: set backups.image in $ABRA_DIR/kite.yml to an image with restic and sh`;
  return 'see the Docker daemon log on the server';
}

async function waitForEnd(docker: DockerPort, serviceId: string, opts: HelperOptions): Promise<Task> {
  for (;;) {
    if (opts.signal?.aborted) throw cancelled();
    const tasks = await docker.listTasks({ service: [serviceId] });
    const done = tasks.find((t) => TERMINAL.has(t.Status.State));
    if (done) return done;
    await opts.clock.sleep(opts.pollMs ?? 250, opts.signal);
  }
}

function cancelled(): CancelledError {
  return new CancelledError('stopped: the backup helper was removed before it finished', 'nothing was changed by the unfinished step; run the command again');
}

/** sh single-quoting */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface StartedHelper {
  containerId: string;
  /** remove the service (its container stops) */
  remove(): Promise<void>;
}

/**
 * Start a helper that stays up (its script ends in a long sleep) for execs
 * into its container, which must run on the node this API belongs to.
 */
export async function startHelper(docker: DockerPort, spec: HelperSpec, opts: HelperOptions): Promise<StartedHelper> {
  if (opts.signal?.aborted) throw cancelled();
  const name = `kite-backup-${spec.stack}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  const { ID } = await docker.createService(helperServiceSpec(spec, name));
  const remove = () => docker.removeService(ID).catch(() => undefined);
  try {
    for (;;) {
      if (opts.signal?.aborted) throw cancelled();
      const tasks = await docker.listTasks({ service: [ID] });
      const running = tasks.find((t) => t.Status.State === 'running' && t.Status.ContainerStatus?.ContainerID);
      if (running) return { containerId: running.Status.ContainerStatus?.ContainerID as string, remove };
      const ended = tasks.find((t) => TERMINAL.has(t.Status.State));
      if (ended) throw new BackupError(`the backup helper stopped on ${docker.server}: ${ended.Status.Err ?? ended.Status.Message ?? ended.Status.State}`, helperHint(spec, ended));
      await opts.clock.sleep(opts.pollMs ?? 250, opts.signal);
    }
  } catch (e) {
    await remove();
    throw e;
  }
}
