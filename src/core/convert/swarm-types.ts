// The Engine API objects kite sends when deploying a stack, spelled exactly as
// the Engine API (v1.41+) JSON: PascalCase keys, durations in nanoseconds,
// file modes as plain numbers (0o444 is sent as 292).
//
// Only what `docker stack deploy` fills in is modelled. Optional fields are
// left out of the object rather than sent as zero values, which matches the
// `omitempty` tags of the Go types in github.com/moby/moby/api/types.

export type Labels = Record<string, string>;

/** swarm.Driver / mount.Driver: a named plugin with options. */
export interface Driver {
  Name?: string;
  Options?: Record<string, string>;
}

// ---------------------------------------------------------------- services

/** POST /services/create body (Annotations are flattened into Name/Labels). */
export interface ServiceSpec {
  Name: string;
  Labels: Labels;
  TaskTemplate: TaskSpec;
  Mode: ServiceMode;
  UpdateConfig?: UpdateConfig;
  RollbackConfig?: UpdateConfig;
  EndpointSpec?: EndpointSpec;
}

export interface TaskSpec {
  ContainerSpec: ContainerSpec;
  Resources?: ResourceRequirements;
  RestartPolicy?: RestartPolicy;
  Placement?: Placement;
  Networks?: NetworkAttachmentConfig[];
  LogDriver?: Driver;
  /** Counter that forces a redeploy when bumped; `docker stack deploy` carries the running value over. */
  ForceUpdate?: number;
}

export interface ContainerSpec {
  Image: string;
  Labels?: Labels;
  /** compose `entrypoint` */
  Command?: string[];
  /** compose `command` */
  Args?: string[];
  Hostname?: string;
  /** `KEY=VALUE`, or a bare `KEY` to pass it through unset */
  Env?: string[];
  Dir?: string;
  User?: string;
  Init?: boolean;
  StopSignal?: string;
  TTY?: boolean;
  OpenStdin?: boolean;
  ReadOnly?: boolean;
  Mounts?: Mount[];
  /** nanoseconds */
  StopGracePeriod?: number;
  Healthcheck?: HealthConfig;
  /** `IP hostname` lines, as in /etc/hosts */
  Hosts?: string[];
  DNSConfig?: DNSConfig;
  /** `docker stack deploy` always sends one (empty unless credential_spec is set); Swarm tells {} from none */
  Privileges?: { CredentialSpec?: Record<string, string> | null; SELinuxContext?: Record<string, unknown> | null };
  Secrets?: SecretReference[];
  Configs?: ConfigReference[];
  Sysctls?: Record<string, string>;
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
  Ulimits?: Ulimit[];
}

export interface FileTarget {
  /** Path in the container; secrets with a relative name live under /run/secrets. */
  Name: string;
  UID: string;
  GID: string;
  Mode: number;
}

export interface SecretReference {
  File: FileTarget;
  /** Filled at deploy time from the secret's name; '' until then. */
  SecretID: string;
  SecretName: string;
}

export interface ConfigReference {
  File: FileTarget;
  /** Filled at deploy time from the config's name; '' until then. */
  ConfigID: string;
  ConfigName: string;
}

export type MountType = 'volume' | 'bind' | 'tmpfs' | 'npipe';

export interface Mount {
  Type: MountType;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Labels; DriverConfig?: Driver };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/** Durations in nanoseconds. `Test: ['NONE']` disables the image's healthcheck. */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface DNSConfig {
  Nameservers?: string[];
  Search?: string[];
  Options?: string[];
}

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface ResourceRequirements {
  Limits?: { NanoCPUs?: number; MemoryBytes?: number; Pids?: number };
  Reservations?: { NanoCPUs?: number; MemoryBytes?: number; GenericResources?: GenericResource[] };
}

export interface GenericResource {
  NamedResourceSpec?: { Kind: string; Value: string };
  DiscreteResourceSpec?: { Kind: string; Value: number };
}

export type RestartCondition = 'none' | 'on-failure' | 'any';

export interface RestartPolicy {
  Condition?: RestartCondition;
  /** nanoseconds */
  Delay?: number;
  MaxAttempts?: number;
  /** nanoseconds */
  Window?: number;
}

export interface Placement {
  Constraints?: string[];
  Preferences?: PlacementPreference[];
  MaxReplicas?: number;
  /** set at deploy from the image's manifest (see core/image-pin.ts), never from compose */
  Platforms?: { Architecture: string; OS: string }[];
}

export interface PlacementPreference {
  Spread: { SpreadDescriptor: string };
}

export interface NetworkAttachmentConfig {
  /** network name (the daemon also accepts an ID) */
  Target: string;
  Aliases?: string[];
}

/** Exactly one key is set. */
export interface ServiceMode {
  Replicated?: { Replicas?: number };
  Global?: Record<string, never>;
  ReplicatedJob?: { MaxConcurrent?: number; TotalCompletions?: number };
  GlobalJob?: Record<string, never>;
}

export type FailureAction = 'pause' | 'continue' | 'rollback';
export type UpdateOrder = 'stop-first' | 'start-first';

export interface UpdateConfig {
  Parallelism: number;
  /** nanoseconds */
  Delay?: number;
  FailureAction?: FailureAction;
  /** nanoseconds */
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: UpdateOrder;
}

export interface EndpointSpec {
  Mode?: 'vip' | 'dnsrr';
  Ports?: PortConfig[];
}

export interface PortConfig {
  Name?: string;
  Protocol?: 'tcp' | 'udp' | 'sctp';
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: 'ingress' | 'host';
}

// ---------------------------------------------------------------- networks

/** POST /networks/create body. */
export interface NetworkCreate {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  IPAM?: IPAM;
  EnableIPv6?: boolean;
  Options?: Record<string, string>;
  Labels?: Labels;
}

export interface IPAM {
  Driver?: string;
  Config?: { Subnet?: string; IPRange?: string; Gateway?: string }[];
  Options?: Record<string, string>;
}

// ---------------------------------------------------------- secrets, configs

/** POST /secrets/create body. `Data` is base64. */
export interface SecretSpec {
  Name: string;
  Labels: Labels;
  Data?: string;
  Driver?: Driver;
  Templating?: Driver;
}

/** POST /configs/create body. `Data` is base64; `Templating: {Name: 'golang'}` makes swarm render it. */
export interface ConfigSpec {
  Name: string;
  Labels: Labels;
  Data?: string;
  Templating?: Driver;
}
