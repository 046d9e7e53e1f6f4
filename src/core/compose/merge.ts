// Merges normalised compose files left to right with docker/cli's rules
// (cli/compose/loader/merge.go, which uses mergo with WithOverride and
// WithAppendSlice plus a few special cases). Checked against
// `docker stack config -c a.yml -c b.yml`.
//
// Per service present in both files:
// - scalars (image, user, deploy.mode, durations, init, read_only...) are
//   overridden only by a NON-ZERO value: `read_only: false`, `init: false`,
//   `user: ""` or a `0s` duration in an overlay do not reset the base. The
//   exception are Go *uint64 fields (deploy.replicas, healthcheck.retries,
//   restart_policy.max_attempts, update_config.parallelism), overridden
//   whenever set, so `replicas: 0` works;
// - plain lists are APPENDED: cap_add, dns, tmpfs, extra_hosts,
//   placement.constraints... and also healthcheck.test (a docker quirk:
//   overriding a test list yields `[CMD, a, CMD, b]`);
// - command / entrypoint are replaced (when the overlay's is non-empty);
// - ports are merged by PUBLISHED port (docker CLI 28; newer docker/cli
//   sources key by the whole port object), sorted by published port: an
//   overlay's `{target: 80, published: 80, mode: host}` replaces the base's
//   `"80:80"`, and all unpublished ports share one key (0);
//   secrets / configs by `source` (sorted by source); volumes by `target`
//   (sorted by target). This keyed merge (and sort) only happens when the
//   base list is non-empty; otherwise the overlay's list is taken as is;
// - environment: per key; a null or empty overlay value does not replace a
//   base value. labels / deploy.labels / sysctls: per key, always replaced;
// - networks: per network; options replace aliases, keep unset addresses;
// - logging: options merged when the drivers match (or one is unset) —
//   though options are dropped when the base had none, as docker does —
//   else the overlay's logging replaces the base;
// - ulimits: per name, replaced.
// Top-level networks / volumes / secrets / configs: the overlay's definition
// of a name replaces the base's entirely. Services end up sorted by name.

import type {
  ComposeConfig,
  DeployConfig,
  HealthcheckConfig,
  ServiceConfig,
  ServiceFileRef,
  ServiceNetworkConfig,
  ServicePortConfig,
  ServiceVolumeConfig,
  UpdateConfig,
} from './types.js';
import { setIfDefined } from './read.js';

export function mergeConfigs(base: ComposeConfig, over: ComposeConfig): ComposeConfig {
  const services: Record<string, ServiceConfig> = { ...base.services };
  for (const [name, service] of Object.entries(over.services)) {
    const existing = services[name];
    services[name] = existing ? mergeService(existing, service) : service;
  }
  const merged: ComposeConfig = {
    services: sortByKey(services),
    networks: { ...base.networks, ...over.networks },
    volumes: { ...base.volumes, ...over.volumes },
    secrets: { ...base.secrets, ...over.secrets },
    configs: { ...base.configs, ...over.configs },
  };
  const version = base.version ?? over.version;
  if (version !== undefined) merged.version = version;
  if (base.extensions || over.extensions) merged.extensions = { ...base.extensions, ...over.extensions };
  return merged;
}

export function mergeService(base: ServiceConfig, over: ServiceConfig): ServiceConfig {
  const s: ServiceConfig = {
    name: base.name,
    environment: mergeEnvironment(base.environment, over.environment),
    labels: { ...base.labels, ...over.labels },
    deploy: mergeDeploy(base.deploy, over.deploy),
    secrets: mergeKeyed(base.secrets, over.secrets, (r: ServiceFileRef) => r.source, compareBy((r) => r.source)),
    configs: mergeKeyed(base.configs, over.configs, (r: ServiceFileRef) => r.source, compareBy((r) => r.source)),
    volumes: mergeKeyed(base.volumes, over.volumes, (v: ServiceVolumeConfig) => v.target, compareBy((v) => v.target)),
    ports: mergeKeyed(base.ports, over.ports, portKey, (a, b) => (a.published ?? 0) - (b.published ?? 0)),
    unsupported: union(base.unsupported, over.unsupported),
    ignored: union(base.ignored, over.ignored),
  };
  setIfDefined(s, 'image', nonEmpty(base.image, over.image));
  setIfDefined(s, 'command', replaceList(base.command, over.command));
  setIfDefined(s, 'entrypoint', replaceList(base.entrypoint, over.entrypoint));
  setIfDefined(s, 'env_file', append(base.env_file, over.env_file));
  setIfDefined(s, 'networks', mergeNetworks(base.networks, over.networks));
  setIfDefined(s, 'healthcheck', mergeHealthcheck(base.healthcheck, over.healthcheck));
  setIfDefined(s, 'user', nonEmpty(base.user, over.user));
  setIfDefined(s, 'working_dir', nonEmpty(base.working_dir, over.working_dir));
  setIfDefined(s, 'hostname', nonEmpty(base.hostname, over.hostname));
  setIfDefined(s, 'stop_grace_period', nonZeroDuration(base.stop_grace_period, over.stop_grace_period));
  setIfDefined(s, 'stop_signal', nonEmpty(base.stop_signal, over.stop_signal));
  setIfDefined(s, 'cap_add', append(base.cap_add, over.cap_add));
  setIfDefined(s, 'cap_drop', append(base.cap_drop, over.cap_drop));
  setIfDefined(s, 'sysctls', base.sysctls || over.sysctls ? { ...base.sysctls, ...over.sysctls } : undefined);
  setIfDefined(s, 'ulimits', base.ulimits || over.ulimits ? { ...base.ulimits, ...over.ulimits } : undefined);
  setIfDefined(s, 'extra_hosts', append(base.extra_hosts, over.extra_hosts));
  setIfDefined(s, 'dns', append(base.dns, over.dns));
  setIfDefined(s, 'dns_search', append(base.dns_search, over.dns_search));
  setIfDefined(s, 'tmpfs', append(base.tmpfs, over.tmpfs));
  setIfDefined(s, 'init', orTrue(base.init, over.init));
  setIfDefined(s, 'tty', orTrue(base.tty, over.tty));
  setIfDefined(s, 'stdin_open', orTrue(base.stdin_open, over.stdin_open));
  setIfDefined(s, 'read_only', orTrue(base.read_only, over.read_only));
  setIfDefined(s, 'logging', mergeLogging(base.logging, over.logging));
  return s;
}

function mergeDeploy(base: DeployConfig, over: DeployConfig): DeployConfig {
  const d: DeployConfig = { labels: { ...base.labels, ...over.labels } };
  setIfDefined(d, 'mode', nonEmpty(base.mode, over.mode));
  setIfDefined(d, 'replicas', over.replicas ?? base.replicas);
  setIfDefined(d, 'update_config', mergeUpdateConfig(base.update_config, over.update_config));
  setIfDefined(d, 'rollback_config', mergeUpdateConfig(base.rollback_config, over.rollback_config));
  setIfDefined(d, 'endpoint_mode', nonEmpty(base.endpoint_mode, over.endpoint_mode));

  if (base.resources || over.resources) {
    const b = base.resources ?? {};
    const o = over.resources ?? {};
    const resources: NonNullable<DeployConfig['resources']> = {};
    if (b.limits || o.limits) {
      const limits: NonNullable<typeof resources.limits> = {};
      setIfDefined(limits, 'cpus', nonEmpty(b.limits?.cpus, o.limits?.cpus));
      setIfDefined(limits, 'memory', nonZero(b.limits?.memory, o.limits?.memory));
      setIfDefined(limits, 'pids', nonZero(b.limits?.pids, o.limits?.pids));
      resources.limits = limits;
    }
    if (b.reservations || o.reservations) {
      const res: NonNullable<typeof resources.reservations> = {};
      setIfDefined(res, 'cpus', nonEmpty(b.reservations?.cpus, o.reservations?.cpus));
      setIfDefined(res, 'memory', nonZero(b.reservations?.memory, o.reservations?.memory));
      setIfDefined(res, 'generic_resources', append(b.reservations?.generic_resources, o.reservations?.generic_resources));
      resources.reservations = res;
    }
    d.resources = resources;
  }

  if (base.restart_policy || over.restart_policy) {
    const b = base.restart_policy ?? {};
    const o = over.restart_policy ?? {};
    const policy: NonNullable<DeployConfig['restart_policy']> = {};
    setIfDefined(policy, 'condition', nonEmpty(b.condition, o.condition));
    setIfDefined(policy, 'delay', nonZeroDuration(b.delay, o.delay));
    setIfDefined(policy, 'max_attempts', o.max_attempts ?? b.max_attempts);
    setIfDefined(policy, 'window', nonZeroDuration(b.window, o.window));
    d.restart_policy = policy;
  }

  if (base.placement || over.placement) {
    const b = base.placement ?? {};
    const o = over.placement ?? {};
    const placement: NonNullable<DeployConfig['placement']> = {};
    setIfDefined(placement, 'constraints', append(b.constraints, o.constraints));
    setIfDefined(placement, 'preferences', append(b.preferences, o.preferences));
    setIfDefined(placement, 'max_replicas_per_node', nonZero(b.max_replicas_per_node, o.max_replicas_per_node));
    d.placement = placement;
  }
  return d;
}

function mergeUpdateConfig(base?: UpdateConfig, over?: UpdateConfig): UpdateConfig | undefined {
  if (!base || !over) return over ?? base;
  const u: UpdateConfig = {};
  setIfDefined(u, 'parallelism', over.parallelism ?? base.parallelism);
  setIfDefined(u, 'delay', nonZeroDuration(base.delay, over.delay));
  setIfDefined(u, 'failure_action', nonEmpty(base.failure_action, over.failure_action));
  setIfDefined(u, 'monitor', nonZeroDuration(base.monitor, over.monitor));
  setIfDefined(u, 'max_failure_ratio', nonZero(base.max_failure_ratio, over.max_failure_ratio));
  setIfDefined(u, 'order', nonEmpty(base.order, over.order));
  return u;
}

function mergeHealthcheck(base?: HealthcheckConfig, over?: HealthcheckConfig): HealthcheckConfig | undefined {
  if (!base || !over) return over ?? base;
  const h: HealthcheckConfig = {};
  setIfDefined(h, 'test', append(base.test, over.test)); // sic: appended, as docker does
  setIfDefined(h, 'interval', nonZeroDuration(base.interval, over.interval));
  setIfDefined(h, 'timeout', nonZeroDuration(base.timeout, over.timeout));
  setIfDefined(h, 'retries', over.retries ?? base.retries);
  setIfDefined(h, 'start_period', nonZeroDuration(base.start_period, over.start_period));
  setIfDefined(h, 'start_interval', nonZeroDuration(base.start_interval, over.start_interval));
  setIfDefined(h, 'disable', orTrue(base.disable, over.disable));
  return h;
}

function mergeEnvironment(
  base: Record<string, string | null>,
  over: Record<string, string | null>,
): Record<string, string | null> {
  const env = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (!Object.hasOwn(env, k) || (v !== null && v !== '')) env[k] = v;
    else if (env[k] === null || env[k] === '') env[k] = v;
  }
  return env;
}

function mergeNetworks(
  base?: Record<string, ServiceNetworkConfig | null>,
  over?: Record<string, ServiceNetworkConfig | null>,
): Record<string, ServiceNetworkConfig | null> | undefined {
  if (!base || !over) return over ?? base;
  const nets = { ...base };
  for (const [name, o] of Object.entries(over)) {
    const b = nets[name];
    if (!Object.hasOwn(nets, name) || !b) nets[name] = o;
    else if (o) {
      // docker replaces the aliases (even with none) and keeps unset addresses.
      const net: ServiceNetworkConfig = {};
      setIfDefined(net, 'aliases', o.aliases);
      setIfDefined(net, 'ipv4_address', nonEmpty(b.ipv4_address, o.ipv4_address));
      setIfDefined(net, 'ipv6_address', nonEmpty(b.ipv6_address, o.ipv6_address));
      nets[name] = net;
    }
  }
  return nets;
}

function mergeLogging(base?: ServiceConfig['logging'], over?: ServiceConfig['logging']): ServiceConfig['logging'] {
  if (!base || !over) return over ?? base;
  const sameDriver = !base.driver || !over.driver || base.driver === over.driver;
  if (!sameDriver) return over;
  const logging: NonNullable<ServiceConfig['logging']> = {};
  setIfDefined(logging, 'driver', base.driver || over.driver);
  // docker merges into the base's options map; when the base had none the
  // overlay's options are lost (reproduced, see header).
  if (base.options) logging.options = { ...base.options, ...over.options };
  return logging;
}

/**
 * docker's keyed slice merge: when the base list is non-empty, entries are
 * keyed, the overlay's entry replaces a base entry with the same key, and
 * the result is sorted (stable, base order first among equals).
 */
function mergeKeyed<T>(base: T[], over: T[], key: (item: T) => string, compare: (a: T, b: T) => number): T[] {
  if (base.length === 0) return [...over];
  const byKey = new Map<string, T>();
  for (const item of base) byKey.set(key(item), item);
  for (const item of over) byKey.set(key(item), item);
  return [...byKey.values()].sort(compare);
}

function portKey(p: ServicePortConfig): string {
  return String(p.published ?? 0);
}

function compareBy<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

function sortByKey<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(record).sort()) out[k] = record[k];
  return out;
}

/** Go zero-value rule for strings: an empty overlay value does not override. */
function nonEmpty<T extends string>(base: T | undefined, over: T | undefined): T | undefined {
  return over ? over : base;
}

function nonZero(base: number | undefined, over: number | undefined): number | undefined {
  return over ? over : base;
}

/** Go zero-value rule for bools: only `true` overrides (an unset base takes `false`). */
function orTrue(base: boolean | undefined, over: boolean | undefined): boolean | undefined {
  return over ? true : (base ?? over);
}

/** Durations: a zero duration (`0`, `0s`, `0ms`...) does not override. */
function nonZeroDuration(base: string | undefined, over: string | undefined): string | undefined {
  if (over === undefined || /^[-+]?(?:0+(?:\.0*)?[a-zµμ]*)+$/.test(over)) return base ?? over;
  return over;
}

/** Plain slices are appended (mergo WithAppendSlice). */
function append<T>(base: T[] | undefined, over: T[] | undefined): T[] | undefined {
  if (!base || !over) return over ?? base;
  return [...base, ...over];
}

/** ShellCommand: replaced when the overlay has a non-empty one. */
function replaceList(base: string[] | undefined, over: string[] | undefined): string[] | undefined {
  if (over && over.length > 0) return over;
  return base ?? over;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
