// What a server says about the apps on it: ONE `GET /services` for every
// stack service (label filter on the namespace key alone matches them all),
// mapped per stack from the `<stack>_app` service's coop-cloud labels.

import type { DockerPort } from '../ports/docker.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { stackStatuses, type StackStatus } from '../core/app-listing.js';

export async function serverStackStatuses(docker: DockerPort): Promise<Map<string, StackStatus>> {
  const services = await docker.listServices({ label: [NAMESPACE_LABEL] }, true);
  return stackStatuses(services);
}
