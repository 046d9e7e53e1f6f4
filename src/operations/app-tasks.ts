// The tasks of an app's services that Swarm wants running, with the node
// each is on (the web UI's app page), by hostname.

import type { DockerPort } from '../ports/docker.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { shortName } from './app-services.js';
import { nodeHostname } from '../core/nodes.js';
import { byText } from '../core/text-order.js';

export interface AppTaskRow {
  service: string;
  id: string;
  slot?: number;
  node: string;
  state: string;
  desired: string;
  /** Swarm's error or status message, '' when none */
  error: string;
  since: string;
}

export async function appTasks(stack: string, docker: DockerPort): Promise<AppTaskRow[]> {
  const filter = { label: [`${NAMESPACE_LABEL}=${stack}`] };
  const [services, tasks, nodes] = await Promise.all([docker.listServices(filter), docker.listTasks({ ...filter, 'desired-state': ['running'] }), docker.listNodes()]);
  const names = new Map(services.map((s) => [s.ID, shortName(stack, s.Spec.Name)]));
  const hostnames = new Map(nodes.map((n) => [n.ID, nodeHostname(n)]));
  const nodeName = (id?: string) => (!id ? '' : (hostnames.get(id) ?? id.slice(0, 12)));
  return tasks
    .map((t) => ({
      service: names.get(t.ServiceID) ?? t.ServiceID.slice(0, 12),
      id: t.ID.slice(0, 12),
      ...(t.Slot !== undefined ? { slot: t.Slot } : {}),
      node: nodeName(t.NodeID),
      state: t.Status.State,
      desired: t.DesiredState,
      error: t.Status.Err ?? '',
      since: t.Status.Timestamp ?? '',
    }))
    .sort((a, b) => byText(a.service, b.service) || (a.slot ?? 0) - (b.slot ?? 0));
}
