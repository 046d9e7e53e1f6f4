// An app's Docker volumes: those labelled com.docker.stack.namespace=<stack>
// (the label `docker stack deploy` and kite put on the volumes they create).
// Removing them needs the app undeployed: a running task would hold them.

import type { DockerPort, Volume } from '../ports/docker.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { ConflictError, DockerApiError, NotFoundError } from '../core/errors.js';
import { byText } from '../core/text-order.js';

export interface VolumeRow {
  name: string;
  driver: string;
  createdAt?: string;
}

export async function appVolumes(docker: DockerPort, stack: string): Promise<VolumeRow[]> {
  const vols = await docker.listVolumes({ label: [`${NAMESPACE_LABEL}=${stack}`] });
  return vols.map(toRow).sort((a, b) => byText(a.name, b.name));
}

function toRow(v: Volume): VolumeRow {
  return { name: v.Name, driver: v.Driver, createdAt: v.CreatedAt };
}

export async function assertUndeployed(docker: DockerPort, stack: string, domain: string, what: string): Promise<void> {
  const services = await docker.listServices({ label: [`${NAMESPACE_LABEL}=${stack}`] });
  if (services.length > 0) throw new ConflictError(`${domain} is deployed: undeploy it before removing its ${what}`, `run \`kite app undeploy ${domain}\` first`);
}

/**
 * The volumes `wanted` names (short `db-data` or full `<stack>_db-data`), or
 * all of the app's volumes when it names none.
 */
export async function selectVolumes(docker: DockerPort, stack: string, domain: string, wanted: string[]): Promise<VolumeRow[]> {
  const all = await appVolumes(docker, stack);
  if (wanted.length === 0) return all;
  return wanted.map((w) => {
    const v = all.find((x) => x.name === w || x.name === `${stack}_${w}`);
    if (!v) throw new NotFoundError(`${domain} has no volume "${w}"`, all.length ? `its volumes: ${all.map((x) => x.name).join(', ')}` : 'it has no volumes');
    return v;
  });
}

/** DELETE /volumes/{name}; a volume stays busy for a moment after its container stops. */
export async function removeVolume(docker: DockerPort, name: string, domain: string, waitMs = 15_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await docker.removeVolume(name);
      return;
    } catch (e) {
      if (e instanceof DockerApiError && e.statusCode === 404) return;
      if (e instanceof DockerApiError && /in use/i.test(e.message)) {
        if (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        throw new ConflictError(`volume ${name} is in use by a container`, `check \`kite app ps ${domain}\`; stopped containers of the stack may still hold it`);
      }
      throw e;
    }
  }
}
