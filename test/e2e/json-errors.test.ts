// Errors for machines, end to end: with --json (or -m) a failing command
// prints exactly one JSON object on stderr, with the documented exit code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, type Run } from './harness.js';

const sb = new Sandbox();

/** the one JSON error object on stderr, and nothing on stdout */
function jsonError(r: Run): { code: string; message: string; hint?: string; exit: number } {
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  const parsed = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(parsed), ['error']);
  assert.equal(parsed.error.exit, r.code, 'exit in the object is the exit code');
  return parsed.error;
}

test('kite app deploy nosuch.example --json: not_found, exit 5, with the hint', async () => {
  const r = await sb.kite(['app', 'deploy', 'nosuch.example', '--json']);
  assert.equal(r.code, 5);
  const e = jsonError(r);
  assert.equal(e.code, 'not_found');
  assert.match(e.message, /nosuch\.example/);
  assert.match(e.hint ?? '', /kite app ls/);
});

test('without --json the same failure is the human line', async () => {
  const r = await sb.kite(['app', 'deploy', 'nosuch.example']);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /^ERROR no app "nosuch\.example"/);
  assert.throws(() => JSON.parse(r.stderr.split('\n')[0]));
});

test('an unreachable server with -m: ssh, exit 4', async () => {
  const domain = 'json-errors-u.kite.test';
  mkdirSync(join(sb.abraDir, 'servers', 'kite-unreachable'), { recursive: true });
  writeFileSync(sb.envPath(domain, 'kite-unreachable'), `TYPE=kite-read-app\nDOMAIN=${domain}\n`);
  const r = await sb.kite(['-m', 'app', 'services', domain]);
  assert.equal(r.code, 4, r.stderr);
  const e = jsonError(r);
  assert.equal(e.code, 'ssh');
  assert.match(e.message, /kite-unreachable/);
});

test('usage errors from the command line too: a bad --lock-wait, an unknown flag, exit 2', async () => {
  const bad = await sb.kite(['app', 'deploy', 'nosuch.example', '--lock-wait', 'abc', '--json']);
  assert.equal(bad.code, 2);
  const e = jsonError(bad);
  assert.equal(e.code, 'usage');
  assert.match(e.message, /--lock-wait <seconds>' argument 'abc' is invalid/);
  const unknown = await sb.kite(['app', 'ls', '--no-such-flag', '-m']);
  assert.equal(unknown.code, 2);
  assert.equal(jsonError(unknown).code, 'usage');
});
