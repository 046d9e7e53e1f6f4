// Where an app's stateful services are pinned, recorded on the server so that
// every later deploy, and every operator, uses the same node: one Swarm
// config per pinned service, labelled kite.pin=<stack>, kite.pin.service,
// kite.pin.node (its ID) and kite.pin.hostname. It carries no stack
// namespace label, so an undeploy keeps it, as it keeps the volumes.

import type { DockerPort } from '../ports/docker.js';
import { pinRecordName } from '../core/placement.js';

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
