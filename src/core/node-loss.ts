// What a node that is down (or drained) means for each service, told
// truthfully: tasks that ran there were rescheduled elsewhere, or a service
// pinned to that node waits for it ("waiting for node n3 (down since …)")
// instead of a generic pending state. Pure: the Engine's nodes, services and
// tasks in, one report per affected service out.

import type { Service, SwarmNode, Task } from './engine-types.js';
import { nodeHostname } from './nodes.js';
import { parseConstraint } from './placement.js';

export interface UnavailableNode {
  id: string;
  hostname: string;
  /** down, disconnected, unknown; or ready but drained / paused */
  state: string;
  availability: string;
  since?: string;
}

export interface ServiceNodeReport {
  /** full service name */
  service: string;
  node: string;
  /** waiting: it can only run on that node; rescheduled: its tasks from there run elsewhere now; lost: they run nowhere yet */
  kind: 'waiting' | 'rescheduled' | 'lost';
  since?: string;
  /** rescheduled: the nodes its tasks run on now */
  to?: string[];
}

export function unavailableNodes(nodes: SwarmNode[]): UnavailableNode[] {
  return nodes
    .filter((n) => n.Status.State !== 'ready' || n.Spec.Availability !== 'active')
    .map((n) => ({ id: n.ID, hostname: nodeHostname(n), state: n.Status.State, availability: n.Spec.Availability, since: n.UpdatedAt }));
}

/** `down since 2026-11-30T10:02:11Z`, `drained` */
export function describeUnavailable(n: Pick<UnavailableNode, 'state' | 'availability' | 'since'>): string {
  if (n.state !== 'ready') return `${n.state}${n.since ? ` since ${n.since.replace(/\.\d+Z$/, 'Z')}` : ''}`;
  return n.availability === 'drain' ? 'drained' : n.availability;
}

/** the node a service is pinned to by node.id== or node.hostname== */
function pinnedTo(service: Service, nodes: SwarmNode[]): SwarmNode | undefined {
  for (const c of service.Spec.TaskTemplate.Placement?.Constraints ?? []) {
    const p = parseConstraint(c);
    if (p?.op !== '==') continue;
    if (p.key === 'node.id') return nodes.find((n) => n.ID === p.value);
    if (p.key === 'node.hostname') return nodes.find((n) => nodeHostname(n) === p.value);
  }
  return undefined;
}

/**
 * One report per service touched by an unavailable node. `tasks` are the
 * services' tasks in every desired state: a task last seen running on a
 * node that went down keeps that state.
 */
export function nodeLossReports(nodes: SwarmNode[], services: Service[], tasks: Task[]): ServiceNodeReport[] {
  const gone = new Map(unavailableNodes(nodes).map((n) => [n.id, n]));
  if (gone.size === 0) return [];
  const hostname = new Map(nodes.map((n) => [n.ID, nodeHostname(n)]));
  const out: ServiceNodeReport[] = [];
  for (const s of services) {
    const own = tasks.filter((t) => t.ServiceID === s.ID);
    const running = own.filter((t) => t.DesiredState === 'running' && t.Status.State === 'running' && t.NodeID && !gone.has(t.NodeID));
    // replacements placed on another node, running or on their way
    const elsewhere = own.filter((t) => ['running', 'ready'].includes(t.DesiredState) && !['failed', 'rejected', 'shutdown', 'complete'].includes(t.Status.State) && t.NodeID && !gone.has(t.NodeID));
    const pin = pinnedTo(s, nodes);
    if (pin && gone.has(pin.ID)) {
      const g = gone.get(pin.ID)!;
      if (running.length === 0) out.push({ service: s.Spec.Name, node: g.hostname, kind: 'waiting', since: g.since });
      continue;
    }
    // tasks last seen running on a node that is gone (or drained: shut down there)
    const left = own.filter((t) => t.NodeID && gone.has(t.NodeID) && ['running', 'orphaned', 'shutdown'].includes(t.Status.State) && !(s.Spec.Mode?.Global && t.DesiredState !== 'running'));
    const lostFrom = [...new Set(left.map((t) => t.NodeID as string))];
    for (const id of lostFrom) {
      const g = gone.get(id)!;
      // a task shut down long before the node went away is history, not a move
      const recent = left.some((t) => t.NodeID === id && (t.Status.State !== 'shutdown' || !g.since || (t.Status.Timestamp ?? '') >= g.since.slice(0, 19)));
      if (!recent) continue;
      if (s.Spec.Mode?.Global) continue; // one task per node: nothing to move
      if (elsewhere.length > 0) out.push({ service: s.Spec.Name, node: g.hostname, kind: 'rescheduled', since: g.since, to: [...new Set(elsewhere.map((t) => hostname.get(t.NodeID as string) ?? (t.NodeID as string)))].sort() });
      else out.push({ service: s.Spec.Name, node: g.hostname, kind: 'lost', since: g.since });
    }
  }
  return out;
}

/** `db: waiting for node n3 (down since …)`, `web: rescheduled from n3 to n1, n2` */
export function describeReport(r: ServiceNodeReport, node?: UnavailableNode): string {
  const how = node ? describeUnavailable(node) : `down${r.since ? ` since ${r.since}` : ''}`;
  if (r.kind === 'waiting') return `waiting for node ${r.node} (${how})`;
  if (r.kind === 'rescheduled') return `rescheduled from ${r.node} (${how}) to ${r.to?.join(', ')}`;
  return `lost its tasks on node ${r.node} (${how}); none runs elsewhere yet`;
}
