// The normalised compose model: what docker/cli's loader produces after
// interpolation, short-syntax expansion and merging (cli/compose/types).
// Field names follow the compose file (snake_case) so diffs against
// `docker stack config` output stay readable.

export type Mapping = Record<string, string>;
/** environment values may be null: `KEY` with no value and no env entry */
export type MappingWithNull = Record<string, string | null>;

export interface ComposeConfig {
  version?: string;
  services: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  /** top-level `x-*` keys, kept for lint */
  extensions?: Record<string, unknown>;
}

export interface ServiceConfig {
  name: string;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment: MappingWithNull;
  env_file?: string[];
  labels: Mapping;
  deploy: DeployConfig;
  secrets: ServiceFileRef[];
  configs: ServiceFileRef[];
  /** network name → options (null when given in list form) */
  networks?: Record<string, ServiceNetworkConfig | null>;
  volumes: ServiceVolumeConfig[];
  ports: ServicePortConfig[];
  healthcheck?: HealthcheckConfig;
  user?: string;
  working_dir?: string;
  hostname?: string;
  stop_grace_period?: string;
  stop_signal?: string;
  cap_add?: string[];
  cap_drop?: string[];
  sysctls?: Mapping;
  ulimits?: Record<string, { single?: number; soft?: number; hard?: number }>;
  extra_hosts?: string[];
  dns?: string[];
  dns_search?: string[];
  init?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  read_only?: boolean;
  tmpfs?: string[];
  logging?: { driver?: string; options?: Mapping };
  /** keys present in the file that `docker stack deploy` ignores or kite does not support */
  unsupported: string[];
  /** keys `docker stack deploy` ignores (e.g. build, depends_on, container_name) */
  ignored: string[];
}

export interface DeployConfig {
  mode?: 'replicated' | 'global' | 'replicated-job' | 'global-job';
  replicas?: number;
  labels: Mapping;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  resources?: {
    limits?: { cpus?: string; memory?: number; pids?: number };
    reservations?: { cpus?: string; memory?: number; generic_resources?: unknown[] };
  };
  restart_policy?: {
    condition?: string;
    delay?: string;
    max_attempts?: number;
    window?: string;
  };
  placement?: {
    constraints?: string[];
    preferences?: { spread: string }[];
    max_replicas_per_node?: number;
  };
  endpoint_mode?: 'vip' | 'dnsrr';
}

export interface UpdateConfig {
  parallelism?: number;
  delay?: string;
  failure_action?: string;
  monitor?: string;
  max_failure_ratio?: number;
  order?: string;
}

export interface ServiceFileRef {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface ServiceNetworkConfig {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
}

export interface ServiceVolumeConfig {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe';
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string };
  volume?: { nocopy?: boolean };
  tmpfs?: { size?: number; mode?: number };
}

export interface ServicePortConfig {
  mode: 'ingress' | 'host';
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export interface HealthcheckConfig {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

export interface NetworkConfig {
  name?: string;
  driver?: string;
  driver_opts?: Mapping;
  ipam?: { driver?: string; config?: { subnet?: string }[] };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels: Mapping;
}

export interface VolumeConfig {
  name?: string;
  driver?: string;
  driver_opts?: Mapping;
  external?: boolean;
  labels: Mapping;
}

export interface FileObjectConfig {
  name?: string;
  file?: string;
  /** inline content (configs: `content:`) */
  content?: string;
  environment?: string;
  external?: boolean;
  labels: Mapping;
  template_driver?: string;
  driver?: string;
  driver_opts?: Mapping;
}

/** A compose file as read from disk, before merge. */
export interface ComposeSource {
  /** path relative to the recipe dir, used in error messages */
  file: string;
  text: string;
}
