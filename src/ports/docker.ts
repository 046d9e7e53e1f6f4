// The Docker Engine API as kite's operations see it: a small interface with
// one real adapter (src/adapters/docker/engine.ts) and fakes in unit tests.
// Shapes are the Engine API's own JSON (PascalCase), trimmed to what we read.

import type { ServiceSpec, NetworkCreate, SecretSpec, ConfigSpec } from '../core/convert/swarm-types.js';
import type { Duplex, Readable } from 'node:stream';

export type Filters = Record<string, string[]>;

export interface ObjectVersion {
  Index: number;
}

export interface Service {
  ID: string;
  Version: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string; CompletedAt?: string } | null;
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number; CompletedTasks?: number };
}

export interface Task {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status: {
    Timestamp?: string;
    State: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
  };
}

export interface Network {
  Id: string;
  Name: string;
  Scope: string;
  Driver: string;
  Labels?: Record<string, string> | null;
}

export interface SwarmObject<S> {
  ID: string;
  Version: ObjectVersion;
  Spec: S;
}

export interface Volume {
  Name: string;
  Driver: string;
  Labels?: Record<string, string> | null;
  CreatedAt?: string;
}

export interface Info {
  ServerVersion: string;
  Name: string;
  Swarm: { LocalNodeState: string; ControlAvailable: boolean; NodeID?: string };
  /** the daemon's clock, RFC 3339 */
  SystemTime?: string;
}

/** One line of a service's logs (`stream` says which of the container's outputs it came from). */
export interface ServiceLogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ServiceLogOptions {
  /** keep streaming new lines until the signal aborts */
  follow?: boolean;
  /** UNIX seconds (`1732880000` or `1732880000.5`) */
  since?: string;
  /** lines per task from the end, or all */
  tail?: number | 'all';
  /** prefix each line with its RFC 3339 timestamp and a space */
  timestamps?: boolean;
}

/** What the Engine's prune endpoints report, in one shape. */
export interface PruneReport {
  /** IDs or names of what was removed (images: untagged and deleted references) */
  deleted: string[];
  spaceReclaimed: number;
}

export type PruneKind = 'containers' | 'networks' | 'images' | 'build' | 'volumes';

/** POST /containers/{id}/exec body (the fields kite sets) */
export interface ExecConfig {
  Cmd: string[];
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Tty: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
}

export interface ExecState {
  Running: boolean;
  ExitCode: number | null;
}

/** a path in a container (X-Docker-Container-Path-Stat) */
export interface PathStat {
  name: string;
  size: number;
  isDir: boolean;
  isSymlink: boolean;
  /** permission bits */
  mode: number;
  linkTarget?: string;
}

export interface DistributionInspect {
  Descriptor: { digest: string };
  Platforms?: { architecture: string; os: string }[] | null;
}

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
