// Deploy an app: check everything first (nothing is created when a check
// fails), then apply networks, configs, secrets and services the way
// `docker stack deploy` does, then watch convergence. When a running version
// was replaced and the new one fails, put the previous specs back.

import { join } from 'node:path';
import type { DistributionInspect, DockerPort, Service } from '../ports/docker.js';
import type { ServiceSpec } from '../core/convert/swarm-types.js';
import { convertStack, type StackSpec } from '../core/convert/stack.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { applyAbraConventions, declaredVersion, deployTimeoutSeconds } from '../core/abra-labels.js';
import type { DeployedMeta } from '../core/deploy-version.js';
import { APP_SERVICE, labelKey } from '../core/abra-labels.js';
import { ApplyFailedError, ConflictError, DeployFailedError, DockerApiError, NotFoundError, RecipeError, SshError } from '../core/errors.js';
import type { Clock } from '../ports/clock.js';
import { sameServiceSpec } from '../core/spec-equal.js';
import { monitorMs } from '../core/convergence.js';
import { digestWarning, hasDigest, imageToQuery, pinnedImage, placementPlatforms } from '../core/image-pin.js';
import { secretEnvKey } from '../core/secrets.js';
import type { LoadedApp } from './load-app.js';
import type { RecipeFileStore } from '../ports/recipe-files.js';
import { INSIDE_RECIPE_HINT } from '../core/recipe-path.js';
import type { DeployEvent } from './events.js';
import { watchConvergence, type WatchFailure, type WatchTarget } from './watch.js';
import { describeUnplaceable, tooFewNodes, localVolumes, needsPin, pinConstraint, pinnedNodeId, pinsService, placementFromEnv, placementKey, unplaceable, withConstraints } from '../core/placement.js';
import { nodeHostname } from '../core/nodes.js';
import { readPins, runningNode, writePin, type PinRecord } from './pins.js';

export interface DeployOptions {
  force?: boolean;
  /** what is being deployed; default: the version label the recipe declares */
  identity?: { version?: string; chaos: boolean; chaosVersion?: string };
  noConvergeChecks?: boolean;
  /** put the previous specs back when the new version fails (default true) */
  rollback?: boolean;
  /** overrides the timeout label / TIMEOUT (tests, operators in a hurry) */
  timeoutSeconds?: number;
  pollMs?: number;
  /** Ctrl-C: stop watching convergence (the server goes on) */
  signal?: AbortSignal;
  /** do not pin stateful services to the node holding their volumes (a warning says what that risks) */
  noPin?: boolean;
  /** after a failed deploy, before the previous specs go back (a safe upgrade restores the volumes here) */
  beforeRollback?: () => AsyncGenerator<DeployEvent, void>;
}

/** applying waits (retries, convergence) on this clock */
export type ApplyOptions = DeployOptions & { clock: Clock };

export interface DeployResult {
  stack: string;
  version?: string;
  converged: boolean;
  /** nothing was changed on the server: every service already ran this spec */
  unchanged?: boolean;
}

/** What a deploy will do, computed without changing anything on the server. */
export interface DeployPlan {
  app: LoadedApp;
  spec: StackSpec;
  existing: Map<string, Service>;
  secretIds: Map<string, string>;
  configIds: Map<string, string>;
  configData: Map<string, string>;
  secretData: Map<string, string>;
  missingNetworks: StackSpec['networks'];
  /** network name → ID, as Swarm stores a service's networks */
  networkIds: Map<string, string>;
  /** the server's clock when planning (ms), to tell settled tasks from young ones */
  serverTime?: number;
  timeoutSeconds: number;
  version?: string;
  /** what runs now, read from the app service's labels */
  deployed?: DeployedMeta;
  overview: DeployOverview;
  /** stateful services to pin: to a known node now (record written after applying), or to the node Swarm chooses (first deploy) */
  pins: PlannedPin[];
}

export interface PlannedPin {
  /** service key and full name */
  service: string;
  name: string;
  /** the node it is pinned to; undefined: the node Swarm places it on in this deploy */
  nodeId?: string;
  hostname?: string;
  /** the record on the server (undefined: to be written) */
  record?: PinRecord;
}

/** where a service may run, for the overview: the recipe's constraints, the env file's, and kite's pin */
export interface PlacementLine {
  service: string;
  constraints: string[];
  /** the app env key the extra constraints came from */
  fromEnv?: string;
  /** pinned to the node holding its volumes (hostname), or 'first' (where Swarm places it now) */
  pinnedTo?: string;
}

export interface DeployOverview {
  domain: string;
  stack: string;
  server: string;
  recipe: string;
  composeFiles: string[];
  current: string;
  envVersion?: string;
  next: string;
  chaos: boolean;
  images: { service: string; from?: string; to: string }[];
  configs: { name: string; change: 'new' | 'unchanged' }[];
  secrets: { name: string; change: 'new' | 'exists' }[];
  /** only on a swarm of several nodes, services with any placement */
  placement?: PlacementLine[];
  /** a version change of an app with backup labels: the snapshot taken first, or skipped (--no-backup) */
  backup?: 'snapshot first' | 'skipped (--no-backup)';
}

export async function* applyDeploy(p: DeployPlan, docker: DockerPort, opts: ApplyOptions): AsyncGenerator<DeployEvent, DeployResult> {
  const app = p.app;
  const clock = opts.clock;
  const timeoutSeconds = opts.timeoutSeconds ?? p.timeoutSeconds;
  for (const w of p.spec.warnings) yield { type: 'warning', message: w };
  yield { type: 'plan', stack: app.stack, server: app.server, version: p.version, services: p.spec.services.map((s) => s.name) };

  const applied: Applied = { networks: [], configs: [], secrets: [], previous: new Map(), created: [] };
  const targets: WatchTarget[] = [];
  let unchanged = 0;
  try {
    yield* applyObjects(p, docker, applied);
    for (const svc of p.spec.services) {
      const spec = withObjectIds(svc.spec, p.secretIds, p.configIds);
      const current = p.existing.get(svc.name);
      const next = current && keepServerState(spec, current.Spec);
      if (current && next && sameServiceSpec(withNetworkIds(next, p.networkIds), current.Spec)) {
        // runs this spec already: no update call; still checked to be running below
        unchanged++;
        yield { type: 'service', action: 'unchanged', service: svc.name };
        const settledBefore = p.serverTime !== undefined ? new Date(p.serverTime - monitorMs(current)).toISOString() : undefined;
        targets.push({ name: svc.name, previousUpdateStartedAt: current.UpdateStatus?.StartedAt, deployedAt: current.UpdatedAt ?? '', settledBefore });
        continue;
      }
      if (current && next) {
        await docker.updateService(current.ID, current.Version.Index, next);
        applied.previous.set(svc.name, current);
        yield { type: 'service', action: 'updated', service: svc.name };
      } else {
        await docker.createService(spec);
        applied.created.push(svc.name);
        yield { type: 'service', action: 'created', service: svc.name };
      }
      const after = await docker.inspectService(svc.name);
      targets.push({ name: svc.name, previousUpdateStartedAt: current?.UpdateStatus?.StartedAt, deployedAt: after.UpdatedAt ?? '' });
    }
  } catch (e) {
    // half applied: put back what was changed, remove what was created
    throw yield* undoApplied(docker, applied, e, app.stack, clock);
  }

  const nothingChanged = unchanged === p.spec.services.length && applied.networks.length + applied.configs.length + applied.secrets.length === 0;
  if (opts.noConvergeChecks) {
    yield { type: 'done', stack: app.stack, version: p.version, converged: false, unchanged: nothingChanged };
    return { stack: app.stack, version: p.version, converged: false, unchanged: nothingChanged };
  }

  const failures = yield* watchConvergence(docker, targets, { timeoutMs: timeoutSeconds * 1000, pollMs: opts.pollMs, namespace: app.stack, signal: opts.signal, clock });
  if (failures.length === 0) {
    yield* recordPins(docker, app.stack, p.pins);
    yield { type: 'done', stack: app.stack, version: p.version, converged: true, unchanged: nothingChanged };
    return { stack: app.stack, version: p.version, converged: true, unchanged: nothingChanged };
  }

  for (const f of failures) yield { type: 'failed', ...f };
  let rolledBack: DeployFailedError['rolledBack'] = 'no-previous';
  if (applied.previous.size > 0) {
    if (opts.rollback === false) {
      rolledBack = 'disabled';
    } else {
      if (opts.beforeRollback) yield* opts.beforeRollback();
      rolledBack = yield* rollBack(docker, applied.previous, applied.created, app.stack, { timeoutSeconds, pollMs: opts.pollMs, signal: opts.signal, clock });
    }
  }
  throw new DeployFailedError(app.stack, failures, rolledBack);
}

/**
 * After a converged deploy: write the pins not yet recorded; a service placed
 * for the first time is pinned to the node Swarm chose (its spec gets the
 * constraint; the running task already satisfies it and stays).
 */
async function* recordPins(docker: DockerPort, stack: string, pins: PlannedPin[]): AsyncGenerator<DeployEvent> {
  for (const pin of pins) {
    let { nodeId, hostname } = pin;
    if (!nodeId) {
      const service = await docker.inspectService(pin.name);
      nodeId = await runningNode(docker, service);
      if (!nodeId) {
        yield { type: 'warning', message: `${pin.service} has no running task to pin to its node yet; the next deploy pins it` };
        continue;
      }
      const node = await docker.inspectNode(nodeId);
      hostname = nodeHostname(node);
      const spec = withConstraints(service.Spec, [pinConstraint(nodeId)]);
      await docker.updateService(service.ID, service.Version.Index, spec);
    }
    if (pin.record?.nodeId !== nodeId) {
      await writePin(docker, stack, { service: pin.service, nodeId, hostname: hostname ?? nodeId }, pin.record);
      yield { type: 'pinned', service: pin.name, node: hostname ?? nodeId };
    }
  }
}

/** What a deploy changed on the server so far, to undo it when applying fails half-way. */
interface Applied {
  networks: { id: string; name: string }[];
  configs: { id: string; name: string }[];
  secrets: { id: string; name: string }[];
  /** services this deploy updated, as they were before */
  previous: Map<string, Service>;
  /** services this deploy created */
  created: string[];
}

async function* applyObjects(p: DeployPlan, docker: DockerPort, applied: Applied): AsyncGenerator<DeployEvent> {
  for (const n of p.missingNetworks) {
    const { Id } = await docker.createNetwork(n.spec);
    applied.networks.push({ id: Id, name: n.name });
    yield { type: 'created', object: 'network', name: n.name };
  }
  for (const c of p.spec.configs) {
    if (p.configIds.has(c.name) || !c.spec) continue;
    const { ID } = await docker.createConfig({ ...c.spec, Data: p.configData.get(c.name) });
    p.configIds.set(c.name, ID);
    applied.configs.push({ id: ID, name: c.name });
    yield { type: 'created', object: 'config', name: c.name };
  }
  for (const s of p.spec.secrets) {
    if (p.secretIds.has(s.name) || !s.spec) continue;
    const { ID } = await docker.createSecret({ ...s.spec, Data: p.secretData.get(s.name) });
    p.secretIds.set(s.name, ID);
    applied.secrets.push({ id: ID, name: s.name });
    yield { type: 'created', object: 'secret', name: s.name };
  }
}

/**
 * Applying failed half-way (an API error, a dropped connection): put the
 * services already updated back to their previous specs, remove the
 * services, secrets, configs and networks this deploy created, and return
 * the error to throw, naming the cause and whatever could not be undone.
 */
async function* undoApplied(docker: DockerPort, applied: Applied, cause: unknown, stack: string, clock: Clock): AsyncGenerator<DeployEvent, Error> {
  const what = (cause as Error)?.message ?? String(cause);
  const changed = applied.previous.size + applied.created.length + applied.networks.length + applied.configs.length + applied.secrets.length;
  if (changed === 0) return cause as Error;
  const left: string[] = [];
  const undo = async (label: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      return true;
    } catch {
      left.push(label);
      return false;
    }
  };
  if (!(cause instanceof SshError)) {
    yield { type: 'rollback', phase: 'started', services: [...applied.previous.keys()], message: `applying failed (${what}): undoing what was applied` };
    for (const [name, before] of applied.previous) {
      if (await undo(`service ${name} (runs the new spec)`, () => updateWithRetry(docker, name, before.Spec, clock))) yield { type: 'service', action: 'updated', service: name };
    }
    for (const name of applied.created) {
      if (await undo(`service ${name}`, () => docker.removeService(name))) yield { type: 'service', action: 'removed', service: name };
    }
    for (const s of applied.secrets) if (await undo(`secret ${s.name}`, () => docker.removeSecret(s.id))) yield { type: 'removed', object: 'secret', name: s.name };
    for (const c of applied.configs) if (await undo(`config ${c.name}`, () => docker.removeConfig(c.id))) yield { type: 'removed', object: 'config', name: c.name };
    for (const n of applied.networks) {
      // a network stays busy until the tasks of removed services are gone
      if (await undo(`network ${n.name}`, () => retryBusy(() => docker.removeNetwork(n.id), clock))) yield { type: 'removed', object: 'network', name: n.name };
    }
  } else {
    for (const name of applied.previous.keys()) left.push(`service ${name} (runs the new spec)`);
    for (const name of applied.created) left.push(`service ${name}`);
    for (const o of [...applied.secrets.map((x) => `secret ${x.name}`), ...applied.configs.map((x) => `config ${x.name}`), ...applied.networks.map((x) => `network ${x.name}`)]) left.push(o);
  }
  if (left.length === 0) {
    yield { type: 'rollback', phase: 'done', services: [...applied.previous.keys()] };
    return new ApplyFailedError(stack, what, [], 'nothing of this deploy is left on the server; the previous specs are back');
  }
  yield { type: 'rollback', phase: 'failed', services: [...applied.previous.keys()], message: `left on the server: ${left.join(', ')}` };
  return new ApplyFailedError(stack, what, left, `check with \`kite app ps\` and redeploy with \`kite app deploy --force\` once the server answers again; remove what is listed if you do not redeploy`);
}

async function retryBusy(fn: () => Promise<void>, clock: Clock): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= 20 || !(e instanceof DockerApiError) || !/in use|active endpoints/i.test(e.message)) throw e;
      await clock.sleep(500);
    }
  }
}

/** Read and check everything; touch nothing on the server. */
/** `files` reads the config and secret files the compose files name (inside the recipe only) */
export async function planDeploy(app: LoadedApp, docker: DockerPort, files: Pick<RecipeFileStore, 'readInside'>, opts: DeployOptions = {}): Promise<DeployPlan> {
  const identity = opts.identity ?? { version: declaredVersion(app.compose, app.stack) ?? app.envVersion, chaos: false };
  const version = identity.chaos ? identity.chaosVersion : identity.version;
  const cfg = applyAbraConventions(app.compose, { stack: app.stack, recipe: app.recipe, ...identity }, app.appEnv);
  const fromEnv = placementFromEnv(app.appEnv, Object.keys(cfg.services), app.path);
  const converted = convertStack(app.stack, cfg, { placement: fromEnv });

  const info = await docker.info();
  if (info.Swarm.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable) {
    throw new ConflictError(`server ${app.server} is not a Docker Swarm manager`, 'run `docker swarm init` on the server');
  }

  const existingList = await docker.listServices({ label: [`${NAMESPACE_LABEL}=${app.stack}`] });
  const existing = new Map(existingList.map((s) => [s.Spec.Name, s]));
  if (existing.size > 0 && !opts.force && !identity.chaos) {
    throw new ConflictError(`${app.domain} is already deployed`, 'use --force to redeploy it as it is, or `kite app upgrade` for a newer version');
  }

  const placed = await planPlacement(app, docker, converted, existing, fromEnv, opts);
  const spec = placed.spec;

  // networks: external ones must exist with swarm scope; others are created if missing
  const networks = await docker.listNetworks();
  const missingNetworks: StackSpec['networks'] = [];
  for (const n of spec.networks) {
    const found = networks.find((x) => x.Name === n.name);
    if (n.external) {
      if (!found) throw new NotFoundError(`network "${n.name}" not found on ${app.server}; it is external in the recipe`, `create it with \`docker network create -d overlay ${n.name}\``);
      if (found.Scope !== 'swarm') throw new ConflictError(`network "${n.name}" is declared as external, but it is not in the right scope: "${found.Scope}" instead of "swarm"`);
    } else if (!found) {
      missingNetworks.push(n);
    }
  }

  // secrets: external ones must have been generated or inserted already
  const secrets = await docker.listSecrets();
  const secretIds = new Map<string, string>();
  const secretData = new Map<string, string>();
  for (const s of spec.secrets) {
    const found = secrets.find((x) => x.Spec.Name === s.name);
    if (found) {
      secretIds.set(s.name, found.ID);
      continue;
    }
    if (s.external) {
      const noGenerate = app.modifiers[secretEnvKey(s.key)]?.generate === 'false';
      throw new NotFoundError(
        noGenerate ? `secret not inserted (#generate=false): ${s.name}` : `secret not generated: ${s.name}`,
        noGenerate ? `insert it with \`kite app secret insert ${app.domain} ${s.key} <version> <value>\`` : `generate it with \`kite app secret generate ${app.domain} --all\``,
      );
    }
    secretData.set(s.name, readObjectData(files, app, s, `secrets.${s.key}`));
  }

  // configs are immutable: an existing one must hold the same content
  const configs = await docker.listConfigs();
  const configIds = new Map<string, string>();
  const configData = new Map<string, string>();
  for (const c of spec.configs) {
    const found = configs.find((x) => x.Spec.Name === c.name);
    if (c.external) {
      if (!found) throw new NotFoundError(`config "${c.name}" not found on ${app.server}; it is external in the recipe`);
      configIds.set(c.name, found.ID);
      continue;
    }
    const data = readObjectData(files, app, c, `configs.${c.key}`);
    if (found) {
      if (found.Spec.Data !== undefined && found.Spec.Data !== data) {
        throw new RecipeError(
          `config ${c.name} already exists on the server with different content`,
          c.file,
          { key: `configs.${c.key}` },
          'Docker configs are immutable: bump the version variable in the config name (usually in abra.sh)',
        );
      }
      configIds.set(c.name, found.ID);
    } else {
      configData.set(c.name, data);
    }
  }

  const deployed = deployedMeta(existing, app.stack);
  const overview: DeployOverview = {
    domain: app.domain,
    stack: app.stack,
    server: app.server,
    recipe: app.recipe,
    composeFiles: app.composeFiles,
    current: deployed ? (deployed.chaos ? deployed.chaosVersion : deployed.version) ?? 'unknown' : 'N/A',
    envVersion: app.envVersion,
    next: version ?? 'unknown',
    chaos: identity.chaos,
    images: spec.services.map((svc) => ({
      service: svc.key,
      from: existing.get(svc.name)?.Spec.TaskTemplate.ContainerSpec?.Image?.replace(/@sha256:.*/, ''),
      to: svc.spec.TaskTemplate.ContainerSpec?.Image ?? '',
    })),
    configs: spec.configs.map((c) => ({ name: c.name, change: configIds.has(c.name) ? 'unchanged' : 'new' })),
    secrets: spec.secrets.map((x) => ({ name: x.name, change: secretIds.has(x.name) ? 'exists' : 'new' })),
    ...(placed.lines.length > 0 ? { placement: placed.lines } : {}),
  };
  const pinned = await pinImages(docker, spec.services);
  return {
    app,
    deployed,
    overview,
    spec: { ...spec, services: pinned.services, warnings: [...spec.warnings, ...placed.warnings, ...pinned.warnings] },
    pins: placed.pins,
    existing,
    secretIds,
    configIds,
    configData,
    secretData,
    missingNetworks,
    networkIds: new Map(networks.map((n) => [n.Name, n.Id])),
    serverTime: info.SystemTime ? Date.parse(info.SystemTime) : undefined,
    timeoutSeconds: opts.timeoutSeconds ?? deployTimeoutSeconds(cfg, app.stack, app.env),
    version,
  };
}

/**
 * Placement on a swarm of several nodes: a stateful service (named local
 * volumes) that nothing pins is pinned to the node holding its volumes — the
 * one recorded on the server, else the node its running task is on, else
 * (first deploy) the node Swarm places it on now. Then every service must be
 * able to run somewhere: a service whose constraints only match nodes that
 * are down or drained is refused here, before anything changes.
 */
async function planPlacement(app: LoadedApp, docker: DockerPort, spec: StackSpec, existing: Map<string, Service>, fromEnv: Map<string, string[]>, opts: DeployOptions): Promise<{ spec: StackSpec; pins: PlannedPin[]; lines: PlacementLine[]; warnings: string[] }> {
  const nodes = await docker.listNodes();
  if (nodes.length <= 1) return { spec, pins: [], lines: [], warnings: [] };
  const records = await readPins(docker, app.stack);
  const byId = new Map(nodes.map((n) => [n.ID, n]));
  const pins: PlannedPin[] = [];
  const lines: PlacementLine[] = [];
  const warnings: string[] = [];
  const services = [];
  for (const svc of spec.services) {
    let s = svc.spec;
    const constraints = s.TaskTemplate.Placement?.Constraints ?? [];
    const volumes = localVolumes(s);
    let pinnedTo: string | undefined;
    if (needsPin(s) && !pinsService(constraints)) {
      if (opts.noPin) {
        warnings.push(`${svc.key} keeps its data in volumes on one node (${volumes.join(', ')}) and is not pinned (--no-pin): if Swarm moves it to another node, it starts there with empty volumes`);
      } else {
        const record = records.get(svc.key);
        // a node removed from the swarm (not merely down) cannot come back: pin anew, and say where the old data stayed
        const gone = record && !byId.has(record.nodeId);
        if (gone) warnings.push(`${svc.key} was pinned to node ${record.hostname}, which is no longer in the swarm: it is pinned anew where it runs now; its old volumes stayed on ${record.hostname}`);
        const running = record && !gone ? undefined : await runningNode(docker, existing.get(svc.name));
        const nodeId = (gone ? undefined : record?.nodeId) ?? running;
        const node = nodeId ? byId.get(nodeId) : undefined;
        if (nodeId) s = withConstraints(s, [pinConstraint(nodeId)]);
        pinnedTo = node ? nodeHostname(node) : record?.hostname ?? (nodeId ? nodeId : 'first');
        pins.push({ service: svc.key, name: svc.name, nodeId, hostname: node ? nodeHostname(node) : record?.hostname, record });
      }
    }
    const all = s.TaskTemplate.Placement?.Constraints ?? [];
    if (all.length > 0 || pinnedTo) lines.push({ service: svc.key, constraints: pinnedTo ? all.filter((c) => c !== pinConstraint(pinnedNodeId(all) ?? '')) : all, ...(fromEnv.has(svc.key) ? { fromEnv: placementKey(svc.key) } : {}), ...(pinnedTo ? { pinnedTo } : {}) });
    services.push({ ...svc, spec: s });
  }
  const stuck = services.map((svc) => unplaceable(svc.key, svc.spec.TaskTemplate.Placement?.Constraints ?? [], nodes)).filter((u) => u !== undefined).map(describeUnplaceable);
  stuck.push(...services.map((svc) => tooFewNodes(svc.key, svc.spec, nodes)).filter((m) => m !== undefined));
  if (stuck.length > 0) {
    throw new ConflictError(
      `${app.domain} cannot be deployed now: ${stuck.join('; ')}`,
      'bring the node back (or `kite server node activate` a drained one), or change the placement; nothing was changed',
    );
  }
  return { spec: { ...spec, services }, pins, lines, warnings };
}


/**
 * Pin every image to the digest its registry has now, in parallel, as
 * `docker stack deploy --resolve-image always`: the daemon asks the
 * registry. An image it cannot look up keeps its tag, with docker's warning;
 * on update, `keepServerState` then keeps the digest already running.
 */
async function pinImages(docker: DockerPort, services: StackSpec['services']): Promise<{ services: StackSpec['services']; warnings: string[] }> {
  const warnings: string[] = [];
  const lookups = new Map<string, Promise<DistributionInspect>>(); // one per image, shared by its services
  const resolved = await Promise.all(
    services.map(async (svc) => {
      const image = svc.spec.TaskTemplate.ContainerSpec?.Image;
      if (!image || hasDigest(image)) return svc;
      if (!lookups.has(image)) lookups.set(image, docker.distributionInspect(imageToQuery(image)));
      let found: DistributionInspect;
      try {
        found = await lookups.get(image)!;
      } catch (e) {
        if (e instanceof SshError) throw e;
        warnings.push(digestWarning(image));
        return svc;
      }
      const platforms = placementPlatforms(found.Platforms);
      const task = svc.spec.TaskTemplate;
      return {
        ...svc,
        spec: {
          ...svc.spec,
          TaskTemplate: {
            ...task,
            ContainerSpec: { ...task.ContainerSpec, Image: pinnedImage(image, found.Descriptor.digest) },
            ...(platforms.length > 0 ? { Placement: { ...task.Placement, Platforms: platforms } } : {}),
          },
        },
      };
    }),
  );
  return { services: resolved, warnings: [...new Set(warnings)] };
}

function readObjectData(files: Pick<RecipeFileStore, 'readInside'>, app: LoadedApp, o: { file?: string; content?: string; environment?: string }, key: string): string {
  const { file, content } = o;
  if (content !== undefined) return Buffer.from(content).toString('base64');
  if (o.environment !== undefined) return Buffer.from(app.env[o.environment] ?? '').toString('base64');
  if (!file) throw new RecipeError('needs a `file:` (or `external: true`)', app.composeFiles.join(':'), { key });
  // read on this machine and sent to the server: only from inside the recipe (symlinks resolved)
  const read = files.readInside(app.recipeDir, file);
  if ('problem' in read) throw new RecipeError(`file ${file} ${read.problem}: it must stay inside the recipe`, app.composeFiles.join(':'), { key }, INSIDE_RECIPE_HINT);
  if ('missing' in read) throw new RecipeError(`file ${file} not found in the recipe`, join(app.recipeDir, file), { key });
  return read.data.toString('base64');
}

/** the spec as Swarm stores it: networks by ID (names it does not know stay names) */
function withNetworkIds(spec: ServiceSpec, ids: Map<string, string>): ServiceSpec {
  const networks = spec.TaskTemplate.Networks;
  if (!networks) return spec;
  return { ...spec, TaskTemplate: { ...spec.TaskTemplate, Networks: networks.map((n) => ({ ...n, Target: ids.get(n.Target) ?? n.Target })) } };
}

function withObjectIds(spec: ServiceSpec, secretIds: Map<string, string>, configIds: Map<string, string>): ServiceSpec {
  const cs = spec.TaskTemplate.ContainerSpec;
  return {
    ...spec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      ContainerSpec: {
        ...cs,
        Secrets: cs.Secrets?.map((s) => ({ ...s, SecretID: secretIds.get(s.SecretName) ?? s.SecretID })),
        Configs: cs.Configs?.map((c) => ({ ...c, ConfigID: configIds.get(c.ConfigName) ?? c.ConfigID })),
      },
    },
  };
}

/**
 * Like docker stack deploy: keep the server's ForceUpdate counter. When the
 * registry could not be asked (the image is a bare tag) and the tag did not
 * change, keep the digest running now and the platforms recorded with it,
 * rather than restarting the service on an unpinned image.
 */
export function keepServerState(spec: ServiceSpec, current: ServiceSpec): ServiceSpec {
  const curImage = current.TaskTemplate.ContainerSpec?.Image ?? '';
  const newImage = spec.TaskTemplate.ContainerSpec?.Image ?? '';
  const keepPin = curImage.startsWith(newImage + '@sha256:');
  const curPlatforms = current.TaskTemplate.Placement?.Platforms;
  const keepPlatforms = keepPin && curPlatforms && !spec.TaskTemplate.Placement?.Platforms;
  return {
    ...spec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      ForceUpdate: current.TaskTemplate.ForceUpdate ?? 0,
      ContainerSpec: { ...spec.TaskTemplate.ContainerSpec, Image: keepPin ? curImage : newImage },
      ...(keepPlatforms ? { Placement: { ...spec.TaskTemplate.Placement, Platforms: curPlatforms } } : {}),
    },
  };
}

/** Put the previous specs back, remove services this deploy created, and wait. */
async function* rollBack(
  docker: DockerPort,
  previous: Map<string, Service>,
  created: string[],
  stack: string,
  opts: { timeoutSeconds: number; pollMs?: number; signal?: AbortSignal; clock: Clock },
): AsyncGenerator<DeployEvent, DeployFailedError['rolledBack']> {
  const names = [...previous.keys()];
  yield { type: 'rollback', phase: 'started', services: names };
  const targets: WatchTarget[] = [];
  try {
    for (const [name, before] of previous) {
      const r = await updateWithRetry(docker, name, before.Spec, opts.clock);
      targets.push({ name, previousUpdateStartedAt: r.before.UpdateStatus?.StartedAt, deployedAt: r.after.UpdatedAt ?? '' });
    }
    for (const name of created) {
      await docker.removeService(name);
      yield { type: 'service', action: 'removed', service: name };
    }
  } catch (e) {
    yield { type: 'rollback', phase: 'failed', services: names, message: (e as Error).message };
    return 'failed';
  }
  const failures: WatchFailure[] = yield* watchConvergence(docker, targets, {
    timeoutMs: opts.timeoutSeconds * 1000,
    pollMs: opts.pollMs,
    namespace: stack,
    signal: opts.signal,
    clock: opts.clock,
    cancelled: {
      message: `stopped watching the rollback of ${names.join(', ')}: the previous specs were submitted and Swarm goes on putting them back`,
      hint: 'see `kite app ps <domain>`; the env file was not changed',
    },
  });
  if (failures.length > 0) {
    yield { type: 'rollback', phase: 'failed', services: names, message: failures.map((f) => `${f.service}: ${f.reason}`).join('; ') };
    return 'failed';
  }
  yield { type: 'rollback', phase: 'done', services: names };
  return 'yes';
}

/** Swarm may still be moving the service (its own rollback): retry on "out of sequence". */
async function updateWithRetry(docker: DockerPort, name: string, spec: ServiceSpec, clock: Clock): Promise<{ before: Service; after: Service }> {
  for (let attempt = 0; ; attempt++) {
    const cur = await docker.inspectService(name);
    try {
      await docker.updateService(cur.ID, cur.Version.Index, { ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: cur.Spec.TaskTemplate.ForceUpdate ?? 0 } });
      return { before: cur, after: await docker.inspectService(name) };
    } catch (e) {
      if (attempt < 5 && e instanceof DockerApiError && /out of sequence/.test(e.message)) {
        await clock.sleep(300);
        continue;
      }
      throw e;
    }
  }
}

/** What runs now, from the labels abra (or kite) put on the app service. */
export function deployedMeta(existing: Map<string, Service>, stack: string): DeployedMeta | undefined {
  if (existing.size === 0) return undefined;
  const labels = existing.get(`${stack}_${APP_SERVICE}`)?.Spec.Labels ?? {};
  return {
    version: labels[labelKey(stack, 'version')] || undefined,
    chaos: labels[labelKey(stack, 'chaos')] === 'true',
    chaosVersion: labels[labelKey(stack, 'chaos-version')] || undefined,
  };
}
