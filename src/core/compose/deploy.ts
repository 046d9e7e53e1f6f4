// `deploy:` of a service: Swarm scheduling, update/rollback policy,
// resources, restart policy and placement, with docker/cli's field types.

import type { DeployConfig, UpdateConfig } from './types.js';
import { setIfDefined, type Reader } from './read.js';

const DEPLOY_KEYS = new Set([
  'mode', 'replicas', 'labels', 'update_config', 'rollback_config', 'resources', 'restart_policy',
  'placement', 'endpoint_mode',
]);
const DEPLOY_MODES = new Set(['replicated', 'global', 'replicated-job', 'global-job']);
const UPDATE_KEYS = new Set(['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order']);

export function readDeploy(v: unknown, key: string, r: Reader, unknown: (path: string) => void): DeployConfig {
  const o = r.obj(v, key);
  r.checkKeys(o, DEPLOY_KEYS, key, unknown);
  const deploy: DeployConfig = { labels: r.mapping(o.labels, `${key}.labels`, '=', false) };
  // An empty mode/endpoint_mode is "not set", as for docker.
  const mode = r.string(o.mode, `${key}.mode`) || undefined;
  if (mode !== undefined) {
    if (!DEPLOY_MODES.has(mode)) r.fail(`${key}.mode`, `unknown mode ${JSON.stringify(mode)} (replicated, global, replicated-job or global-job)`);
    deploy.mode = mode as DeployConfig['mode'];
  }
  setIfDefined(deploy, 'replicas', r.uint(o.replicas, `${key}.replicas`));
  setIfDefined(deploy, 'update_config', readUpdateConfig(o.update_config, `${key}.update_config`, r, unknown));
  setIfDefined(deploy, 'rollback_config', readUpdateConfig(o.rollback_config, `${key}.rollback_config`, r, unknown));

  if (o.resources !== undefined && o.resources !== null) {
    const res = r.obj(o.resources, `${key}.resources`);
    r.checkKeys(res, new Set(['limits', 'reservations']), `${key}.resources`, unknown);
    const resources: NonNullable<DeployConfig['resources']> = {};
    if (res.limits !== undefined && res.limits !== null) {
      const at = `${key}.resources.limits`;
      const l = r.obj(res.limits, at);
      r.checkKeys(l, new Set(['cpus', 'memory', 'pids']), at, unknown);
      const limits: NonNullable<typeof resources.limits> = {};
      setIfDefined(limits, 'cpus', r.string(l.cpus, `${at}.cpus`));
      setIfDefined(limits, 'memory', r.bytes(l.memory, `${at}.memory`));
      setIfDefined(limits, 'pids', r.int(l.pids, `${at}.pids`));
      resources.limits = limits;
    }
    if (res.reservations !== undefined && res.reservations !== null) {
      const at = `${key}.resources.reservations`;
      const l = r.obj(res.reservations, at);
      r.checkKeys(l, new Set(['cpus', 'memory', 'generic_resources']), at, unknown);
      const reservations: NonNullable<typeof resources.reservations> = {};
      setIfDefined(reservations, 'cpus', r.string(l.cpus, `${at}.cpus`));
      setIfDefined(reservations, 'memory', r.bytes(l.memory, `${at}.memory`));
      setIfDefined(reservations, 'generic_resources', r.list(l.generic_resources, `${at}.generic_resources`));
      resources.reservations = reservations;
    }
    deploy.resources = resources;
  }

  if (o.restart_policy !== undefined && o.restart_policy !== null) {
    const at = `${key}.restart_policy`;
    const p = r.obj(o.restart_policy, at);
    r.checkKeys(p, new Set(['condition', 'delay', 'max_attempts', 'window']), at, unknown);
    const policy: NonNullable<DeployConfig['restart_policy']> = {};
    setIfDefined(policy, 'condition', r.string(p.condition, `${at}.condition`));
    setIfDefined(policy, 'delay', r.duration(p.delay, `${at}.delay`));
    setIfDefined(policy, 'max_attempts', r.uint(p.max_attempts, `${at}.max_attempts`));
    setIfDefined(policy, 'window', r.duration(p.window, `${at}.window`));
    deploy.restart_policy = policy;
  }

  if (o.placement !== undefined && o.placement !== null) {
    const at = `${key}.placement`;
    const p = r.obj(o.placement, at);
    r.checkKeys(p, new Set(['constraints', 'preferences', 'max_replicas_per_node']), at, unknown);
    const placement: NonNullable<DeployConfig['placement']> = {};
    setIfDefined(placement, 'constraints', r.strings(p.constraints, `${at}.constraints`));
    const prefs = r.list(p.preferences, `${at}.preferences`);
    if (prefs) {
      placement.preferences = prefs.map((pref, i) => {
        const po = r.obj(pref, `${at}.preferences[${i}]`);
        const spread = r.string(po.spread, `${at}.preferences[${i}].spread`);
        if (spread === undefined) r.fail(`${at}.preferences[${i}].spread`, 'is required');
        return { spread };
      });
    }
    setIfDefined(placement, 'max_replicas_per_node', r.uint(p.max_replicas_per_node, `${at}.max_replicas_per_node`));
    deploy.placement = placement;
  }

  const endpointMode = r.string(o.endpoint_mode, `${key}.endpoint_mode`) || undefined;
  if (endpointMode !== undefined) {
    if (endpointMode !== 'vip' && endpointMode !== 'dnsrr') r.fail(`${key}.endpoint_mode`, 'must be vip or dnsrr');
    deploy.endpoint_mode = endpointMode;
  }
  return deploy;
}

function readUpdateConfig(
  v: unknown,
  key: string,
  r: Reader,
  unknown: (path: string) => void,
): UpdateConfig | undefined {
  if (v === undefined || v === null) return undefined;
  const o = r.obj(v, key);
  r.checkKeys(o, UPDATE_KEYS, key, unknown);
  const u: UpdateConfig = {};
  setIfDefined(u, 'parallelism', r.uint(o.parallelism, `${key}.parallelism`));
  setIfDefined(u, 'delay', r.duration(o.delay, `${key}.delay`));
  setIfDefined(u, 'failure_action', r.string(o.failure_action, `${key}.failure_action`));
  setIfDefined(u, 'monitor', r.duration(o.monitor, `${key}.monitor`));
  setIfDefined(u, 'max_failure_ratio', r.number(o.max_failure_ratio, `${key}.max_failure_ratio`));
  setIfDefined(u, 'order', r.string(o.order, `${key}.order`));
  return u;
}
