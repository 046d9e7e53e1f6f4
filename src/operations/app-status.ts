// What a server says about the apps on it: ONE `GET /services` for every
// stack service (label filter on the namespace key alone matches them all),
// mapped per stack from the `<stack>_app` service's coop-cloud labels.

import type { DockerPort } from '../ports/docker.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { stackStatuses, type StackStatus } from '../core/app-listing.js';
import { describeReport, describeUnavailable, nodeLossReports, unavailableNodes } from '../core/node-loss.js';

export async function serverStackStatuses(docker: DockerPort): Promise<Map<string, StackStatus>> {
  const services = await docker.listServices({ label: [NAMESPACE_LABEL] }, true);
  return stackStatuses(services);
}

export interface NodeLoss {
  /** `node n3 is down since …` per unavailable node */
  nodes: string[];
  /** stack → what it means for its services: `db waiting for node n3 (down since …)` */
  stacks: Map<string, string[]>;
}

/**
 * The nodes of the server's swarm that are down or drained and what that
 * means for each stack; undefined when every node is fine (or the server
 * cannot list nodes): then it costs one call.
 */
export async function serverNodeLoss(docker: DockerPort): Promise<NodeLoss | undefined> {
  let nodes;
  try {
    nodes = await docker.listNodes();
  } catch {
    return undefined;
  }
  const gone = unavailableNodes(nodes);
  if (gone.length === 0) return undefined;
  const filter = { label: [NAMESPACE_LABEL] };
  const [services, tasks] = await Promise.all([docker.listServices(filter), docker.listTasks(filter)]);
  const stacks = new Map<string, string[]>();
  for (const r of nodeLossReports(nodes, services, tasks)) {
    const stack = services.find((s) => s.Spec.Name === r.service)?.Spec.Labels?.[NAMESPACE_LABEL] ?? '';
    const short = r.service.startsWith(`${stack}_`) ? r.service.slice(stack.length + 1) : r.service;
    stacks.set(stack, [...(stacks.get(stack) ?? []), `${short} ${describeReport(r, gone.find((g) => g.hostname === r.node))}`]);
  }
  return { nodes: gone.map((g) => `node ${g.hostname} is ${describeUnavailable(g)}`), stacks };
}
