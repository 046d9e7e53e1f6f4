// A fake Docker Swarm behind the DockerPort, for unit tests of the deploy
// algorithm. It keeps services, tasks, configs, secrets and networks, and
// simulates what Swarm's orchestrator does over (virtual) time: tasks go
// pending → starting → running (or fail and are restarted), job tasks
// complete, a rolling update moves updating → completed, or paused /
// rollback_started → rollback_completed when a new task fails, a node that
// goes away takes its tasks with it. Time only moves when the code under
// test sleeps on `swarm.clock`, so a 50 s timeout costs nothing.
//
// How a task behaves is chosen by its image (the tag part before any
// digest): `swarm.behave('web:bad', { failAfterMs: 1500, error: '...' })`.

import type { Clock } from '../../../src/ports/clock.js';
import type { DistributionInspect, DockerPort, Filters, Info, Network, NodeSpec, Service, SwarmInspect, SwarmNode, SwarmObject, Task } from '../../../src/ports/docker.js';
import type { ConfigSpec, NetworkCreate, SecretSpec, ServiceSpec } from '../../../src/core/convert/swarm-types.js';
import { DockerApiError, SshError } from '../../../src/core/errors.js';
import { satisfies } from '../../../src/core/placement.js';

export interface Behaviour {
  /** from creation until the task runs (healthcheck passed); default 1000 */
  startMs?: number;
  /** the task fails this long after its creation */
  failAfterMs?: number;
  error?: string;
  /** a job task completes this long after it started running; default 500 */
  completeAfterMs?: number;
  /** never scheduled: the task stays pending with this message */
  pending?: string;
  logs?: string[];
}

interface FakeTask extends Task {
  specIndex: number;
  bornAt: number;
  runningAt?: number;
}

/** a node of the fake swarm; hostname defaults to its id, role to worker (node1: manager) */
export interface FakeNode {
  id: string;
  up: boolean;
  hostname?: string;
  labels?: Record<string, string>;
  availability?: 'active' | 'pause' | 'drain';
  role?: 'worker' | 'manager';
  /** when its state last changed */
  since?: number;
  version?: number;
}

interface FakeService extends Service {
  specIndex: number;
  updateAt?: number;
  /** the update that is being rolled back by Swarm itself */
  rollingBack?: boolean;
}

type Method = keyof DockerPort;

const STEP_MS = 100;
const iso = (ms: number) => new Date(ms).toISOString();
const json = (v: unknown) => JSON.stringify(v);

export class FakeSwarm implements DockerPort {
  readonly server = 'fake';
  readonly apiVersion = '1.45';
  t = Date.parse('2026-11-30T10:00:00.000Z');
  readonly services = new Map<string, FakeService>();
  tasks: FakeTask[] = [];
  readonly configs: SwarmObject<ConfigSpec>[] = [];
  readonly secrets: SwarmObject<SecretSpec>[] = [];
  readonly networks: Network[] = [{ Id: 'net-proxy', Name: 'proxy', Scope: 'swarm', Driver: 'overlay' }];
  readonly nodes: FakeNode[] = [{ id: 'node1', up: true }];
  /** mutating calls in order: `createService web_app`, `removeConfig …` */
  readonly calls: string[] = [];
  /** called after every simulated step, with the virtual time */
  onTick?: (t: number) => void;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly digests = new Map<string, DistributionInspect>();
  private readonly failing: { method: Method; after: number; error: Error }[] = [];
  private readonly counts = new Map<Method, number>();
  private seq = 0;

  readonly clock: Clock = {
    now: () => this.t,
    sleep: async (ms, signal) => {
      for (let left = ms; left > 0 && !signal?.aborted; left -= STEP_MS) this.advance(Math.min(STEP_MS, left));
    },
  };

  behave(image: string, b: Behaviour): this {
    this.behaviours.set(image, b);
    return this;
  }

  /** the registry knows this image (tag) at this digest */
  publish(image: string, digest: string): this {
    this.digests.set(image, { Descriptor: { digest }, Platforms: [{ architecture: 'amd64', os: 'linux' }] });
    return this;
  }

  /** the `nth` next call of `method` (1 = the next one) fails with `error` */
  failOn(method: Method, nth = 1, error: Error = new DockerApiError('injected failure', 500)): this {
    this.failing.push({ method, after: (this.counts.get(method) ?? 0) + nth, error });
    return this;
  }

  /** the connection drops: every later call fails like a lost SSH tunnel */
  disconnect(): void {
    this.dropped = true;
  }
  private dropped = false;

  /** add nodes (worker unless said otherwise), e.g. `swarm.addNodes({ id: 'node2', labels: { database: 'true' } })` */
  addNodes(...nodes: Partial<FakeNode>[]): this {
    for (const n of nodes) this.nodes.push({ id: n.id ?? `node${this.nodes.length + 1}`, up: true, ...n });
    return this;
  }

  nodeDown(id: string): void {
    const node = this.nodes.find((n) => n.id === id);
    if (node) {
      node.up = false;
      node.since = this.t;
    }
    for (const task of this.tasks) {
      if (task.NodeID === id && task.DesiredState !== 'shutdown') {
        task.DesiredState = 'shutdown';
        this.setState(task, 'orphaned', `node ${id} is down`);
      }
    }
  }

  nodeUp(id: string): void {
    const node = this.nodes.find((n) => n.id === id);
    if (node) {
      node.up = true;
      node.since = this.t;
    }
  }

  advance(ms: number): void {
    this.t += ms;
    for (const s of this.services.values()) this.orchestrate(s);
    this.onTick?.(this.t);
  }

  serviceByName(name: string): FakeService | undefined {
    return [...this.services.values()].find((s) => s.Spec.Name === name);
  }

  tasksOf(name: string, upToDate = true): FakeTask[] {
    const s = this.serviceByName(name);
    return s ? this.tasks.filter((t) => t.ServiceID === s.ID && (!upToDate || t.specIndex === s.specIndex)) : [];
  }

  // ---- the DockerPort ----

  async info(): Promise<Info> {
    this.enter('info');
    return { ServerVersion: '28.2.2', Name: 'fake', Swarm: { LocalNodeState: 'active', ControlAvailable: true, NodeID: 'node1' }, SystemTime: iso(this.t) };
  }

  async listServices(filters: Filters = {}): Promise<Service[]> {
    this.enter('listServices');
    return [...this.services.values()].filter((s) => matches(s.Spec.Name, s.Spec.Labels, filters)).map(copy);
  }

  async inspectService(idOrName: string): Promise<Service> {
    this.enter('inspectService');
    const s = this.services.get(idOrName) ?? this.serviceByName(idOrName);
    if (!s) throw new DockerApiError(`service ${idOrName} not found`, 404);
    return copy(s);
  }

  async createService(spec: ServiceSpec): Promise<{ ID: string }> {
    this.enter('createService', spec.Name);
    if (this.serviceByName(spec.Name)) throw new DockerApiError(`rpc error: code = AlreadyExists desc = name conflicts with an existing object`, 409);
    const ID = this.id('svc');
    this.services.set(ID, { ID, Version: { Index: this.seq }, CreatedAt: iso(this.t), UpdatedAt: iso(this.t), Spec: this.stored(spec), specIndex: 1, UpdateStatus: null });
    this.orchestrate(this.services.get(ID)!);
    return { ID };
  }

  async updateService(id: string, version: number, spec: ServiceSpec): Promise<{ Warnings?: string[] | null }> {
    this.enter('updateService', spec.Name);
    const s = this.services.get(id);
    if (!s) throw new DockerApiError(`service ${id} not found`, 404);
    if (s.Version.Index !== version) throw new DockerApiError('rpc error: code = Unknown desc = update out of sequence', 500);
    const next = this.stored(spec);
    const changed = json(s.Spec.TaskTemplate) !== json(next.TaskTemplate) || json(s.Spec.Mode) !== json(next.Mode);
    this.updates++;
    s.PreviousSpec = s.Spec;
    s.Spec = next;
    s.Version = { Index: ++this.seq };
    s.UpdatedAt = iso(this.t);
    if (changed) {
      s.specIndex++;
      s.updateAt = this.t;
      s.rollingBack = false;
      s.UpdateStatus = { State: 'updating', StartedAt: iso(this.t), Message: 'update in progress' };
      for (const task of this.tasks) if (task.ServiceID === id && task.DesiredState !== 'shutdown') this.shutdown(task);
      this.orchestrate(s);
    }
    return { Warnings: null };
  }

  async removeService(id: string): Promise<void> {
    this.enter('removeService', id);
    const s = this.services.get(id) ?? this.serviceByName(id);
    if (!s) throw new DockerApiError(`service ${id} not found`, 404);
    this.services.delete(s.ID);
    this.tasks = this.tasks.filter((t) => t.ServiceID !== s.ID);
  }

  async distributionInspect(image: string): Promise<DistributionInspect> {
    this.enter('distributionInspect');
    const found = this.digests.get(image);
    if (!found) throw new DockerApiError(`errors: denied: requested access to the resource is denied`, 403);
    return found;
  }

  async serviceLogs(id: string): Promise<string[]> {
    this.enter('serviceLogs');
    const s = this.services.get(id);
    return s ? this.behaviourOf(s.Spec).logs ?? [] : [];
  }

  streamServiceLogs(): AsyncIterable<never> {
    throw new Error('streamServiceLogs is not simulated');
  }

  async listTasks(filters: Filters = {}): Promise<Task[]> {
    this.enter('listTasks');
    const wanted = filters.service;
    return this.tasks
      .filter((t) => {
        const s = this.services.get(t.ServiceID);
        if (!s) return false;
        if (wanted && !wanted.includes(s.ID) && !wanted.includes(s.Spec.Name)) return false;
        if (filters.node && !filters.node.includes(t.NodeID ?? '')) return false;
        if (filters['_up-to-date']?.includes('true') && t.specIndex !== s.specIndex) return false;
        if (filters['desired-state'] && !filters['desired-state'].includes(t.DesiredState)) return false;
        return true;
      })
      .map(copy);
  }

  async listNetworks(): Promise<Network[]> {
    this.enter('listNetworks');
    return this.networks.map(copy);
  }

  async createNetwork(spec: NetworkCreate): Promise<{ Id: string }> {
    this.enter('createNetwork', spec.Name);
    if (this.networks.some((n) => n.Name === spec.Name)) throw new DockerApiError(`network with name ${spec.Name} already exists`, 409);
    const Id = this.id('net');
    this.networks.push({ Id, Name: spec.Name, Scope: 'swarm', Driver: spec.Driver ?? 'overlay', Labels: spec.Labels });
    return { Id };
  }

  async removeNetwork(id: string): Promise<void> {
    this.enter('removeNetwork', id);
    removeWhere(this.networks, (n) => n.Id === id || n.Name === id);
  }

  async listSecrets(filters: Filters = {}): Promise<SwarmObject<SecretSpec>[]> {
    this.enter('listSecrets');
    return this.secrets.filter((s) => matches(s.Spec.Name, s.Spec.Labels, filters)).map(copy);
  }

  async createSecret(spec: SecretSpec): Promise<{ ID: string }> {
    this.enter('createSecret', spec.Name);
    return { ID: this.createObject(this.secrets, spec) };
  }

  async removeSecret(id: string): Promise<void> {
    this.enter('removeSecret', id);
    this.removeObject(this.secrets, id, 'secret');
  }

  async listConfigs(filters: Filters = {}): Promise<SwarmObject<ConfigSpec>[]> {
    this.enter('listConfigs');
    return this.configs.filter((c) => matches(c.Spec.Name, c.Spec.Labels, filters)).map(copy);
  }

  async createConfig(spec: ConfigSpec): Promise<{ ID: string }> {
    this.enter('createConfig', spec.Name);
    return { ID: this.createObject(this.configs, spec) };
  }

  async removeConfig(id: string): Promise<void> {
    this.enter('removeConfig', id);
    this.removeObject(this.configs, id, 'config');
  }

  async listNodes(): Promise<SwarmNode[]> {
    this.enter('listNodes');
    return this.nodes.map((n) => this.nodeJson(n));
  }

  async inspectNode(idOrName: string): Promise<SwarmNode> {
    this.enter('inspectNode');
    const n = this.nodes.find((x) => x.id === idOrName || (x.hostname ?? x.id) === idOrName);
    if (!n) throw new DockerApiError(`node ${idOrName} not found`, 404);
    return this.nodeJson(n);
  }

  async updateNode(id: string, version: number, spec: NodeSpec): Promise<void> {
    this.enter('updateNode', id);
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new DockerApiError(`node ${id} not found`, 404);
    if ((n.version ?? 1) !== version) throw new DockerApiError('rpc error: code = Unknown desc = update out of sequence', 500);
    // a new version every update (nodes start at 1: the shared counter alone could give a node its old version again)
    this.seq = Math.max(this.seq, n.version ?? 1) + 1;
    n.version = this.seq;
    n.labels = { ...(spec.Labels ?? {}) };
    n.role = spec.Role;
    n.availability = spec.Availability;
    if (spec.Availability === 'drain') for (const t of this.tasks) if (t.NodeID === id && t.DesiredState === 'running') this.shutdown(t);
  }

  async removeNode(id: string): Promise<void> {
    this.enter('removeNode', id);
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new DockerApiError(`node ${id} not found`, 404);
    if (n.up) throw new DockerApiError(`rpc error: code = FailedPrecondition desc = node ${id} is not down and can't be removed`, 400);
    removeWhere(this.nodes, (x) => x === n);
  }

  async inspectSwarm(): Promise<SwarmInspect> {
    this.enter('inspectSwarm');
    return { ID: 'swarm1', JoinTokens: { Worker: 'SWMTKN-worker', Manager: 'SWMTKN-manager' } };
  }

  joinSwarm = notSimulated('joinSwarm');
  leaveSwarm = notSimulated('leaveSwarm');

  private nodeJson(n: FakeNode): SwarmNode {
    const role = n.role ?? (n.id === 'node1' ? 'manager' : 'worker');
    return {
      ID: n.id,
      Version: { Index: n.version ?? 1 },
      UpdatedAt: iso(n.since ?? Date.parse('2026-11-30T09:00:00.000Z')),
      Spec: { Role: role, Availability: n.availability ?? 'active', Labels: { ...(n.labels ?? {}) } },
      Description: { Hostname: n.hostname ?? n.id, Resources: { NanoCPUs: 2e9, MemoryBytes: 2 ** 31 }, Engine: { EngineVersion: '28.2.2' } },
      Status: { State: n.up ? 'ready' : 'down', Addr: `10.0.0.${this.nodes.indexOf(n) + 1}` },
      ManagerStatus: role === 'manager' ? { Leader: n.id === 'node1', Reachability: 'reachable', Addr: `10.0.0.${this.nodes.indexOf(n) + 1}:2377` } : null,
    };
  }

  /** nodes that may run a task of this service: up, active, matching its constraints */
  private eligible(spec: ServiceSpec): FakeNode[] {
    const constraints = spec.TaskTemplate.Placement?.Constraints ?? [];
    return this.nodes.filter((n) => n.up && (n.availability ?? 'active') === 'active' && constraints.every((c) => satisfies(this.nodeJson(n), c)));
  }

  /** the eligible node with the fewest live tasks of the service (Swarm's spread) */
  private pick(s: FakeService): FakeNode | undefined {
    const live = (n: FakeNode) => this.tasks.filter((t) => t.ServiceID === s.ID && t.NodeID === n.id && t.DesiredState === 'running').length;
    const max = s.Spec.TaskTemplate.Placement?.MaxReplicas;
    const nodes = this.eligible(s.Spec).filter((n) => !max || live(n) < max);
    return nodes.sort((a, b) => live(a) - live(b))[0];
  }

  /** volumes are not simulated: none */
  async listVolumes(): Promise<never[]> {
    this.enter('listVolumes');
    return [];
  }
  removeVolume = notSimulated('removeVolume');
  createExec = notSimulated('createExec');
  startExec = notSimulated('startExec');
  resizeExec = notSimulated('resizeExec');
  inspectExec = notSimulated('inspectExec');
  statContainerPath = notSimulated('statContainerPath');
  getArchive = notSimulated('getArchive');
  putArchive = notSimulated('putArchive');
  prune = notSimulated('prune');

  async close(): Promise<void> {}

  /** updateService calls that reached the fake */
  updates = 0;

  /** a spec as Swarm stores it: networks by ID, its defaults filled in (as a 20.10 daemon does) */
  private stored(spec: ServiceSpec): ServiceSpec {
    const s = copy(spec);
    const task = s.TaskTemplate;
    task.Networks = task.Networks?.map((n) => ({ ...n, Target: this.networks.find((x) => x.Name === n.Target || x.Id === n.Target)?.Id ?? n.Target }));
    (task as { Runtime?: string }).Runtime ??= 'container';
    (task.ContainerSpec as { Isolation?: string }).Isolation ??= 'default';
    if (task.ContainerSpec.Privileges) task.ContainerSpec.Privileges = { CredentialSpec: null, SELinuxContext: null, ...task.ContainerSpec.Privileges };
    if (task.RestartPolicy) task.RestartPolicy = { MaxAttempts: 0, ...task.RestartPolicy };
    if (s.UpdateConfig) s.UpdateConfig = { FailureAction: 'pause', MaxFailureRatio: 0, Order: 'stop-first', ...s.UpdateConfig };
    s.EndpointSpec = { Mode: 'vip', ...s.EndpointSpec };
    return s;
  }

  // ---- the orchestrator ----

  private orchestrate(s: FakeService): void {
    const b = this.behaviourOf(s.Spec);
    const job = isJob(s.Spec);
    for (const task of this.tasks.filter((t) => t.ServiceID === s.ID && t.specIndex === s.specIndex && t.DesiredState !== 'shutdown')) {
      const age = this.t - task.bornAt;
      if (b.pending) continue;
      if (!task.NodeID) {
        const node = this.pick(s);
        if (!node) continue; // waits for a node, as Swarm's scheduler does
        task.NodeID = node.id;
        this.setState(task, 'pending', 'assigned');
      }
      if (b.failAfterMs !== undefined && age >= b.failAfterMs && !['failed', 'complete'].includes(task.Status.State)) {
        this.setState(task, 'failed', 'task: non-zero exit (1)', b.error ?? 'task: non-zero exit (1)');
        task.DesiredState = 'shutdown';
        this.onTaskFailed(s, task);
        continue;
      }
      if (task.Status.State === 'starting' && age >= (b.startMs ?? 1000)) {
        this.setState(task, 'running', 'started');
        task.runningAt = this.t;
      } else if (task.Status.State === 'pending' && age >= 100) {
        this.setState(task, 'starting', 'starting');
      } else if (job && task.Status.State === 'running' && this.t - (task.runningAt ?? this.t) >= (b.completeAfterMs ?? 500)) {
        this.setState(task, 'complete', 'finished');
      }
    }
    if (s.rollingBack && s.UpdateStatus?.State === 'rollback_started' && this.currentRunning(s) >= desiredCount(s.Spec, this.eligible(s.Spec).length)) {
      s.UpdateStatus = { ...s.UpdateStatus, State: 'rollback_completed', Message: 'rollback completed', CompletedAt: iso(this.t) };
    }
    if (s.UpdateStatus?.State === 'updating' && this.t - (s.updateAt ?? this.t) >= monitorOf(s.Spec) && this.currentRunning(s) >= desiredCount(s.Spec, this.eligible(s.Spec).length)) {
      s.UpdateStatus = { ...s.UpdateStatus, State: 'completed', Message: 'update completed', CompletedAt: iso(this.t) };
    }
    this.fillSlots(s, b, job);
  }

  /** create tasks until the service has as many live (or, for jobs, completed) as it wants */
  private fillSlots(s: FakeService, b: Behaviour, job: boolean): void {
    const own = this.tasks.filter((t) => t.ServiceID === s.ID && t.specIndex === s.specIndex);
    const wanted = desiredCount(s.Spec, this.eligible(s.Spec).length);
    const live = own.filter((t) => t.DesiredState !== 'shutdown' || t.Status.State === 'complete');
    const lastFailure = Math.max(0, ...own.filter((t) => t.Status.State === 'failed').map((t) => Date.parse(t.Status.Timestamp ?? '')));
    if (live.length < wanted && this.t - lastFailure >= restartDelayMs(s.Spec)) {
      for (let i = live.length; i < wanted; i++) this.newTask(s, b, job);
    }
  }

  private newTask(s: FakeService, b: Behaviour, job: boolean): void {
    const node = this.pick(s);
    const taken = new Set(this.tasks.filter((t) => t.ServiceID === s.ID && t.DesiredState !== 'shutdown').map((t) => t.Slot));
    let slot = 1;
    while (taken.has(slot)) slot++;
    const task: FakeTask = {
      ID: this.id('task'),
      ServiceID: s.ID,
      Slot: s.Spec.Mode?.Global || s.Spec.Mode?.GlobalJob ? undefined : slot,
      NodeID: node && !b.pending ? node.id : undefined,
      DesiredState: job ? 'complete' : 'running',
      CreatedAt: iso(this.t),
      UpdatedAt: iso(this.t),
      Spec: { ContainerSpec: { Image: s.Spec.TaskTemplate.ContainerSpec?.Image }, Placement: { Constraints: s.Spec.TaskTemplate.Placement?.Constraints ?? [] } },
      Status: { State: 'pending', Message: b.pending ?? 'pending task scheduling', Timestamp: iso(this.t) },
      specIndex: s.specIndex,
      bornAt: this.t,
    };
    if (!node) task.Status.Message = `no suitable node (${this.nodes.length} node${this.nodes.length === 1 ? '' : 's'} not available for new tasks)`;
    if (!node || b.pending) task.Status.Err = task.Status.Message;
    this.tasks.push(task);
  }

  private onTaskFailed(s: FakeService, task: FakeTask): void {
    const us = s.UpdateStatus;
    if (us?.State !== 'updating') return;
    const action = s.Spec.UpdateConfig?.FailureAction ?? 'pause';
    if (action === 'pause') {
      s.UpdateStatus = { ...us, State: 'paused', Message: `update paused due to failure or early termination of task ${task.ID}` };
    } else if (action === 'rollback' && s.PreviousSpec) {
      s.UpdateStatus = { State: 'rollback_started', StartedAt: us.StartedAt, Message: 'update rolled back due to failure or early termination of task ' + task.ID };
      s.rollingBack = true;
      const previous = s.PreviousSpec;
      s.PreviousSpec = s.Spec;
      s.Spec = previous;
      s.specIndex++;
      s.Version = { Index: ++this.seq };
      for (const t of this.tasks) if (t.ServiceID === s.ID && t.DesiredState !== 'shutdown') this.shutdown(t);
    }
  }

  private currentRunning(s: FakeService): number {
    return this.tasks.filter((t) => t.ServiceID === s.ID && t.specIndex === s.specIndex && t.Status.State === 'running' && t.DesiredState === 'running').length;
  }

  private shutdown(task: FakeTask): void {
    task.DesiredState = 'shutdown';
    if (!['failed', 'complete', 'orphaned'].includes(task.Status.State)) this.setState(task, 'shutdown', 'shutdown');
  }

  private setState(task: FakeTask, state: string, message: string, err?: string): void {
    task.Status = { ...task.Status, State: state, Message: message, Err: err, Timestamp: iso(this.t) };
    task.UpdatedAt = iso(this.t);
  }

  private behaviourOf(spec: ServiceSpec): Behaviour {
    const image = (spec.TaskTemplate.ContainerSpec?.Image ?? '').replace(/@sha256:.*/, '');
    return this.behaviours.get(image) ?? {};
  }

  private createObject<S extends { Name?: string }>(list: SwarmObject<S>[], spec: S): string {
    if (list.some((o) => o.Spec.Name === spec.Name)) throw new DockerApiError(`rpc error: code = AlreadyExists desc = ${spec.Name} already exists`, 409);
    const ID = this.id('obj');
    list.push({ ID, Version: { Index: ++this.seq }, Spec: copy(spec) });
    return ID;
  }

  private removeObject<S extends { Name?: string }>(list: SwarmObject<S>[], id: string, kind: string): void {
    const found = list.find((o) => o.ID === id || o.Spec.Name === id);
    if (!found) throw new DockerApiError(`${kind} ${id} not found`, 404);
    const inUse = [...this.services.values()].some((s) => {
      const cs = s.Spec.TaskTemplate.ContainerSpec;
      const refs = kind === 'secret' ? cs?.Secrets?.map((x) => x.SecretID) : cs?.Configs?.map((x) => x.ConfigID);
      return refs?.includes(found.ID);
    });
    if (inUse) throw new DockerApiError(`rpc error: code = InvalidArgument desc = ${kind} '${found.Spec.Name}' is in use`, 400);
    removeWhere(list, (o) => o === found);
  }

  private enter(method: Method, what?: string): void {
    if (this.dropped) throw new SshError('fake', 'the connection was lost');
    const n = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, n);
    const i = this.failing.findIndex((f) => f.method === method && f.after === n);
    if (i >= 0) {
      const [f] = this.failing.splice(i, 1);
      throw f.error;
    }
    if (what !== undefined) this.calls.push(`${method} ${what}`);
  }

  private id(prefix: string): string {
    return `${prefix}${(++this.seq).toString().padStart(4, '0')}`;
  }
}

function isJob(spec: ServiceSpec): boolean {
  return Boolean(spec.Mode?.ReplicatedJob || spec.Mode?.GlobalJob);
}

function desiredCount(spec: ServiceSpec, upNodes: number): number {
  const m = spec.Mode ?? {};
  if (m.Replicated) return m.Replicated.Replicas ?? 1;
  if (m.ReplicatedJob) return m.ReplicatedJob.TotalCompletions ?? m.ReplicatedJob.MaxConcurrent ?? 1;
  if (m.Global || m.GlobalJob) return upNodes;
  return 1;
}

function monitorOf(spec: ServiceSpec): number {
  const ns = spec.UpdateConfig?.Monitor;
  return ns && ns > 0 ? ns / 1e6 : 5000;
}

function restartDelayMs(spec: ServiceSpec): number {
  const ns = spec.TaskTemplate.RestartPolicy?.Delay;
  return ns !== undefined ? ns / 1e6 : 5000;
}

function matches(name: string | undefined, labels: Record<string, string> | null | undefined, filters: Filters): boolean {
  if (filters.name && !filters.name.some((n) => (name ?? '').startsWith(n))) return false;
  for (const l of filters.label ?? []) {
    const [k, v] = l.split('=', 2);
    if (!labels || !(k in labels) || (v !== undefined && labels[k] !== v)) return false;
  }
  return true;
}

function removeWhere<T>(list: T[], pred: (x: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) list.splice(i, 1);
}

function copy<T>(v: T): T {
  return structuredClone(v);
}

function notSimulated(name: string): () => never {
  return () => {
    throw new Error(`${name} is not simulated by the fake swarm`);
  };
}
