// Watch services until they converge, fail, or time runs out. Two API calls
// per round (services, up-to-date tasks), whatever the number of services.

import type { DockerPort, Service } from '../ports/docker.js';
import { assess, monitorMs } from '../core/convergence.js';
import type { DeployEvent } from './events.js';
import { CancelledError, type FailedTask } from '../core/errors.js';

export interface WatchTarget {
  name: string;
  previousUpdateStartedAt?: string;
  /** the service's UpdatedAt right after our create/update call */
  deployedAt: string;
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
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const LOG_LINES = 20;

export async function* watchConvergence(
  docker: DockerPort,
  targets: WatchTarget[],
  opts: WatchOptions,
): AsyncGenerator<DeployEvent, WatchFailure[]> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  const pending = new Map(targets.map((t) => [t.name, t]));
  const stableSince = new Map<string, number>();
  const lastMessage = new Map<string, string>();
  const failures: WatchFailure[] = [];

  while (pending.size > 0) {
    if (opts.signal?.aborted) {
      throw new CancelledError(`stopped watching ${[...pending.keys()].join(', ')}: the deploy goes on on the server`, 'see `kite app ps <domain>`; the env file was not changed');
    }
    const names = [...pending.keys()];
    const services = await docker.listServices({ name: names });
    const byName = new Map<string, Service>(services.filter((s) => pending.has(s.Spec.Name)).map((s) => [s.Spec.Name, s]));
    const tasks = await docker.listTasks({ service: names, '_up-to-date': ['true'] });

    for (const [name, target] of pending) {
      const service = byName.get(name);
      if (!service) {
        failures.push({ service: name, reason: 'service disappeared while deploying', tasks: [], logsTail: [] });
        pending.delete(name);
        continue;
      }
      const own = tasks.filter((t) => t.ServiceID === service.ID);
      const v = assess({ service, tasks: own, previousUpdateStartedAt: target.previousUpdateStartedAt, deployedAt: target.deployedAt });
      if (v.state === 'failed') {
        failures.push({ service: name, reason: v.reason, tasks: v.tasks, logsTail: await logsTail(docker, service.ID) });
        pending.delete(name);
        continue;
      }
      if (v.state === 'converged') {
        // tasks that predate our call mean the spec did not change them
        const window = v.newTasks ? monitorMs(service) : 0;
        const since = stableSince.get(name);
        if (since === undefined) {
          stableSince.set(name, now());
          if (window > 0) yield { type: 'verifying', service: name, seconds: Math.round(window / 1000) };
        }
        if (now() - (stableSince.get(name) ?? now()) >= window) {
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
    if (now() >= deadline) {
      for (const name of pending.keys()) {
        const service = byName.get(name);
        const own = service ? tasks.filter((t) => t.ServiceID === service.ID) : [];
        const failed = own.filter((t) => t.Status.State !== 'running').map((t) => ({ id: t.ID, state: t.Status.State, error: t.Status.Err, message: t.Status.Message }));
        failures.push({
          service: name,
          reason: `did not converge within ${Math.round(opts.timeoutMs / 1000)}s (${lastMessage.get(name) ?? 'no running tasks'})`,
          tasks: failed,
          logsTail: service ? await logsTail(docker, service.ID) : [],
        });
      }
      break;
    }
    await sleep(opts.pollMs ?? 500);
  }
  return failures;
}

async function logsTail(docker: DockerPort, id: string): Promise<string[]> {
  try {
    return await docker.serviceLogs(id, LOG_LINES);
  } catch {
    return [];
  }
}
