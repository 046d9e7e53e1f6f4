// What is running for an app: its services with their tasks' states.

import type { DockerPort } from '../ports/docker.js';
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
      const ports = (s.Spec.EndpointSpec?.Ports ?? []).map((p) => `${p.PublishedPort ?? ''}:${p.TargetPort}/${p.Protocol ?? 'tcp'} (${p.PublishMode ?? 'ingress'})`);
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
