// What abra adds to a recipe's compose config before deploying it
// (SetRecipeLabel, SetChaosLabel, SetChaosVersionLabel, SetVersionLabel,
// SetUpdateLabel, ExposeAllEnv): labels on the `app` service and the whole
// app env exposed to the `app` container. Stacks deployed by kite and by abra
// therefore carry the same labels, so either tool reads the other's apps.

import type { ComposeConfig } from './compose/types.js';

export const APP_SERVICE = 'app';
export const DEFAULT_TIMEOUT_SECONDS = 50;

export function labelKey(stack: string, name: string): string {
  return `coop-cloud.${stack}.${name}`;
}

export interface DeployIdentity {
  stack: string;
  recipe: string;
  /** the recipe version being deployed (release tag), if any */
  version?: string;
  chaos: boolean;
  /** short commit hash, `+U` when the tree was dirty */
  chaosVersion?: string;
}

/** Returns a copy of `cfg` with abra's labels and env exposure applied. */
export function applyAbraConventions(cfg: ComposeConfig, id: DeployIdentity, env: Record<string, string>): ComposeConfig {
  const app = cfg.services[APP_SERVICE];
  if (!app) return cfg;
  const labels = { ...app.deploy.labels };
  const versionKey = labelKey(id.stack, 'version');
  labels[labelKey(id.stack, 'recipe')] = id.recipe;
  labels[labelKey(id.stack, 'chaos')] = String(id.chaos);
  if (id.chaos && id.chaosVersion) labels[labelKey(id.stack, 'chaos-version')] = id.chaosVersion;
  // "keep non-chaos version labelling when doing chaos ops": a chaos deploy
  // leaves the recipe's declared version label alone.
  if (!id.chaos && id.version) labels[versionKey] = id.version;
  labels[labelKey(id.stack, 'autoupdate')] = env.ENABLE_AUTO_UPDATE === 'true' ? 'true' : 'false';

  const environment = { ...app.environment };
  const typeKey = 'RECIPE' in env && !('TYPE' in env) ? 'RECIPE' : 'TYPE';
  for (const [k, v] of Object.entries(env)) {
    if (k in environment) continue; // the recipe's own environment wins
    environment[k] = v;
  }
  const versionForType = id.chaos ? id.chaosVersion : id.version;
  if (!(typeKey in app.environment)) environment[typeKey] = versionForType ? `${id.recipe}:${versionForType}` : id.recipe;

  return {
    ...cfg,
    services: { ...cfg.services, [APP_SERVICE]: { ...app, environment, deploy: { ...app.deploy, labels } } },
  };
}

/** The version label the recipe declares on `app` (empty when never released). */
export function declaredVersion(cfg: ComposeConfig, stack: string): string | undefined {
  const v = cfg.services[APP_SERVICE]?.deploy.labels[labelKey(stack, 'version')];
  return v ? v : undefined;
}

/** Convergence timeout: the `timeout` label, then TIMEOUT from the env, then abra's default. */
export function deployTimeoutSeconds(cfg: ComposeConfig, stack: string, env: Record<string, string>): number {
  const fromLabel = Number(cfg.services[APP_SERVICE]?.deploy.labels[labelKey(stack, 'timeout')]);
  if (Number.isFinite(fromLabel) && fromLabel > 0) return fromLabel;
  const fromEnv = Number(env.TIMEOUT);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  return DEFAULT_TIMEOUT_SECONDS;
}
