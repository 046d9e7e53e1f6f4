// Has a service converged? A pure reading of one observation (the service
// and its up-to-date tasks), after docker/cli's service progress monitor:
// the tasks of the current spec must be running (Swarm only marks a task
// running once its healthcheck passes) and stay so for the update monitor
// window; a paused or rolled-back update and rejected tasks are failures.

import type { Service, SwarmNode, Task } from './engine-types.js';
import { eligibleNodes } from './placement.js';
import type { FailedTask } from './errors.js';

export const DEFAULT_MONITOR_MS = 5_000;
const FAILED_UPDATE_STATES = new Set(['paused', 'rollback_started', 'rollback_paused', 'rollback_completed']);

export type Verdict =
  | { state: 'pending'; running: number; desired: number; message: string }
  | { state: 'converged'; running: number; desired: number; newTasks: boolean }
  | { state: 'failed'; running: number; desired: number; reason: string; tasks: FailedTask[] };

export interface Observation {
  service: Service;
  /** tasks of this service matching `_up-to-date=true` */
  tasks: Task[];
  /** UpdateStatus.StartedAt before kite's update call: an older status is not ours */
  previousUpdateStartedAt?: string;
  /** the service's UpdatedAt right after kite's call (server clock) */
  deployedAt: string;
  /** the swarm's nodes: a global service wants one task on every eligible node */
  nodes?: SwarmNode[];
}

export function assess(o: Observation): Verdict {
  if (isJob(o.service)) return assessJob(o);
  const current = o.tasks.filter((t) => t.DesiredState === 'running' || t.DesiredState === 'ready' || t.Status.State === 'running');
  const running = current.filter((t) => t.Status.State === 'running' && t.DesiredState === 'running');
  const desired = desiredTasks(o.service, o.tasks, o.nodes);
  const failedTasks = o.tasks.filter((t) => ['failed', 'rejected'].includes(t.Status.State)).map(toFailed);

  const us = o.service.UpdateStatus;
  if (us?.State && us.StartedAt !== o.previousUpdateStartedAt && FAILED_UPDATE_STATES.has(us.State)) {
    return { state: 'failed', running: running.length, desired, reason: `update ${us.State.replace('_', ' ')}: ${us.Message ?? ''}`.trim(), tasks: failedTasks };
  }
  const rejected = o.tasks.filter((t) => t.Status.State === 'rejected');
  if (rejected.length > 0) {
    const err = rejected[0].Status.Err ?? rejected[0].Status.Message ?? 'rejected';
    return { state: 'failed', running: running.length, desired, reason: `task rejected: ${err}`, tasks: failedTasks };
  }
  const updating = us?.State === 'updating' && us.StartedAt !== o.previousUpdateStartedAt;
  if (running.length >= desired && !updating) {
    const since = serverTimeNs(o.deployedAt);
    const newTasks = running.some((t) => serverTimeNs(t.CreatedAt ?? '') >= since);
    return { state: 'converged', running: running.length, desired, newTasks };
  }
  const starting = current.find((t) => t.Status.State !== 'running');
  const message = starting ? `${starting.Status.State}${starting.Status.Err ? ': ' + starting.Status.Err : ''}` : updating ? 'updating' : 'waiting for tasks';
  return { state: 'pending', running: running.length, desired, message };
}

/**
 * A job (replicated-job, global-job) is done when enough of its tasks of
 * this spec completed; nothing has to stay up, so there is no window. A
 * failed task is retried by Swarm as its restart policy says: pending until
 * then, with the failure as the message.
 */
function assessJob(o: Observation): Verdict {
  const mode = o.service.Spec.Mode ?? {};
  const complete = o.tasks.filter((t) => t.Status.State === 'complete').length;
  const desired = mode.ReplicatedJob
    ? mode.ReplicatedJob.TotalCompletions ?? mode.ReplicatedJob.MaxConcurrent ?? 1
    : Math.max(1, new Set(o.tasks.map((t) => t.NodeID).filter(Boolean)).size);
  const failedTasks = o.tasks.filter((t) => ['failed', 'rejected'].includes(t.Status.State)).map(toFailed);
  const rejected = o.tasks.find((t) => t.Status.State === 'rejected');
  if (rejected) return { state: 'failed', running: complete, desired, reason: `task rejected: ${rejected.Status.Err ?? rejected.Status.Message ?? 'rejected'}`, tasks: failedTasks };
  if (complete >= desired) return { state: 'converged', running: complete, desired, newTasks: false };
  const active = o.tasks.find((t) => t.DesiredState !== 'shutdown' && t.Status.State !== 'complete');
  const lastFailed = o.tasks.filter((t) => t.Status.State === 'failed').at(-1);
  const shown = active ?? lastFailed;
  const message = shown ? `${shown.Status.State}${shown.Status.Err ? ': ' + shown.Status.Err : ''} (job, ${complete} completed)` : 'waiting for the job to start';
  return { state: 'pending', running: complete, desired, message };
}

export function isJob(service: Service): boolean {
  const mode = service.Spec.Mode ?? {};
  return Boolean(mode.ReplicatedJob || mode.GlobalJob);
}

function desiredTasks(service: Service, tasks: Task[], nodes?: SwarmNode[]): number {
  const mode = service.Spec.Mode ?? {};
  if (mode.Replicated) return mode.Replicated.Replicas ?? 1;
  // global, with the node list: every node that is ready, active and matches the constraints
  if (nodes) return eligibleNodes(service.Spec, nodes).length;
  // global: one task per eligible node; the orchestrator creates them, so
  // count the tasks it wants running (at least one once scheduled)
  return Math.max(1, new Set(tasks.filter((t) => t.DesiredState === 'running').map((t) => t.NodeID)).size);
}

function toFailed(t: Task): FailedTask {
  return { id: t.ID, state: t.Status.State, error: t.Status.Err, message: t.Status.Message };
}

/** Update monitor window of a spec, in ms (docker's default 5 s). */
export function monitorMs(service: Service): number {
  const ns = service.Spec.UpdateConfig?.Monitor;
  return ns && ns > 0 ? Math.round(ns / 1e6) : DEFAULT_MONITOR_MS;
}

/** RFC 3339 timestamps from the daemon (nanosecond precision, trailing zeros trimmed) as ns. */
export function serverTimeNs(ts: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return 0n;
  const ms = Date.parse(m[1] + m[3]);
  if (Number.isNaN(ms)) return 0n;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return BigInt(ms) * 1_000_000n + BigInt(frac);
}
