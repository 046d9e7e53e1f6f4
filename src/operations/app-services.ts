// The deployed side of one app: its stack's services (`app services`) and
// the labels of its `<stack>_app` service (`app labels`). An app with no
// service in the swarm is "not deployed", a ConflictError like deploy's.

import type { DockerPort, Service } from '../ports/docker.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { APP_SERVICE } from '../core/abra-labels.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { formatPort } from './app-ps.js';

export interface ServiceRow {
  /** full Docker name, `<stack>_<service>` */
  name: string;
  /** the compose service name */
  service: string;
  image: string;
  mode: 'replicated' | 'global';
  running: number;
  desired: number;
  ports: string[];
}

/** The stack's services (with running/desired counts); ConflictError when there are none. */
export async function deployedServices(domain: string, stack: string, docker: DockerPort): Promise<Service[]> {
  const services = await docker.listServices({ label: [`${NAMESPACE_LABEL}=${stack}`] }, true);
  if (services.length === 0) {
    throw new ConflictError(`${domain} is not deployed on ${docker.server} (no services in stack ${stack})`, `deploy it with \`kite app deploy ${domain}\``);
  }
  return services.sort((a, b) => (a.Spec.Name < b.Spec.Name ? -1 : a.Spec.Name > b.Spec.Name ? 1 : 0));
}

export function shortName(stack: string, fullName: string): string {
  return fullName.startsWith(`${stack}_`) ? fullName.slice(stack.length + 1) : fullName;
}

export async function appServices(domain: string, stack: string, docker: DockerPort): Promise<ServiceRow[]> {
  const services = await deployedServices(domain, stack, docker);
  return services.map((s) => {
    const global = Boolean(s.Spec.Mode?.Global);
    return {
      name: s.Spec.Name,
      service: shortName(stack, s.Spec.Name),
      image: (s.Spec.TaskTemplate.ContainerSpec?.Image ?? '').replace(/@sha256:.*/, ''),
      mode: global ? 'global' : 'replicated',
      running: s.ServiceStatus?.RunningTasks ?? 0,
      desired: s.ServiceStatus?.DesiredTasks ?? s.Spec.Mode?.Replicated?.Replicas ?? 0,
      ports: (s.Spec.EndpointSpec?.Ports ?? []).map(formatPort),
    };
  });
}

export interface AppLabels {
  /** the `<stack>_app` service */
  service: string;
  /** service labels (deploy.labels: coop-cloud.*, com.docker.stack.*, traefik…) */
  serviceLabels: Record<string, string>;
  /** container labels from the task template (compose `labels:`) */
  containerLabels: Record<string, string>;
}

export async function appLabels(domain: string, stack: string, docker: DockerPort): Promise<AppLabels> {
  const services = await deployedServices(domain, stack, docker);
  const name = `${stack}_${APP_SERVICE}`;
  const app = services.find((s) => s.Spec.Name === name);
  if (!app) {
    throw new NotFoundError(
      `${domain} is deployed but has no "${APP_SERVICE}" service (services: ${services.map((s) => shortName(stack, s.Spec.Name)).join(', ')})`,
      'abra keeps its labels on the app service; the recipe needs a service named app',
    );
  }
  return {
    service: name,
    serviceLabels: sortKeys(app.Spec.Labels ?? {}),
    containerLabels: sortKeys(app.Spec.TaskTemplate.ContainerSpec?.Labels ?? {}),
  };
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
