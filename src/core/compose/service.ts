// One service of a compose file → ServiceConfig, expanding docker/cli's
// short syntaxes (environment and label lists, `- secret` references,
// network lists, command strings, healthcheck test strings, extra_hosts
// maps...). Keys `docker stack deploy` ignores are listed in `ignored`,
// keys kite does not model in `unsupported`.

import type { HealthcheckConfig, ServiceConfig, ServiceFileRef, ServiceNetworkConfig } from './types.js';
import type { Lookup } from '../interpolate.js';
import { splitShellWords, ShellWordsError } from './shell-words.js';
import { readDeploy } from './deploy.js';
import { readPorts } from './ports.js';
import { readServiceVolumes, type VolumePathOptions } from './volumes.js';
import { isObj, setIfDefined, type Obj, type Reader } from './read.js';

/** Service keys `docker stack deploy` accepts but does not apply to Swarm services. */
export const IGNORED_SERVICE_KEYS: ReadonlySet<string> = new Set([
  // docker/cli UnsupportedProperties ("Ignoring unsupported options: ...")
  'build', 'cgroupns_mode', 'cgroup_parent', 'devices', 'domainname', 'external_links', 'ipc', 'links',
  'mac_address', 'network_mode', 'pid', 'privileged', 'restart', 'security_opt', 'shm_size', 'userns_mode',
  // DeprecatedProperties ("Ignoring deprecated options: ...")
  'container_name', 'expose',
  // accepted by the schema, meaningless for Swarm
  'depends_on',
  // docker compose only (docker stack rejects it; we tolerate it)
  'profiles',
]);

/** docker/cli refuses files using these (ForbiddenProperties). */
const FORBIDDEN_SERVICE_KEYS: Record<string, string> = {
  extends: 'support for `extends` is not implemented',
  volume_driver: 'define a volume with a driver under the top-level `volumes` instead',
  volumes_from: 'share a volume by defining it under the top-level `volumes` and mounting it in each service',
  cpu_quota: 'set resource limits under deploy.resources',
  cpu_shares: 'set resource limits under deploy.resources',
  cpuset: 'set resource limits under deploy.resources',
  mem_limit: 'set resource limits under deploy.resources',
  memswap_limit: 'set resource limits under deploy.resources',
};

/** Service keys kite models. Anything else (not ignored, not x-*) is "unsupported". */
const SERVICE_KEYS = new Set([
  'image', 'command', 'entrypoint', 'environment', 'env_file', 'labels', 'deploy', 'secrets', 'configs',
  'networks', 'volumes', 'ports', 'healthcheck', 'user', 'working_dir', 'hostname', 'stop_grace_period',
  'stop_signal', 'cap_add', 'cap_drop', 'sysctls', 'ulimits', 'extra_hosts', 'dns', 'dns_search', 'init',
  'tty', 'stdin_open', 'read_only', 'tmpfs', 'logging',
]);

const HEALTHCHECK_KEYS = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable']);

export interface ServiceOptions extends VolumePathOptions {
  /** variables for `environment` entries given without a value */
  lookup: Lookup;
}

export function readService(name: string, s: Obj, r: Reader, opts: ServiceOptions): ServiceConfig {
  const at = (k: string) => `services.${name}.${k}`;
  const ignored: string[] = [];
  const unsupported: string[] = [];
  const unknown = (path: string) => unsupported.push(path.slice(`services.${name}.`.length));

  for (const k of Object.keys(s)) {
    const why = FORBIDDEN_SERVICE_KEYS[k];
    if (why) r.fail(at(k), `${k} is not allowed in stack files`, why);
    if (IGNORED_SERVICE_KEYS.has(k)) ignored.push(k);
    else if (!SERVICE_KEYS.has(k) && !k.startsWith('x-')) unsupported.push(k);
  }

  const service: ServiceConfig = {
    name,
    environment: readEnvironment(s.environment, at('environment'), r, opts.lookup),
    labels: r.mapping(s.labels, at('labels'), '=', false),
    deploy: readDeploy(s.deploy, at('deploy'), r, unknown),
    secrets: readFileRefs(s.secrets, at('secrets'), r, unknown),
    configs: readFileRefs(s.configs, at('configs'), r, unknown),
    volumes: readServiceVolumes(s.volumes, at('volumes'), r, opts, unknown),
    ports: readPorts(s.ports, at('ports'), r, unknown),
    unsupported,
    ignored,
  };

  setIfDefined(service, 'image', r.string(s.image, at('image')));
  setIfDefined(service, 'command', readShellCommand(s.command, at('command'), r));
  setIfDefined(service, 'entrypoint', readShellCommand(s.entrypoint, at('entrypoint'), r));
  // env_file is kept as a list of paths: reading those files is I/O, left to the caller.
  setIfDefined(service, 'env_file', r.stringOrList(s.env_file, at('env_file')));
  setIfDefined(service, 'networks', readServiceNetworks(s.networks, at('networks'), r, unknown));
  setIfDefined(service, 'healthcheck', readHealthcheck(s.healthcheck, at('healthcheck'), r, unknown));
  setIfDefined(service, 'user', r.string(s.user, at('user')));
  setIfDefined(service, 'working_dir', r.string(s.working_dir, at('working_dir')));
  setIfDefined(service, 'hostname', r.string(s.hostname, at('hostname')));
  setIfDefined(service, 'stop_grace_period', r.duration(s.stop_grace_period, at('stop_grace_period')));
  setIfDefined(service, 'stop_signal', r.string(s.stop_signal, at('stop_signal')));
  setIfDefined(service, 'cap_add', r.strings(s.cap_add, at('cap_add')));
  setIfDefined(service, 'cap_drop', r.strings(s.cap_drop, at('cap_drop')));
  if (s.sysctls !== undefined && s.sysctls !== null) service.sysctls = r.mapping(s.sysctls, at('sysctls'), '=', false);
  setIfDefined(service, 'ulimits', readUlimits(s.ulimits, at('ulimits'), r));
  setIfDefined(service, 'extra_hosts', readExtraHosts(s.extra_hosts, at('extra_hosts'), r));
  setIfDefined(service, 'dns', r.stringOrList(s.dns, at('dns')));
  setIfDefined(service, 'dns_search', r.stringOrList(s.dns_search, at('dns_search')));
  setIfDefined(service, 'tmpfs', r.stringOrList(s.tmpfs, at('tmpfs')));
  setIfDefined(service, 'init', r.bool(s.init, at('init')));
  setIfDefined(service, 'tty', r.bool(s.tty, at('tty')));
  setIfDefined(service, 'stdin_open', r.bool(s.stdin_open, at('stdin_open')));
  setIfDefined(service, 'read_only', r.bool(s.read_only, at('read_only')));
  setIfDefined(service, 'logging', readLogging(s.logging, at('logging'), r, unknown));
  return service;
}

/**
 * environment: list or mapping. An entry without a value (`- KEY`, `KEY:`)
 * takes the variable's value when it is set, else stays null. As in docker,
 * an EMPTY value (`- KEY=`) is also replaced when the variable is set.
 */
function readEnvironment(v: unknown, key: string, r: Reader, lookup: Lookup): Record<string, string | null> {
  const env = r.mapping(v, key, '=', true);
  for (const [k, value] of Object.entries(env)) {
    if (value === null || value === '') {
      const fromEnv = lookup(k);
      if (fromEnv !== undefined) env[k] = fromEnv;
    }
  }
  return env;
}

/** command/entrypoint: a string is split into words like a shell would (no expansion). */
function readShellCommand(v: unknown, key: string, r: Reader): string[] | undefined {
  if (typeof v === 'string') {
    try {
      return splitShellWords(v);
    } catch (e) {
      if (e instanceof ShellWordsError) r.fail(key, `cannot split into words: ${e.message}`);
      throw e;
    }
  }
  return r.strings(v, key);
}

/** secrets/configs of a service: `- name` or `- {source, target, uid, gid, mode}`. */
function readFileRefs(v: unknown, key: string, r: Reader, unknown: (path: string) => void): ServiceFileRef[] {
  return (r.list(v, key) ?? []).map((entry, i) => {
    const at = `${key}[${i}]`;
    if (typeof entry === 'string') return { source: entry };
    if (!isObj(entry)) r.fail(at, 'must be a name or a mapping');
    r.checkKeys(entry, new Set(['source', 'target', 'uid', 'gid', 'mode']), at, unknown);
    const source = r.string(entry.source, `${at}.source`);
    if (!source) r.fail(`${at}.source`, 'is required');
    const ref: ServiceFileRef = { source };
    setIfDefined(ref, 'target', r.string(entry.target, `${at}.target`));
    setIfDefined(ref, 'uid', r.string(entry.uid, `${at}.uid`));
    setIfDefined(ref, 'gid', r.string(entry.gid, `${at}.gid`));
    setIfDefined(ref, 'mode', r.uint(entry.mode, `${at}.mode`));
    return ref;
  });
}

/** networks of a service: list of names (→ null options) or mapping. */
function readServiceNetworks(
  v: unknown,
  key: string,
  r: Reader,
  unknown: (path: string) => void,
): Record<string, ServiceNetworkConfig | null> | undefined {
  if (v === undefined || v === null) return undefined;
  const out: Record<string, ServiceNetworkConfig | null> = {};
  if (Array.isArray(v)) {
    v.forEach((name, i) => {
      const n = r.string(name, `${key}[${i}]`);
      if (n === undefined) r.fail(`${key}[${i}]`, 'must be a network name');
      out[n] = null;
    });
    return out;
  }
  for (const [name, def] of Object.entries(r.obj(v, key))) {
    if (def === null || def === undefined) {
      out[name] = null;
      continue;
    }
    const at = `${key}.${name}`;
    const o = r.obj(def, at);
    r.checkKeys(o, new Set(['aliases', 'ipv4_address', 'ipv6_address']), at, unknown);
    const net: ServiceNetworkConfig = {};
    setIfDefined(net, 'aliases', r.strings(o.aliases, `${at}.aliases`));
    setIfDefined(net, 'ipv4_address', r.string(o.ipv4_address, `${at}.ipv4_address`));
    setIfDefined(net, 'ipv6_address', r.string(o.ipv6_address, `${at}.ipv6_address`));
    out[name] = net;
  }
  return out;
}

function readHealthcheck(
  v: unknown,
  key: string,
  r: Reader,
  unknown: (path: string) => void,
): HealthcheckConfig | undefined {
  if (v === undefined || v === null) return undefined;
  const o = r.obj(v, key);
  r.checkKeys(o, HEALTHCHECK_KEYS, key, unknown);
  const hc: HealthcheckConfig = {};
  // A string test runs through the shell.
  if (typeof o.test === 'string') hc.test = ['CMD-SHELL', o.test];
  else setIfDefined(hc, 'test', r.strings(o.test, `${key}.test`));
  setIfDefined(hc, 'interval', r.duration(o.interval, `${key}.interval`));
  setIfDefined(hc, 'timeout', r.duration(o.timeout, `${key}.timeout`));
  setIfDefined(hc, 'retries', r.uint(o.retries, `${key}.retries`));
  setIfDefined(hc, 'start_period', r.duration(o.start_period, `${key}.start_period`));
  setIfDefined(hc, 'start_interval', r.duration(o.start_interval, `${key}.start_interval`));
  setIfDefined(hc, 'disable', r.bool(o.disable, `${key}.disable`));
  return hc;
}

function readUlimits(v: unknown, key: string, r: Reader): ServiceConfig['ulimits'] {
  if (v === undefined || v === null) return undefined;
  const out: NonNullable<ServiceConfig['ulimits']> = {};
  for (const [name, def] of Object.entries(r.obj(v, key))) {
    const at = `${key}.${name}`;
    if (typeof def === 'number') out[name] = { single: r.int(def, at) };
    else {
      const o = r.obj(def, at);
      out[name] = { soft: r.int(o.soft, `${at}.soft`), hard: r.int(o.hard, `${at}.hard`) };
    }
  }
  return out;
}

/** extra_hosts: a list of `host:ip`, or a mapping host → ip (→ sorted `host:ip` list). */
function readExtraHosts(v: unknown, key: string, r: Reader): string[] | undefined {
  if (v === undefined || v === null || Array.isArray(v)) return r.strings(v, key);
  const map = r.mapping(v, key, ':', true);
  return Object.entries(map)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([host, ip]) => `${host}:${ip}`)
    .sort();
}

function readLogging(
  v: unknown,
  key: string,
  r: Reader,
  unknown: (path: string) => void,
): ServiceConfig['logging'] {
  if (v === undefined || v === null) return undefined;
  const o = r.obj(v, key);
  r.checkKeys(o, new Set(['driver', 'options']), key, unknown);
  const logging: NonNullable<ServiceConfig['logging']> = {};
  setIfDefined(logging, 'driver', r.string(o.driver, `${key}.driver`));
  if (o.options !== undefined && o.options !== null) logging.options = r.mapping(o.options, `${key}.options`, '=', false);
  return logging;
}
