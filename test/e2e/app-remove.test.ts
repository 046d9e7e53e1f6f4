// `app volume ls|rm`, `app undeploy --prune` and `app remove` end to end,
// over SSH against the rig's swarm: what is refused while the app is
// deployed, what --prune takes away, and that remove deletes the app's
// volumes, secrets and configs, then its env file.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Sandbox, SERVER, docker, purgeStack, stackObjects } from './harness.js';
import { Terminal, purgeKiteConfigs } from './exec-helpers.js';

const DOMAIN = 'app-remove.kite.test';
const STACK = 'app-remove_kite_test';
const PORT = '18533';
const sb = new Sandbox();
const term = new Terminal(sb);

const named = (kind: 'secret' | 'volume' | 'config') => docker(kind, 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`${STACK}_`)).sort();

before(() => {
  purgeStack(STACK);
  purgeKiteConfigs(STACK);
  sb.addRecipe('kite-test-app');
});
after(() => {
  term.close();
  purgeStack(STACK);
  purgeKiteConfigs(STACK);
});

test('set-up: a deployed app with a secret, a config and a volume', async () => {
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', 'kite-test-app', '--server', SERVER, '--domain', DOMAIN, '--secrets']);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);
  const d = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual(named('volume'), [`${STACK}_db-data`]);
  assert.deepEqual(named('config'), [`${STACK}_page_v1`]);
});

test('volume ls lists the stack volumes (table and JSON)', async () => {
  const r = await sb.kite(['app', 'volume', 'ls', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^VOLUME\s+DRIVER\s+CREATED$/m);
  assert.match(r.stdout, new RegExp(`^${STACK}_db-data\\s+local\\s+\\d{4}-`, 'm'));
  const j = await sb.kite(['app', 'vl', 'list', DOMAIN, '--json']);
  assert.deepEqual(JSON.parse(j.stdout).map((v: { name: string; driver: string }) => [v.name, v.driver]), [[`${STACK}_db-data`, 'local']]);
});

test('volume rm and remove refuse while the app is deployed (6), naming undeploy', async () => {
  const vol = await sb.kite(['app', 'volume', 'rm', DOMAIN, '--force']);
  assert.equal(vol.code, 6);
  assert.match(vol.stderr, /is deployed/);
  assert.match(vol.stderr, new RegExp(`kite app undeploy ${DOMAIN}`));
  const rm = await sb.kite(['app', 'remove', DOMAIN, '--force']);
  assert.equal(rm.code, 6);
  assert.match(rm.stderr, new RegExp(`kite app undeploy ${DOMAIN}`));
  assert.ok(existsSync(sb.envPath(DOMAIN)));
  assert.deepEqual(named('volume'), [`${STACK}_db-data`]);
});

test('undeploy --prune removes the stack and its configs, and keeps volumes and secrets', async () => {
  const r = await sb.kite(['app', 'undeploy', DOMAIN, '--prune']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`removed config ${STACK}_page_v1`));
  const objects = stackObjects(STACK);
  assert.deepEqual(objects.services, []);
  assert.deepEqual(objects.networks, []);
  assert.deepEqual(named('config'), []);
  assert.deepEqual(named('volume'), [`${STACK}_db-data`]);
  assert.deepEqual(named('secret'), [`${STACK}_db_password_v1`]);
});

test('without a terminal, volume rm and remove need --force (2) and change nothing', async () => {
  const vol = await sb.kite(['app', 'volume', 'rm', DOMAIN]);
  assert.equal(vol.code, 2);
  assert.match(vol.stderr, /--force/);
  const rm = await sb.kite(['app', 'rm', DOMAIN]);
  assert.equal(rm.code, 2);
  assert.match(rm.stderr, /--force/);
  assert.match(rm.stderr, new RegExp(`volume  ${STACK}_db-data`));
  assert.match(rm.stderr, new RegExp(`secret  ${STACK}_db_password_v1`));
  assert.ok(existsSync(sb.envPath(DOMAIN)));
  assert.deepEqual(named('volume'), [`${STACK}_db-data`]);
  assert.deepEqual(named('secret'), [`${STACK}_db_password_v1`]);
  const unknown = await sb.kite(['app', 'volume', 'rm', DOMAIN, 'nope', '-f']);
  assert.equal(unknown.code, 5);
  assert.match(unknown.stderr, new RegExp(`its volumes: ${STACK}_db-data`));
});

test('in a terminal, remove asks first; answering no cancels (130) and changes nothing', async () => {
  const run = term.start(['app', 'remove', DOMAIN]);
  await run.waitFor(/delete app-remove\.kite\.test and all its data\?/, 'the confirmation prompt');
  assert.match(run.screen(), new RegExp(`volume  ${STACK}_db-data`));
  run.type('n', false);
  run.type('', true);
  assert.equal(await run.exitCode(), 130, run.screen());
  assert.ok(existsSync(sb.envPath(DOMAIN)));
  assert.deepEqual(named('volume'), [`${STACK}_db-data`]);
});

test('volume rm --force deletes the named volume', async () => {
  // a second volume of the stack, labelled as a deploy would label it
  docker('volume', 'create', '--label', `com.docker.stack.namespace=${STACK}`, `${STACK}_scratch`);
  const r = await sb.kite(['app', 'volume', 'rm', DOMAIN, 'scratch', '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(named('volume'), [`${STACK}_db-data`]);
});

test('remove --force deletes volumes, secrets and configs, then the env file', async () => {
  // configs of the stack left by an undeploy without --prune are removed too
  docker('config', 'create', '--label', `com.docker.stack.namespace=${STACK}`, `${STACK}_page_v0`, '/etc/hostname');
  // and an older version of the secret
  docker('secret', 'create', `${STACK}_db_password_v0`, '/etc/hostname');
  const r = await sb.kite(['app', 'remove', DOMAIN, '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`removed volume ${STACK}_db-data`));
  assert.match(r.stderr, new RegExp(`removed secret ${STACK}_db_password_v0`));
  assert.match(r.stderr, new RegExp(`removed secret ${STACK}_db_password_v1`));
  assert.match(r.stderr, new RegExp(`removed config ${STACK}_page_v0`));
  assert.deepEqual(named('volume'), []);
  assert.deepEqual(named('secret'), []);
  assert.deepEqual(named('config'), []);
  // kite's deploy history of the app goes too
  assert.match(r.stderr, new RegExp(`removed config kh-${STACK}-`));
  assert.equal(docker('config', 'ls', '--filter', `label=kite.history=${STACK}`, '--format', '{{.Name}}'), '');
  assert.ok(!existsSync(sb.envPath(DOMAIN)));
  const again = await sb.kite(['app', 'remove', DOMAIN, '--force']);
  assert.equal(again.code, 5);
});
