// `ports:` entries → ServicePortConfig, following docker/cli
// (go-connections nat.ParsePortSpec + opts.ConvertPortToPortConfig).
//
// Short syntax: `[ip:][published:]target[/protocol]`, where published and
// target may be ranges (`9000-9001:90-91`). A published range with a single
// target (`8000-8002:80`) publishes the target on each of those ports. A host
// IP is accepted but ignored (Swarm always listens on all addresses; docker
// prints a warning). Short-syntax ports are `ingress` mode.

import type { ServicePortConfig } from './types.js';
import { isObj, type Reader } from './read.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
const MODES = new Set(['ingress', 'host']);
const LONG_KEYS = new Set(['mode', 'target', 'published', 'protocol']);

export function readPorts(
  v: unknown,
  key: string,
  r: Reader,
  unknown: (path: string) => void,
): ServicePortConfig[] {
  const out: ServicePortConfig[] = [];
  (r.list(v, key) ?? []).forEach((entry, i) => {
    const at = `${key}[${i}]`;
    if (typeof entry === 'number') out.push(...parsePortSpec(String(entry), at, r));
    else if (typeof entry === 'string') out.push(...parsePortSpec(entry, at, r));
    else if (isObj(entry)) out.push(readLongPort(entry, at, r, unknown));
    else r.fail(at, 'must be a port number, a string or a mapping');
  });
  return out;
}

function readLongPort(o: Record<string, unknown>, key: string, r: Reader, unknown: (path: string) => void): ServicePortConfig {
  r.checkKeys(o, LONG_KEYS, key, unknown);
  const target = r.uint(o.target, `${key}.target`);
  if (target === undefined) r.fail(`${key}.target`, 'is required');
  // Defaults are Swarm's: ingress mode, tcp. (docker/cli leaves them empty
  // in long syntax and lets the daemon default them; the result is the same.)
  const mode = r.string(o.mode, `${key}.mode`) || 'ingress';
  if (!MODES.has(mode)) r.fail(`${key}.mode`, `must be "ingress" or "host", not ${JSON.stringify(mode)}`);
  const protocol = (r.string(o.protocol, `${key}.protocol`) || 'tcp').toLowerCase();
  if (!PROTOCOLS.has(protocol)) r.fail(`${key}.protocol`, `invalid protocol ${JSON.stringify(protocol)}`);
  const port: ServicePortConfig = {
    mode: mode as ServicePortConfig['mode'],
    target,
    protocol: protocol as ServicePortConfig['protocol'],
  };
  const published = readPublished(o.published, `${key}.published`, r);
  if (published !== undefined) port.published = published;
  return port;
}

function readPublished(v: unknown, key: string, r: Reader): number | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return r.uint(v, key);
}

/** Parses one short-syntax port spec into one or more port configs. */
export function parsePortSpec(spec: string, key: string, r: Reader): ServicePortConfig[] {
  const bad = (why: string): never => r.fail(key, `invalid port ${JSON.stringify(spec)}: ${why}`);

  // [ip:][host:]container — the IP may itself contain colons (IPv6).
  const parts = spec.split(':');
  const containerPart = parts[parts.length - 1];
  const hostPart = parts.length >= 2 ? parts[parts.length - 2] : '';
  const ip = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  if (ip && !isIpAddress(ip.replace(/^\[(.*)\]$/, '$1'))) bad(`invalid IP address ${ip}`);

  const [containerRange, protocolRaw] = splitProtocol(containerPart);
  if (!containerRange) bad('no port specified');
  const protocol = protocolRaw.toLowerCase();
  if (!PROTOCOLS.has(protocol)) bad(`invalid protocol ${protocolRaw}`);

  const target = parseRange(containerRange) ?? bad(`invalid container port ${containerRange}`);
  const host = hostPart ? (parseRange(hostPart) ?? bad(`invalid host port ${hostPart}`)) : undefined;
  const targetCount = target[1] - target[0];
  if (host && host[1] - host[0] !== targetCount && targetCount !== 0) {
    bad(`ranges of container (${containerRange}) and host (${hostPart}) ports differ`);
  }

  const ports: ServicePortConfig[] = [];
  // docker sorts the generated container ports as strings ("100/tcp" < "90/tcp").
  const targets = Array.from({ length: targetCount + 1 }, (_, i) => target[0] + i);
  const order = targets
    .map((port, i) => ({ port, i, sortKey: `${port}/${protocol}` }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  for (const { port, i } of order) {
    let published: [number, number] | undefined;
    if (host) {
      // One target with a published range: publish on every port of it.
      published = targetCount === 0 ? host : [host[0] + i, host[0] + i];
    }
    const proto = protocol as ServicePortConfig['protocol'];
    if (!published) ports.push({ mode: 'ingress', target: port, protocol: proto });
    else {
      for (let p = published[0]; p <= published[1]; p++) {
        ports.push({ mode: 'ingress', target: port, published: p, protocol: proto });
      }
    }
  }
  return ports;
}

/** `80/udp` → ['80','udp']; no protocol → tcp. */
function splitProtocol(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw === '' || parts[0] === '') return ['', ''];
  if (parts.length === 1 || parts[1] === '') return [parts[0], 'tcp'];
  return [parts[0], parts[1]];
}

/** `80` → [80,80]; `80-90` → [80,90]; undefined when invalid. */
function parseRange(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) return undefined;
  return [start, end];
}

function isIpAddress(s: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s)) {
    return s.split('.').every((octet) => Number(octet) <= 255);
  }
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s);
}
