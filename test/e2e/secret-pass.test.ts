// `--pass` end to end: secrets generated, inserted and removed are stored in
// and removed from a real `pass` store (Debian's pass and gnupg; a throwaway
// GNUPGHOME with a key without passphrase and a PASSWORD_STORE_DIR in a temp
// dir), and what pass holds is what the deployed container reads from
// /run/secrets. Without a passphrase modifier the generated value is words.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, SERVER, docker, purgeStack } from './harness.js';
import { purgeKiteConfigs } from './exec-helpers.js';

const DOMAIN = 'secret-pass.kite.test';
const STACK = 'secret-pass_kite_test';
const PORT = '18641';
const sb = new Sandbox();
const scratch = mkdtempSync(join(tmpdir(), 'kp-'));
const passEnv = { GNUPGHOME: join(scratch, 'gnupg'), PASSWORD_STORE_DIR: join(scratch, 'store') };
const entry = (secret: string) => `hosts/${SERVER}/${DOMAIN}/${secret}`;

function pass(...args: string[]): string {
  return execFileSync('pass', args, { env: { ...process.env, ...passEnv }, encoding: 'utf8' });
}
const remoteSecrets = () => docker('secret', 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`${STACK}_`)).sort();

before(() => {
  purgeStack(STACK);
  purgeKiteConfigs(STACK);
  execFileSync('mkdir', ['-m', '700', passEnv.GNUPGHOME]);
  execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', 'kite test <kite-pass@example.invalid>', 'default', 'default', 'never'], {
    env: { ...process.env, ...passEnv },
    stdio: 'ignore',
  });
  pass('init', 'kite-pass@example.invalid');
  // the test recipe, with a second secret that has no length= (a passphrase), mounted too
  const dir = sb.addRecipe('kite-test-app');
  const compose = join(dir, 'compose.yml');
  writeFileSync(
    compose,
    readFileSync(compose, 'utf8')
      .replace('    secrets:\n      - db_password\n', '    secrets:\n      - db_password\n      - api_key\n')
      .replace('secrets:\n  db_password:\n', 'secrets:\n  api_key:\n    external: true\n    name: ${STACK_NAME}_api_key_${SECRET_API_KEY_VERSION}\n  db_password:\n'),
  );
  writeFileSync(join(dir, '.env.sample'), readFileSync(join(dir, '.env.sample'), 'utf8') + 'SECRET_API_KEY_VERSION=v1\n');
});
after(() => {
  purgeStack(STACK);
  purgeKiteConfigs(STACK);
  try {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, ...passEnv }, stdio: 'ignore' });
  } catch {
    /* no agent */
  }
});

test('set-up: server and app', async () => {
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', 'kite-test-app', '--server', SERVER, '--domain', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);
});

test('without the pass binary, --pass fails naming it before anything is created on the server', async () => {
  const r = await sb.kite(['app', 'secret', 'generate', DOMAIN, '--all', '--pass'], { ...passEnv, PATH: '/nonexistent' });
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /--pass needs the `pass` command/);
  assert.deepEqual(remoteSecrets(), []);
});

test('secret generate --all --pass stores in pass the values the server holds; no length= gives words', async () => {
  const r = await sb.kite(['app', 'secret', 'generate', DOMAIN, '--all', '--pass', '--json'], passEnv);
  assert.equal(r.code, 0, r.stderr);
  const generated = JSON.parse(r.stdout) as { name: string; value: string }[];
  assert.deepEqual(generated.map((g) => g.name), ['api_key', 'db_password']);
  assert.deepEqual(remoteSecrets(), [`${STACK}_api_key_v1`, `${STACK}_db_password_v1`]);
  const value = (n: string) => generated.find((g) => g.name === n)!.value;
  assert.match(value('api_key'), /^[a-z]{3,8}(-[a-z]{3,8}){5}$/, 'a passphrase of six words');
  assert.match(value('db_password'), /^[A-Za-z0-9]{24}$/, 'length=24 stays a password');
  for (const g of generated) assert.equal(pass('show', entry(g.name)), g.value);
  assert.ok(!r.stderr.includes(value('api_key')), 'values only on stdout');

  // what pass holds is what the deployed app reads
  const d = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(d.code, 0, d.stderr);
  for (const name of ['api_key', 'db_password']) {
    const seen = await sb.kite(['app', 'run', DOMAIN, 'app', 'cat', `/run/secrets/${name}`]);
    assert.equal(seen.stdout, pass('show', entry(name)));
  }
  const u = await sb.kite(['app', 'undeploy', DOMAIN]);
  assert.equal(u.code, 0, u.stderr);
});

test('secret rm --all --pass removes them from the server and from pass', async () => {
  let r = { code: -1, stderr: '', stdout: '' };
  for (let i = 0; i < 20; i++) {
    // the undeployed tasks may hold the secrets for a moment
    r = await sb.kite(['app', 'secret', 'rm', DOMAIN, '--all', '--pass'], passEnv);
    if (r.code !== 6) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`removed secret ${STACK}_api_key_v1 and ${entry('api_key')} from pass`));
  assert.deepEqual(remoteSecrets(), []);
  for (const name of ['api_key', 'db_password']) assert.ok(!existsSync(join(passEnv.PASSWORD_STORE_DIR, `${entry(name)}.gpg`)), name);
});

test('secret insert --pass stores the inserted value (stdin of pass, never its argv)', async () => {
  const r = await sb.kite(['app', 'secret', 'insert', DOMAIN, 'db_password', 'v2', 'inserted-Value-7', '--pass'], passEnv);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`and in pass \\(${entry('db_password')}\\)`));
  assert.equal(pass('show', entry('db_password')), 'inserted-Value-7');
  assert.deepEqual(remoteSecrets(), [`${STACK}_db_password_v2`]);
  docker('secret', 'rm', `${STACK}_db_password_v2`);
});

test('app new -S --pass generates and stores; --pass without -S is a usage error', async () => {
  const other = 'secret-pass-2.kite.test';
  const bad = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', other, '--pass'], passEnv);
  assert.equal(bad.code, 2, bad.stderr);
  assert.ok(!existsSync(sb.envPath(other)));
  const r = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', other, '-S', '-p', '--json'], passEnv);
  assert.equal(r.code, 0, r.stderr);
  const created = JSON.parse(r.stdout) as { secrets: { name: string; value: string }[] };
  try {
    assert.equal(created.secrets.length, 2);
    for (const g of created.secrets) assert.equal(pass('show', `hosts/${SERVER}/${other}/${g.name}`), g.value);
  } finally {
    for (const n of docker('secret', 'ls', '--format', '{{.Name}}').split('\n').filter((x) => x.startsWith('secret-pass-2_kite_test_'))) docker('secret', 'rm', n);
  }
});
