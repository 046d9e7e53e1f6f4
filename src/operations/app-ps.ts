// What is running for an app: its services with their tasks' states.

import type { DockerPort, SwarmNode, Task } from '../ports/docker.js';
import { describeReport, nodeLossReports, unavailableNodes, type ServiceNodeReport } from '../core/node-loss.js';
import { nodeHostname } from '../core/nodes.js';
import type { PortConfig } from '../core/convert/swarm-types.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { labelKey } from '../core/abra-labels.js';
import { byText } from '../core/text-order.js';

export interface ServiceStatusRow {
  service: string;
  image: string;
  mode: string;
  running: number;
  desired: number;
  state: string;
  ports: string[];
  version?: string;
  /** hostnames of the nodes its running tasks are on (several nodes only) */
  nodes?: string[];
  /** a node that is down or drained and what that means for it: waiting for it, or rescheduled elsewhere */
  nodeLoss?: ServiceNodeReport & { text: string };
}

export async function appStatus(stack: string, docker: DockerPort): Promise<ServiceStatusRow[]> {
  const filter = { label: [`${NAMESPACE_LABEL}=${stack}`] };
  const [services, tasks, nodes] = await Promise.all([docker.listServices(filter, true), docker.listTasks({ ...filter, 'desired-state': ['running'] }), swarmNodes(docker)]);
  const multi = nodes && nodes.length > 1;
  const hostname = new Map((nodes ?? []).map((n) => [n.ID, nodeHostname(n)]));
  // a node down or drained: every task of the app (a task last seen running there keeps that state)
  const gone = nodes ? unavailableNodes(nodes) : [];
  const goneIds = new Set(gone.filter((g) => g.state !== 'ready').map((g) => g.id));
  const reports = gone.length > 0 ? nodeLossReports(nodes ?? [], services, await docker.listTasks(filter)) : [];
  return services
    .map((s) => {
      const own = tasks.filter((t) => t.ServiceID === s.ID);
      const report = reports.find((r) => r.service === s.Spec.Name);
      const text = report ? describeReport(report, gone.find((g) => g.hostname === report.node)) : undefined;
      const states = report?.kind === 'waiting' ? [text as string] : [...new Set(own.map((t) => t.Status.State))].sort();
      const ports = (s.Spec.EndpointSpec?.Ports ?? []).map(formatPort);
      return {
        service: s.Spec.Name,
        image: (s.Spec.TaskTemplate.ContainerSpec?.Image ?? '').replace(/@sha256:.*/, ''),
        mode: s.Spec.Mode?.Global ? 'global' : 'replicated',
        // a task last seen running on a node that is down does not count (Swarm's RunningTasks still does)
        running: gone.length > 0 ? own.filter((t) => t.Status.State === 'running' && !goneIds.has(t.NodeID ?? '')).length : s.ServiceStatus?.RunningTasks ?? own.filter((t) => t.Status.State === 'running').length,
        desired: s.ServiceStatus?.DesiredTasks ?? s.Spec.Mode?.Replicated?.Replicas ?? 0,
        state: states.join(',') || 'no tasks',
        ports,
        version: s.Spec.Labels?.[labelKey(stack, 'version')],
        ...(multi ? { nodes: runningOn(own, hostname) } : {}),
        ...(report && text ? { nodeLoss: { ...report, text } } : {}),
      };
    })
    .sort((a, b) => byText(a.service, b.service));
}

/** the swarm's nodes, when this server is a manager that can list them */
async function swarmNodes(docker: DockerPort): Promise<SwarmNode[] | undefined> {
  try {
    return await docker.listNodes();
  } catch {
    return undefined;
  }
}

function runningOn(tasks: Task[], hostname: Map<string, string>): string[] {
  return [...new Set(tasks.filter((t) => t.Status.State === 'running' && t.NodeID).map((t) => hostname.get(t.NodeID as string) ?? (t.NodeID as string)))].sort();
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
