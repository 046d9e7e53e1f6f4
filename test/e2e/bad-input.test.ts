// Bad input gets a clear error and creates nothing on the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, SERVER, docker, purgeStack, stackObjects } from './harness.js';
import { unreachableSshConfig } from './ssh-fixtures.js';

const DOMAIN = 'bad.kite.test';
const STACK = 'bad_kite_test';
const sb = new Sandbox();
let recipeDir = '';
let compose = '';

function assertNothingCreated(): void {
  assert.deepEqual(stackObjects(STACK), { services: [], networks: [], configs: [] });
}

before(async () => {
  purgeStack(STACK);
  recipeDir = sb.addRecipe('kite-test-app');
  compose = readFileSync(join(recipeDir, 'compose.yml'), 'utf8');
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
});
after(() => purgeStack(STACK));

test('a missing secret: abra\'s message, nothing created', async () => {
  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, new RegExp(`secret not generated: ${STACK}_db_password_v1`));
  assert.match(r.stderr, /kite app secret generate bad\.kite\.test --all/);
  assertNothingCreated();
});

test('a generate=false secret that was not inserted says so', async () => {
  const env = sb.readEnv(DOMAIN).replace('SECRET_DB_PASSWORD_VERSION=v1 # length=24', 'SECRET_DB_PASSWORD_VERSION=v1 # generate=false');
  writeFileSync(sb.envPath(DOMAIN), env);
  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 5);
  assert.match(r.stderr, new RegExp(`secret not inserted \\(#generate=false\\): ${STACK}_db_password_v1`));
  writeFileSync(sb.envPath(DOMAIN), env.replace('# generate=false', '# length=24'));
  assertNothingCreated();
});

test('malformed YAML names the file and line', async () => {
  const gen = await sb.kite(['app', 'secret', 'generate', DOMAIN, '--all']);
  assert.equal(gen.code, 0, gen.stderr);
  writeFileSync(join(recipeDir, 'compose.yml'), compose.replace('  db:\n', '  db:\n   bad: [unclosed\n'));
  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stderr, /compose\.yml:\d+/);
  assertNothingCreated();
  writeFileSync(join(recipeDir, 'compose.yml'), compose);
});

test('an unset ${X:?} names the variable and the key', async () => {
  writeFileSync(join(recipeDir, 'compose.yml'), compose.replace('DB_NAME: ${DB_NAME:-kite}', 'DB_NAME: ${DB_NAME:?set DB_NAME in the env file}'));
  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stderr, /required variable DB_NAME is missing a value: set DB_NAME in the env file/);
  assert.match(r.stderr, /services\.db\.environment/);
  assertNothingCreated();
  writeFileSync(join(recipeDir, 'compose.yml'), compose);
});

test('a missing overlay file in COMPOSE_FILE is named', async () => {
  const env = sb.readEnv(DOMAIN);
  appendFileSync(sb.envPath(DOMAIN), 'COMPOSE_FILE="compose.yml:compose.nope.yml"\n');
  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /compose\.nope\.yml/);
  assertNothingCreated();
  writeFileSync(sb.envPath(DOMAIN), env);
});

test('an app on an unknown server fails with an SSH hint', async () => {
  mkdirSync(join(sb.abraDir, 'servers', 'no-such-host.invalid'));
  writeFileSync(sb.envPath('ghost.kite.test', 'no-such-host.invalid'), 'TYPE=kite-test-app\nDOMAIN=ghost.kite.test\n');
  const r = await sb.kite(['app', 'deploy', 'ghost.kite.test']);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /no-such-host\.invalid/);
  assert.match(r.stderr, /Could not resolve hostname|Host entry/);
});

test('an unreachable server fails fast and clearly', async () => {
  mkdirSync(join(sb.abraDir, 'servers', 'kite-unreachable'));
  writeFileSync(sb.envPath('down.kite.test', 'kite-unreachable'), 'TYPE=kite-test-app\nDOMAIN=down.kite.test\n');
  const r = await sb.kite(['app', 'deploy', 'down.kite.test'], { KITE_SSH_CONFIG: await unreachableSshConfig() });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /server kite-unreachable: .*Connection refused/);
});

test('server add of an unreachable server leaves nothing behind', async () => {
  const r = await sb.kite(['server', 'add', 'kite-unreachable-2'], {});
  assert.equal(r.code, 4, r.stderr);
  assert.equal(existsSync(join(sb.abraDir, 'servers', 'kite-unreachable-2')), false);
});

test('an unknown app is named, with the next step', async () => {
  const r = await sb.kite(['app', 'deploy', 'nope.kite.test']);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /no app "nope\.kite\.test"/);
});

test('a domain that exists already is refused by app new', async () => {
  const r = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', DOMAIN]);
  assert.equal(r.code, 6);
  assert.match(r.stderr, /already exists on server kite-test/);
  assert.ok(docker('secret', 'ls', '--format', '{{.Name}}').includes(`${STACK}_db_password_v1`));
});
