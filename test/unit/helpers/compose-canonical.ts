// Brings a loaded ComposeConfig and `docker stack config` output (parsed
// YAML) to one comparable shape, so golden tests can compare them field by
// field. Differences that are only presentation are removed here:
// - docker omits empty/false/zero fields (Go omitempty); we drop them on both sides;
// - docker prints durations as Go durations (`1m0s`) and memory as a string
//   of bytes; both become numbers (nanoseconds, bytes);
// - long-syntax ports without mode/protocol get Swarm's defaults.
// Maps whose entries are data (environment, labels, networks...) are kept
// as they are, null values included.

type Json = unknown;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go duration → nanoseconds. */
export function durationNs(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v);
  if (s === '0') return 0;
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) total += Number(m[1]) * units[m[2]];
  return Math.round(total);
}

/** Fields holding user data: kept as is (no pruning inside). */
const DATA_MAPS = new Set(['environment', 'labels', 'networks', 'sysctls', 'options', 'driver_opts', 'ulimits']);
const DURATIONS = new Set(['interval', 'timeout', 'start_period', 'start_interval', 'stop_grace_period', 'delay', 'monitor', 'window']);
/** Not compared: bookkeeping of ours, and keys docker prints but Swarm ignores. */
const IGNORE = new Set([
  'name', 'unsupported', 'ignored',
  'build', 'cgroupns_mode', 'cgroup_parent', 'devices', 'domainname', 'external_links', 'ipc', 'links',
  'mac_address', 'network_mode', 'pid', 'privileged', 'restart', 'security_opt', 'shm_size', 'userns_mode',
  'container_name', 'expose', 'depends_on',
]);

function canon(v: Json, key = '', depth = 0): Json {
  if (DURATIONS.has(key)) return durationNs(v);
  if (key === 'memory') return v === undefined ? undefined : Number(v);
  if (key === 'ulimits' && isObj(v)) {
    // ours: {nofile: {single: n}}; docker prints the single form as a bare number
    const out: Obj = {};
    for (const [k, u] of Object.entries(v)) out[k] = isObj(u) && u.single !== undefined ? u.single : u;
    return out;
  }
  if (DATA_MAPS.has(key) && isObj(v)) return Object.keys(v).length ? v : undefined;
  if (Array.isArray(v)) {
    const items = v.map((x) => canon(x, '', depth + 1));
    return items.length ? items : undefined;
  }
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) {
      if (depth === 0 && IGNORE.has(k)) continue;
      const c = canon(v[k], k, depth + 1);
      if (c === undefined || c === false || c === '' || c === 0) continue;
      if (isObj(c) && Object.keys(c).length === 0 && !['external'].includes(k)) continue;
      out[k] = c;
    }
    return out;
  }
  return v;
}

function canonPorts(ports: unknown): unknown {
  if (!Array.isArray(ports) || ports.length === 0) return undefined;
  return ports.map((p: Obj) => canon({ mode: 'ingress', protocol: 'tcp', ...p }));
}

/** One service, either side. */
export function canonService(s: Obj): Obj {
  const out = canon(s) as Obj;
  const ports = canonPorts(s.ports);
  if (ports) out.ports = ports;
  else delete out.ports;
  return out;
}

/** A whole config: services plus top-level objects, `x-*` extras dropped. */
export function canonConfig(c: Obj): Obj {
  const services: Obj = {};
  for (const [name, s] of Object.entries((c.services as Obj | undefined) ?? {})) services[name] = canonService(s as Obj);
  const out: Obj = { services };
  for (const section of ['networks', 'volumes', 'secrets', 'configs']) {
    const defs = (c[section] as Obj | undefined) ?? {};
    const o: Obj = {};
    for (const [name, def] of Object.entries(defs)) o[name] = isObj(def) ? canon(def, '', 1) ?? {} : {};
    out[section] = o;
  }
  return out;
}
