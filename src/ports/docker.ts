// The Docker Engine API as kite's operations see it: a small interface with
// one real adapter (src/adapters/docker/engine.ts) and fakes in unit tests.
// Shapes are the Engine API's own JSON (PascalCase), trimmed to what we read;
// they live in src/core/engine-types.ts (core judges them) and are re-exported here.

import type { ServiceSpec, NetworkCreate, SecretSpec, ConfigSpec } from '../core/convert/swarm-types.js';
import type { Duplex, Readable } from 'node:stream';

export type { Filters, ObjectVersion, Service, Task, Network, SwarmObject, Volume, Info, ServiceLogLine, ServiceLogOptions, PruneReport, PruneKind, ExecConfig, ExecState, PathStat, DistributionInspect, NodeSpec, SwarmNode, SwarmInspect, SwarmJoinRequest } from '../core/engine-types.js';
import type { Filters, Service, Task, Network, SwarmObject, Volume, Info, ServiceLogLine, ServiceLogOptions, PruneReport, PruneKind, ExecConfig, ExecState, PathStat, DistributionInspect, NodeSpec, SwarmNode, SwarmInspect, SwarmJoinRequest } from '../core/engine-types.js';

export interface DockerPort {
  /** the server name this client talks to, for messages */
  readonly server: string;
  readonly apiVersion: string;
  info(): Promise<Info>;

  listServices(filters?: Filters, status?: boolean): Promise<Service[]>;
  inspectService(idOrName: string): Promise<Service>;
  createService(spec: ServiceSpec): Promise<{ ID: string }>;
  updateService(id: string, version: number, spec: ServiceSpec): Promise<{ Warnings?: string[] | null }>;
  removeService(id: string): Promise<void>;
  /** GET /distribution/{image}/json: the daemon asks the image's registry for its digest and platforms */
  distributionInspect(image: string): Promise<DistributionInspect>;
  serviceLogs(id: string, tail: number): Promise<string[]>;
  /** GET /services/{id}/logs as complete lines while they arrive; ends when the stream does or `signal` aborts */
  streamServiceLogs(id: string, opts: ServiceLogOptions, signal?: AbortSignal): AsyncIterable<ServiceLogLine>;

  listTasks(filters?: Filters): Promise<Task[]>;

  /** the swarm's nodes (managers only) */
  listNodes(filters?: Filters): Promise<SwarmNode[]>;
  inspectNode(idOrName: string): Promise<SwarmNode>;
  updateNode(id: string, version: number, spec: NodeSpec): Promise<void>;
  /** DELETE /nodes/{id}; `force` removes a node that has not left (or is down) */
  removeNode(id: string, force?: boolean): Promise<void>;
  /** GET /swarm: its ID and join tokens (managers only) */
  inspectSwarm(): Promise<SwarmInspect>;
  /** POST /swarm/join: make the daemon this client talks to a node of another swarm */
  joinSwarm(req: SwarmJoinRequest): Promise<void>;
  /** POST /swarm/leave */
  leaveSwarm(force?: boolean): Promise<void>;

  listNetworks(filters?: Filters): Promise<Network[]>;
  createNetwork(spec: NetworkCreate): Promise<{ Id: string }>;
  removeNetwork(id: string): Promise<void>;

  listSecrets(filters?: Filters): Promise<SwarmObject<SecretSpec>[]>;
  createSecret(spec: SecretSpec): Promise<{ ID: string }>;
  removeSecret(id: string): Promise<void>;

  listConfigs(filters?: Filters): Promise<SwarmObject<ConfigSpec>[]>;
  createConfig(spec: ConfigSpec): Promise<{ ID: string }>;
  removeConfig(id: string): Promise<void>;

  listVolumes(filters?: Filters): Promise<Volume[]>;
  removeVolume(name: string): Promise<void>;

  /** exec in a running container: create, start attached (hijacked socket), resize a TTY, read the exit code */
  createExec(containerId: string, config: ExecConfig): Promise<{ Id: string }>;
  /** the hijacked connection: write stdin (end() closes it); read raw output with a TTY, multiplexed frames without */
  startExec(execId: string, tty: boolean): Promise<Duplex>;
  resizeExec(execId: string, size: { rows: number; cols: number }): Promise<void>;
  inspectExec(execId: string): Promise<ExecState>;

  /** container files as tar (GET/PUT/HEAD /containers/{id}/archive); stat is undefined when the path does not exist */
  statContainerPath(containerId: string, path: string): Promise<PathStat | undefined>;
  getArchive(containerId: string, path: string): Promise<{ stat?: PathStat; tar: Readable }>;
  putArchive(containerId: string, dir: string, tar: Readable): Promise<void>;

  /** POST /<kind>/prune; `all` only applies to the build cache (images use the dangling filter) */
  prune(kind: PruneKind, opts?: { filters?: Filters; all?: boolean }): Promise<PruneReport>;

  /** release the connection (ssh tunnel, sockets) */
  close(): Promise<void>;
}
