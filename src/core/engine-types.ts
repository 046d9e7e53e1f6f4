// The Docker Engine API's data as kite reads it: the Engine's own JSON
// (PascalCase), trimmed to what kite reads. Pure shapes, no I/O; the Docker
// port (src/ports/docker.ts) re-exports them, and core/ (convergence,
// prune filters) judges them without importing any port.

import type { ServiceSpec } from './convert/swarm-types.js';

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
  Spec?: { ContainerSpec?: { Image?: string }; Placement?: { Constraints?: string[] | null } };
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
  Swarm: { LocalNodeState: string; ControlAvailable: boolean; NodeID?: string; NodeAddr?: string; RemoteManagers?: { NodeID: string; Addr: string }[] | null };
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

/** a swarm node (GET /nodes), trimmed to what kite reads */
export interface NodeSpec {
  Name?: string;
  Labels?: Record<string, string> | null;
  Role: 'worker' | 'manager';
  Availability: 'active' | 'pause' | 'drain';
}

export interface SwarmNode {
  ID: string;
  Version: ObjectVersion;
  CreatedAt?: string;
  /** changes with the node's status too: when a node went down, this says since when */
  UpdatedAt?: string;
  Spec: NodeSpec;
  Description?: {
    Hostname?: string;
    Platform?: { Architecture?: string; OS?: string };
    Resources?: { NanoCPUs?: number; MemoryBytes?: number };
    Engine?: { EngineVersion?: string };
  };
  Status: { State: 'unknown' | 'down' | 'ready' | 'disconnected' | string; Message?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string } | null;
}

/** GET /swarm (managers only) */
export interface SwarmInspect {
  ID: string;
  JoinTokens: { Worker: string; Manager: string };
}

/** POST /swarm/join */
export interface SwarmJoinRequest {
  ListenAddr: string;
  AdvertiseAddr?: string;
  RemoteAddrs: string[];
  JoinToken: string;
}
