// Restart services the way `docker service update --force` does: bump the
// task template's ForceUpdate counter, so Swarm replaces every task following
// the service's update_config (order, parallelism, monitor), then watch the
// new tasks converge. Unlike scaling to 0 and back, replicas are kept and a
// start-first service never stops serving.

import type { DockerPort, Service } from '../ports/docker.js';
import type { Clock } from '../ports/clock.js';
import type { ServiceSpec } from '../core/convert/swarm-types.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { APP_SERVICE, DEFAULT_TIMEOUT_SECONDS, labelKey } from '../core/abra-labels.js';
import { ConflictError, DeployFailedError, DockerApiError, NotFoundError, UsageError } from '../core/errors.js';
import type { DeployEvent } from './events.js';
import { watchConvergence, type WatchTarget } from './watch.js';
import { pinInPlace } from './pins.js';
import { byText } from '../core/text-order.js';

export interface RestartOptions {
  /** short service name (`app`) or the full `<stack>_app` */
  service?: string;
  all?: boolean;
  timeoutSeconds?: number;
  pollMs?: number;
  /** waiting for convergence */
  clock: Clock;
}

export async function* restart(docker: DockerPort, stack: string, domain: string, opts: RestartOptions): AsyncGenerator<DeployEvent, string[]> {
  if (!opts.service && !opts.all) throw new UsageError('name a service to restart, or pass --all-services (-a)');
  if (opts.service && opts.all) throw new UsageError('name a service or pass --all-services, not both');
  const services = await docker.listServices({ label: [`${NAMESPACE_LABEL}=${stack}`] });
  if (services.length === 0) throw new ConflictError(`${domain} is not deployed`, `deploy it with \`kite app deploy ${domain}\``);
  let chosen: Service[] = services;
  if (opts.service) {
    const full = opts.service.startsWith(`${stack}_`) ? opts.service : `${stack}_${opts.service}`;
    chosen = services.filter((s) => s.Spec.Name === full);
    if (chosen.length === 0) {
      throw new NotFoundError(`${domain} has no service "${opts.service}"`, `its services: ${services.map((s) => s.Spec.Name.slice(stack.length + 1)).sort().join(', ')}`);
    }
  }
  chosen.sort((a, b) => byText(a.Spec.Name, b.Spec.Name));

  // a forced update lets Swarm place the task anew: a stateful service stays on its volumes' node
  for (const p of await pinInPlace(docker, stack)) yield { type: 'pinned', service: p.service, node: p.node };
  const targets: WatchTarget[] = [];
  for (const s of chosen) {
    const r = await forceUpdate(docker, s.Spec.Name);
    targets.push({ name: s.Spec.Name, previousUpdateStartedAt: r.before.UpdateStatus?.StartedAt, deployedAt: r.after.UpdatedAt ?? '' });
    yield { type: 'service', action: 'updated', service: s.Spec.Name };
  }
  const timeoutSeconds = opts.timeoutSeconds ?? timeoutFromLabels(services, stack);
  const failures = yield* watchConvergence(docker, targets, { timeoutMs: timeoutSeconds * 1000, pollMs: opts.pollMs, namespace: stack, clock: opts.clock });
  if (failures.length > 0) {
    for (const f of failures) yield { type: 'failed', ...f };
    const err = new DeployFailedError(stack, failures, 'no-previous');
    err.message = `restart of ${stack} failed: ${failures.map((f) => `${f.service}: ${f.reason}`).join('; ')}`;
    err.hint = `see \`kite app ps ${domain}\` and \`kite app logs ${domain}\``;
    throw err;
  }
  return chosen.map((s) => s.Spec.Name);
}

/** ForceUpdate + 1 on the current version */
function forceUpdate(docker: DockerPort, name: string): Promise<{ before: Service; after: Service }> {
  return changeService(docker, name, (spec) => ({ ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate.ForceUpdate ?? 0) + 1 } }));
}

/** update a service's current spec as `change` says; retried when Swarm moves the service under us */
export async function changeService(docker: DockerPort, name: string, change: (spec: ServiceSpec) => ServiceSpec): Promise<{ before: Service; after: Service }> {
  for (let attempt = 0; ; attempt++) {
    const before = await docker.inspectService(name);
    try {
      await docker.updateService(before.ID, before.Version.Index, change(before.Spec));
      return { before, after: await docker.inspectService(name) };
    } catch (e) {
      if (attempt < 5 && e instanceof DockerApiError && /out of sequence/.test(e.message)) {
        await new Promise((r) => setTimeout(r, 300));
        continue;
      }
      throw e;
    }
  }
}

/** the deployed `app` service's coop-cloud.<stack>.timeout label (set from the recipe at deploy), else abra's default */
export function timeoutFromLabels(services: Service[], stack: string): number {
  const app = services.find((s) => s.Spec.Name === `${stack}_${APP_SERVICE}`);
  const v = Number(app?.Spec.Labels?.[labelKey(stack, 'timeout')]);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_TIMEOUT_SECONDS;
}
