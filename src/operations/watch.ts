// Watch services until they converge, fail, or time runs out. Two API calls
// per round (services, up-to-date tasks), whatever the number of services.

import type { DockerPort, Service, SwarmNode, Task } from '../ports/docker.js';
import type { Clock } from '../ports/clock.js';
import { assess, monitorMs, serverTimeNs, type Verdict } from '../core/convergence.js';
import type { DeployEvent } from './events.js';
import { CancelledError, DockerApiError, type FailedTask } from '../core/errors.js';

export interface WatchTarget {
  name: string;
  previousUpdateStartedAt?: string;
  /** the service's UpdatedAt right after our create/update call */
  deployedAt: string;
  /**
   * not changed by this deploy: tasks running since before this server time
   * are settled, no window to wait out (a crash-looping task is young)
   */
  settledBefore?: string;
}

export interface WatchFailure {
  service: string;
  reason: string;
  tasks: FailedTask[];
  logsTail: string[];
}

export interface WatchOptions {
  timeoutMs: number;
  pollMs?: number;
  /** aborting stops the watching (Ctrl-C); what Swarm does goes on */
  signal?: AbortSignal;
  namespace: string;
  clock: Clock;
  /** what to say when Ctrl-C stops the watching */
  cancelled?: { message: string; hint: string };
}

const LOG_LINES = 20;
/** Engine API errors in a row that the watch rides out (a daemon busy restarting tasks) */
const TRANSIENT_ERRORS = 3;

export async function* watchConvergence(
  docker: DockerPort,
  targets: WatchTarget[],
  opts: WatchOptions,
): AsyncGenerator<DeployEvent, WatchFailure[]> {
  const clock = opts.clock;
  let deadline = clock.now() + opts.timeoutMs;
  let graceGiven = false;
  const pending = new Map(targets.map((t) => [t.name, t]));
  const stableSince = new Map<string, number>();
  const windows = new Map<string, number>();
  const lastVerdict = new Map<string, Verdict>();
  const lastMessage = new Map<string, string>();
  const failures: WatchFailure[] = [];
  let errorsInARow = 0;

  while (pending.size > 0) {
    if (opts.signal?.aborted) {
      const c = opts.cancelled ?? { message: `stopped watching ${[...pending.keys()].join(', ')}: the deploy goes on on the server`, hint: 'see `kite app ps <domain>`; the env file was not changed' };
      throw new CancelledError(c.message, c.hint);
    }
    const names = [...pending.keys()];
    let services: Service[];
    let tasks: Task[];
    let nodes: SwarmNode[] | undefined;
    try {
      services = await docker.listServices({ name: names });
      tasks = await docker.listTasks({ service: names, '_up-to-date': ['true'] });
      // a global service converges when every eligible node runs one: read the nodes for those
      if (services.some((s) => s.Spec.Mode?.Global)) nodes = await docker.listNodes();
      errorsInARow = 0;
    } catch (e) {
      if (!(e instanceof DockerApiError) || ++errorsInARow > TRANSIENT_ERRORS) throw e;
      await clock.sleep(opts.pollMs ?? 500, opts.signal);
      continue;
    }
    const byName = new Map<string, Service>(services.filter((s) => pending.has(s.Spec.Name)).map((s) => [s.Spec.Name, s]));

    for (const [name, target] of pending) {
      const service = byName.get(name);
      if (!service) {
        failures.push({ service: name, reason: 'service disappeared while deploying', tasks: [], logsTail: [] });
        pending.delete(name);
        continue;
      }
      const own = tasks.filter((t) => t.ServiceID === service.ID);
      const v = assess({ service, tasks: own, previousUpdateStartedAt: target.previousUpdateStartedAt, deployedAt: target.deployedAt, nodes });
      lastVerdict.set(name, v);
      if (v.state === 'failed') {
        failures.push({ service: name, reason: v.reason, tasks: v.tasks, logsTail: await logsTail(docker, service.ID) });
        pending.delete(name);
        continue;
      }
      if (v.state === 'converged') {
        // tasks that predate our call mean the spec did not change them
        const window = v.newTasks && !settled(own, target.settledBefore) ? monitorMs(service) : 0;
        windows.set(name, window);
        if (!stableSince.has(name)) {
          stableSince.set(name, clock.now());
          if (window > 0) yield { type: 'verifying', service: name, seconds: Math.round(window / 1000) };
        }
        if (clock.now() - stableSince.get(name)! >= window) {
          pending.delete(name);
          yield { type: 'converged', service: name };
        }
        continue;
      }
      stableSince.delete(name); // a task dropped out during the window: start again
      const message = `${v.running}/${v.desired} ${v.message}`;
      if (lastMessage.get(name) !== message) {
        lastMessage.set(name, message);
        yield { type: 'progress', service: name, running: v.running, desired: v.desired, message: v.message };
      }
    }
    if (pending.size === 0) break;
    if (clock.now() >= deadline) {
      // services that run and are only being watched for their window got
      // there in time: let them finish it (once, at most one window long)
      const verifying = [...pending.keys()].filter((n) => stableSince.has(n));
      if (!graceGiven && verifying.length === pending.size) {
        graceGiven = true;
        deadline = Math.max(...verifying.map((n) => stableSince.get(n)! + windows.get(n)!));
        continue;
      }
      for (const name of pending.keys()) {
        const service = byName.get(name);
        const own = service ? tasks.filter((t) => t.ServiceID === service.ID) : [];
        const failed = own.filter((t) => t.Status.State !== 'running').map((t) => ({ id: t.ID, state: t.Status.State, error: t.Status.Err, message: t.Status.Message }));
        failures.push({
          service: name,
          reason: `did not converge within ${Math.round(opts.timeoutMs / 1000)}s (${stateAtDeadline(lastVerdict.get(name), stableSince.get(name), windows.get(name), clock.now())})`,
          tasks: failed,
          logsTail: service ? await logsTail(docker, service.ID) : [],
        });
      }
      break;
    }
    await clock.sleep(Math.min(opts.pollMs ?? 500, Math.max(1, deadline - clock.now())), opts.signal);
  }
  return failures;
}

/** every running task of an unchanged service has been running since before `before` */
function settled(tasks: Task[], before: string | undefined): boolean {
  if (!before) return false;
  const limit = serverTimeNs(before);
  const running = tasks.filter((t) => t.Status.State === 'running' && t.DesiredState === 'running');
  return running.length > 0 && running.every((t) => t.Status.Timestamp !== undefined && serverTimeNs(t.Status.Timestamp) <= limit);
}

/** What a service was doing when time ran out, in words. */
function stateAtDeadline(v: Verdict | undefined, since: number | undefined, window: number | undefined, now: number): string {
  if (!v) return 'not seen yet';
  if (v.state === 'converged' && since !== undefined) {
    return `${v.running}/${v.desired} running, but only for ${Math.round((now - since) / 1000)}s of the ${Math.round((window ?? 0) / 1000)}s check that they stay up`;
  }
  if (v.state === 'pending') return `${v.running}/${v.desired} ${v.message}`;
  return `${v.running}/${v.desired}`;
}

async function logsTail(docker: DockerPort, id: string): Promise<string[]> {
  try {
    return await docker.serviceLogs(id, LOG_LINES);
  } catch {
    return [];
  }
}
