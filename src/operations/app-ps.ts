// What is running for an app: its services with their tasks' states.

import type { DockerPort } from '../ports/docker.js';
import type { PortConfig } from '../core/convert/swarm-types.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { labelKey } from '../core/abra-labels.js';

export interface ServiceStatusRow {
  service: string;
  image: string;
  mode: string;
  running: number;
  desired: number;
  state: string;
  ports: string[];
  version?: string;
}

export async function appStatus(stack: string, docker: DockerPort): Promise<ServiceStatusRow[]> {
  const filter = { label: [`${NAMESPACE_LABEL}=${stack}`] };
  const [services, tasks] = await Promise.all([docker.listServices(filter, true), docker.listTasks({ ...filter, 'desired-state': ['running'] })]);
  return services
    .map((s) => {
      const own = tasks.filter((t) => t.ServiceID === s.ID);
      const states = [...new Set(own.map((t) => t.Status.State))].sort();
      const ports = (s.Spec.EndpointSpec?.Ports ?? []).map(formatPort);
      return {
        service: s.Spec.Name,
        image: (s.Spec.TaskTemplate.ContainerSpec?.Image ?? '').replace(/@sha256:.*/, ''),
        mode: s.Spec.Mode?.Global ? 'global' : 'replicated',
        running: s.ServiceStatus?.RunningTasks ?? own.filter((t) => t.Status.State === 'running').length,
        desired: s.ServiceStatus?.DesiredTasks ?? s.Spec.Mode?.Replicated?.Replicas ?? 0,
        state: states.join(',') || 'no tasks',
        ports,
        version: s.Spec.Labels?.[labelKey(stack, 'version')],
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** `18080:8080/tcp (host)` */
export function formatPort(p: PortConfig): string {
  return `${p.PublishedPort ?? ''}:${p.TargetPort}/${p.Protocol ?? 'tcp'} (${p.PublishMode ?? 'ingress'})`;
}

export interface WatchOptions {
  /** time between polls */
  intervalMs: number;
  /** yield only snapshots that differ from the previous one (otherwise every poll) */
  onlyChanges: boolean;
  signal: AbortSignal;
}

/**
 * `app ps --watch`: a snapshot now, then one per interval (or per change)
 * until the signal aborts. A failed poll after the abort ends the watch quietly.
 */
export async function* watchAppStatus(stack: string, docker: DockerPort, opts: WatchOptions): AsyncGenerator<ServiceStatusRow[]> {
  let last: string | undefined;
  while (!opts.signal.aborted) {
    let rows: ServiceStatusRow[];
    try {
      rows = await appStatus(stack, docker);
    } catch (e) {
      if (opts.signal.aborted) return;
      throw e;
    }
    const key = JSON.stringify(rows);
    if (!opts.onlyChanges || key !== last) yield rows;
    last = key;
    await sleep(opts.intervalMs, opts.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
