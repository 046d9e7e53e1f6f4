// The `deploy:` section (plus `ports:`) → the swarm-level parts of a
// ServiceSpec, mirroring docker/cli cli/compose/convert/service.go.

import type { DeployConfig, ServiceConfig, ServicePortConfig, UpdateConfig as ComposeUpdateConfig } from '../compose/types.js';
import { parseDuration } from '../duration.js';
import { compareStrings } from './namespace.js';
import { serviceError } from './service-error.js';
import type {
  EndpointSpec,
  FailureAction,
  GenericResource,
  Placement,
  PortConfig,
  ResourceRequirements,
  RestartCondition,
  RestartPolicy,
  ServiceMode,
  UpdateConfig,
  UpdateOrder,
} from './swarm-types.js';

export function convertMode(svc: ServiceConfig): ServiceMode {
  const { mode, replicas } = svc.deploy;
  const noReplicas = (): void => {
    if (replicas !== undefined) {
      throw serviceError(svc.name, 'deploy.replicas', `replicas can only be used with replicated or replicated-job mode, not ${mode}`);
    }
  };
  switch (mode) {
    case undefined:
    case 'replicated':
      // docker/cli sends Replicas unset and the daemon stores 1; sending the
      // 1 explicitly gives the same stored spec and a self-describing request.
      return { Replicated: { Replicas: replicas ?? 1 } };
    case 'global':
      noReplicas();
      return { Global: {} };
    case 'replicated-job':
      // One knob in compose drives both: run `replicas` tasks, all at once.
      return replicas === undefined
        ? { ReplicatedJob: {} }
        : { ReplicatedJob: { MaxConcurrent: replicas, TotalCompletions: replicas } };
    case 'global-job':
      noReplicas();
      return { GlobalJob: {} };
    default: {
      const unknown: never = mode;
      throw serviceError(svc.name, 'deploy.mode', `unknown mode "${String(unknown)}" (use replicated, global, replicated-job or global-job)`);
    }
  }
}

/** Always an object (possibly empty), as docker/cli sends it. */
export function convertResources(svc: ServiceConfig, warnings: string[]): ResourceRequirements {
  const source = svc.deploy.resources;
  const result: ResourceRequirements = {};
  if (source?.limits) {
    const { cpus, memory, pids } = source.limits;
    result.Limits = {};
    if (cpus !== undefined) result.Limits.NanoCPUs = parseCpus(cpus, svc.name, 'deploy.resources.limits.cpus');
    if (memory) result.Limits.MemoryBytes = memory;
    if (pids) result.Limits.Pids = pids;
  }
  if (source?.reservations) {
    const { cpus, memory, generic_resources } = source.reservations;
    result.Reservations = {};
    if (cpus !== undefined) {
      result.Reservations.NanoCPUs = parseCpus(cpus, svc.name, 'deploy.resources.reservations.cpus');
    }
    if (memory) result.Reservations.MemoryBytes = memory;
    const generic = convertGenericResources(svc.name, generic_resources ?? [], warnings);
    if (generic.length > 0) result.Reservations.GenericResources = generic;
  }
  // NanoCPUs 0 means "no limit"; drop it like Go's omitempty would.
  if (result.Limits?.NanoCPUs === 0) delete result.Limits.NanoCPUs;
  if (result.Reservations?.NanoCPUs === 0) delete result.Reservations.NanoCPUs;
  return result;
}

/**
 * `cpus: '0.5'` → 500000000. Like docker's opts.ParseCPUs the value must be
 * exact in nanoCPUs; it is parsed from the decimal digits, not via a float.
 */
export function parseCpus(value: string, service: string, key: string): number {
  const m = /^([0-9]*)(?:\.([0-9]*))?$/.exec(String(value).trim());
  if (!m || (m[1] === '' && !m[2])) {
    throw serviceError(service, key, `"${value}" is not a number of CPUs (e.g. '0.5')`);
  }
  const frac = m[2] ?? '';
  if (/[1-9]/.test(frac.slice(9))) {
    throw serviceError(service, key, `"${value}" is too precise (at most 9 decimal places)`);
  }
  return Number(m[1] || '0') * 1e9 + Number(frac.slice(0, 9).padEnd(9, '0'));
}

// Compose spelling: `generic_resources: [{discrete_resource_spec: {kind: gpu, value: 2}}]`.
function convertGenericResources(service: string, items: unknown[], warnings: string[]): GenericResource[] {
  const result: GenericResource[] = [];
  for (const item of items) {
    const spec = (item as { discrete_resource_spec?: { kind?: unknown; value?: unknown } } | null)?.discrete_resource_spec;
    if (spec && typeof spec.kind === 'string' && typeof spec.value === 'number') {
      result.push({ DiscreteResourceSpec: { Kind: spec.kind, Value: spec.value } });
    } else {
      warnings.push(
        `service ${service}: a deploy.resources.reservations.generic_resources entry without discrete_resource_spec {kind, value} was not applied`,
      );
    }
  }
  return result;
}

// Engine conditions, plus the `restart:` spellings people also put here.
const RESTART_CONDITIONS: Record<string, RestartCondition> = {
  none: 'none',
  no: 'none',
  'on-failure': 'on-failure',
  any: 'any',
  always: 'any',
  'unless-stopped': 'any',
};

/**
 * Only when `deploy.restart_policy` is given, as docker/cli does. Without
 * it the spec carries no RestartPolicy; `docker service inspect` then shows
 * the daemon default {Condition: any, Delay: 5s, MaxAttempts: 0} because
 * the CLI asks for `insertDefaults=true`.
 */
export function convertRestartPolicy(svc: ServiceConfig): RestartPolicy | undefined {
  const source = svc.deploy.restart_policy;
  if (!source) return undefined;
  const key = 'deploy.restart_policy';
  const policy: RestartPolicy = {};
  if (source.condition !== undefined) {
    const condition = RESTART_CONDITIONS[source.condition];
    if (!condition) {
      throw serviceError(svc.name, `${key}.condition`, `unknown restart condition "${source.condition}" (use none, on-failure or any)`);
    }
    policy.Condition = condition;
  }
  if (source.delay !== undefined) policy.Delay = parseDuration(source.delay, `services.${svc.name}.${key}.delay`);
  if (source.max_attempts !== undefined) policy.MaxAttempts = source.max_attempts;
  if (source.window !== undefined) policy.Window = parseDuration(source.window, `services.${svc.name}.${key}.window`);
  return policy;
}

const FAILURE_ACTIONS: readonly FailureAction[] = ['pause', 'continue', 'rollback'];
const ORDERS: readonly UpdateOrder[] = ['stop-first', 'start-first'];

/** `update_config` / `rollback_config`; absent → undefined (the daemon applies its defaults). */
export function convertUpdateConfig(
  svc: ServiceConfig,
  which: 'update_config' | 'rollback_config',
): UpdateConfig | undefined {
  const source: ComposeUpdateConfig | undefined = svc.deploy[which];
  if (!source) return undefined;
  const key = `deploy.${which}`;
  const path = `services.${svc.name}.${key}`;
  // docker/cli: Parallelism defaults to 1 once the section exists (0 = all at once).
  const config: UpdateConfig = { Parallelism: source.parallelism ?? 1 };
  // Delay and Monitor are plain (omitempty) durations in Go: 0 is not sent.
  const delay = source.delay === undefined ? 0 : parseDuration(source.delay, `${path}.delay`);
  if (delay !== 0) config.Delay = delay;
  if (source.failure_action !== undefined) {
    config.FailureAction = oneOf(svc.name, `${key}.failure_action`, source.failure_action, FAILURE_ACTIONS);
  }
  const monitor = source.monitor === undefined ? 0 : parseDuration(source.monitor, `${path}.monitor`);
  if (monitor !== 0) config.Monitor = monitor;
  if (source.max_failure_ratio !== undefined) config.MaxFailureRatio = source.max_failure_ratio;
  if (source.order !== undefined) config.Order = oneOf(svc.name, `${key}.order`, source.order, ORDERS);
  return config;
}

function oneOf<T extends string>(service: string, key: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    throw serviceError(service, key, `"${value}" is not one of ${allowed.join(', ')}`);
  }
  return found;
}

/** Always an object (possibly empty), as docker/cli sends it. */
export function convertPlacement(deploy: DeployConfig): Placement {
  const source = deploy.placement;
  const placement: Placement = {};
  if (source?.constraints && source.constraints.length > 0) placement.Constraints = [...source.constraints];
  if (source?.preferences && source.preferences.length > 0) {
    placement.Preferences = source.preferences.map((p) => ({ Spread: { SpreadDescriptor: p.spread } }));
  }
  if (source?.max_replicas_per_node) placement.MaxReplicas = source.max_replicas_per_node;
  return placement;
}

/** Always an object (possibly empty), as docker/cli sends it. */
export function convertEndpointSpec(svc: ServiceConfig): EndpointSpec {
  const spec: EndpointSpec = {};
  if (svc.deploy.endpoint_mode) spec.Mode = svc.deploy.endpoint_mode;
  const ports = svc.ports.map(convertPort).sort(comparePorts);
  if (ports.length > 0) spec.Ports = ports;
  return spec;
}

function convertPort(port: ServicePortConfig): PortConfig {
  const config: PortConfig = { Protocol: port.protocol, TargetPort: port.target };
  if (port.published !== undefined) config.PublishedPort = port.published;
  config.PublishMode = port.mode;
  return config;
}

// swarm.PortConfig.Compare: published, then target, protocol, publish mode.
function comparePorts(a: PortConfig, b: PortConfig): number {
  return (
    (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0) ||
    (a.TargetPort ?? 0) - (b.TargetPort ?? 0) ||
    compareStrings(a.Protocol ?? '', b.Protocol ?? '') ||
    compareStrings(a.PublishMode ?? '', b.PublishMode ?? '')
  );
}
