// `app secret insert|ls|rm` end to end, over SSH against the rig's swarm.
// An inserted value is checked where it matters: inside the deployed
// container, at /run/secrets/<name>.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, SERVER, docker, purgeStack } from './harness.js';
import { kiteWithInput, purgeKiteConfigs } from './exec-helpers.js';

const DOMAIN = 'app-secret.kite.test';
const STACK = 'app-secret_kite_test';
const PORT = '18532';
const sb = new Sandbox();
const scratch = mkdtempSync(join(tmpdir(), 'kite-app-secret-'));

const remoteSecrets = () => docker('secret', 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`${STACK}_`)).sort();

before(() => {
  purgeStack(STACK);
  purgeKiteConfigs(STACK);
  sb.addRecipe('kite-test-app');
});
after(() => {
  purgeStack(STACK);
  purgeKiteConfigs(STACK);
});

test('set-up: an app whose secret is not generated', async () => {
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', 'kite-test-app', '--server', SERVER, '--domain', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);
});

test('secret ls shows the recipe secret as not on the server (table and JSON)', async () => {
  const r = await sb.kite(['app', 'secret', 'ls', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `SECRET       VERSION  GENERATED-ON-SERVER  REMOTE NAME\ndb_password  v1       false                ${STACK}_db_password_v1\n`);
  const j = await sb.kite(['app', 's', 'list', DOMAIN, '--json']);
  assert.deepEqual(JSON.parse(j.stdout), [{ name: 'db_password', version: 'v1', remoteName: `${STACK}_db_password_v1`, createdOnServer: false }]);
});

test('secret insert stores the value given, never prints it, and the app reads it', async () => {
  const value = 'inserted-Value-123';
  const r = await sb.kite(['app', 'secret', 'insert', DOMAIN, 'db_password', 'v1', value]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!(r.stdout + r.stderr).includes(value), 'the value is not printed');
  assert.deepEqual(remoteSecrets(), [`${STACK}_db_password_v1`]);
  const ls = await sb.kite(['app', 'secret', 'ls', DOMAIN, '--json']);
  assert.equal(JSON.parse(ls.stdout)[0].createdOnServer, true);

  const deployed = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(deployed.code, 0, deployed.stderr);
  const seen = await sb.kite(['app', 'run', DOMAIN, 'app', 'cat', '/run/secrets/db_password']);
  assert.equal(seen.stdout, value);
});

test('secret insert of an existing version is a conflict (6) that says how to rotate', async () => {
  const r = await sb.kite(['app', 'secret', 'i', DOMAIN, 'db_password', 'v1', 'other']);
  assert.equal(r.code, 6);
  assert.match(r.stderr, new RegExp(`secret ${STACK}_db_password_v1 already exists`));
  assert.match(r.stderr, /SECRET_DB_PASSWORD_VERSION/);
});

test('secret insert reads stdin (kept as is, or --trim) and files (--file)', async () => {
  const piped = await kiteWithInput(sb, ['app', 'secret', 'insert', DOMAIN, 'db_password', 'v2'], 'from stdin\n');
  assert.equal(piped.code, 0, piped.stderr);
  const trimmed = await kiteWithInput(sb, ['app', 'secret', 'insert', DOMAIN, 'db_password', 'v3', '--trim'], '  trimmed value \n');
  assert.equal(trimmed.code, 0, trimmed.stderr);
  const file = join(scratch, 'cert.pem');
  writeFileSync(file, '-----BEGIN TEST-----\nabc\n-----END TEST-----\n');
  const fromFile = await sb.kite(['app', 'secret', 'insert', DOMAIN, 'db_password', 'v4', file, '-f']);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.deepEqual(remoteSecrets(), ['v1', 'v2', 'v3', 'v4'].map((v) => `${STACK}_db_password_${v}`));

  // what each version holds, as the app sees it after a redeploy with that version
  for (const [version, expected] of [['v2', 'from stdin\n'], ['v3', 'trimmed value'], ['v4', '-----BEGIN TEST-----\nabc\n-----END TEST-----\n']]) {
    sb.setEnv(DOMAIN, 'SECRET_DB_PASSWORD_VERSION', version);
    const r = await sb.kite(['app', 'deploy', DOMAIN, '--force']);
    assert.equal(r.code, 0, r.stderr);
    const seen = await sb.kite(['app', 'run', DOMAIN, 'app', 'cat', '/run/secrets/db_password']);
    assert.equal(seen.stdout, expected, version);
  }
});

test('secret insert fails clearly: unknown secret (5), missing file (5), empty value (2), unknown app (5)', async () => {
  const unknown = await sb.kite(['app', 'secret', 'insert', DOMAIN, 'api_key', 'v1', 'x']);
  assert.equal(unknown.code, 5);
  assert.match(unknown.stderr, /has no secret "api_key"/);
  assert.match(unknown.stderr, /known secrets: db_password/);
  const missing = await sb.kite(['app', 'secret', 'insert', DOMAIN, 'db_password', 'v9', join(scratch, 'nope'), '--file']);
  assert.equal(missing.code, 5);
  assert.match(missing.stderr, /does not exist/);
  const empty = await kiteWithInput(sb, ['app', 'secret', 'insert', DOMAIN, 'db_password', 'v9'], '');
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /empty/);
  const noApp = await sb.kite(['app', 'secret', 'insert', 'nope.kite.test', 'db_password', 'v1', 'x']);
  assert.equal(noApp.code, 5);
  assert.ok(!remoteSecrets().includes(`${STACK}_db_password_v9`));
});

test('secret rm refuses a secret the running app uses (6), naming undeploy', async () => {
  const r = await sb.kite(['app', 'secret', 'rm', DOMAIN, 'db_password']);
  assert.equal(r.code, 6);
  assert.match(r.stderr, new RegExp(`secret ${STACK}_db_password_v4 is in use by ${STACK}_app`));
  assert.match(r.stderr, /kite app undeploy/);
  assert.ok(remoteSecrets().includes(`${STACK}_db_password_v4`));
});

test('secret rm removes the current version; unknown or absent secrets are not found (5)', async () => {
  assert.equal((await sb.kite(['app', 'undeploy', DOMAIN])).code, 0);
  const r = await sb.kite(['app', 'secret', 'rm', DOMAIN, 'db_password']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`removed secret ${STACK}_db_password_v4`));
  assert.deepEqual(remoteSecrets(), ['v1', 'v2', 'v3'].map((v) => `${STACK}_db_password_${v}`));
  const again = await sb.kite(['app', 'secret', 'rm', DOMAIN, 'db_password']);
  assert.equal(again.code, 5);
  assert.match(again.stderr, /does not exist on kite-test/);
  const unknown = await sb.kite(['app', 'secret', 'remove', DOMAIN, 'api_key']);
  assert.equal(unknown.code, 5);
  const neither = await sb.kite(['app', 'secret', 'rm', DOMAIN]);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /--all/);
});

test('secret rm --all removes the secrets of the current versions that exist', async () => {
  sb.setEnv(DOMAIN, 'SECRET_DB_PASSWORD_VERSION', 'v2');
  const r = await sb.kite(['app', 'secret', 'rm', DOMAIN, '--all', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [{ name: 'db_password', remoteName: `${STACK}_db_password_v2` }]);
  assert.deepEqual(remoteSecrets(), [`${STACK}_db_password_v1`, `${STACK}_db_password_v3`]);
});
