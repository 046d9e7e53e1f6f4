import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertService, effectiveCapabilities } from '../../src/core/convert/service.js';
import { parseCpus } from '../../src/core/convert/deploy.js';
import { RecipeError } from '../../src/core/errors.js';
import type { ComposeConfig, ServiceConfig } from '../../src/core/compose/types.js';
import { asJson, compose, readGolden, service, withServices } from './helpers/compose-model.js';

const convert = (svc: ServiceConfig, cfg: ComposeConfig = withServices(svc)) => convertService('demo', svc, cfg);

/** Asserts a RecipeError whose message names the service's compose path and matches `pattern`. */
function throwsRecipeError(fn: () => unknown, serviceName: string, pattern: RegExp, key?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RecipeError, `expected RecipeError, got ${String(err)}`);
    assert.ok(err.message.startsWith(`services.${serviceName}.`), err.message);
    assert.match(err.message, pattern);
    if (key) assert.equal(err.location?.key, key);
    return true;
  });
}

// ------------------------------------------------------------------ golden

test('kitchen-sink service matches the golden ServiceSpec', () => {
  const web = service('web', {
    image: 'nginx:1.27',
    entrypoint: ['/docker-entrypoint.sh'],
    command: ['nginx', '-g', 'daemon off;'],
    environment: { TZ: 'UTC', A_B: '1', A: '2', PASSTHROUGH: null },
    labels: { 'com.example.role': 'frontend' },
    deploy: {
      mode: 'replicated',
      replicas: 3,
      labels: { 'traefik.enable': 'true' },
      update_config: {
        parallelism: 2,
        delay: '10s',
        failure_action: 'rollback',
        monitor: '30s',
        max_failure_ratio: 0.1,
        order: 'start-first',
      },
      rollback_config: { parallelism: 0, order: 'stop-first' },
      resources: {
        limits: { cpus: '1.5', memory: 1073741824, pids: 100 },
        reservations: { cpus: '0.25', memory: 268435456 },
      },
      restart_policy: { condition: 'always', delay: '5s', max_attempts: 3, window: '2m' },
      placement: {
        constraints: ['node.role == manager'],
        preferences: [{ spread: 'node.labels.zone' }],
        max_replicas_per_node: 2,
      },
      endpoint_mode: 'vip',
    },
    secrets: [
      { source: 'tls', target: 'server.pem', mode: 0o400 },
      { source: 'api_key', uid: '101', gid: '101' },
    ],
    configs: [{ source: 'nginx_conf', target: '/etc/nginx/nginx.conf' }, { source: 'extra' }],
    networks: { front: { aliases: ['www'] }, back: null },
    volumes: [
      { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } },
      { type: 'volume', source: 'shared', target: '/shared', read_only: true },
      { type: 'volume', source: 'named', target: '/named' },
      { type: 'volume', target: '/cache' },
      {
        type: 'bind',
        source: '/var/run/docker.sock',
        target: '/var/run/docker.sock',
        read_only: true,
        bind: { propagation: 'rslave' },
      },
      { type: 'tmpfs', target: '/tmp', tmpfs: { size: 67108864 } },
    ],
    ports: [
      { mode: 'ingress', target: 80, published: 8080, protocol: 'tcp' },
      { mode: 'ingress', target: 443, published: 8443, protocol: 'tcp' },
      { mode: 'ingress', target: 53, published: 8080, protocol: 'udp' },
      { mode: 'ingress', target: 9000, protocol: 'tcp' },
    ],
    healthcheck: {
      test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
      interval: '1m30s',
      timeout: '500ms',
      retries: 3,
      start_period: '1h',
      start_interval: '2s',
    },
    user: 'nginx',
    working_dir: '/usr/share/nginx',
    hostname: 'web-{{.Task.Slot}}',
    stop_grace_period: '30s',
    stop_signal: 'SIGQUIT',
    cap_add: ['net_admin', 'CAP_SYS_TIME', 'chown'],
    cap_drop: ['ALL', 'chown'],
    sysctls: { 'net.core.somaxconn': '1024' },
    ulimits: { nproc: { single: 65535 }, nofile: { soft: 20000, hard: 40000 } },
    extra_hosts: ['somehost:162.242.195.82', 'otherhost=50.31.209.229', 'v6host:::1'],
    dns: ['8.8.8.8', '1.1.1.1'],
    dns_search: ['example.com'],
    init: true,
    tty: true,
    stdin_open: true,
    read_only: true,
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
    unsupported: ['credential_spec'],
    ignored: ['build', 'depends_on'],
  });
  const cfg = compose({
    services: { web },
    networks: {
      front: { labels: {} },
      back: { name: 'shared_back', labels: {} },
    },
    volumes: {
      data: {
        driver: 'local',
        driver_opts: { type: 'nfs', o: 'addr=10.0.0.1', device: ':/data' },
        labels: { backup: 'true' },
      },
      shared: { external: true, labels: {} },
      named: { name: 'legacy_named', labels: {} },
    },
    secrets: {
      api_key: { file: 'api_key.txt', labels: {} },
      tls: { external: true, labels: {} },
    },
    configs: {
      nginx_conf: { file: 'nginx.conf', labels: {} },
      extra: { name: 'demo_extra_v2', file: 'extra.conf', labels: {} },
    },
  });
  assert.deepStrictEqual(asJson(convertService('demo', web, cfg)), readGolden('kitchen-sink.service.json'));
});

test('a minimal service gets docker stack deploy defaults and nothing more', () => {
  const { spec, warnings } = convert(service('app', { image: 'nginx:1.27' }));
  assert.deepStrictEqual(asJson(spec), {
    Name: 'demo_app',
    Labels: { 'com.docker.stack.namespace': 'demo', 'com.docker.stack.image': 'nginx:1.27' },
    TaskTemplate: {
      ContainerSpec: { Image: 'nginx:1.27', Labels: { 'com.docker.stack.namespace': 'demo' }, Privileges: {} },
      Resources: {},
      Placement: {},
      Networks: [{ Target: 'demo_default', Aliases: ['app'] }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: {},
  });
  assert.deepStrictEqual(warnings, []);
  // docker/cli sends no RestartPolicy, StopGracePeriod, UpdateConfig or
  // RollbackConfig when the compose file has none: the daemon's defaults apply.
  assert.equal(spec.TaskTemplate.RestartPolicy, undefined);
  assert.equal(spec.TaskTemplate.ContainerSpec.StopGracePeriod, undefined);
  assert.equal(spec.UpdateConfig, undefined);
  assert.equal(spec.RollbackConfig, undefined);
});

// ------------------------------------------------------------- container

test('command becomes Args and entrypoint becomes Command', () => {
  const { spec } = convert(service('app', { command: ['serve', '--port', '80'], entrypoint: ['/init'] }));
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.Args, ['serve', '--port', '80']);
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.Command, ['/init']);
});

test('environment is sorted as whole KEY=VALUE strings; null values pass the bare key', () => {
  const { spec } = convert(
    service('app', { environment: { B: 'x', A_LONG: '1', A: '', EMPTY: null, 'a.lower': 'z' } }),
  );
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.Env, ['A=', 'A_LONG=1', 'B=x', 'EMPTY', 'a.lower=z']);
});

test('namespace label wins over a user label of the same key; image label is set last', () => {
  const { spec } = convert(
    service('app', {
      image: 'app:2',
      labels: { 'com.docker.stack.namespace': 'evil' },
      deploy: { labels: { 'com.docker.stack.namespace': 'evil', 'com.docker.stack.image': 'other:1' } },
    }),
  );
  assert.equal(spec.Labels['com.docker.stack.namespace'], 'demo');
  assert.equal(spec.Labels['com.docker.stack.image'], 'app:2');
  assert.equal(spec.TaskTemplate.ContainerSpec.Labels?.['com.docker.stack.namespace'], 'demo');
});

test('a service without an image is a RecipeError', () => {
  throwsRecipeError(() => convert(service('app', { image: undefined })), 'app', /image/, 'services.app.image');
});

test('healthcheck disable sends Test NONE; disable with a test is an error', () => {
  const { spec } = convert(service('app', { healthcheck: { disable: true } }));
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.Healthcheck, { Test: ['NONE'] });
  throwsRecipeError(
    () => convert(service('app', { healthcheck: { disable: true, test: ['CMD', 'true'] } })),
    'app',
    /test and disable/,
  );
});

test('healthcheck without test keeps the image command and converts durations', () => {
  const { spec } = convert(service('app', { healthcheck: { interval: '5s', retries: 0 } }));
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.Healthcheck, { Interval: 5e9 });
});

test('a bad duration names the service key', () => {
  assert.throws(
    () => convert(service('app', { healthcheck: { timeout: '10' } })),
    /services\.app\.healthcheck\.timeout: invalid duration "10"/,
  );
  assert.throws(
    () => convert(service('app', { stop_grace_period: '1 minute' })),
    /services\.app\.stop_grace_period/,
  );
  assert.throws(
    () => convert(service('app', { deploy: { labels: {}, update_config: { monitor: 'soon' } } })),
    /services\.app\.deploy\.update_config\.monitor/,
  );
});

test('capabilities are normalised, deduplicated, sorted, and adding beats dropping', () => {
  assert.deepStrictEqual(effectiveCapabilities(['net_admin', ' Sys_Time ', 'CAP_NET_ADMIN'], ['chown', 'net_admin']), {
    add: ['CAP_NET_ADMIN', 'CAP_SYS_TIME'],
    drop: ['CAP_CHOWN'],
  });
  assert.deepStrictEqual(effectiveCapabilities(['all', 'chown'], ['ALL']), { add: ['ALL'], drop: [] });
  assert.deepStrictEqual(effectiveCapabilities(['RESET'], ['reset', 'kill']), { add: [], drop: ['CAP_KILL'] });
});

test('extra_hosts: bad entries and non-IP nameservers are warned about, not dropped silently', () => {
  const { spec, warnings } = convert(
    service('app', { extra_hosts: ['nocolon', 'h6=[fe80::1]'], dns: ['dns.example.com', '9.9.9.9'] }),
  );
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.Hosts, ['fe80::1 h6']);
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.DNSConfig, { Nameservers: ['9.9.9.9'] });
  assert.deepStrictEqual(warnings, [
    'service app: extra_hosts entry "nocolon" is not host:ip and was not applied',
    'service app: dns entry "dns.example.com" is not an IP address and was not applied',
  ]);
});

test('unsupported and ignored keys each produce one warning', () => {
  const { warnings } = convert(
    service('app', { unsupported: ['devices'], ignored: ['build', 'container_name'], tmpfs: ['/run'] }),
  );
  assert.deepStrictEqual(warnings, [
    'service app: key "devices" is not supported by kite and was not applied',
    'service app: key "build" is ignored by docker stack deploy',
    'service app: key "container_name" is ignored by docker stack deploy',
    'service app: key "tmpfs" is ignored by docker stack deploy; use a volumes: entry with type: tmpfs',
  ]);
});

// ------------------------------------------------------- secrets, configs

test('secrets: names resolve from name:, external key, or the stack scope; IDs are left empty', () => {
  const app = service('app', { secrets: [{ source: 'plain' }, { source: 'ext' }, { source: 'named' }] });
  const cfg = compose({
    services: { app },
    secrets: {
      plain: { file: 'plain.txt', labels: {} },
      ext: { external: true, labels: {} },
      named: { external: true, name: 'demo_named_v7', labels: {} },
    },
  });
  const { spec } = convertService('demo', app, cfg);
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.Secrets, [
    { File: { Name: 'named', UID: '0', GID: '0', Mode: 0o444 }, SecretID: '', SecretName: 'demo_named_v7' },
    { File: { Name: 'plain', UID: '0', GID: '0', Mode: 0o444 }, SecretID: '', SecretName: 'demo_plain' },
    { File: { Name: 'ext', UID: '0', GID: '0', Mode: 0o444 }, SecretID: '', SecretName: 'ext' },
  ]);
});

test('configs default their target to the short name, as docker/cli sends it', () => {
  const app = service('app', { configs: [{ source: 'app_conf' }, { source: 'run', target: '/run.sh', mode: 0o555 }] });
  const cfg = compose({
    services: { app },
    configs: {
      app_conf: { file: 'app.conf', labels: {} },
      run: { name: 'demo_run_v2', file: 'run.sh', labels: {} },
    },
  });
  assert.deepStrictEqual(convertService('demo', app, cfg).spec.TaskTemplate.ContainerSpec.Configs, [
    { File: { Name: 'app_conf', UID: '0', GID: '0', Mode: 0o444 }, ConfigID: '', ConfigName: 'demo_app_conf' },
    { File: { Name: '/run.sh', UID: '0', GID: '0', Mode: 0o555 }, ConfigID: '', ConfigName: 'demo_run_v2' },
  ]);
});

test('an undeclared secret or config is a RecipeError naming service and key', () => {
  const app = service('app', { secrets: [{ source: 'db_password' }] });
  throwsRecipeError(() => convert(app), 'app', /secret "db_password" is not declared/, 'services.app.secrets');
  const app2 = service('app', { configs: [{ source: 'nginx' }] });
  throwsRecipeError(() => convert(app2), 'app', /config "nginx" is not declared/, 'services.app.configs');
});

test('two secrets with the same target are a RecipeError, as in docker/cli', () => {
  const app = service('app', { secrets: [{ source: 'a', target: 'key' }, { source: 'b', target: 'key' }] });
  const cfg = compose({
    services: { app },
    secrets: { a: { external: true, labels: {} }, b: { external: true, labels: {} } },
  });
  throwsRecipeError(() => convertService('demo', app, cfg), 'app', /duplicate secret target "key"/);
});

// -------------------------------------------------------------- networks

test('networks: undeclared is an error, default needs no declaration, aliases only on user networks', () => {
  throwsRecipeError(
    () => convert(service('app', { networks: { backend: null } })),
    'app',
    /network "backend" is not declared/,
    'services.app.networks',
  );

  const { spec } = convert(service('app', { networks: { default: { aliases: ['a1'] } } }));
  assert.deepStrictEqual(spec.TaskTemplate.Networks, [{ Target: 'demo_default', Aliases: ['a1', 'app'] }]);

  const app = service('app', { networks: { hostnet: null, proxy: { ipv4_address: '10.0.0.5' } } });
  const cfg = compose({
    services: { app },
    networks: { hostnet: { external: true, name: 'host', labels: {} }, proxy: { external: true, labels: {} } },
  });
  const converted = convertService('demo', app, cfg);
  assert.deepStrictEqual(converted.spec.TaskTemplate.Networks, [{ Target: 'host' }, { Target: 'proxy', Aliases: ['app'] }]);
  assert.deepStrictEqual(converted.warnings, [
    'service app: network proxy: key "ipv4_address" is ignored by docker stack deploy',
  ]);
});

// --------------------------------------------------------------- volumes

test('volumes: undeclared named volume is an error; incompatible options are errors', () => {
  throwsRecipeError(
    () => convert(service('app', { volumes: [{ type: 'volume', source: 'data', target: '/data' }] })),
    'app',
    /volume "data" is not declared/,
    'services.app.volumes',
  );
  throwsRecipeError(
    () => convert(service('app', { volumes: [{ type: 'bind', target: '/x' }] })),
    'app',
    /source cannot be empty/,
  );
  throwsRecipeError(
    () => convert(service('app', { volumes: [{ type: 'tmpfs', target: '/x', bind: { propagation: 'shared' } }] })),
    'app',
    /bind options are incompatible with type tmpfs/,
  );
});

test('volumes: tmpfs mode is warned about (docker/cli only sends the size)', () => {
  const { spec, warnings } = convert(
    service('app', { volumes: [{ type: 'tmpfs', target: '/run', tmpfs: { size: 1000, mode: 0o1777 } }] }),
  );
  assert.deepStrictEqual(spec.TaskTemplate.ContainerSpec.Mounts, [
    { Type: 'tmpfs', Target: '/run', TmpfsOptions: { SizeBytes: 1000 } },
  ]);
  assert.deepStrictEqual(warnings, ['service app: volume /run: key "tmpfs.mode" is ignored by docker stack deploy']);
});

// ------------------------------------------------------------------ deploy

test('deploy modes', () => {
  const mode = (deploy: ServiceConfig['deploy']) => convert(service('app', { deploy })).spec.Mode;
  assert.deepStrictEqual(mode({ labels: {}, mode: 'global' }), { Global: {} });
  assert.deepStrictEqual(mode({ labels: {}, mode: 'global-job' }), { GlobalJob: {} });
  assert.deepStrictEqual(mode({ labels: {}, mode: 'replicated-job', replicas: 4 }), {
    ReplicatedJob: { MaxConcurrent: 4, TotalCompletions: 4 },
  });
  assert.deepStrictEqual(mode({ labels: {}, mode: 'replicated-job' }), { ReplicatedJob: {} });
  assert.deepStrictEqual(mode({ labels: {}, replicas: 0 }), { Replicated: { Replicas: 0 } });
  throwsRecipeError(
    () => mode({ labels: {}, mode: 'global', replicas: 2 }),
    'app',
    /replicas can only be used with replicated/,
    'services.app.deploy.replicas',
  );
});

test('restart_policy condition accepts compose restart spellings and rejects others', () => {
  const condition = (c: string) =>
    convert(service('app', { deploy: { labels: {}, restart_policy: { condition: c } } })).spec.TaskTemplate
      .RestartPolicy?.Condition;
  assert.equal(condition('no'), 'none');
  assert.equal(condition('none'), 'none');
  assert.equal(condition('on-failure'), 'on-failure');
  assert.equal(condition('always'), 'any');
  assert.equal(condition('any'), 'any');
  throwsRecipeError(() => condition('sometimes'), 'app', /unknown restart condition "sometimes"/);
  const { spec } = convert(service('app', { deploy: { labels: {}, restart_policy: { max_attempts: 0 } } }));
  assert.deepStrictEqual(spec.TaskTemplate.RestartPolicy, { MaxAttempts: 0 });
});

test('update_config: parallelism defaults to 1; bad failure_action or order is an error', () => {
  const { spec } = convert(service('app', { deploy: { labels: {}, update_config: { delay: '1s' } } }));
  assert.deepStrictEqual(spec.UpdateConfig, { Parallelism: 1, Delay: 1e9 });
  throwsRecipeError(
    () => convert(service('app', { deploy: { labels: {}, rollback_config: { failure_action: 'explode' } } })),
    'app',
    /failure_action: "explode" is not one of pause, continue, rollback/,
  );
  throwsRecipeError(
    () => convert(service('app', { deploy: { labels: {}, update_config: { order: 'random' } } })),
    'app',
    /order: "random"/,
  );
});

test('cpus parse exactly into NanoCPUs', () => {
  assert.equal(parseCpus('0.5', 'app', 'k'), 5e8);
  assert.equal(parseCpus('2', 'app', 'k'), 2e9);
  assert.equal(parseCpus('.001', 'app', 'k'), 1e6);
  assert.equal(parseCpus('0.000000001', 'app', 'k'), 1);
  assert.equal(parseCpus('1.0000000000', 'app', 'k'), 1e9);
  assert.throws(() => parseCpus('0.0000000001', 'app', 'k'), /too precise/);
  assert.throws(() => parseCpus('half', 'app', 'k'), /not a number of CPUs/);
  assert.throws(() => parseCpus('.', 'app', 'k'), /not a number of CPUs/);
});

test('generic resources: discrete ones convert, others are warned about', () => {
  const { spec, warnings } = convert(
    service('app', {
      deploy: {
        labels: {},
        resources: {
          reservations: {
            generic_resources: [{ discrete_resource_spec: { kind: 'gpu', value: 2 } }, { named: 'x' }],
          },
        },
      },
    }),
  );
  assert.deepStrictEqual(spec.TaskTemplate.Resources, {
    Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: 'gpu', Value: 2 } }] },
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /generic_resources entry .* was not applied/);
});

test('ports sort by published, then target, protocol and mode; dnsrr endpoint mode is kept', () => {
  const { spec } = convert(
    service('app', {
      deploy: { labels: {}, endpoint_mode: 'dnsrr' },
      ports: [
        { mode: 'host', target: 80, published: 80, protocol: 'tcp' },
        { mode: 'host', target: 22, published: 2222, protocol: 'tcp' },
        { mode: 'ingress', target: 80, published: 80, protocol: 'tcp' },
      ],
    }),
  );
  assert.deepStrictEqual(spec.EndpointSpec, {
    Mode: 'dnsrr',
    Ports: [
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 80, PublishMode: 'host' },
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 80, PublishMode: 'ingress' },
      { Protocol: 'tcp', TargetPort: 22, PublishedPort: 2222, PublishMode: 'host' },
    ],
  });
});
