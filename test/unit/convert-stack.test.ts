import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertStack } from '../../src/core/convert/stack.js';
import { objectName, scope } from '../../src/core/convert/namespace.js';
import { RecipeError } from '../../src/core/errors.js';
import type { ComposeConfig } from '../../src/core/compose/types.js';
import { asJson, compose, readGolden, service, withServices } from './helpers/compose-model.js';

const STACK = 'git_example_com';

/**
 * An abra-style recipe after loading and interpolation (STACK_NAME and the
 * secret/config versions are already substituted): gitea + postgres + redis,
 * external `proxy`, an internal overlay, a golang-templated config, an
 * external versioned secret, named volumes, a host-mode SSH port.
 */
function abraGitea(): ComposeConfig {
  return compose({
    services: {
      app: service('app', {
        image: 'gitea/gitea:1.22.1-rootless',
        environment: {
          GITEA__database__DB_TYPE: 'postgres',
          GITEA__database__HOST: 'db:5432',
          GITEA__database__PASSWD_FILE: '/run/secrets/db_password',
          GITEA__server__DOMAIN: 'git.example.com',
          USER_UID: '1000',
        },
        deploy: {
          labels: {
            'traefik.enable': 'true',
            [`traefik.http.services.${STACK}.loadbalancer.server.port`]: '3000',
            [`traefik.http.routers.${STACK}.rule`]: 'Host(`git.example.com`)',
            [`traefik.http.routers.${STACK}.entrypoints`]: 'web-secure',
            [`traefik.http.routers.${STACK}.tls.certresolver`]: 'production',
            [`coop-cloud.${STACK}.version`]: '3.1.0+1.22.1-rootless',
            [`coop-cloud.${STACK}.timeout`]: '120',
          },
          update_config: { failure_action: 'rollback', order: 'start-first' },
          restart_policy: { condition: 'on-failure' },
        },
        secrets: [{ source: 'db_password' }],
        configs: [{ source: 'app_ini', target: '/etc/gitea/app.ini', uid: '1000', gid: '1000' }],
        networks: { proxy: null, internal: null },
        volumes: [
          { type: 'volume', source: 'gitea', target: '/var/lib/gitea' },
          { type: 'bind', source: '/etc/timezone', target: '/etc/timezone', read_only: true },
        ],
        ports: [{ mode: 'host', target: 2222, published: 2222, protocol: 'tcp' }],
        healthcheck: {
          test: ['CMD', 'curl', '-f', 'http://localhost:3000/api/healthz'],
          interval: '30s',
          timeout: '10s',
          retries: 10,
          start_period: '1m',
        },
        ignored: ['depends_on'],
      }),
      db: service('db', {
        image: 'postgres:15.7',
        environment: {
          POSTGRES_DB: 'gitea',
          POSTGRES_USER: 'gitea',
          POSTGRES_PASSWORD_FILE: '/run/secrets/db_password',
        },
        deploy: { labels: { 'backupbot.backup': 'true' } },
        secrets: [{ source: 'db_password' }],
        networks: { internal: { aliases: ['postgres'] } },
        volumes: [{ type: 'volume', source: 'postgres', target: '/var/lib/postgresql/data' }],
        healthcheck: {
          test: ['CMD-SHELL', 'pg_isready -U gitea'],
          interval: '10s',
          timeout: '5s',
          retries: 5,
          start_period: '30s',
        },
        stop_grace_period: '1m30s',
      }),
      cache: service('cache', {
        image: 'redis:7.2.5-alpine',
        command: ['redis-server', '--save', ''],
        deploy: { labels: {}, resources: { limits: { cpus: '0.25', memory: 268435456 } } },
        healthcheck: { test: ['CMD', 'redis-cli', 'ping'] },
        ignored: ['container_name'],
      }),
    },
    networks: {
      proxy: { external: true, labels: {} },
      internal: { labels: {} },
    },
    volumes: {
      gitea: { labels: {} },
      postgres: { labels: {} },
    },
    secrets: {
      db_password: { external: true, name: `${STACK}_db_password_v1`, labels: {} },
    },
    configs: {
      app_ini: { name: `${STACK}_app_ini_v3`, file: 'app.ini.tmpl', template_driver: 'golang', labels: {} },
    },
  });
}

test('abra-style 3-service recipe matches the golden StackSpec', () => {
  assert.deepStrictEqual(asJson(convertStack(STACK, abraGitea())), readGolden('abra-gitea.stack.json'));
});

test('conversion is deterministic whatever the key order of the input', () => {
  const cfg = abraGitea();
  const reversed: ComposeConfig = {
    ...cfg,
    services: Object.fromEntries(Object.entries(cfg.services).reverse()),
    networks: Object.fromEntries(Object.entries(cfg.networks).reverse()),
  };
  assert.deepStrictEqual(convertStack(STACK, reversed), convertStack(STACK, cfg));
});

test('naming helpers', () => {
  assert.equal(scope('s', 'web'), 's_web');
  assert.equal(objectName('s', 'k', undefined), 's_k');
  assert.equal(objectName('s', 'k', { external: true }), 'k');
  assert.equal(objectName('s', 'k', { name: 'exact' }), 'exact');
});

test('networks: only the ones services use; default only when some service has no networks', () => {
  const app = service('app', { networks: { front: null } });
  const cfg = compose({
    services: { app },
    networks: {
      front: {
        driver: 'overlay',
        attachable: true,
        internal: true,
        driver_opts: { encrypted: '' },
        ipam: { driver: 'default', config: [{ subnet: '10.10.0.0/24' }] },
        labels: { team: 'ops' },
      },
      unused: { labels: {} },
    },
  });
  assert.deepStrictEqual(asJson(convertStack('s', cfg).networks), [
    {
      key: 'front',
      name: 's_front',
      external: false,
      spec: {
        Name: 's_front',
        Driver: 'overlay',
        Labels: { team: 'ops', 'com.docker.stack.namespace': 's' },
        Options: { encrypted: '' },
        Internal: true,
        Attachable: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: '10.10.0.0/24' }] },
      },
    },
  ]);
});

test('networks: a declared default network and a named one keep their settings', () => {
  const cfg = compose({
    services: { a: service('a'), b: service('b', { networks: { shared: null } }) },
    networks: {
      default: { driver: 'weave', labels: {} },
      shared: { name: 'team_shared', labels: {} },
    },
  });
  const networks = convertStack('s', cfg).networks;
  assert.deepStrictEqual(
    networks.map((n) => [n.key, n.name, n.spec.Driver]),
    [
      ['default', 's_default', 'weave'],
      ['shared', 'team_shared', 'overlay'],
    ],
  );
  assert.deepStrictEqual(
    convertStack('s', cfg).services.map((s) => s.spec.TaskTemplate.Networks),
    [[{ Target: 's_default', Aliases: ['a'] }], [{ Target: 'team_shared', Aliases: ['b'] }]],
  );
});

test('secrets and configs: every declared one is listed, with usedBy, labels, file and templating', () => {
  const app = service('app', { secrets: [{ source: 'key' }], configs: [{ source: 'conf' }] });
  const cfg = compose({
    services: { app },
    secrets: {
      key: { file: 'secrets/key.txt', labels: { rotated: '2024' } },
      vault: { driver: 'vault', driver_opts: { path: 'kv/app' }, labels: {} },
      env: { environment: 'API_TOKEN', labels: {} },
    },
    configs: {
      conf: { content: 'listen 80;\n', labels: {} },
      tmpl: { file: 'x.tmpl', template_driver: 'golang', labels: {} },
    },
  });
  const stack = convertStack('s', cfg);
  assert.deepStrictEqual(asJson(stack.secrets), [
    {
      key: 'env',
      name: 's_env',
      external: false,
      usedBy: [],
      spec: { Name: 's_env', Labels: { 'com.docker.stack.namespace': 's' } },
      environment: 'API_TOKEN',
    },
    {
      key: 'key',
      name: 's_key',
      external: false,
      usedBy: ['app'],
      spec: { Name: 's_key', Labels: { rotated: '2024', 'com.docker.stack.namespace': 's' } },
      file: 'secrets/key.txt',
    },
    {
      key: 'vault',
      name: 's_vault',
      external: false,
      usedBy: [],
      spec: {
        Name: 's_vault',
        Labels: { 'com.docker.stack.namespace': 's' },
        Driver: { Name: 'vault', Options: { path: 'kv/app' } },
      },
    },
  ]);
  assert.deepStrictEqual(asJson(stack.configs), [
    {
      key: 'conf',
      name: 's_conf',
      external: false,
      usedBy: ['app'],
      spec: { Name: 's_conf', Labels: { 'com.docker.stack.namespace': 's' } },
      content: 'listen 80;\n',
    },
    {
      key: 'tmpl',
      name: 's_tmpl',
      external: false,
      usedBy: [],
      spec: { Name: 's_tmpl', Labels: { 'com.docker.stack.namespace': 's' }, Templating: { Name: 'golang' } },
      file: 'x.tmpl',
    },
  ]);
});

test('a non-external secret needs exactly one source', () => {
  const expectError = (cfg: ComposeConfig, pattern: RegExp, key: string) =>
    assert.throws(
      () => convertStack('s', cfg),
      (err: unknown) => err instanceof RecipeError && pattern.test(err.message) && err.location?.key === key,
    );
  expectError(compose({ secrets: { pw: { labels: {} } } }), /^secrets\.pw: needs one of file/, 'secrets.pw');
  expectError(
    compose({ configs: { c: { file: 'a', content: 'b', labels: {} } } }),
    /^configs\.c: file and content conflict/,
    'configs.c',
  );
  expectError(
    compose({ secrets: { v: { driver: 'vault', file: 'x', labels: {} } } }),
    /^secrets\.v: driver and file conflict/,
    'secrets.v',
  );
});

test('a driver on a config is warned about', () => {
  const cfg = compose({ configs: { c: { file: 'c.conf', driver: 'x', labels: {} } } });
  assert.deepStrictEqual(convertStack('s', cfg).warnings, [
    'config c: key "driver" is not supported for configs and was not applied',
  ]);
});

test('a service referring to an undeclared object fails the whole stack, naming service and key path', () => {
  const cases: [ComposeConfig, RegExp][] = [
    [withServices(service('web', { secrets: [{ source: 'pw' }] })), /^services\.web\.secrets: secret "pw" is not declared/],
    [withServices(service('web', { configs: [{ source: 'c' }] })), /^services\.web\.configs: config "c" is not declared/],
    [withServices(service('web', { networks: { proxy: null } })), /^services\.web\.networks: network "proxy" is not declared/],
    [
      withServices(service('web', { volumes: [{ type: 'volume', source: 'data', target: '/d' }] })),
      /^services\.web\.volumes: volume "data" is not declared in the top-level volumes: section \(mount at \/d\)$/,
    ],
  ];
  for (const [cfg, pattern] of cases) {
    assert.throws(() => convertStack('s', cfg), (err: unknown) => err instanceof RecipeError && pattern.test(err.message));
  }
});

test('service warnings are collected in service-key order', () => {
  const cfg = withServices(service('b', { ignored: ['links'] }), service('a', { unsupported: ['gpus'] }));
  assert.deepStrictEqual(convertStack('s', cfg).warnings, [
    'service a: key "gpus" is not supported by kite and was not applied',
    'service b: key "links" is ignored by docker stack deploy',
  ]);
});
