// Prompts in a real terminal: `kite app new <recipe>` without --server and
// --domain asks for them when it runs in a terminal (tmux here), and fails
// naming the flag when there is no terminal or -n is given.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, kiteShellLine } from './harness.js';

const SESSION = `kite-prompt-${process.pid}`;
const sb = new Sandbox();
const scratch = mkdtempSync(join(tmpdir(), 'kite-prompts-'));
let runs = 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Start `kite <args>` in a fresh tmux window (a real terminal, 120x30);
 * resolves the file its exit status lands in.
 */
function startInTerminal(args: string[]): { exitFile: string; window: string } {
  const n = ++runs;
  const exitFile = join(scratch, `exit-${n}`);
  const window = `${SESSION}:${n}`;
  const command = kiteShellLine(sb.abraDir, args, exitFile);
  tmux('new-window', '-d', '-t', window, command);
  return { exitFile, window };
}

function screen(window: string): string {
  return tmux('capture-pane', '-p', '-t', window);
}

async function waitForScreen(window: string, pattern: RegExp, what: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = screen(window);
    if (pattern.test(text)) return text;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}; the terminal shows:\n${screen(window)}`);
}

async function waitForExit(exitFile: string, window: string): Promise<number> {
  for (let i = 0; i < 150; i++) {
    if (existsSync(exitFile)) {
      const m = /EXIT=(\d+)/.exec(readFileSync(exitFile, 'utf8'));
      if (m) return Number(m[1]);
    }
    await sleep(100);
  }
  assert.fail(`kite did not exit; the terminal shows:\n${screen(window)}`);
}

before(() => {
  sb.addRecipe('kite-test-app');
  // app new only needs the server directories; nothing here talks to a server
  mkdirSync(join(sb.abraDir, 'servers', 'kite-test'), { recursive: true });
  mkdirSync(join(sb.abraDir, 'servers', 'kite-test-2'), { recursive: true });
  // window 0 of the session just keeps it open; each run gets its own window
  tmux('new-session', '-d', '-x', '120', '-y', '30', '-s', SESSION, 'sleep 3600');
});

after(() => {
  try {
    tmux('kill-session', '-t', SESSION);
  } catch {
    /* already gone */
  }
  rmSync(scratch, { recursive: true, force: true });
});

test('on a terminal, app new asks for the server and the domain', async () => {
  const { exitFile, window } = startInTerminal(['app', 'new', 'kite-test-app']);
  await waitForScreen(window, /Which server[\s\S]*kite-test-2/, 'the server prompt');
  tmux('send-keys', '-t', window, 'Down');
  tmux('send-keys', '-t', window, 'Enter');
  await waitForScreen(window, /What is the app domain/, 'the domain prompt');
  // an invalid domain is refused at the prompt, and can be corrected
  tmux('send-keys', '-t', window, '-l', 'not a domain');
  tmux('send-keys', '-t', window, 'Enter');
  await waitForScreen(window, /not a valid domain name/, 'the validation message');
  tmux('send-keys', '-t', window, 'C-u');
  tmux('send-keys', '-t', window, '-l', 'prompts.kite.test');
  tmux('send-keys', '-t', window, 'Enter');
  const code = await waitForExit(exitFile, window);
  assert.equal(code, 0, screen(window));
  assert.match(screen(window), /created .*servers\/kite-test-2\/prompts\.kite\.test\.env/);
  assert.match(sb.readEnv('prompts.kite.test', 'kite-test-2'), /^DOMAIN=prompts\.kite\.test$/m);
  assert.equal(existsSync(sb.envPath('prompts.kite.test', 'kite-test')), false);
});

test('the domain prompt refuses a domain that already has an app', async () => {
  const { exitFile, window } = startInTerminal(['app', 'new', 'kite-test-app', '--server', 'kite-test']);
  await waitForScreen(window, /What is the app domain/, 'the domain prompt');
  assert.doesNotMatch(screen(window), /Which server/, '--server given: no server prompt');
  tmux('send-keys', '-t', window, '-l', 'prompts.kite.test');
  tmux('send-keys', '-t', window, 'Enter');
  await waitForScreen(window, /already exists on server kite-test-2/, 'the conflict message');
  tmux('send-keys', '-t', window, 'C-u');
  tmux('send-keys', '-t', window, '-l', 'prompts-2.kite.test');
  tmux('send-keys', '-t', window, 'Enter');
  assert.equal(await waitForExit(exitFile, window), 0, screen(window));
  assert.match(sb.readEnv('prompts-2.kite.test', 'kite-test'), /^DOMAIN=prompts-2\.kite\.test$/m);
});

test('Ctrl-C at a prompt cancels with exit 130 and writes nothing', async () => {
  const { exitFile, window } = startInTerminal(['app', 'new', 'kite-test-app']);
  await waitForScreen(window, /Which server/, 'the server prompt');
  tmux('send-keys', '-t', window, 'Enter');
  await waitForScreen(window, /What is the app domain/, 'the domain prompt');
  tmux('send-keys', '-t', window, '-l', 'cancelled.kite.test');
  tmux('send-keys', '-t', window, 'C-c');
  assert.equal(await waitForExit(exitFile, window), 130, screen(window));
  assert.match(screen(window), /cancelled/);
  assert.equal(existsSync(sb.envPath('cancelled.kite.test', 'kite-test')), false);
});

test('-n on a terminal: no prompt, exit 2 naming --server', async () => {
  const { exitFile, window } = startInTerminal(['-n', 'app', 'new', 'kite-test-app']);
  assert.equal(await waitForExit(exitFile, window), 2, screen(window));
  assert.match(screen(window), /missing --server \(-n\/--no-input given\)/);
  assert.match(screen(window), /pass --server <server>/);
});

test('without a terminal: exit 2 naming --server, then --domain', async () => {
  const r = await sb.kite(['app', 'new', 'kite-test-app']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /missing --server \(no terminal to ask on\)/);
  assert.match(r.stderr, /pass --server <server>/);
  const r2 = await sb.kite(['app', 'new', 'kite-test-app', '--server', 'kite-test']);
  assert.equal(r2.code, 2, r2.stderr);
  assert.match(r2.stderr, /missing --domain \(no terminal to ask on\)/);
  assert.deepEqual(
    execFileSync('ls', [join(sb.abraDir, 'servers', 'kite-test')], { encoding: 'utf8' }).trim().split('\n'),
    ['prompts-2.kite.test.env'],
    'nothing written by the failed runs',
  );
});
