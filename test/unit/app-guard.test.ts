// Guards of the commands that change an app, against a real $ABRA_DIR in a
// temp dir and a fake Docker API: one stack per app (domains that share
// their first 45 characters), secrets generated half-way are not lost, and
// an undeploy that runs out of time is a convergence failure, not an API one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbraDir } from '../../src/adapters/abra-dir.js';
import type { DockerPort, Service } from '../../src/ports/docker.js';
import { ConflictError, DeployFailedError, DockerApiError, SshError } from '../../src/core/errors.js';
import { exitCodeFor, EXIT } from '../../src/cli/exit-codes.js';
import { sameStackApps, stackName } from '../../src/core/stack-name.js';
import { assertStackFree, assertStackOwner } from '../../src/operations/stack-owner.js';
import { generateSecrets, SecretsPartlyGenerated } from '../../src/operations/secret-generate.js';
import { loadAppRef } from '../../src/operations/load-app.js';
import { newApp } from '../../src/operations/app-new.js';
import { createPorts } from '../../src/cli/ports.js';
import { undeploy } from '../../src/operations/undeploy.js';

// 44 characters, then a dot: both become the 45-character stack `<PREFIX>_`
const PREFIX = 'collide-prefix-for-kite-stack-owner-unit-tst';
const FIRST = `${PREFIX}.one.example`;
const SECOND = `${PREFIX}.two.example`;

function abraDir(): AbraDir {
  const root = mkdtempSync(join(tmpdir(), 'kite-guard-'));
  mkdirSync(join(root, 'servers', 'srv'), { recursive: true });
  mkdirSync(join(root, 'servers', 'other'), { recursive: true });
  const recipe = join(root, 'recipes', 'two-secrets');
  mkdirSync(recipe, { recursive: true });
  writeFileSync(
    join(recipe, 'compose.yml'),
    'version: "3.8"\nservices:\n  app:\n    image: busybox\n    secrets: [a, b, c]\nsecrets:\n  a:\n    external: true\n    name: ${STACK_NAME}_a_${SECRET_A_VERSION}\n  b:\n    external: true\n    name: ${STACK_NAME}_b_${SECRET_B_VERSION}\n  c:\n    external: true\n    name: ${STACK_NAME}_c_${SECRET_C_VERSION}\n',
  );
  writeFileSync(join(recipe, '.env.sample'), 'TYPE=two-secrets\nDOMAIN=two-secrets.example.com\nSECRET_A_VERSION=v1\nSECRET_B_VERSION=v1\nSECRET_C_VERSION=v1\n');
  return new AbraDir(root);
}

function envFile(dir: AbraDir, server: string, domain: string): string {
  const path = dir.appPath(server, domain);
  writeFileSync(path, `TYPE=two-secrets\nDOMAIN=${domain}\nSECRET_A_VERSION=v1\nSECRET_B_VERSION=v1\nSECRET_C_VERSION=v1\n`);
  return path;
}

/** secrets stored in memory; the `failAt`-th createSecret fails with `error` */
function secretStore(failAt: number, error: Error = new DockerApiError('rpc error: code = Unavailable', 500)) {
  const created: string[] = [];
  const locks = new Map<string, string>();
  const docker = {
    server: 'srv',
    // the app's lock: a Swarm config created atomically, removed on release
    createConfig: async (spec: { Name: string }) => {
      if (locks.has(spec.Name)) throw new DockerApiError(`config ${spec.Name} already exists`, 409);
      locks.set(spec.Name, `c${locks.size}`);
      return { ID: locks.get(spec.Name) };
    },
    removeConfig: async (id: string) => {
      for (const [name, i] of locks) if (i === id) locks.delete(name);
    },
    listConfigs: async () => [...locks].map(([Name, ID]) => ({ ID, Version: { Index: 1 }, Spec: { Name, Labels: { 'kite.lock.holder': 'carol@elsewhere', 'kite.lock.since': new Date().toISOString(), 'kite.lock.action': 'deploy', 'kite.lock.host': 'elsewhere' } } })),
    listSecrets: async () => created.map((Name, i) => ({ ID: `s${i}`, Version: { Index: 1 }, Spec: { Name } })),
    createSecret: async (spec: { Name: string }) => {
      if (created.length + 1 === failAt) throw error;
      created.push(spec.Name);
      return { ID: `s${created.length}` };
    },
  } as unknown as DockerPort;
  return { docker, created, locks };
}

test('stack names: domains sharing their first 45 characters collide, on the same server only', () => {
  assert.equal(stackName(FIRST), stackName(SECOND));
  const apps = [
    { domain: FIRST, server: 'srv' },
    { domain: SECOND, server: 'other' },
    { domain: 'short.example', server: 'srv' },
  ];
  assert.deepEqual(sameStackApps(apps, 'srv', SECOND), [{ domain: FIRST, server: 'srv' }]);
  assert.deepEqual(sameStackApps(apps, 'srv', FIRST), []);
  assert.deepEqual(sameStackApps(apps, 'other', FIRST), [{ domain: SECOND, server: 'other' }]);
});

test('app new refuses a domain whose stack another app of the server has, naming it, before touching anything', async () => {
  const dir = abraDir();
  const first = envFile(dir, 'srv', FIRST);
  await assert.rejects(
    newApp(createPorts({}, { apps: dir, docker: () => assert.fail('no connection') }), { recipe: 'two-secrets', server: 'srv', domain: SECOND, offline: true }),
    (e: unknown) => e instanceof ConflictError && e.message.includes(FIRST) && e.message.includes(first) && /first 45 characters/.test(e.hint ?? ''),
  );
  assert.equal(existsSync(dir.appPath('srv', SECOND)), false);
  assert.doesNotThrow(() => assertStackFree(dir, 'other', SECOND)); // another server: another swarm
});

test('with two env files on one stack, both apps are refused, naming both files and the way out', () => {
  const dir = abraDir();
  const a = envFile(dir, 'srv', FIRST);
  const b = envFile(dir, 'srv', SECOND);
  for (const [domain, path] of [[FIRST, a], [SECOND, b]]) {
    assert.throws(
      () => assertStackOwner(dir, { domain, server: 'srv', path }),
      (e: unknown) => e instanceof ConflictError && e.message.includes(a) && e.message.includes(b) && /rename one of them/.test(e.hint ?? '') && exitCodeFor(e) === EXIT.conflict,
    );
  }
  assert.doesNotThrow(() => assertStackOwner(dir, { domain: 'short.example', server: 'srv', path: envFile(dir, 'srv', 'short.example') }));
});

test('secret generate --all failing on the 2nd secret: the error carries the value stored, with the cause\'s exit code', async () => {
  const dir = abraDir();
  const app = loadAppRef(createPorts({}, { apps: dir }), { domain: 'gen.example', server: 'srv', path: envFile(dir, 'srv', 'gen.example') });
  const { docker, created } = secretStore(2);
  const err = await generateSecrets(app, docker, { all: true }).then(
    () => assert.fail('should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SecretsPartlyGenerated, String(err));
  assert.deepEqual(created, ['gen_example_a_v1']);
  assert.deepEqual(err.generated.map((g) => g.remoteName), created);
  assert.ok(err.generated[0].value.length > 0);
  assert.match(err.message, /rpc error.*after storing 1 of 3 secrets: gen_example_a_v1/);
  assert.match(err.hint ?? '', /kite app secret generate gen\.example --all/);
  assert.equal(exitCodeFor(err), EXIT.docker);
  // the 1st failing: nothing stored, the plain error
  await assert.rejects(generateSecrets(app, secretStore(1).docker, { all: true }), (e: unknown) => e instanceof DockerApiError && !(e instanceof SecretsPartlyGenerated));
  // run again: what exists is kept, the rest generated
  const again = secretStore(99);
  again.created.push('gen_example_a_v1');
  assert.deepEqual((await generateSecrets(app, again.docker, { all: true })).map((g) => g.remoteName), ['gen_example_b_v1', 'gen_example_c_v1']);
});

test('app new --secrets failing half-way keeps the env file the stored secrets belong to; failing at once removes it', async () => {
  const dir = abraDir();
  const lost = new SshError('srv', 'connection lost');
  const store = secretStore(3, lost);
  await assert.rejects(
    newApp(createPorts({}, { apps: dir, docker: async () => store.docker }), { recipe: 'two-secrets', server: 'srv', domain: 'half.example', secrets: true, offline: true }),
    (e: unknown) => e instanceof SecretsPartlyGenerated && e.generated.length === 2 && exitCodeFor(e) === EXIT.ssh && (e.hint ?? '').includes(`${dir.appPath('srv', 'half.example')} was kept`),
  );
  assert.equal(existsSync(dir.appPath('srv', 'half.example')), true);

  await assert.rejects(newApp(createPorts({}, { apps: dir, docker: async () => secretStore(1).docker }), { recipe: 'two-secrets', server: 'srv', domain: 'none.example', secrets: true, offline: true }), DockerApiError);
  assert.equal(existsSync(dir.appPath('srv', 'none.example')), false);
});

test('undeploy running out of time is a convergence failure (exit 3) naming what is left, not a Docker API error', async () => {
  const svc = { ID: 'id1', Version: { Index: 1 }, Spec: { Name: 'x_example_app' } } as unknown as Service;
  const docker = {
    server: 'srv',
    listServices: async () => [svc],
    removeService: async () => undefined,
    listTasks: async () => [{ ID: 't1', ServiceID: 'id1', DesiredState: 'shutdown', Status: { State: 'running' } }],
  } as unknown as DockerPort;
  const events = undeploy('x_example', 'x.example', docker, { timeoutSeconds: 0.05, pollMs: 10 });
  const err = await (async () => {
    for await (const _ of events) void _;
  })().then(
    () => assert.fail('should time out'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DeployFailedError, String(err));
  assert.equal(exitCodeFor(err), EXIT.deployFailed);
  assert.match(err.message, /undeploy of x\.example timed out after 0\.05 s: 1 task of its services still running/);
  assert.match(err.hint ?? '', /kite app ps x\.example/);
});

test('app new --secrets takes the app\'s lock: held by another operator, it refuses, creates no secret and keeps no env file', async () => {
  const dir = abraDir();
  const store = secretStore(99);
  store.locks.set(`kite-lock-${stackName('locked.example')}`, 'held');
  await assert.rejects(
    newApp(createPorts({}, { apps: dir, docker: async () => store.docker }), { recipe: 'two-secrets', server: 'srv', domain: 'locked.example', secrets: true, offline: true }),
    (e: unknown) => exitCodeFor(e) === EXIT.conflict && /locked\.example is locked: carol@elsewhere/.test((e as Error).message),
  );
  assert.deepEqual(store.created, []);
  assert.equal(existsSync(dir.appPath('srv', 'locked.example')), false);
  // and a free lock is taken and released around the secrets
  const free = secretStore(99);
  await newApp(createPorts({}, { apps: dir, docker: async () => free.docker }), { recipe: 'two-secrets', server: 'srv', domain: 'free.example', secrets: true, offline: true });
  assert.equal(free.created.length, 3, 'a, b and c');
  assert.equal(free.locks.size, 0, 'released');
});
