// Prompts in a real terminal: `kite app new <recipe>` without --server and
// --domain asks for them when it runs in a terminal (tmux here), and fails
// naming the flag when there is no terminal or -n is given.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './harness.js';
import { Terminal } from './terminal.js';

const sb = new Sandbox();
const term = new Terminal('prompts');

before(() => {
  sb.addRecipe('kite-test-app');
  // app new only needs the server directories; nothing here talks to a server
  mkdirSync(join(sb.abraDir, 'servers', 'kite-test'), { recursive: true });
  mkdirSync(join(sb.abraDir, 'servers', 'kite-test-2'), { recursive: true });
  term.open();
});

after(() => term.close());

test('on a terminal, app new asks for the server and the domain', async () => {
  const run = term.start(sb.abraDir, ['app', 'new', 'kite-test-app']);
  await term.waitForScreen(run, /Which server[\s\S]*kite-test-2/, 'the server prompt');
  term.keys(run, 'Down');
  term.keys(run, 'Enter');
  await term.waitForScreen(run, /What is the app domain/, 'the domain prompt');
  // an invalid domain is refused at the prompt, and can be corrected
  term.type(run, 'not a domain');
  term.keys(run, 'Enter');
  await term.waitForScreen(run, /not a valid domain name/, 'the validation message');
  term.keys(run, 'C-u');
  term.type(run, 'prompts.kite.test');
  term.keys(run, 'Enter');
  const code = await term.waitForExit(run);
  assert.equal(code, 0, term.screen(run));
  assert.match(term.screen(run), /created .*servers\/kite-test-2\/prompts\.kite\.test\.env/);
  assert.match(sb.readEnv('prompts.kite.test', 'kite-test-2'), /^DOMAIN=prompts\.kite\.test$/m);
  assert.equal(existsSync(sb.envPath('prompts.kite.test', 'kite-test')), false);
});

test('the domain prompt refuses a domain that already has an app', async () => {
  const run = term.start(sb.abraDir, ['app', 'new', 'kite-test-app', '--server', 'kite-test']);
  await term.waitForScreen(run, /What is the app domain/, 'the domain prompt');
  assert.doesNotMatch(term.screen(run), /Which server/, '--server given: no server prompt');
  term.type(run, 'prompts.kite.test');
  term.keys(run, 'Enter');
  await term.waitForScreen(run, /already exists on server kite-test-2/, 'the conflict message');
  term.keys(run, 'C-u');
  term.type(run, 'prompts-2.kite.test');
  term.keys(run, 'Enter');
  assert.equal(await term.waitForExit(run), 0, term.screen(run));
  assert.match(sb.readEnv('prompts-2.kite.test', 'kite-test'), /^DOMAIN=prompts-2\.kite\.test$/m);
});

test('Ctrl-C at a prompt cancels with exit 130 and writes nothing', async () => {
  const run = term.start(sb.abraDir, ['app', 'new', 'kite-test-app']);
  await term.waitForScreen(run, /Which server/, 'the server prompt');
  term.keys(run, 'Enter');
  await term.waitForScreen(run, /What is the app domain/, 'the domain prompt');
  term.type(run, 'cancelled.kite.test');
  term.keys(run, 'C-c');
  assert.equal(await term.waitForExit(run), 130, term.screen(run));
  assert.match(term.screen(run), /cancelled/);
  assert.equal(existsSync(sb.envPath('cancelled.kite.test', 'kite-test')), false);
});

test('-n on a terminal: no prompt, exit 2 naming --server', async () => {
  const run = term.start(sb.abraDir, ['-n', 'app', 'new', 'kite-test-app']);
  assert.equal(await term.waitForExit(run), 2, term.screen(run));
  assert.match(term.screen(run), /missing --server \(-n\/--no-input given\)/);
  assert.match(term.screen(run), /pass --server <server>/);
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
    readdirSync(join(sb.abraDir, 'servers', 'kite-test')).sort(),
    ['prompts-2.kite.test.env'],
    'nothing written by the failed runs',
  );
});
