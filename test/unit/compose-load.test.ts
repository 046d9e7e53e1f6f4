import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadCompose } from '../../src/core/compose/load.js';
import type { ComposeConfig, ServiceConfig } from '../../src/core/compose/types.js';
import { RecipeError } from '../../src/core/errors.js';
import { canonConfig } from './helpers/compose-canonical.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/compose');

/** Loads inline compose files (`a.yml`, `b.yml`...). */
function load(texts: string[], env: Record<string, string> = {}): ComposeConfig {
  return loadCompose(texts.map((text, i) => ({ file: `f${i}.yml`, text })), env);
}

function app(texts: string[], env: Record<string, string> = {}): ServiceConfig {
  return load(texts, env).services.app;
}

const svc = (body: string) => `services:\n  app:\n    image: x\n${body.replace(/^/gm, '    ')}\n`;

// ---- golden files: expected.yml was produced by `docker stack config` ----

for (const name of readdirSync(FIXTURES)) {
  const dir = join(FIXTURES, name);
  if (!existsSync(join(dir, 'fixture.json'))) continue;
  test(`golden: ${name} matches docker stack config`, () => {
    const { files, env } = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as {
      files: string[];
      env: Record<string, string>;
    };
    const sources = files.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
    const actual = loadCompose(sources, env, { workingDir: '/recipe' });
    const expected = parse(readFileSync(join(dir, 'expected.yml'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(canonConfig(actual as unknown as Record<string, unknown>), canonConfig(expected));
  });
}

test('golden merge-overlay: spot checks of the merged model', () => {
  const dir = join(FIXTURES, 'merge-overlay');
  const sources = ['compose.yml', 'compose.extra.yml'].map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
  const c = loadCompose(sources, { STACK_NAME: 's', DOMAIN: 'd.example.com', FROM_ENV: 'e', APP_CONF_VERSION: 'v2' });
  assert.deepEqual(Object.keys(c.services), ['app', 'db', 'smtp']);
  const a = c.services.app;
  assert.equal(a.image, 'example/app:2.0');
  assert.deepEqual(a.command, ['serve', '--port', '8080']);
  assert.deepEqual(a.entrypoint, ['/docker-entrypoint.sh']);
  assert.equal(a.deploy.replicas, 0);
  assert.equal(a.read_only, true);
  assert.deepEqual(a.dns, ['1.1.1.1', '8.8.8.8']);
  assert.equal(a.deploy.labels['traefik.http.routers.s.rule'], 'Host(`d.example.com`)');
  assert.equal(c.configs.app_conf.name, 's_app_conf_v2');
  assert.equal(c.configs.app_conf.file, 'app.conf.tmpl', 'without workingDir, file paths stay as written');
  assert.equal(c.secrets.db_password.name, 's_db_password_v9');
  assert.deepEqual(a.ports, [
    { mode: 'host', target: 80, published: 80, protocol: 'tcp' },
    { mode: 'ingress', target: 443, published: 443, protocol: 'tcp' },
    { mode: 'ingress', target: 8080, published: 8080, protocol: 'tcp' },
  ]);
});

// ---- per-file normalisation ----

test('environment: list and map forms, values from env for bare and empty entries', () => {
  const a = app([svc('environment:\n  - A=1\n  - B\n  - C=\n  - D\n  - E=x=y')], { B: 'b', C: 'c' });
  assert.deepEqual(a.environment, { A: '1', B: 'b', C: 'c', D: null, E: 'x=y' });
  const m = app([svc('environment:\n  N: 5\n  F: 1.5\n  Z:\n  S: "s"')], { Z: 'z' });
  assert.deepEqual(m.environment, { N: '5', F: '1.5', Z: 'z', S: 's' });
});

test('environment and labels reject booleans, as docker does', () => {
  assert.throws(() => app([svc('environment:\n  A: true')]), /must be a string, number or null/);
  assert.throws(() => app([svc('deploy:\n  labels:\n    a: true')]), (e: unknown) => {
    assert.ok(e instanceof RecipeError);
    assert.match(e.message, /f0\.yml \(services\.app\.deploy\.labels\.a\)/);
    return true;
  });
});

test('labels: list form with key-only entries, map form with null and numbers', () => {
  assert.deepEqual(app([svc('labels: ["a=b", "c", "d=e=f"]')]).labels, { a: 'b', c: '', d: 'e=f' });
  assert.deepEqual(app([svc('deploy:\n  labels: {a: 1.50, b: ~, c: x}')]).deploy.labels, { a: '1.5', b: '', c: 'x' });
});

test('secrets and configs: short names and long form', () => {
  const a = app([svc('secrets: [a, {source: b, target: /run/b, mode: 0400}]\nconfigs: [c]')]);
  assert.deepEqual(a.secrets, [{ source: 'a' }, { source: 'b', target: '/run/b', mode: 256 }]);
  assert.deepEqual(a.configs, [{ source: 'c' }]);
});

test('networks: list becomes a map of nulls', () => {
  assert.deepEqual(app([svc('networks: [proxy, internal]')]).networks, { proxy: null, internal: null });
  assert.deepEqual(app([svc('networks:\n  proxy:\n    aliases: [a]\n  b:')]).networks, { proxy: { aliases: ['a'] }, b: null });
});

test('volumes: short syntax', () => {
  const cases: [string, object][] = [
    ['data:/data', { type: 'volume', source: 'data', target: '/data' }],
    ['data:/data:ro', { type: 'volume', source: 'data', target: '/data', read_only: true }],
    ['./conf:/etc/conf:ro', { type: 'bind', source: './conf', target: '/etc/conf', read_only: true }],
    ['/var/run/docker.sock:/var/run/docker.sock', { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' }],
    ['~/x:/x', { type: 'bind', source: '~/x', target: '/x' }],
    ['/anon', { type: 'volume', target: '/anon' }],
    ['cache:/c:nocopy', { type: 'volume', source: 'cache', target: '/c', volume: { nocopy: true } }],
    ['/h:/c:rw,rslave', { type: 'bind', source: '/h', target: '/c', bind: { propagation: 'rslave' } }],
    // a single letter before `:` is a Windows drive letter for docker
    ['b:/b', { type: 'volume', target: 'b:/b' }],
  ];
  for (const [spec, expected] of cases) {
    assert.deepEqual(app([svc(`volumes: ["${spec}"]`)]).volumes, [expected], spec);
  }
  assert.throws(() => app([svc('volumes: ["vol:/b:ro:x"]')]), /too many colons/);
  assert.throws(() => app([svc('volumes: ["vol::/b"]')]), /empty section/);
});

test('volumes: relative bind sources are resolved against workingDir, ~ against HOME', () => {
  const c = loadCompose([{ file: 'c.yml', text: svc('volumes: ["./a:/a", "../b:/b", "~/c:/c"]') }], { HOME: '/root' }, { workingDir: '/recipes/x' });
  assert.deepEqual(c.services.app.volumes.map((v) => v.source), ['/recipes/x/a', '/recipes/b', '/root/c']);
});

test('ports: short and long syntax', () => {
  const cases: [string, object[]][] = [
    ['"80"', [{ mode: 'ingress', target: 80, protocol: 'tcp' }]],
    ['8080', [{ mode: 'ingress', target: 8080, protocol: 'tcp' }]],
    ['"8080:80"', [{ mode: 'ingress', target: 80, published: 8080, protocol: 'tcp' }]],
    ['"127.0.0.1:53:53/udp"', [{ mode: 'ingress', target: 53, published: 53, protocol: 'udp' }]],
    ['"9000-9001:90-91"', [
      { mode: 'ingress', target: 90, published: 9000, protocol: 'tcp' },
      { mode: 'ingress', target: 91, published: 9001, protocol: 'tcp' },
    ]],
    ['"8000-8001:80"', [
      { mode: 'ingress', target: 80, published: 8000, protocol: 'tcp' },
      { mode: 'ingress', target: 80, published: 8001, protocol: 'tcp' },
    ]],
    ['{target: 443, published: 443, mode: host}', [{ mode: 'host', target: 443, published: 443, protocol: 'tcp' }]],
    ['{target: 53, protocol: udp}', [{ mode: 'ingress', target: 53, protocol: 'udp' }]],
  ];
  for (const [spec, expected] of cases) {
    assert.deepEqual(app([svc(`ports:\n  - ${spec}`)]).ports, expected, spec);
  }
  assert.throws(() => app([svc('ports: ["80-81:90-92"]')]), /differ/);
  assert.throws(() => app([svc('ports: ["80/icmp"]')]), /invalid protocol/);
});

test('command and entrypoint strings are split like google/shlex', () => {
  const a = app([svc(`command: sh -c "echo \\"hi\\" there" 'a b' x#y #comment\nentrypoint: ["/e.sh", "1"]`)]);
  assert.deepEqual(a.command, ['sh', '-c', 'echo "hi" there', 'a b', 'x#y']);
  assert.deepEqual(a.entrypoint, ['/e.sh', '1']);
  assert.throws(() => app([svc(`command: 'echo "unterminated'`)]), /closing quote/);
});

test('healthcheck: a test string runs through the shell', () => {
  const a = app([svc('healthcheck:\n  test: curl -f localhost\n  interval: 30s\n  retries: 3')]);
  assert.deepEqual(a.healthcheck, { test: ['CMD-SHELL', 'curl -f localhost'], interval: '30s', retries: 3 });
  assert.throws(() => app([svc('healthcheck:\n  interval: 30')]), /healthcheck\.interval\): must be a string/);
  assert.throws(() => app([svc('healthcheck:\n  interval: 30x')]), /healthcheck\.interval\): must be a duration/);
});

test('memory sizes become bytes', () => {
  const cases: [string, number][] = [['512M', 536870912], ['1G', 1073741824], ['1.5g', 1610612736], ['100k', 102400], ['"2048"', 2048], ['1gb', 1073741824], ['1GiB', 1073741824]];
  for (const [size, bytes] of cases) {
    assert.equal(app([svc(`deploy:\n  resources:\n    limits:\n      memory: ${size}`)]).deploy.resources?.limits?.memory, bytes, size);
  }
  assert.throws(() => app([svc('deploy:\n  resources:\n    limits:\n      memory: lots')]), /invalid size/);
});

test('extra_hosts: map form becomes a sorted host:ip list', () => {
  assert.deepEqual(app([svc('extra_hosts:\n  b: 2.2.2.2\n  a: 1.1.1.1')]).extra_hosts, ['a:1.1.1.1', 'b:2.2.2.2']);
  assert.deepEqual(app([svc('extra_hosts: ["x:1.1.1.1"]')]).extra_hosts, ['x:1.1.1.1']);
});

test('typed fields are cast back after interpolation', () => {
  const env = { R: '3', RO: 'yes', EXT: 'true', P: '8080', MODE: '0440', RATIO: '0.3' };
  const c = load([
    `services:
  app:
    image: x
    read_only: \${RO}
    deploy:
      replicas: \${R}
      update_config: {max_failure_ratio: "\${RATIO}"}
    ports: [{target: 80, published: "\${P}"}]
    secrets: [{source: s, mode: "\${MODE}"}]
networks:
  proxy: {external: "\${EXT}"}
secrets:
  s: {external: "\${EXT}"}
`,
  ], env);
  const a = c.services.app;
  assert.equal(a.deploy.replicas, 3);
  assert.equal(a.read_only, true);
  assert.equal(a.deploy.update_config?.max_failure_ratio, 0.3);
  assert.equal(a.ports[0].published, 8080);
  assert.equal(a.secrets[0].mode, 440);
  assert.equal(c.networks.proxy.external, true);
  assert.equal(c.networks.proxy.name, 'proxy');
  assert.equal(c.secrets.s.name, 's');
  assert.throws(() => app([svc('deploy:\n  replicas: ${R}')]), /failed to cast to expected type/);
});

test('deploy: modes, policies, placement', () => {
  const d = app([svc(`deploy:
  mode: global
  endpoint_mode: dnsrr
  restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}
  placement: {constraints: [node.role==manager], preferences: [{spread: node.labels.zone}], max_replicas_per_node: 1}
  rollback_config: {parallelism: 0, order: stop-first}`)]).deploy;
  assert.equal(d.mode, 'global');
  assert.equal(d.endpoint_mode, 'dnsrr');
  assert.deepEqual(d.restart_policy, { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '2m' });
  assert.deepEqual(d.placement, { constraints: ['node.role==manager'], preferences: [{ spread: 'node.labels.zone' }], max_replicas_per_node: 1 });
  assert.deepEqual(d.rollback_config, { parallelism: 0, order: 'stop-first' });
  assert.throws(() => app([svc('deploy:\n  mode: sometimes')]), /unknown mode/);
});

test('ignored and unsupported service keys are recorded', () => {
  // keys of the 3.x format that swarm ignores; unknown keys are refused by the schema (schema.test.ts)
  const a = app([svc('build: .\ndepends_on: [db]\nrestart: always\ncontainer_name: c\nisolation: default\nx-note: ok')]);
  assert.deepEqual(a.ignored, ['build', 'depends_on', 'restart', 'container_name']);
  assert.deepEqual(a.unsupported, ['isolation']);
});

test('forbidden service keys are refused', () => {
  assert.throws(() => app([svc('volumes_from: [other]')]), /volumes_from is not allowed/);
  assert.throws(() => app([svc('mem_limit: 1g')]), /mem_limit is not allowed/);
});

test('top level: external objects default their name to the key; x-* kept', () => {
  const c = load([`x-defaults: &d {a: 1}
services:
  app: {image: x}
networks:
  proxy: {external: true}
  legacy: {external: {name: real}}
  internal:
volumes:
  data:
  ext: {external: true, name: given}
secrets:
  s: {external: true}
configs:
  c: {file: ./c.conf}
`]);
  assert.deepEqual(c.networks.proxy, { labels: {}, external: true, name: 'proxy' });
  assert.equal(c.networks.legacy.name, 'real');
  assert.deepEqual(c.networks.internal, { labels: {} });
  assert.deepEqual(c.volumes.data, { labels: {} });
  assert.equal(c.volumes.ext.name, 'given');
  assert.equal(c.secrets.s.name, 's');
  assert.equal(c.configs.c.file, './c.conf');
  assert.deepEqual(c.extensions, { 'x-defaults': { a: 1 } });
});

test('top level: unknown keys and conflicting options are errors', () => {
  assert.throws(() => load(['services: {}\nfoo: 1\n']), (e: unknown) => e instanceof RecipeError && /f0\.yml \(foo\)/.test(e.message));
  assert.throws(() => load(['services: {}\nvolumes:\n  v: {external: true, driver: local}\n']), /conflicting parameters/);
  assert.throws(() => load(['services: {}\nnetworks:\n  n: {external: {name: a}, name: b}\n']), /conflict/);
  assert.throws(() => load(['- a\n']), /top-level object must be a mapping/);
});

test('YAML errors name file and line', () => {
  assert.throws(
    () => loadCompose([{ file: 'compose.yml', text: 'services:\n  app:\n    image: a\n   bad: [\n' }], {}),
    (e: unknown) => e instanceof RecipeError && /^compose\.yml:\d+: invalid YAML/.test(e.message),
  );
  assert.throws(() => load(['services:\n  app:\n    image: a\n    image: b\n']), /unique/);
});

test('interpolation errors name file and key', () => {
  assert.throws(
    () => loadCompose([{ file: 'compose.yml', text: svc('environment:\n  - A=${NEED:?set NEED}') }], {}),
    (e: unknown) => {
      assert.ok(e instanceof RecipeError);
      assert.equal(
        e.message,
        'compose.yml (services.app.environment[0]): required variable NEED is missing a value: set NEED',
      );
      return true;
    },
  );
  assert.throws(() => load([svc('user: "$ x"')]), /Invalid template|invalid interpolation/);
});

test('keys are not interpolated, x-* values are', () => {
  const c = load(['x-a: ${A}\nservices:\n  app:\n    image: x\n    labels:\n      ${A}: y\n'], { A: 'v' });
  assert.deepEqual(Object.keys(c.services.app.labels ?? {}), ['${A}']);
  assert.deepEqual(c.extensions, { 'x-a': 'v' });
});

// ---- merge rules (docker/cli merge.go as docker CLI 28 behaves) ----

test('merge: scalars are overridden only by non-zero values; *uint64 fields always', () => {
  const a = app([
    svc('user: root\nread_only: true\ninit: true\nstop_grace_period: 1m\ndeploy:\n  mode: global\n  replicas: 3'),
    'services:\n  app:\n    user: ""\n    read_only: false\n    init: false\n    stop_grace_period: 5s\n    deploy:\n      mode: ""\n      replicas: 0\n',
  ]);
  assert.equal(a.user, 'root');
  assert.equal(a.read_only, true);
  assert.equal(a.init, true, 'a *bool false does not override either');
  assert.equal(a.stop_grace_period, '5s');
  assert.equal(a.deploy.mode, 'global');
  assert.equal(a.deploy.replicas, 0);
});

test('merge: plain lists append, command/entrypoint replace', () => {
  const a = app([
    svc('cap_add: [A]\ndns: 1.1.1.1\ncommand: [a, b]\nentrypoint: [e]\ndeploy:\n  placement:\n    constraints: [c1]'),
    'services:\n  app:\n    cap_add: [B]\n    dns: [8.8.8.8]\n    command: c\n    entrypoint: []\n    deploy:\n      placement:\n        constraints: [c2]\n',
  ]);
  assert.deepEqual(a.cap_add, ['A', 'B']);
  assert.deepEqual(a.dns, ['1.1.1.1', '8.8.8.8']);
  assert.deepEqual(a.command, ['c']);
  assert.deepEqual(a.entrypoint, ['e'], 'an empty overlay entrypoint does not replace');
  assert.deepEqual(a.deploy.placement?.constraints, ['c1', 'c2']);
});

test('merge: healthcheck test lists are appended (docker quirk)', () => {
  const a = app([svc('healthcheck:\n  test: [CMD, a]\n  interval: 10s'), 'services:\n  app:\n    healthcheck:\n      test: [CMD, b]\n      retries: 2\n']);
  assert.deepEqual(a.healthcheck, { test: ['CMD', 'a', 'CMD', 'b'], interval: '10s', retries: 2 });
});

test('merge: secrets/configs by source, volumes by target, ports by published port', () => {
  const a = app([
    svc('secrets: [z, {source: a, target: t1}]\nconfigs: [c]\nvolumes: ["v1:/data", "v2:/b"]\nports: ["80:80", "443:443", "9000"]'),
    'services:\n  app:\n    secrets: [{source: a, target: t2}, m]\n    configs: [c, d]\n    volumes: ["v3:/data:ro"]\n    ports: [{target: 8080, published: 80, mode: host}, "9001"]\n',
  ]);
  assert.deepEqual(a.secrets, [{ source: 'a', target: 't2' }, { source: 'm' }, { source: 'z' }]);
  assert.deepEqual(a.configs, [{ source: 'c' }, { source: 'd' }]);
  assert.deepEqual(a.volumes, [
    { type: 'volume', source: 'v2', target: '/b' },
    { type: 'volume', source: 'v3', target: '/data', read_only: true },
  ]);
  // unpublished ports share the key 0: "9001" replaces "9000"
  assert.deepEqual(a.ports, [
    { mode: 'ingress', target: 9001, protocol: 'tcp' },
    { mode: 'host', target: 8080, published: 80, protocol: 'tcp' },
    { mode: 'ingress', target: 443, published: 443, protocol: 'tcp' },
  ]);
});

test('merge: keyed lists are taken as is when the base has none', () => {
  const a = app([svc(''), 'services:\n  app:\n    volumes: ["vz:/z", "va:/a"]\n    secrets: [y, x]\n']);
  assert.deepEqual(a.volumes.map((v) => v.target), ['/z', '/a']);
  assert.deepEqual(a.secrets.map((s) => s.source), ['y', 'x']);
});

test('merge: environment keeps base values over null/empty overlay values; labels always override', () => {
  const a = app([
    svc('environment: {A: "1", B: "2", E: ""}\nlabels: {l: "1"}\ndeploy:\n  labels: {d: "1"}'),
    'services:\n  app:\n    environment: [A=9, B=, E=set, NEW]\n    labels: {l: ""}\n    deploy:\n      labels: {d: "", e: "2"}\n',
  ]);
  assert.deepEqual(a.environment, { A: '9', B: '2', E: 'set', NEW: null });
  assert.deepEqual(a.labels, { l: '' });
  assert.deepEqual(a.deploy.labels, { d: '', e: '2' });
});

test('merge: networks, logging, ulimits', () => {
  const a = app([
    svc('networks:\n  n1: {aliases: [x], ipv4_address: 10.0.0.2}\n  n2:\nlogging: {driver: json-file, options: {a: "1", b: "2"}}\nulimits: {nofile: {soft: 1, hard: 2}, nproc: 3}'),
    'services:\n  app:\n    networks:\n      n1: {}\n      n2: {aliases: [y]}\n      n3:\n    logging: {options: {b: "3"}}\n    ulimits: {nofile: {soft: 5, hard: 6}}\n',
  ]);
  assert.deepEqual(a.networks, { n1: { ipv4_address: '10.0.0.2' }, n2: { aliases: ['y'] }, n3: null });
  assert.deepEqual(a.logging, { driver: 'json-file', options: { a: '1', b: '3' } });
  assert.deepEqual(a.ulimits, { nofile: { soft: 5, hard: 6 }, nproc: { single: 3 } });
  const other = app([svc('logging: {driver: json-file, options: {a: "1"}}'), 'services:\n  app:\n    logging: {driver: syslog}\n']);
  assert.deepEqual(other.logging, { driver: 'syslog' });
});

test('merge: top-level definitions are replaced whole; new services added; sorted by name', () => {
  const c = load([
    'services:\n  b: {image: b}\nvolumes:\n  v: {driver: local, labels: {a: b}}\nnetworks:\n  n: {external: true}\n',
    'services:\n  a: {image: a}\nvolumes:\n  v: {name: x}\n  w:\nnetworks:\n  m: {}\n',
  ]);
  assert.deepEqual(Object.keys(c.services), ['a', 'b']);
  assert.deepEqual(c.volumes, { v: { labels: {}, name: 'x' }, w: { labels: {} } });
  assert.deepEqual(Object.keys(c.networks), ['n', 'm']);
});

test('merge: version mismatch between files is refused', () => {
  assert.throws(() => load(['version: "3.8"\nservices: {}\n', 'version: "3.7"\nservices: {}\n']), /version mismatch/);
  assert.equal(load(['version: "3.8"\nservices: {}\n', 'services: {}\n']).version, '3.8');
});

test('loadCompose needs at least one file', () => {
  assert.throws(() => loadCompose([], {}), RecipeError);
});
