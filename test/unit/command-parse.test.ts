// Parse-only tests of the whole command tree: each command line below is
// parsed as `kite` parses it and stopped before the command runs, and what
// its `run` would receive (arguments, then its typed options object) is
// compared. The type checker links these options to each `run` (see
// src/cli/action.ts); these tests pin what the flags produce. Every command
// of the tree must have a line here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { buildProgram } from '../../src/cli/main.js';

class Parsed extends Error {
  constructor(
    readonly path: string,
    readonly args: unknown[],
    readonly opts: Record<string, unknown>,
  ) {
    super('parsed');
  }
}

function pathOf(cmd: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let c: CommandUnknownOpts | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

async function parse(argv: string[]): Promise<Parsed> {
  const program = buildProgram();
  program.hook('preAction', (_root, leaf) => {
    throw new Parsed(pathOf(leaf), leaf.processedArgs, leaf.opts());
  });
  try {
    await program.parseAsync(['node', 'kite', ...argv]);
  } catch (e) {
    if (e instanceof Parsed) return e;
    throw e;
  }
  throw new Error(`${argv.join(' ')}: no command was reached`);
}

type Case = [line: string[], command: string, args: unknown[], opts: Record<string, unknown>];

const D = 'cloud.example.com';
const DEPLOY_DEFAULTS = { convergeChecks: true, rollback: true, pin: true, backup: true };

const CASES: Case[] = [
  [['server', 'add', 'example.com'], 'server add', ['example.com'], {}],
  [['server', 'add', '--local'], 'server add', [undefined], { local: true }],
  [['server', 'ls'], 'server ls', [], {}],
  [['server', 'rm', 'example.com'], 'server rm', ['example.com'], {}],
  [['server', 'prune', 'example.com', '-a', '-v', '-f', '--filter', 'until=24h'], 'server prune', ['example.com'], { all: true, volumes: true, force: true, filter: ['until=24h'] }],
  [['server', 'nodes', 'example.com'], 'server nodes', ['example.com'], {}],
  [['server', 'node', 'ls', 'example.com'], 'server node ls', ['example.com'], {}],
  [['server', 'node', 'label', 'example.com', 'n2', 'database=true', 'gpu-'], 'server node label', ['example.com', 'n2', ['database=true', 'gpu-']], {}],
  [['server', 'node', 'drain', 'example.com', 'n2', '--timeout', '30'], 'server node drain', ['example.com', 'n2'], { timeout: 30 }],
  [['server', 'node', 'activate', 'example.com', 'n2'], 'server node activate', ['example.com', 'n2'], {}],
  [['server', 'node', 'join', 'example.com', 'n4.example.com', '--manager', '--advertise-addr', '10.0.0.4'], 'server node join', ['example.com', 'n4.example.com'], { manager: true, advertiseAddr: '10.0.0.4', timeout: 60 }],
  [['server', 'node', 'remove', 'example.com', 'n4', '--via', 'n4.example.com'], 'server node remove', ['example.com', 'n4'], { via: 'n4.example.com', timeout: 120 }],
  [['app', 'new', 'nextcloud', '1.2.0+2.1.0', '-s', 'example.com', '-D', D, '-S', '-p'], 'app new', ['nextcloud', '1.2.0+2.1.0'], { server: 'example.com', domain: D, secrets: true, pass: true }],
  [['app', 'deploy', D], 'app deploy', [D, undefined], DEPLOY_DEFAULTS],
  [['app', 'deploy', D, '1.0.0+1.0', '-f', '-C', '-i', '-c', '--no-rollback', '--no-pin', '--timeout', '30', '--lock-wait', '5'], 'app deploy', [D, '1.0.0+1.0'], { force: true, chaos: true, ignoreEnvVersion: true, convergeChecks: false, rollback: false, pin: false, backup: true, timeout: 30, lockWait: 5 }],
  [['app', 'undeploy', D, '-p', '--lock-wait', '0'], 'app undeploy', [D], { prune: true, lockWait: 0 }],
  [['app', 'ps', D, '-w'], 'app ps', [D], { watch: true }],
  [['app', 'secret', 'generate', D, '--all', '-p'], 'app secret generate', [D, undefined, undefined], { all: true, pass: true }],
  [['app', 'secret', 'insert', D, 'smtp', 'v1', 'x', '-t'], 'app secret insert', [D, 'smtp', 'v1', 'x'], { trim: true }],
  [['app', 'secret', 'ls', D], 'app secret ls', [D], {}],
  [['app', 'secret', 'rm', D, 'smtp'], 'app secret rm', [D, 'smtp'], {}],
  [['app', 'ls', '-s', 'example.com', '-r', 'nextcloud', '-S'], 'app ls', [], { server: 'example.com', recipe: 'nextcloud', status: true }],
  [['app', 'check', D], 'app check', [D], {}],
  [['app', 'config', D], 'app config', [D], {}],
  [['app', 'labels', D], 'app labels', [D], {}],
  [['app', 'services', D], 'app services', [D], {}],
  [['app', 'logs', D, 'app', '-f', '--tail', '20', '--raw'], 'app logs', [D, 'app'], { follow: true, tail: 20, raw: true }],
  [['app', 'run', D, 'app', 'ls', '-la', '/'], 'app run', [D, 'app', 'ls', ['-la', '/']], { tty: true }],
  [['app', 'run', D, 'db', '-t', '-u', 'postgres', '-e', 'A=1', 'psql'], 'app run', [D, 'db', 'psql', []], { tty: false, user: 'postgres', env: ['A=1'] }],
  [['app', 'cp', D, 'app:/etc/hosts', '.'], 'app cp', [D, 'app:/etc/hosts', '.'], {}],
  [['app', 'cmd', D, 'app', 'migrate', '--', '--dry-run'], 'app cmd', [D, ['app', 'migrate', '--dry-run']], {}],
  [['app', 'cmd', D, '--list'], 'app cmd', [D, []], { list: true }],
  [['app', 'restart', D, 'app', '--timeout', '20'], 'app restart', [D, 'app'], { timeout: 20 }],
  [['app', 'restart', D, '-a'], 'app restart', [D, undefined], { allServices: true }],
  [['app', 'volume', 'ls', D], 'app volume ls', [D], {}],
  [['app', 'volume', 'rm', D, 'data', '-f'], 'app volume rm', [D, ['data']], { force: true }],
  [['app', 'remove', D, '-f'], 'app remove', [D], { force: true }],
  [['app', 'backup', 'create', D, '-s', 'db'], 'app backup create', [D], { service: 'db' }],
  [['app', 'backup', 'ls', D], 'app backup ls', [D], {}],
  [['app', 'backup', 'download', D, '-s', '1a2b3c4d', '-O', 'x.tar.gz'], 'app backup download', [D], { snapshot: '1a2b3c4d', output: 'x.tar.gz' }],
  [['app', 'backup', 'forget', D, '--keep-last', '3'], 'app backup forget', [D], { keepLast: 3 }],
  [['app', 'restore', D, '-s', '1a2b', '--volumes', 'a,b', '--no-hooks', '--timeout', '90'], 'app restore', [D], { snapshot: '1a2b', volumes: 'a,b', hooks: false, timeout: 90 }],
  [['app', 'restore', D, '--server', 'example.com', '-s', '1a2b'], 'app restore', [D], { server: 'example.com', snapshot: '1a2b', hooks: true }],
  [['app', 'restore', 'b.example.com', '--from', D, '--server', 'example.com'], 'app restore', ['b.example.com'], { from: D, server: 'example.com', hooks: true }],
  [['app', 'move', D, 'new.example.com', '--prune-source'], 'app move', [D, 'new.example.com'], { pruneSource: true }],
  [['app', 'upgrade', D, '--no-backup'], 'app upgrade', [D, undefined], { ...DEPLOY_DEFAULTS, backup: false }],
  [['app', 'upgrade', D, '-f', '--timeout', '90'], 'app upgrade', [D, undefined], { ...DEPLOY_DEFAULTS, force: true, timeout: 90 }],
  [['app', 'rollback', D, '1.0.0+1.0', '-c'], 'app rollback', [D, '1.0.0+1.0'], { convergeChecks: false, rollback: true, pin: true, backup: true }],
  [['app', 'history', D], 'app history', [D], {}],
  [['app', 'unlock', D, '-f'], 'app unlock', [D], { force: true }],
  [['recipe', 'lint', 'nextcloud', '--only-errors'], 'recipe lint', ['nextcloud'], { onlyErrors: true }],
  [['recipe', 'new', 'myapp', '-N', 'My App', '-u', 'Ann', '-e', 'ann@example.org'], 'recipe new', ['myapp'], { name: 'My App', gitName: 'Ann', gitEmail: 'ann@example.org' }],
  [['recipe', 'ls', '-p', 'fedi', '--category', 'apps', '--status', '3'], 'recipe ls', [], { pattern: 'fedi', category: 'apps', status: 3 }],
  [['recipe', 'ls', '--level', '3'], 'recipe ls', [], { level: 3 }],
  [['recipe', 'versions', 'nextcloud'], 'recipe versions', ['nextcloud'], {}],
  [['recipe', 'upgrade', 'nextcloud', '-y', '-c'], 'recipe upgrade', ['nextcloud'], { minor: true, commit: true }],
  [['recipe', 'sync', 'nextcloud', '-z', '-r'], 'recipe sync', ['nextcloud', undefined], { patch: true, dryRun: true }],
  [['recipe', 'release', 'nextcloud', '1.1.0+2.0', '-p', '--notes', 'Fixes'], 'recipe release', ['nextcloud', '1.1.0+2.0'], { publish: true, notes: 'Fixes' }],
  [['recipe', 'diff', 'nextcloud'], 'recipe diff', ['nextcloud'], {}],
  [['recipe', 'reset', 'nextcloud', '-f'], 'recipe reset', ['nextcloud'], { force: true }],
  [['recipe', 'fetch', 'nextcloud', '--ssh'], 'recipe fetch', ['nextcloud'], { ssh: true }],
  [['recipe', 'test', 'gitea', '1.0.0+1.0', '-s', 'example.com', '-D', 't.example.com', '-k', '--min-level', '3', '--junit', 'r.xml', '--badge', 'b.svg'], 'recipe test', ['gitea', '1.0.0+1.0'], { server: 'example.com', domain: 't.example.com', keep: true, minLevel: 3, junit: 'r.xml', badge: 'b.svg' }],
  [['recipe', 'test', 'gitea', '-s', 'example.com', '-a'], 'recipe test', ['gitea', undefined], { server: 'example.com', allReleases: true }],
  [['catalogue', 'generate', 'nextcloud', 'gitea', '-r', '-s'], 'catalogue generate', [['nextcloud', 'gitea']], { dryRun: true, skipUpdates: true }],
  [['autocomplete', 'bash'], 'autocomplete', ['bash'], {}],
  [['__complete', '--', 'app', 'deploy', ''], '__complete', [['app', 'deploy', '']], {}],
  [['web', '--port', '9000', '--open', '--listen', '10.0.0.2', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'], 'web', [], { port: 9000, open: true, listen: '10.0.0.2', tlsCert: 'c.pem', tlsKey: 'k.pem' }],
];

/** the options object without commander's defaults for flags that were not given (notes: true) */
function given(opts: Record<string, unknown>, expected: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(opts).filter(([k, v]) => k in expected || v !== true || !['notes'].includes(k)));
}

for (const [line, command, args, opts] of CASES) {
  test(`kite ${line.join(' ')}`, async () => {
    const p = await parse(line);
    assert.equal(p.path, command);
    assert.deepEqual(p.args, args);
    assert.deepEqual(given(p.opts, opts), opts);
  });
}

test('every command of the tree has a parse case', () => {
  const leaves: string[] = [];
  const walk = (c: CommandUnknownOpts) => {
    if (c.commands.length === 0) leaves.push(pathOf(c));
    for (const s of c.commands) walk(s);
  };
  walk(buildProgram());
  const covered = new Set(CASES.map((c) => c[1]));
  assert.deepEqual(leaves.filter((l) => !covered.has(l)), []);
});
