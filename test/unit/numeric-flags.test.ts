// Every numeric option is checked as commander reads the command line
// (src/cli/parse.ts): a bad value is a usage error naming the flag, before
// any command code runs. Parse-only: the tree is built as `kite` builds it
// and stopped before the action.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError, type CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { buildProgram } from '../../src/cli/main.js';
import { MAX_SECONDS } from '../../src/cli/parse.js';

class Parsed extends Error {
  constructor(readonly opts: Record<string, unknown>) {
    super('parsed');
  }
}

function capture(cmd: Command, sink: { err: string }): void {
  cmd.configureOutput({ writeOut: () => {}, writeErr: (s) => (sink.err += s) });
  for (const c of cmd.commands) capture(c, sink);
}

/** the options the command would run with, or the usage error commander gave */
async function parse(line: string): Promise<{ opts?: Record<string, unknown>; error?: string; exitCode?: number }> {
  const program = buildProgram();
  const sink = { err: '' };
  capture(program, sink);
  program.hook('preAction', (_root, leaf) => {
    throw new Parsed(leaf.opts());
  });
  try {
    await program.parseAsync(['node', 'kite', ...line.split(' ')]);
    return {};
  } catch (e) {
    if (e instanceof Parsed) return { opts: e.opts };
    if (e instanceof CommanderError) return { error: sink.err, exitCode: e.exitCode };
    throw e;
  }
}

/** every option of the tree that takes a number, with a command line reaching it */
function numericOptions(cmd: Command, path: string[] = []): { line: string; flag: string }[] {
  const args = cmd.registeredArguments.filter((a) => a.required).map(() => 'a.example');
  const own = cmd.options.filter((o) => /<(seconds|lines|n|count|port|number)>/.test(o.flags)).map((o) => ({ line: [...path, ...args].join(' '), flag: o.long! }));
  return [...own, ...cmd.commands.flatMap((c) => numericOptions(c, [...path, c.name()]))];
}

const BAD: [string, string][] = [
  ['app deploy a.example --lock-wait abc', '--lock-wait'],
  ['app deploy a.example --lock-wait -1', '--lock-wait'],
  ['app deploy a.example --lock-wait NaN', '--lock-wait'],
  ['app deploy a.example --timeout -1', '--timeout'],
  ['app deploy a.example --timeout 0', '--timeout'],
  ['app deploy a.example --timeout 1e999', '--timeout'],
  ['app deploy a.example --timeout Infinity', '--timeout'],
  ['app deploy a.example --timeout 0x10', '--timeout'],
  ['app deploy a.example --timeout 30s', '--timeout'],
  [`app deploy a.example --timeout ${MAX_SECONDS + 1}`, '--timeout'],
  ['app upgrade a.example --timeout abc', '--timeout'],
  ['app rollback a.example --lock-wait x', '--lock-wait'],
  ['app restart a.example app --timeout 5m', '--timeout'],
  ['app logs a.example --tail ten', '--tail'],
  ['app logs a.example --tail -5', '--tail'],
  ['recipe ls --status 9', '--status'],
  ['recipe ls --status x', '--status'],
];

for (const [line, flag] of BAD) {
  test(`kite ${line}: a usage error naming ${flag}`, async () => {
    const r = await parse(line);
    assert.equal(r.opts, undefined, `parsed as ${JSON.stringify(r.opts)}`);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.error ?? '', new RegExp(`option '[^']*${flag} <\\w+>' argument '[^']*' is invalid\\. expected`));
  });
}

test('good values are numbers (or all) by the time the command runs', async () => {
  assert.deepEqual(pick((await parse('app deploy a.example --timeout 90 --lock-wait 0')).opts, 'timeout', 'lockWait'), { timeout: 90, lockWait: 0 });
  assert.deepEqual(pick((await parse('app upgrade a.example --timeout 2.5 --lock-wait 30')).opts, 'timeout', 'lockWait'), { timeout: 2.5, lockWait: 30 });
  assert.deepEqual(pick((await parse('app restart a.example app --timeout 120')).opts, 'timeout'), { timeout: 120 });
  assert.deepEqual(pick((await parse('app logs a.example --tail 50')).opts, 'tail'), { tail: 50 });
  assert.deepEqual(pick((await parse('app logs a.example --tail all')).opts, 'tail'), { tail: 'all' });
  assert.deepEqual(pick((await parse('recipe ls --status 4')).opts, 'status'), { status: 4 });
});

test('every numeric option of the tree refuses a value that is not a number', async () => {
  const options = numericOptions(buildProgram());
  assert.ok(options.length >= 6, `found only ${options.map((o) => o.flag).join(', ')}`);
  const accepted: string[] = [];
  for (const { line, flag } of options) {
    const r = await parse(`${line} ${flag} abc`);
    if (r.exitCode === undefined || !(r.error ?? '').includes(flag)) accepted.push(`kite ${line} ${flag} abc`);
  }
  assert.deepEqual(accepted, [], 'give these options a parser from src/cli/parse.ts');
});

function pick(o: Record<string, unknown> | undefined, ...keys: string[]): Record<string, unknown> {
  assert.ok(o, 'expected the command line to parse');
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
