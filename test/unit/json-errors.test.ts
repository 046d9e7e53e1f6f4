// Errors for machines (src/cli/exit-codes.ts, src/cli/main.ts): with --json
// a failing command prints one JSON object on stderr, whose code and exit
// follow the documented exit-code table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, ConflictError, DeployFailedError, DockerApiError, LocalWriteError, NotFoundError, RecipeError, RemoteError, SshError, UsageError } from '../../src/core/errors.js';
import { jsonErrorFor } from '../../src/cli/exit-codes.js';
import { main, wantsJson } from '../../src/cli/main.js';

test('each kind of error has its stable code and its documented exit code', () => {
  const terminated = new CancelledError('stopped');
  terminated.signal = 'SIGTERM';
  const cases: [unknown, string, number][] = [
    [new Error('boom'), 'error', 1],
    ['a string', 'error', 1],
    [new UsageError('bad flag'), 'usage', 2],
    [new DeployFailedError('s_example', [], 'yes'), 'deploy_failed', 3],
    [new SshError('example.com', 'connection refused'), 'ssh', 4],
    [new RemoteError('git remote unreachable'), 'ssh', 4],
    [new NotFoundError('no app'), 'not_found', 5],
    [new ConflictError('already deployed'), 'conflict', 6],
    [new RecipeError('bad compose', 'compose.yml'), 'recipe', 7],
    [new DockerApiError('rpc error', 500), 'docker', 8],
    [new LocalWriteError('/abra/servers/x/a.env', 'ENOSPC', 'disk full'), 'local_write', 9],
    [new CancelledError('cancelled'), 'cancelled', 130],
    [terminated, 'terminated', 143],
  ];
  for (const [err, code, exit] of cases) {
    const j = jsonErrorFor(err);
    assert.equal(j.error.code, code, String(err));
    assert.equal(j.error.exit, exit, String(err));
    assert.equal(typeof j.error.message, 'string');
  }
});

test('message and hint are the human ones; no hint key without a hint', () => {
  assert.deepEqual(jsonErrorFor(new NotFoundError('no app "x"', 'list apps with `kite app ls`')), {
    error: { code: 'not_found', message: 'no app "x"', hint: 'list apps with `kite app ls`', exit: 5 },
  });
  assert.deepEqual(Object.keys(jsonErrorFor(new ConflictError('taken')).error), ['code', 'message', 'exit']);
});

test('a failed deploy says which services failed and whether the previous version runs', () => {
  const failures = [{ service: 's_app', reason: 'task failed', tasks: [{ id: 'abc', state: 'failed', error: 'exit 1' }], logsTail: ['oops'] }];
  const j = jsonErrorFor(new DeployFailedError('s_example', failures, 'yes'));
  assert.deepEqual(j.error.details, { stack: 's_example', rolledBack: 'yes', failures });
});

test('--json, --machine and -m (also among short flags) ask for JSON; not after --', () => {
  assert.equal(wantsJson(['app', 'ls', '--json']), true);
  assert.equal(wantsJson(['--machine', 'app', 'ls']), true);
  assert.equal(wantsJson(['app', 'ls', '-Sm']), true);
  assert.equal(wantsJson(['app', 'ls', '-S']), false);
  assert.equal(wantsJson(['app', 'run', 'a.example', 'app', '--', 'grep', '-m', '1']), false);
});

/** main() in this process, its stderr captured and its listeners removed after */
async function runMain(args: string[]): Promise<{ stderr: string; exitCode: number | undefined }> {
  const listeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM'), error: process.stdout.listeners('error') };
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    await main(['node', 'kite', ...args]);
    return { stderr, exitCode: process.exitCode as number | undefined };
  } finally {
    process.stderr.write = write;
    process.exitCode = undefined;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) for (const l of process.listeners(sig)) if (!listeners[sig].includes(l)) process.removeListener(sig, l);
    for (const l of process.stdout.listeners('error')) if (!listeners.error.includes(l as never)) process.stdout.removeListener('error', l as never);
  }
}

test('a usage error with --json is one JSON line on stderr, exit 2', async () => {
  for (const args of [['app', 'deploy', 'a.example', '--lock-wait', 'abc', '--json'], ['-m', 'app', 'nosuch'], ['app', 'deploy', '--json']]) {
    const r = await runMain(args);
    assert.equal(r.exitCode, 2, args.join(' '));
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    const j = JSON.parse(lines[0]);
    assert.equal(j.error.code, 'usage');
    assert.equal(j.error.exit, 2);
    assert.match(j.error.message, /\S/);
  }
  const r = await runMain(['app', 'deploy', 'a.example', '--lock-wait', 'abc', '--json']);
  assert.match(JSON.parse(r.stderr).error.message, /--lock-wait/);
});

test('without --json a usage error stays the human line, exit 2', async () => {
  const r = await runMain(['app', 'deploy', 'a.example', '--timeout', '-1']);
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /^error: option '--timeout <seconds>' argument '-1' is invalid/);
  assert.throws(() => JSON.parse(r.stderr));
});
