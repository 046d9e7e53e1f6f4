// Where an app's stateful services are pinned, recorded on the server so that
// every later deploy, and every operator, uses the same node: one Swarm
// config per pinned service, labelled kite.pin=<stack>, kite.pin.service,
// kite.pin.node (its ID) and kite.pin.hostname. It carries no stack
// namespace label, so an undeploy keeps it, as it keeps the volumes.

import type { DockerPort, Service } from '../ports/docker.js';
import { needsPin, pinConstraint, pinRecordName, pinsService, withConstraints } from '../core/placement.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { nodeHostname } from '../core/nodes.js';

export const PIN_LABEL = 'kite.pin';

export interface PinRecord {
  /** service key in the recipe */
  service: string;
  nodeId: string;
  hostname: string;
  configId: string;
}

export async function readPins(docker: DockerPort, stack: string): Promise<Map<string, PinRecord>> {
  const configs = await docker.listConfigs({ label: [`${PIN_LABEL}=${stack}`] });
  const out = new Map<string, PinRecord>();
  for (const c of configs) {
    const l = c.Spec.Labels ?? {};
    const service = l[`${PIN_LABEL}.service`];
    const nodeId = l[`${PIN_LABEL}.node`];
    if (service && nodeId) out.set(service, { service, nodeId, hostname: l[`${PIN_LABEL}.hostname`] ?? nodeId, configId: c.ID });
  }
  return out;
}

/** record (or move) a service's pin; an older record for it is replaced */
export async function writePin(docker: DockerPort, stack: string, pin: Omit<PinRecord, 'configId'>, previous?: PinRecord): Promise<void> {
  if (previous?.nodeId === pin.nodeId) return;
  if (previous) await docker.removeConfig(previous.configId);
  await docker.createConfig({
    Name: pinRecordName(stack, pin.service),
    Labels: { [PIN_LABEL]: stack, [`${PIN_LABEL}.service`]: pin.service, [`${PIN_LABEL}.node`]: pin.nodeId, [`${PIN_LABEL}.hostname`]: pin.hostname },
    Data: Buffer.from(JSON.stringify({ stack, ...pin })).toString('base64'),
  });
}

/** forget every pin of a stack (the app and its volumes are gone) */
export async function removePins(docker: DockerPort, stack: string): Promise<void> {
  for (const p of (await readPins(docker, stack)).values()) await docker.removeConfig(p.configId);
}

/** the node the service's running task is on (its volumes are there) */
export async function runningNode(docker: DockerPort, service: Service | undefined): Promise<string | undefined> {
  if (!service) return undefined;
  const tasks = await docker.listTasks({ service: [service.ID], 'desired-state': ['running'] });
  return tasks.find((t) => t.Status.State === 'running' && t.NodeID)?.NodeID ?? tasks.find((t) => t.NodeID)?.NodeID;
}

export interface PinnedInPlace {
  service: string;
  node: string;
}

/**
 * On a swarm of several nodes, pin every deployed stateful service (of one
 * stack, or all) that nothing pins to the node it runs on (its spec gets the
 * constraint, the running task stays; the record is written): what a swarm
 * that just grew a node needs, and what a restart of an app deployed without
 * pins (by abra, or before the swarm grew) needs, before Swarm may start such
 * a service on another node with empty volumes.
 */
export async function pinInPlace(docker: DockerPort, stack?: string): Promise<PinnedInPlace[]> {
  if ((await docker.listNodes()).length <= 1) return [];
  const services = await docker.listServices({ label: [stack ? `${NAMESPACE_LABEL}=${stack}` : NAMESPACE_LABEL] });
  const out: PinnedInPlace[] = [];
  for (const s of services) {
    const ns = s.Spec.Labels?.[NAMESPACE_LABEL];
    if (!ns || !needsPin(s.Spec) || pinsService(s.Spec.TaskTemplate.Placement?.Constraints ?? [])) continue;
    const nodeId = await runningNode(docker, s);
    if (!nodeId) continue;
    const hostname = nodeHostname(await docker.inspectNode(nodeId));
    await docker.updateService(s.ID, s.Version.Index, withConstraints(s.Spec, [pinConstraint(nodeId)]));
    const key = s.Spec.Name.startsWith(`${ns}_`) ? s.Spec.Name.slice(ns.length + 1) : s.Spec.Name;
    await writePin(docker, ns, { service: key, nodeId, hostname }, (await readPins(docker, ns)).get(key));
    out.push({ service: s.Spec.Name, node: hostname });
  }
  return out;
}

/**
 * On a swarm of several nodes the manager lists only its own volumes: which
 * of the app's pinned services keep theirs on another node (hostname).
 */
export async function volumesOnOtherNodes(docker: DockerPort, stack: string): Promise<{ manager: string; elsewhere: { service: string; node: string }[] } | undefined> {
  const [nodes, info] = await Promise.all([docker.listNodes().catch(() => []), docker.info()]);
  if (nodes.length <= 1) return undefined;
  const self = nodes.find((n) => n.ID === info.Swarm.NodeID);
  const elsewhere = [...(await readPins(docker, stack)).values()].filter((p) => p.nodeId !== self?.ID).map((p) => ({ service: p.service, node: p.hostname }));
  return { manager: self ? nodeHostname(self) : info.Name, elsewhere };
}
