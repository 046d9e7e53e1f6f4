// Guards of the commands that change an app, against the rig's swarm:
// two domains sharing their first 45 characters (one Docker stack) never
// touch each other's objects; every mutating command takes the app's lock
// (a second operator is refused, or waits with --lock-wait); `app unlock`
// asks before breaking a lock whose holder may run; and the lock a kite
// killed with SIGKILL left is taken over by the next deploy, with a warning.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, SERVER, SSH_CONFIG, ROOT, docker, purgeStack } from './harness.js';

// 45 characters: both domains become this stack
const PREFIX = 'kite-guard-e2e-stack-owner-collision-check-ab';
const FIRST = `${PREFIX}c.example.test`;
const SECOND = `${PREFIX}d.example.test`;
const STACK = PREFIX;
const PORT = '18561';
const sb = new Sandbox();
const LOCK = `kite-lock-${STACK}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const names = (kind: string) => docker(kind, 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`${STACK}_`)).sort();
const lockHeld = () => docker('config', 'ls', '--format', '{{.Name}}').split('\n').includes(LOCK);

/** a lock as another operator's running kite holds it (another host: cannot be checked from here) */
function foreignLock(): void {
  const since = new Date().toISOString();
  const labels = { 'kite.lock': STACK, 'kite.lock.holder': 'carol@elsewhere', 'kite.lock.since': since, 'kite.lock.action': 'deploy', 'kite.lock.host': 'elsewhere', 'kite.lock.pid': '77' };
  docker('config', 'create', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), LOCK, join(ROOT, 'package.json'));
}

before(async () => {
  assert.equal(PREFIX.length, 45);
  purgeStack(STACK);
  sb.addRecipe('kite-test-app');
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', FIRST, '--secrets']);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(FIRST, 'APP_PORT', PORT);
  const d = await sb.kite(['app', 'deploy', FIRST, '-n']);
  assert.equal(d.code, 0, d.stderr);
});

after(() => purgeStack(STACK));

test('a second domain with the same first 45 characters: `app new` refuses it; hand-placed, undeploy and remove of it refuse and the first app is intact', async () => {
  const refused = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', SECOND, '--secrets']);
  assert.equal(refused.code, 6, refused.stderr);
  assert.match(refused.stderr, new RegExp(`stack name ${STACK} of ${SECOND.replaceAll('.', '\\.')} is already taken on ${SERVER} by ${FIRST.replaceAll('.', '\\.')}`));
  assert.match(refused.stderr, /first 45 characters/);

  const before = { services: names('service'), volumes: names('volume'), secrets: names('secret') };
  assert.ok(before.services.length === 3 && before.volumes.length === 1 && before.secrets.length === 1, JSON.stringify(before));
  // an env file placed by hand (copied from another machine, say)
  copyFileSync(sb.envPath(FIRST), sb.envPath(SECOND));
  writeFileSync(sb.envPath(SECOND), readFileSync(sb.envPath(SECOND), 'utf8').replace(`DOMAIN=${FIRST}`, `DOMAIN=${SECOND}`));
  for (const args of [['app', 'undeploy', SECOND], ['app', 'remove', SECOND, '--force'], ['app', 'secret', 'rm', SECOND, '--all'], ['app', 'undeploy', FIRST]]) {
    const r = await sb.kite(args);
    assert.equal(r.code, 6, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(sb.envPath(FIRST)) && r.stderr.includes(sb.envPath(SECOND)), r.stderr);
    assert.match(r.stderr, /rename one of them/);
  }
  assert.deepEqual({ services: names('service'), volumes: names('volume'), secrets: names('secret') }, before);
  assert.equal(lockHeld(), false, 'refused before taking the lock');
  // the way out: the stray env file goes, and the first app is managed again
  unlinkSync(sb.envPath(SECOND));
  const restarted = await sb.kite(['app', 'restart', FIRST, 'worker']);
  assert.equal(restarted.code, 0, restarted.stderr);
});

test('every command that changes the app takes its lock: refused while another operator holds it, --lock-wait waits', async () => {
  foreignLock();
  try {
    for (const args of [
      ['app', 'undeploy', FIRST],
      ['app', 'restart', FIRST, 'app'],
      ['app', 'remove', FIRST, '--force'],
      ['app', 'secret', 'rm', FIRST, '--all'],
      ['app', 'secret', 'generate', FIRST, '--all'],
      ['app', 'secret', 'insert', FIRST, 'db_password', 'v9', 'value'],
      ['app', 'volume', 'rm', FIRST, '--force'],
      ['app', 'cmd', FIRST, 'app', 'announce'],
    ]) {
      const r = await sb.kite(args);
      assert.equal(r.code, 6, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /is locked: carol@elsewhere has been running `deploy` since .* \(pid 77\)/, args.join(' '));
      assert.match(r.stderr, /--lock-wait <seconds>/);
    }
    const waited = await sb.kite(['app', 'restart', FIRST, 'app', '--lock-wait', '1']);
    assert.equal(waited.code, 6, waited.stderr);
    assert.match(waited.stderr, /waiting for the lock: carol@elsewhere[\s\S]*still locked after waiting/);
    const bad = await sb.kite(['app', 'restart', FIRST, 'app', '--lock-wait', 'abc']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.equal(names('service').length, 3, 'nothing was undeployed');
    assert.equal(names('secret').length, 1, 'nothing was removed');

    // `app unlock` of a lock whose holder may still run: asks, so refuses without a terminal
    const ask = await sb.kite(['app', 'unlock', FIRST]);
    assert.equal(ask.code, 2, ask.stderr);
    assert.match(ask.stderr, /is locked: carol@elsewhere[\s\S]*may still be in use[\s\S]*--force/);
    assert.equal(lockHeld(), true);
    const forced = await sb.kite(['app', 'unlock', FIRST, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /broke the lock held by carol@elsewhere/);
  } finally {
    if (lockHeld()) docker('config', 'rm', LOCK);
  }
  // released after a command that took it
  const cmd = await sb.kite(['app', 'cmd', FIRST, 'app', 'announce', '--', 'ok']);
  assert.equal(cmd.code, 0, cmd.stderr);
  assert.match(cmd.stdout, /announced ok on/);
  assert.equal(lockHeld(), false, 'released');
});

test('a deploy killed with SIGKILL while watching leaves its lock; the next deploy takes it over with a warning and succeeds', async () => {
  sb.setEnv(FIRST, 'GREETING', 'killed');
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'deploy', FIRST, '-n', '--force'], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise((r) => child.on('close', r));
  await new Promise<void>((r) => child.stderr.on('data', (d) => { stderr += d; if (/updated service/.test(stderr)) r(); }));
  child.kill('SIGKILL');
  await exited;
  assert.equal(lockHeld(), true, 'the killed deploy could not release its lock');
  const pid = docker('config', 'inspect', LOCK, '--format', '{{index .Spec.Labels "kite.lock.pid"}}');
  assert.equal(pid, String(child.pid));

  await sleep(500);
  sb.setEnv(FIRST, 'GREETING', 'after-kill');
  const next = await sb.kite(['app', 'deploy', FIRST, '-n', '--force']);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, new RegExp(`WARN took over the lock of ${FIRST.replaceAll('.', '\\.')}: \\S+ has been running \`deploy\` since \\S+ \\(pid ${child.pid}\\), but its process ${child.pid} on \\S+ is gone`));
  assert.equal(lockHeld(), false, 'released after the deploy');
});
