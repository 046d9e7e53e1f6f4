// `app cmd`: which operand is the service and which the function, and the
// shell line that runs a function — executed here with a real sh to prove
// arguments arrive intact (no word splitting, no expansion).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { checkFunction, localCmdArgv, parsePostDeployCmds, remoteCmdArgv, remoteCmdEnv, splitCmdOperands } from '../../src/core/abra-cmd.js';
import { NotFoundError, UsageError } from '../../src/core/errors.js';

const known = { functions: ['migrate', 'set_admin'], services: ['app', 'db'] };

test('service and function from the operands', () => {
  assert.deepEqual(splitCmdOperands(['db', 'migrate', 'a', 'b'], { ...known, local: false }), { service: 'db', fn: 'migrate', args: ['a', 'b'] });
  // the service can be left out when the first operand is a function, not a service
  assert.deepEqual(splitCmdOperands(['migrate', 'x'], { ...known, local: false }), { service: 'app', fn: 'migrate', args: ['x'] });
  assert.deepEqual(splitCmdOperands(['set_admin'], { ...known, local: false }), { service: 'app', fn: 'set_admin', args: [] });
  // --local: no service
  assert.deepEqual(splitCmdOperands(['migrate', 'app'], { ...known, local: true }), { fn: 'migrate', args: ['app'] });
  assert.throws(() => splitCmdOperands([], { ...known, local: false }), UsageError);
  assert.throws(() => splitCmdOperands(['db'], { ...known, local: false }), /name the abra.sh function to run in the db service/);
});

test('an unknown function names the known ones', () => {
  assert.throws(
    () => checkFunction('nope', known.functions, 'r'),
    (e: unknown) => e instanceof NotFoundError && /no function "nope"/.test(e.message) && /migrate, set_admin/.test(e.hint ?? ''),
  );
  assert.doesNotThrow(() => checkFunction('migrate', known.functions, 'r'));
});

const abraSh = `export PAGE_VERSION=v1\nshow() { printf '[%s]' "$@"; echo " n=$# target=$TARGET greeting=$GREETING v=$PAGE_VERSION"; }\n`;

test('remote argv + env run the function with its arguments intact (sh)', () => {
  const argv = remoteCmdArgv('show', ['a b', '$HOME', "it's", '*']);
  const env = remoteCmdEnv({ GREETING: 'hi there', 'NOT-A-NAME': 'x' }, 'app', abraSh);
  assert.ok(!env.some((e) => e.startsWith('NOT-A-NAME=')));
  const out = execFileSync(argv[0], argv.slice(1), { env: Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])), encoding: 'utf8' });
  assert.equal(out, "[a b][$HOME][it's][*] n=4 target=app greeting=hi there v=v1\n");
});

test('local argv sources abra.sh from its path', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'kite-cmd-'));
  writeFileSync(join(dir, 'abra.sh'), abraSh);
  const argv = localCmdArgv('sh', join(dir, 'abra.sh'), 'show', ['x y']);
  const out = execFileSync(argv[0], argv.slice(1), { env: { GREETING: 'yo', TARGET: '', PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
  assert.equal(out, '[x y] n=1 target= greeting=yo v=v1\n');
});

test('POST_DEPLOY_CMDS: service, function and arguments per |-separated entry', () => {
  assert.deepEqual(parsePostDeployCmds('app migrate|db  set_admin alice  bob | '), [
    { service: 'app', fn: 'migrate', args: [] },
    { service: 'db', fn: 'set_admin', args: ['alice', 'bob'] },
  ]);
  assert.throws(() => parsePostDeployCmds('app migrate|lonely', '/x.env'), /x\.env \(POST_DEPLOY_CMDS\): "lonely" needs a service and a function/);
});
