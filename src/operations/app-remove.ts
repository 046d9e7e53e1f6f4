// `app remove`: delete an undeployed app's server-side state — its volumes,
// secrets and configs — before the caller deletes the env file (last, so a
// failure here leaves the app known to kite and the command can be re-run).
//
// What belongs to the app:
// - volumes and configs labelled com.docker.stack.namespace=<stack>;
// - kite's deploy history of the app (configs labelled kite.history=<stack>);
// - where its stateful services were pinned (configs labelled kite.pin=<stack>);
// - secrets: the current version of every secret the recipe defines (from
//   the env file's SECRET_*_VERSION), older versions of them
//   (`<stack>_<secret>_<version>`, a version without `_`), and any secret
//   labelled with the stack namespace.

import type { DockerPort } from '../ports/docker.js';
import type { AppRef, AppStore } from '../ports/app-store.js';
import type { AppSecret } from '../core/secrets.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { DockerApiError } from '../core/errors.js';
import { assertUndeployed, removeVolume } from './app-volumes.js';
import { removeSecretObject } from './secret-manage.js';
import { HISTORY_LABEL } from './deploy-history.js';
import { PIN_LABEL } from './pins.js';
import { byText } from '../core/text-order.js';

export interface RemovalPlan {
  volumes: string[];
  secrets: { id: string; name: string }[];
  configs: { id: string; name: string }[];
}

export async function planRemoval(docker: DockerPort, stack: string, domain: string, secrets: AppSecret[] | undefined): Promise<RemovalPlan> {
  await assertUndeployed(docker, stack, domain, 'data');
  const label = { label: [`${NAMESPACE_LABEL}=${stack}`] };
  const [volumes, stackConfigs, history, pins, allSecrets] = await Promise.all([
    docker.listVolumes(label),
    docker.listConfigs(label),
    docker.listConfigs({ label: [`${HISTORY_LABEL}=${stack}`] }),
    // where its stateful services were pinned (src/operations/pins.ts): gone with the volumes
    docker.listConfigs({ label: [`${PIN_LABEL}=${stack}`] }),
    docker.listSecrets(),
  ]);
  const kiteOwn = [...history, ...pins];
  const configs = [...stackConfigs, ...kiteOwn.filter((h) => !stackConfigs.some((c) => c.ID === h.ID))];
  const current = new Set((secrets ?? []).map((s) => s.remoteName));
  const shortNames = (secrets ?? []).map((s) => s.name);
  const belongs = (name: string, labels?: Record<string, string> | null) =>
    current.has(name) ||
    labels?.[NAMESPACE_LABEL] === stack ||
    shortNames.some((n) => name.startsWith(`${stack}_${n}_`) && !name.slice(stack.length + n.length + 2).includes('_'));
  return {
    volumes: volumes.map((v) => v.Name).sort(),
    secrets: allSecrets.filter((s) => belongs(s.Spec.Name, s.Spec.Labels)).map((s) => ({ id: s.ID, name: s.Spec.Name })).sort(byName),
    configs: configs.map((c) => ({ id: c.ID, name: c.Spec.Name })).sort(byName),
  };
}

function byName(a: { name: string }, b: { name: string }): number {
  return byText(a.name, b.name);
}

export type RemovedObject = { object: 'volume' | 'secret' | 'config' | 'env file'; name: string };

/** Deletes what the plan lists on the server, then the app's env file (last: a failure before it leaves the app in place to retry). */
export async function* executeRemoval(apps: Pick<AppStore, 'removeEnvFile'>, docker: DockerPort, plan: RemovalPlan, ref: AppRef): AsyncGenerator<RemovedObject> {
  const domain = ref.domain;
  for (const v of plan.volumes) {
    await removeVolume(docker, v, domain);
    yield { object: 'volume', name: v };
  }
  for (const s of plan.secrets) {
    await removeSecretObject(docker, s.id, s.name, domain);
    yield { object: 'secret', name: s.name };
  }
  for (const c of plan.configs) {
    try {
      await docker.removeConfig(c.id);
    } catch (e) {
      if (!(e instanceof DockerApiError && e.statusCode === 404)) throw e;
    }
    yield { object: 'config', name: c.name };
  }
  apps.removeEnvFile(ref.path);
  yield { object: 'env file', name: ref.path };
}
