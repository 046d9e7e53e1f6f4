// The shape of a compose file of format 3.x as docker/cli's loader (and so
// abra, which vendors it) checks it: kite's own description of the rules of
// docker/cli's cli/compose/schema/data/config_schema_v3.13.json (the newest
// 3.x; docker picks the file of the `version:`, and the older ones only allow
// fewer keys). Data only: scripts/gen-compose-schema.ts compiles it with Ajv
// into schema-v3.generated.ts, so no schema is compiled at run time.

export type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
/** Go's time.ParseDuration grammar (`90s`, `1m30s`, `1.5h`, `0`): docker's "duration" format */
export const GO_DURATION = '^[-+]?(?:0|(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$';
const duration: Schema = { type: 'string', pattern: GO_DURATION };
const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const oneOf = (...schemas: Schema[]): Schema => ({ oneOf: schemas });
const types = (...t: string[]): Schema => ({ type: t });
const strings = (unique = true): Schema => ({ type: 'array', items: str, ...(unique ? { uniqueItems: true } : {}) });
/** a mapping with these keys and no other (`x-*` too when `extensions`) */
const closed = (properties: Record<string, Schema>, extensions = false, type: string | string[] = 'object'): Schema => ({
  type,
  properties,
  ...(extensions ? { patternProperties: { '^x-': {} } } : {}),
  additionalProperties: false,
});
const open = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties });
const mapOf = (pattern: string, value: Schema): Schema => ({ type: 'object', patternProperties: { [pattern]: value } });
const driverOpts = mapOf('^.+$', types('string', 'number'));
const external = { type: ['boolean', 'object'], properties: { name: str } };
const fileRef = oneOf(str, open({ source: str, target: str, uid: str, gid: str, mode: num }));
const updateConfig = closed({
  parallelism: int,
  delay: duration,
  failure_action: str,
  monitor: duration,
  max_failure_ratio: num,
  order: { type: 'string', enum: ['start-first', 'stop-first'] },
});

const service = closed(
  {
    deploy: ref('deployment'),
    build: oneOf(str, {
      type: 'object',
      properties: {
        context: str,
        dockerfile: str,
        args: ref('list_or_dict'),
        labels: ref('list_or_dict'),
        cache_from: ref('list_of_strings'),
        network: str,
        target: str,
        shm_size: types('integer', 'string'),
        extra_hosts: ref('list_or_dict'),
      },
    }),
    cap_add: strings(),
    cap_drop: strings(),
    cgroupns_mode: str,
    cgroup_parent: str,
    command: oneOf(str, strings(false)),
    configs: { type: 'array', items: fileRef },
    container_name: str,
    credential_spec: closed({ config: str, file: str, registry: str }),
    depends_on: ref('list_of_strings'),
    devices: strings(),
    dns: ref('string_or_list'),
    dns_search: ref('string_or_list'),
    domainname: str,
    entrypoint: oneOf(str, strings(false)),
    env_file: ref('string_or_list'),
    environment: ref('list_or_dict'),
    expose: { type: 'array', items: types('string', 'number'), uniqueItems: true },
    external_links: strings(),
    extra_hosts: ref('list_or_dict'),
    healthcheck: ref('healthcheck'),
    hostname: str,
    image: str,
    init: bool,
    ipc: str,
    isolation: str,
    labels: ref('list_or_dict'),
    links: strings(),
    logging: closed({ driver: str, options: mapOf('^.+$', types('string', 'number', 'null')) }),
    mac_address: str,
    network_mode: str,
    networks: oneOf(ref('list_of_strings'), {
      type: 'object',
      patternProperties: {
        '^[a-zA-Z0-9._-]+$': oneOf(closed({ aliases: ref('list_of_strings'), driver_opts: driverOpts, ipv4_address: str, ipv6_address: str }), types('null')),
      },
      additionalProperties: false,
    }),
    pid: types('string', 'null'),
    ports: {
      type: 'array',
      items: oneOf(num, str, closed({ mode: str, target: int, published: int, protocol: str })),
      uniqueItems: true,
    },
    privileged: bool,
    read_only: bool,
    restart: str,
    security_opt: strings(),
    shm_size: types('number', 'string'),
    secrets: { type: 'array', items: fileRef },
    sysctls: ref('list_or_dict'),
    stdin_open: bool,
    stop_grace_period: duration,
    stop_signal: str,
    tmpfs: ref('string_or_list'),
    tty: bool,
    ulimits: mapOf('^[a-z]+$', oneOf(int, { ...closed({ hard: int, soft: int }), required: ['soft', 'hard'] })),
    oom_score_adj: int,
    user: str,
    userns_mode: str,
    volumes: {
      type: 'array',
      items: oneOf(str, {
        ...closed({
          type: str,
          source: str,
          target: str,
          read_only: bool,
          consistency: str,
          bind: open({ propagation: str }),
          volume: open({ nocopy: bool }),
          tmpfs: open({ size: { type: 'integer', minimum: 0 } }),
        }),
        required: ['type'],
      }),
      uniqueItems: true,
    },
    working_dir: str,
  },
  true,
);

const definitions: Record<string, Schema> = {
  service,
  healthcheck: closed({
    disable: bool,
    interval: duration,
    retries: num,
    test: oneOf(str, strings(false)),
    timeout: duration,
    start_period: duration,
    start_interval: duration,
  }),
  deployment: closed(
    {
      mode: str,
      endpoint_mode: str,
      replicas: int,
      labels: ref('list_or_dict'),
      rollback_config: updateConfig,
      update_config: updateConfig,
      resources: closed({
        limits: closed({ cpus: str, memory: str, pids: int }),
        reservations: closed({
          cpus: str,
          memory: str,
          generic_resources: {
            type: 'array',
            items: closed({ discrete_resource_spec: closed({ kind: str, value: num }) }),
          },
        }),
      }),
      restart_policy: closed({ condition: str, delay: duration, max_attempts: int, window: duration }),
      placement: closed({
        constraints: { type: 'array', items: str },
        preferences: { type: 'array', items: closed({ spread: str }) },
        max_replicas_per_node: int,
      }),
    },
    false,
    ['object', 'null'],
  ),
  network: closed(
    {
      name: str,
      driver: str,
      driver_opts: driverOpts,
      ipam: closed({ driver: str, config: { type: 'array', items: closed({ subnet: str }) } }),
      external: { ...external, additionalProperties: false },
      internal: bool,
      attachable: bool,
      labels: ref('list_or_dict'),
    },
    true,
    ['object', 'null'],
  ),
  volume: closed(
    {
      name: str,
      driver: str,
      driver_opts: driverOpts,
      external: { ...external, additionalProperties: false },
      labels: ref('list_or_dict'),
      'x-cluster-spec': { type: 'object' },
    },
    true,
    ['object', 'null'],
  ),
  secret: closed({ name: str, file: str, external, labels: ref('list_or_dict'), driver: str, driver_opts: driverOpts, template_driver: str }, true),
  config: closed({ name: str, file: str, external, labels: ref('list_or_dict'), template_driver: str }, true),
  string_or_list: oneOf(str, ref('list_of_strings')),
  list_of_strings: strings(),
  list_or_dict: oneOf({ type: 'object', patternProperties: { '.+': types('string', 'number', 'null') }, additionalProperties: false }, strings()),
};

const NAME = '^[a-zA-Z0-9._-]+$';
export const COMPOSE_V3_SCHEMA: Schema = {
  ...closed(
    {
      version: str,
      services: { type: 'object', patternProperties: { [NAME]: ref('service') }, additionalProperties: false },
      networks: { type: 'object', patternProperties: { [NAME]: ref('network') } },
      volumes: { type: 'object', patternProperties: { [NAME]: ref('volume') }, additionalProperties: false },
      secrets: { type: 'object', patternProperties: { [NAME]: ref('secret') }, additionalProperties: false },
      configs: { type: 'object', patternProperties: { [NAME]: ref('config') }, additionalProperties: false },
    },
    true,
  ),
  definitions,
};
