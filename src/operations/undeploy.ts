// Undeploy an app like `docker stack rm`: remove the stack's services, wait
// until their tasks are gone, then remove the stack's networks and wait for
// them too. Volumes, secrets and configs stay (`app remove` deletes those).
// With `prune` (abra's `undeploy --prune`), the stack's configs — those
// labelled com.docker.stack.namespace=<stack>, i.e. every version a deploy
// created — are removed too: nothing uses them once the services are gone,
// and the next deploy creates the versions it needs. Secrets and volumes
// are never pruned.
// Services or networks still there at the deadline fail the undeploy as a
// convergence failure (exit 3, like a deploy that did not converge), naming
// what is left: the removal goes on on the server.

import type { DockerPort } from '../ports/docker.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { ConflictError, DeployFailedError, DockerApiError } from '../core/errors.js';
import type { DeployEvent } from './events.js';

export const DEFAULT_UNDEPLOY_TIMEOUT_SECONDS = 120;

export interface UndeployOptions {
  timeoutSeconds?: number;
  pollMs?: number;
  /** also remove the stack's configs once the services are gone */
  prune?: boolean;
}

export async function* undeploy(stack: string, domain: string, docker: DockerPort, opts: UndeployOptions = {}): AsyncGenerator<DeployEvent, void> {
  const filter = { label: [`${NAMESPACE_LABEL}=${stack}`] };
  const services = await docker.listServices(filter);
  if (services.length === 0) throw new ConflictError(`${domain} is not deployed`, `deploy it with \`kite app deploy ${domain}\``);
  const deadline = Date.now() + (opts.timeoutSeconds ?? DEFAULT_UNDEPLOY_TIMEOUT_SECONDS) * 1000;
  const pause = () => new Promise((r) => setTimeout(r, opts.pollMs ?? 300));

  for (const s of services) {
    await docker.removeService(s.ID);
    yield { type: 'removed', object: 'service', name: s.Spec.Name };
  }
  // tasks of removed services linger while their containers stop
  const ids = new Set(services.map((s) => s.ID));
  for (;;) {
    const left = (await docker.listTasks()).filter((t) => ids.has(t.ServiceID) && t.Status.State !== 'shutdown' && t.Status.State !== 'complete');
    if (left.length === 0 && (await docker.listServices(filter)).length === 0) break;
    if (Date.now() > deadline) throw notGone(stack, domain, opts, left.length ? `${left.length} task${left.length === 1 ? '' : 's'} of its services still running` : 'its services still listed');
    await pause();
  }

  for (const n of await docker.listNetworks(filter)) {
    for (;;) {
      try {
        await docker.removeNetwork(n.Id);
        yield { type: 'removed', object: 'network', name: n.Name };
        break;
      } catch (e) {
        // containers detach from the network a moment after they stop
        if (e instanceof DockerApiError && /active endpoints/.test(e.message)) {
          if (Date.now() > deadline) throw notGone(stack, domain, opts, `network ${n.Name} still has containers attached`);
          await pause();
          continue;
        }
        if (e instanceof DockerApiError && e.statusCode === 404) break;
        throw e;
      }
    }
  }
  while ((await docker.listNetworks(filter)).length > 0) {
    if (Date.now() > deadline) throw notGone(stack, domain, opts, 'its networks still listed');
    await pause();
  }

  if (opts.prune) yield* pruneConfigs(docker, filter);
}

/** the deadline passed with `left` on the server: a convergence failure, not a Docker API error */
function notGone(stack: string, domain: string, opts: UndeployOptions, left: string): DeployFailedError {
  const err = new DeployFailedError(stack, [], 'no-previous');
  err.message = `undeploy of ${domain} timed out after ${opts.timeoutSeconds ?? DEFAULT_UNDEPLOY_TIMEOUT_SECONDS} s: ${left}`;
  err.hint = `the removal goes on on the server: check with \`kite app ps ${domain}\`, then run \`kite app undeploy ${domain}\` again`;
  return err;
}

/** Remove the stack's configs; one still in use (by a service outside the stack) is left with a warning. */
async function* pruneConfigs(docker: DockerPort, filter: { label: string[] }): AsyncGenerator<DeployEvent, void> {
  for (const c of await docker.listConfigs(filter)) {
    try {
      await docker.removeConfig(c.ID);
      yield { type: 'removed', object: 'config', name: c.Spec.Name };
    } catch (e) {
      if (e instanceof DockerApiError && e.statusCode === 404) continue;
      if (e instanceof DockerApiError && /in use/i.test(e.message)) {
        yield { type: 'warning', message: `config ${c.Spec.Name} kept: ${e.message}` };
        continue;
      }
      throw e;
    }
  }
}
