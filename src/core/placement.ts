// Where an app's services may run on a swarm of several nodes, decided
// without editing the recipe:
//   - `KITE_PLACEMENT_<SERVICE>` in the app env file (service name upper-cased,
//     every other character `_`) holds Swarm constraints, comma-separated,
//     added to the recipe's own (abra ignores such keys);
//   - a service whose data lives in named local volumes is pinned to the node
//     that holds them (`node.id==…`), unless something already pins it;
//   - a deploy whose services could only run on a node that is down or
//     drained is refused before anything changes.
// Pure: env, specs and the Engine's node JSON in, constraints and verdicts out.

import type { SwarmNode } from './engine-types.js';
import type { Mount, ServiceSpec } from './convert/swarm-types.js';
import { UsageError } from './errors.js';

export const PLACEMENT_PREFIX = 'KITE_PLACEMENT_';

/** `db` → KITE_PLACEMENT_DB, `my-app.web` → KITE_PLACEMENT_MY_APP_WEB */
export function placementKey(service: string): string {
  return PLACEMENT_PREFIX + service.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

// what `docker service create --constraint` accepts: node.id, node.hostname,
// node.role, node.platform.os|arch, node.labels.<k>, engine.labels.<k>. Read
// as Swarm reads it: split at the first `==` (else the first `!=`), the key
// letters, digits and - _ . only, the value those, spaces, : / and glob
// characters; anything else Swarm refuses only once a service is being
// created, half-way through a deploy (`value '=manager' is invalid`).
const CONSTRAINT_KEY = /^(node\.(id|hostname|role|platform\.os|platform\.arch)|(node|engine)\.labels\.[A-Za-z0-9_.-]+)$/;
const CONSTRAINT_VALUE = /^[A-Za-z0-9:_ \t.*()?+[\]\\^$|/-]+$/;

/** one constraint, as Swarm reads it: key, operator, value */
export function parseConstraint(c: string): { key: string; op: '==' | '!='; value: string } | undefined {
  const op = c.includes('==') ? '==' : c.includes('!=') ? '!=' : undefined;
  if (!op) return undefined;
  const at = c.indexOf(op);
  const key = c.slice(0, at).trim();
  const value = c.slice(at + op.length).trim();
  if (!CONSTRAINT_KEY.test(key) || !CONSTRAINT_VALUE.test(value)) return undefined;
  return { key, op, value };
}

/**
 * The KITE_PLACEMENT_* keys of an env file, per service key. A key naming no
 * service of the recipe, or a constraint Swarm would not read, is refused
 * with the file and key named: nothing is deployed.
 */
export function placementFromEnv(env: Record<string, string>, services: string[], envPath: string): Map<string, string[]> {
  const byKey = new Map(services.map((s) => [placementKey(s), s]));
  const out = new Map<string, string[]>();
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(PLACEMENT_PREFIX)) continue;
    const service = byKey.get(key);
    if (!service) {
      throw new UsageError(
        `${envPath}: ${key} names no service of the recipe`,
        `the recipe's services and their keys: ${services.map((s) => `${s} → ${placementKey(s)}`).join(', ')}`,
      );
    }
    const constraints = value.split(',').map((c) => c.trim()).filter(Boolean);
    for (const c of constraints) {
      if (!parseConstraint(c)) {
        throw new UsageError(
          `${envPath}: ${key}: "${c}" is not a Swarm placement constraint`,
          'write <attribute>==<value> or !=, comma-separated: node.labels.database==true,node.role==manager (attributes: node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<key>, engine.labels.<key>; label keys of letters, digits and - _ . only; values of letters, digits, spaces and - _ . : / * ? + ( ) [ ] ^ $ |)',
        );
      }
    }
    if (constraints.length) out.set(service, constraints);
  }
  return out;
}

/** the spec with extra constraints appended (those it already has are not repeated) */
export function withConstraints(spec: ServiceSpec, extra: string[]): ServiceSpec {
  if (extra.length === 0) return spec;
  const task = spec.TaskTemplate;
  const current = task.Placement?.Constraints ?? [];
  const constraints = [...current, ...extra.filter((c) => !current.includes(c))];
  return { ...spec, TaskTemplate: { ...task, Placement: { ...task.Placement, Constraints: constraints } } };
}

/** named volumes whose data lives on the node that runs the task (the local driver, no network filesystem) */
export function localVolumes(spec: ServiceSpec): string[] {
  return (spec.TaskTemplate.ContainerSpec?.Mounts ?? []).filter(isLocalVolume).map((m) => m.Source as string);
}

function isLocalVolume(m: Mount): boolean {
  if (m.Type !== 'volume' || !m.Source) return false;
  const driver = m.VolumeOptions?.DriverConfig;
  if (driver?.Name && driver.Name !== 'local') return false;
  const type = driver?.Options?.type ?? '';
  return !/^(nfs4?|cifs|smb|ceph|glusterfs)$/i.test(type);
}

/** a constraint that ties a service to chosen nodes: `==` on the node's id, hostname or a node label */
export function pinsService(constraints: string[]): boolean {
  return constraints.some((c) => {
    const p = parseConstraint(c);
    return p?.op === '==' && (p.key === 'node.id' || p.key === 'node.hostname' || p.key.startsWith('node.labels.'));
  });
}

export function pinConstraint(nodeId: string): string {
  return `node.id==${nodeId}`;
}

/** the node a `node.id==…` pin names, if the constraints hold one */
export function pinnedNodeId(constraints: string[]): string | undefined {
  for (const c of constraints) {
    const p = parseConstraint(c);
    if (p?.key === 'node.id' && p.op === '==') return p.value;
  }
  return undefined;
}

/** whether a node satisfies one constraint (engine labels are not in the node JSON kite reads: never matched) */
export function satisfies(n: SwarmNode, constraint: string): boolean {
  const p = parseConstraint(constraint);
  if (!p) return false;
  const actual =
    p.key === 'node.id' ? n.ID
    : p.key === 'node.hostname' ? n.Description?.Hostname
    : p.key === 'node.role' ? n.Spec.Role
    : p.key === 'node.platform.os' ? n.Description?.Platform?.OS
    : p.key === 'node.platform.arch' ? n.Description?.Platform?.Architecture
    : p.key.startsWith('node.labels.') ? n.Spec.Labels?.[p.key.slice('node.labels.'.length)]
    : undefined;
  const equal = actual !== undefined && actual.toLowerCase() === p.value.toLowerCase();
  return p.op === '==' ? equal : !equal;
}

export interface Unplaceable {
  service: string;
  constraints: string[];
  /** nodes that match the constraints but cannot take tasks now: `n2 (down since …)` */
  blocked: { hostname: string; state: string; availability: string; since?: string }[];
}

/**
 * A service whose constraints only match nodes that are down, drained or
 * paused (or no node at all) cannot run: undefined when it can.
 */
export function unplaceable(service: string, constraints: string[], nodes: SwarmNode[]): Unplaceable | undefined {
  const matching = nodes.filter((n) => constraints.every((c) => satisfies(n, c)));
  if (matching.some((n) => n.Status.State === 'ready' && n.Spec.Availability === 'active')) return undefined;
  return {
    service,
    constraints,
    blocked: matching.map((n) => ({ hostname: n.Description?.Hostname ?? n.ID, state: n.Status.State, availability: n.Spec.Availability, since: n.UpdatedAt })),
  };
}

/** `db needs node.labels.database==true: kite-lab-n2 is down (since 10:02:11)` */
export function describeUnplaceable(u: Unplaceable): string {
  const why = u.blocked.length === 0 ? 'no node matches' : u.blocked.map((b) => `${b.hostname} is ${b.state !== 'ready' ? `${b.state}${b.since ? ` (since ${b.since})` : ''}` : b.availability === 'drain' ? 'drained' : b.availability}`).join('; ');
  return `${u.service} can only run on a node matching ${u.constraints.join(',')}: ${why}`;
}

/** the Swarm config that records a pin: kp-<stack>_<service>, shortened with a hash past Swarm's 64 characters */
export function pinRecordName(stack: string, service: string): string {
  const full = `kp-${stack}_${service}`;
  if (full.length <= 64) return full;
  let h = 0x811c9dc5;
  for (const ch of full) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `${full.slice(0, 55)}-${h.toString(16).padStart(8, '0')}`;
}

/** nodes that can take a task of this spec now: ready, active, matching its constraints */
export function eligibleNodes(spec: ServiceSpec, nodes: SwarmNode[]): SwarmNode[] {
  const constraints = spec.TaskTemplate.Placement?.Constraints ?? [];
  return nodes.filter((n) => n.Status.State === 'ready' && n.Spec.Availability === 'active' && constraints.every((c) => satisfies(n, c)));
}

/** a replicated service whose max_replicas_per_node cannot fit its replicas on the nodes that can take it */
export function tooFewNodes(service: string, spec: ServiceSpec, nodes: SwarmNode[]): string | undefined {
  const max = spec.TaskTemplate.Placement?.MaxReplicas;
  const replicas = spec.Mode?.Replicated?.Replicas;
  if (!max || replicas === undefined) return undefined;
  const eligible = eligibleNodes(spec, nodes).length;
  if (eligible * max >= replicas) return undefined;
  return `${service} wants ${replicas} replicas, at most ${max} per node (max_replicas_per_node), but only ${eligible} node${eligible === 1 ? '' : 's'} can take it`;
}

/**
 * A service kite pins to the node holding its data: named local volumes and
 * one task (several replicas, or a global service, have a volume on each of
 * their nodes).
 */
export function needsPin(spec: ServiceSpec): boolean {
  return localVolumes(spec).length > 0 && Boolean(spec.Mode?.Replicated) && (spec.Mode?.Replicated?.Replicas ?? 1) === 1;
}
