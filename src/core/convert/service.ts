// One compose service → one swarm ServiceSpec, as `docker stack deploy`
// builds it (docker/cli cli/compose/convert/service.go, convert.Service).
// Pure: no daemon, no files. Secret and config IDs are left '' for the deploy
// step; everything else is final.

import { isIP } from 'node:net';
import type { ComposeConfig, HealthcheckConfig, ServiceConfig } from '../compose/types.js';
import { parseDuration } from '../duration.js';
import {
  convertEndpointSpec,
  convertMode,
  convertPlacement,
  convertResources,
  convertRestartPolicy,
  convertUpdateConfig,
} from './deploy.js';
import { convertConfigRefs, convertSecretRefs } from './file-refs.js';
import { convertMounts } from './mounts.js';
import { compareStrings, IMAGE_LABEL, scope, withStackLabel } from './namespace.js';
import { convertServiceNetworks } from './networks.js';
import { serviceError } from './service-error.js';
import type { ContainerSpec, DNSConfig, HealthConfig, ServiceSpec, TaskSpec, Ulimit } from './swarm-types.js';

export interface ConvertedService {
  spec: ServiceSpec;
  /** Things in the compose file that were not applied; never dropped silently. */
  warnings: string[];
}

export function convertService(stack: string, svc: ServiceConfig, cfg: ComposeConfig): ConvertedService {
  const warnings: string[] = [
    ...svc.unsupported.map((key) => `service ${svc.name}: key "${key}" is not supported by kite and was not applied`),
    ...svc.ignored.map((key) => `service ${svc.name}: key "${key}" is ignored by docker stack deploy`),
  ];
  if (svc.tmpfs && svc.tmpfs.length > 0) {
    // docker/cli's convert never reads service-level `tmpfs`.
    warnings.push(
      `service ${svc.name}: key "tmpfs" is ignored by docker stack deploy; use a volumes: entry with type: tmpfs`,
    );
  }
  if (!svc.image) {
    throw serviceError(svc.name, 'image', 'no image: every service needs an image: to run on swarm');
  }

  const container = convertContainer(stack, svc, cfg, warnings);

  const taskTemplate: TaskSpec = {
    ContainerSpec: container,
    Resources: convertResources(svc, warnings),
  };
  const restartPolicy = convertRestartPolicy(svc);
  if (restartPolicy) taskTemplate.RestartPolicy = restartPolicy;
  taskTemplate.Placement = convertPlacement(svc.deploy);
  taskTemplate.Networks = convertServiceNetworks(stack, svc, cfg.networks, warnings);
  if (svc.logging) {
    taskTemplate.LogDriver = {};
    if (svc.logging.driver) taskTemplate.LogDriver.Name = svc.logging.driver;
    if (svc.logging.options && Object.keys(svc.logging.options).length > 0) {
      taskTemplate.LogDriver.Options = { ...svc.logging.options };
    }
  }

  const spec: ServiceSpec = {
    Name: scope(stack, svc.name),
    // `deploy.labels` are the service's labels (where coop-cloud.* live);
    // plain `labels` go on the containers.
    Labels: { ...withStackLabel(stack, svc.deploy.labels), [IMAGE_LABEL]: svc.image },
    TaskTemplate: taskTemplate,
    Mode: convertMode(svc),
  };
  const update = convertUpdateConfig(svc, 'update_config');
  if (update) spec.UpdateConfig = update;
  const rollback = convertUpdateConfig(svc, 'rollback_config');
  if (rollback) spec.RollbackConfig = rollback;
  spec.EndpointSpec = convertEndpointSpec(svc);

  return { spec, warnings };
}

function convertContainer(
  stack: string,
  svc: ServiceConfig,
  cfg: ComposeConfig,
  warnings: string[],
): ContainerSpec {
  const path = `services.${svc.name}`;
  const c: ContainerSpec = {
    Image: svc.image ?? '',
    Labels: withStackLabel(stack, svc.labels),
    // as docker stack deploy: an empty Privileges is not the same task spec as none,
    // so leaving it out would restart every task of a stack the docker CLI deployed
    Privileges: {},
  };
  // Compose and the Engine API disagree on names: compose `entrypoint` is
  // the Engine's Command, compose `command` is its Args.
  if (svc.entrypoint && svc.entrypoint.length > 0) c.Command = [...svc.entrypoint];
  if (svc.command && svc.command.length > 0) c.Args = [...svc.command];
  if (svc.hostname) c.Hostname = svc.hostname;
  // `env_file` entries were already merged into `environment` by the loader.
  const env = convertEnvironment(svc.environment);
  if (env.length > 0) c.Env = env;
  if (svc.working_dir) c.Dir = svc.working_dir;
  if (svc.user) c.User = svc.user;
  if (svc.init !== undefined) c.Init = svc.init;
  if (svc.stop_signal) c.StopSignal = svc.stop_signal;
  if (svc.tty) c.TTY = true;
  if (svc.stdin_open) c.OpenStdin = true;
  if (svc.read_only) c.ReadOnly = true;

  const mounts = convertMounts(stack, svc, cfg.volumes, warnings);
  if (mounts.length > 0) c.Mounts = mounts;
  if (svc.stop_grace_period !== undefined) {
    c.StopGracePeriod = parseDuration(svc.stop_grace_period, `${path}.stop_grace_period`);
  }
  const healthcheck = convertHealthcheck(svc.name, svc.healthcheck);
  if (healthcheck) c.Healthcheck = healthcheck;
  const hosts = convertExtraHosts(svc.name, svc.extra_hosts ?? [], warnings);
  if (hosts.length > 0) c.Hosts = hosts;
  const dns = convertDnsConfig(svc.name, svc.dns ?? [], svc.dns_search ?? [], warnings);
  if (dns) c.DNSConfig = dns;

  const secrets = convertSecretRefs(stack, svc, cfg.secrets);
  if (secrets.length > 0) c.Secrets = secrets;
  const configs = convertConfigRefs(stack, svc, cfg.configs);
  if (configs.length > 0) c.Configs = configs;

  if (svc.sysctls && Object.keys(svc.sysctls).length > 0) c.Sysctls = { ...svc.sysctls };
  const { add, drop } = effectiveCapabilities(svc.cap_add ?? [], svc.cap_drop ?? []);
  if (add.length > 0) c.CapabilityAdd = add;
  if (drop.length > 0) c.CapabilityDrop = drop;
  const ulimits = convertUlimits(svc.ulimits ?? {});
  if (ulimits.length > 0) c.Ulimits = ulimits;
  return c;
}

/** `KEY=VALUE` sorted as strings (Go's sort.Strings); a null value is a bare `KEY`. */
export function convertEnvironment(environment: Record<string, string | null>): string[] {
  return Object.entries(environment)
    .map(([key, value]) => (value === null ? key : `${key}=${value}`))
    .sort(compareStrings);
}

export function convertHealthcheck(service: string, hc: HealthcheckConfig | undefined): HealthConfig | undefined {
  if (!hc) return undefined;
  const path = `services.${service}.healthcheck`;
  if (hc.disable) {
    if (hc.test && hc.test.length > 0) {
      throw serviceError(service, 'healthcheck', 'test and disable can\'t be set at the same time');
    }
    return { Test: ['NONE'] };
  }
  // An absent test keeps the image's own HEALTHCHECK command.
  const result: HealthConfig = {};
  if (hc.test && hc.test.length > 0) result.Test = [...hc.test];
  const durations = [
    ['interval', 'Interval'],
    ['timeout', 'Timeout'],
    ['start_period', 'StartPeriod'],
    ['start_interval', 'StartInterval'],
  ] as const;
  for (const [from, to] of durations) {
    const value = hc[from];
    if (value === undefined) continue;
    const nanos = parseDuration(value, `${path}.${from}`);
    if (nanos !== 0) result[to] = nanos;
  }
  if (hc.retries) result.Retries = hc.retries;
  return result;
}

/**
 * Compose `host:ip` (or the newer `host=ip`) → swarm's `ip host`, the
 * /etc/hosts order, keeping the compose order (docker/cli convertExtraHosts).
 * docker splits at the first `:`, which keeps IPv6 addresses whole.
 */
function convertExtraHosts(service: string, entries: string[], warnings: string[]): string[] {
  const hosts: string[] = [];
  for (const entry of entries) {
    const sep = entry.includes('=') ? '=' : ':';
    const at = entry.indexOf(sep);
    if (at <= 0 || at === entry.length - 1) {
      warnings.push(`service ${service}: extra_hosts entry "${entry}" is not host:ip and was not applied`);
      continue;
    }
    let ip = entry.slice(at + 1);
    // Compose allows `host=[::1]`; /etc/hosts wants the bare address.
    if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    hosts.push(`${ip} ${entry.slice(0, at)}`);
  }
  return hosts;
}

/** docker/cli drops nameservers that are not IP addresses; we say so. */
function convertDnsConfig(
  service: string,
  dns: string[],
  search: string[],
  warnings: string[],
): DNSConfig | undefined {
  if (dns.length === 0 && search.length === 0) return undefined;
  const config: DNSConfig = {};
  const nameservers = dns.filter((ip) => {
    if (isIP(ip) !== 0) return true;
    warnings.push(`service ${service}: dns entry "${ip}" is not an IP address and was not applied`);
    return false;
  });
  if (nameservers.length > 0) config.Nameservers = nameservers;
  if (search.length > 0) config.Search = [...search];
  return config;
}

/**
 * docker/cli opts.EffectiveCapAddCapDrop: upper-case, `CAP_` prefix, `ALL`
 * trumps everything else on its side, adding beats dropping, no duplicates,
 * sorted.
 */
export function effectiveCapabilities(add: string[], drop: string[]): { add: string[]; drop: string[] } {
  const normalise = (cap: string): string => {
    const upper = cap.trim().toUpperCase();
    if (upper === 'ALL' || upper === 'RESET' || upper.startsWith('CAP_')) return upper;
    return `CAP_${upper}`;
  };
  const toSet = (caps: string[]): Set<string> => {
    const set = new Set(caps.map(normalise));
    return set.has('ALL') ? new Set(['ALL']) : set;
  };
  const addSet = toSet(add);
  const dropSet = toSet(drop);
  // RESET only means something to `docker service update`.
  return {
    add: [...addSet].filter((c) => c !== 'RESET').sort(compareStrings),
    drop: [...dropSet].filter((c) => c !== 'RESET' && !addSet.has(c)).sort(compareStrings),
  };
}

/** `nofile: 1024` sets soft and hard alike; sorted by name as docker/cli does. */
function convertUlimits(
  ulimits: Record<string, { single?: number; soft?: number; hard?: number }>,
): Ulimit[] {
  return Object.entries(ulimits)
    .map(([name, u]) =>
      u.single ? { Name: name, Soft: u.single, Hard: u.single } : { Name: name, Soft: u.soft ?? 0, Hard: u.hard ?? 0 },
    )
    .sort((a, b) => compareStrings(a.Name, b.Name));
}
