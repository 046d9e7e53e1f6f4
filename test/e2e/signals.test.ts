// Signals as an operator (or a supervisor) sends them: Ctrl-C in a real
// terminal (tmux) goes to the whole foreground process group, so it must not
// take kite's SSH connection down before kite has released its deploy lock;
// SIGTERM stops a deploy as gracefully; a kite that is killed outright must
// not leave its ssh behind.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, SERVER, SSH_CONFIG, ROOT, docker, kiteTunnels, purgeStack } from './harness.js';
import { Terminal } from './terminal.js';

const DOMAIN = 'signals.kite.test';
const STACK = 'signals_kite_test';
const PORT = '18541';
const sb = new Sandbox();
const term = new Terminal('signals');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 100 && pids.some((p) => kiteTunnels().includes(p)); i++) await sleep(100);
  return pids.filter((p) => kiteTunnels().includes(p));
}

before(async () => {
  purgeStack(STACK);
  // each command with an ssh of its own: these tests are about that ssh (with
  // connection reuse, a warm command has none: see ssh-reuse.test.ts)
  writeFileSync(join(sb.abraDir, 'kite.yml'), 'ssh:\n  persist: 0\n');
  sb.addRecipe('kite-test-app');
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', DOMAIN, '--secrets']);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);
  const d = await sb.kite(['app', 'deploy', DOMAIN, '-n']);
  assert.equal(d.code, 0, d.stderr);
  term.open();
});

after(() => {
  term.close();
  purgeStack(STACK);
});

test('Ctrl-C in a terminal while a deploy is watched: exit 130, lock released over the same connection, history says interrupted', async () => {
  sb.setEnv(DOMAIN, 'GREETING', 'ctrl-c');
  const before = kiteTunnels();
  const run = term.start(sb.abraDir, ['app', 'deploy', DOMAIN, '-n', '--force']);
  await term.waitForScreen(run, /updated service/, 'the deploy to update a service', 300);
  term.keys(run, 'C-c');
  assert.equal(await term.waitForExit(run), 130, term.screen(run));
  const screen = term.screen(run);
  assert.match(screen, /stopped watching [\s\S]*the deploy goes on on the\s+server/); // the terminal may wrap it
  assert.doesNotMatch(screen, /connection lost|could not release/i, 'the connection outlived the Ctrl-C');
  assert.ok(!docker('config', 'ls', '--format', '{{.Name}}').includes(`kite-lock-${STACK}`), 'lock released');
  const history = JSON.parse((await sb.kite(['app', 'history', DOMAIN, '--json'])).stdout) as { result: string }[];
  assert.equal(history.at(-1)?.result, 'interrupted');
  assert.deepEqual(await waitGone(kiteTunnels().filter((p) => !before.includes(p))), [], 'kite closed its ssh');
});

test('SIGTERM while a deploy is watched: exit 143, lock released, history says interrupted', async () => {
  sb.setEnv(DOMAIN, 'GREETING', 'sigterm');
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'deploy', DOMAIN, '-n', '--force'], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await new Promise<void>((r) => child.stderr.on('data', (d) => { stderr += d; if (/updated service/.test(stderr)) r(); }));
  child.kill('SIGTERM');
  assert.equal(await exited, 143, stderr);
  assert.match(stderr, /SIGTERM again to quit at once/);
  assert.ok(!docker('config', 'ls', '--format', '{{.Name}}').includes(`kite-lock-${STACK}`), 'lock released');
  const history = JSON.parse((await sb.kite(['app', 'history', DOMAIN, '--json'])).stdout) as { result: string }[];
  assert.equal(history.at(-1)?.result, 'interrupted');
});

test('kite killed outright (SIGKILL): its ssh ends too', async () => {
  const before = kiteTunnels();
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'ps', DOMAIN, '--watch'], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((r) => child.on('close', r));
  await new Promise<void>((r) => child.stdout.on('data', () => r()));
  const opened = kiteTunnels().filter((p) => !before.includes(p));
  child.kill('SIGKILL');
  await exited;
  assert.equal(opened.length, 1, 'the watch held one connection');
  assert.deepEqual(await waitGone(opened), [], 'ssh noticed its kite was gone and exited');
});

test('SIGTERM to a command without its own handling: exit 143, ssh closed, its socket removed', async () => {
  // the deploy interrupted above goes on on the server: wait for its container
  const running = () => /^Running/.test(docker('service', 'ps', `${STACK}_app`, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}'));
  for (let i = 0; i < 300 && !running(); i++) await sleep(100);
  const before = kiteTunnels();
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'run', DOMAIN, 'app', '--', 'sh', '-c', 'echo started; sleep 60'], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const started = await Promise.race([
    new Promise<boolean>((r) => child.stdout.on('data', (d) => /started/.test(String(d)) && r(true))),
    exited.then(() => false),
  ]);
  assert.ok(started, `the command did not start: ${stderr}`);
  const opened = kiteTunnels().filter((p) => !before.includes(p));
  assert.equal(opened.length, 1);
  const socketDir = /(\/\S*kite-ssh-[^/]+)\/docker\.sock/.exec(execFileSync('ps', ['-o', 'args=', '-p', String(opened[0])], { encoding: 'utf8' }))?.[1];
  assert.ok(socketDir && existsSync(socketDir), 'the forwarded socket lives in a private dir');
  child.kill('SIGTERM');
  assert.equal(await exited, 143);
  assert.deepEqual(await waitGone(opened), [], 'ssh closed');
  assert.equal(existsSync(socketDir), false, 'socket dir removed');
});
