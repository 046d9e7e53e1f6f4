// server ls / rm / prune end to end, against the rig's daemon over SSH.
// The rig's daemon is shared with other test files, so every prune here is
// scoped with --filter label=<this run's label>: it must remove exactly the
// objects this file made, and an unlabelled twin must survive.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, docker } from './harness.js';
import { unreachableSshConfig } from './ssh-fixtures.js';
import { serverListProblems, shapeProblems } from './schemas.js';

const sb = new Sandbox();
const RUN = `${process.pid}-${Date.now()}`;
const LABEL = `kite.test.prune=${RUN}`;
const NAME = `kite-prune-${RUN}`;

function exists(kind: 'container' | 'network' | 'volume' | 'image', name: string): boolean {
  try {
    execFileSync('docker', [kind, 'inspect', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function cleanup(): void {
  const quiet = (...args: string[]) => {
    try {
      execFileSync('docker', args, { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  };
  quiet('rm', '-f', `${NAME}-c`, `${NAME}-keep-c`);
  quiet('network', 'rm', `${NAME}-net`, `${NAME}-keep-net`);
  quiet('volume', 'rm', `${NAME}-vol`);
  quiet('image', 'rm', '-f', `kite-prune-test:${RUN}`);
}

before(async () => {
  for (const server of ['kite-test', 'kite-test-2']) {
    const r = await sb.kite(['server', 'add', server]);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(cleanup);

// ---------------------------------------------------------------- server ls

test('server ls: NAME, HOST, USER, PORT as ssh resolves the alias; default is local', async () => {
  const empty = new Sandbox();
  const e = await empty.kite(['server', 'ls']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(e.stdout, '');
  assert.match(e.stderr, /no servers/);

  const local = await sb.kite(['server', 'add', '--local']);
  assert.equal(local.code, 0, local.stderr);
  const r = await sb.kite(['server', 'ls']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)), [
    ['NAME', 'HOST', 'USER', 'PORT'],
    ['default', 'local', '-', '-'],
    ['kite-test', '127.0.0.1', 'root', '2222'],
    ['kite-test-2', '127.0.0.1', 'root', '2222'],
  ]);
});

test('server list -m: an array of {name, host, user, port}', async () => {
  const r = await sb.kite(['server', 'list', '-m']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(serverListProblems(json), []);
  assert.deepEqual(json.find((s: { name: string }) => s.name === 'kite-test'), { name: 'kite-test', host: '127.0.0.1', user: 'root', port: '2222' });
  assert.deepEqual(json.find((s: { name: string }) => s.name === 'default'), { name: 'default', host: 'local', user: '', port: '' });
});

test('server add of an unreachable server is exit 4 and leaves nothing', async () => {
  const r = await sb.kite(['server', 'add', 'kite-unreachable'], { KITE_SSH_CONFIG: await unreachableSshConfig() });
  assert.equal(r.code, 4);
  assert.match(r.stderr, /Connection refused/);
  assert.equal(existsSync(join(sb.abraDir, 'servers', 'kite-unreachable')), false);
});

// ---------------------------------------------------------------- server rm

test('server rm refuses while apps live there (exit 6, naming them), then removes the directory', async () => {
  const dir = join(sb.abraDir, 'servers', 'kite-test-2');
  writeFileSync(join(dir, 'one.kite.test.env'), 'TYPE=kite-test-app\n');
  writeFileSync(join(dir, 'two.kite.test.env'), 'TYPE=kite-test-app\n');
  const r = await sb.kite(['server', 'rm', 'kite-test-2']);
  assert.equal(r.code, 6);
  assert.match(r.stderr, /server kite-test-2 still has 2 apps: one\.kite\.test, two\.kite\.test/);
  assert.ok(existsSync(join(dir, 'one.kite.test.env')), 'nothing removed');

  execFileSync('rm', [join(dir, 'one.kite.test.env'), join(dir, 'two.kite.test.env')]);
  const ok = await sb.kite(['server', 'remove', 'kite-test-2']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(existsSync(dir), false);
  const ls = await sb.kite(['server', 'ls', '-m']);
  assert.deepEqual(JSON.parse(ls.stdout).map((s: { name: string }) => s.name), ['default', 'kite-test']);
});

test('server rm of an unknown server is exit 5', async () => {
  const r = await sb.kite(['server', 'rm', 'nope.example.com']);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /no server "nope\.example\.com"/);
});

// ---------------------------------------------------------------- server prune

test('server prune without --force refuses (exit 2) naming the flag, and touches nothing', async () => {
  docker('network', 'create', '--label', LABEL, `${NAME}-net`);
  const r = await sb.kite(['server', 'prune', 'kite-test', '--filter', `label=${LABEL}`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pass -f\/--force/);
  assert.ok(exists('network', `${NAME}-net`));
});

test('server prune: unknown server → 5, unreachable server → 4, bad filter → 2', async () => {
  const u = await sb.kite(['server', 'prune', 'nope.example.com', '-f']);
  assert.equal(u.code, 5);
  mkdirSync(join(sb.abraDir, 'servers', 'kite-unreachable'));
  const d = await sb.kite(['server', 'prune', 'kite-unreachable', '-f'], { KITE_SSH_CONFIG: await unreachableSshConfig() });
  assert.equal(d.code, 4);
  assert.match(d.stderr, /server kite-unreachable/);
  const f = await sb.kite(['server', 'prune', 'kite-test', '-f', '--filter', 'dangling=false']);
  assert.equal(f.code, 2);
  assert.match(f.stderr, /--filter dangling=false/);
});

test('server prune -f: stopped containers, unused networks and dangling images go; tagged images and volumes stay', async () => {
  // a stopped container, committed twice: once untagged (dangling), once tagged
  docker('create', '--name', `${NAME}-c`, '--label', LABEL, 'kite-test/web:1.0', 'true');
  docker('create', '--name', `${NAME}-keep-c`, 'kite-test/web:1.0', 'true');
  const dangling = docker('commit', '--change', `LABEL ${LABEL}`, `${NAME}-c`);
  docker('commit', '--change', `LABEL ${LABEL}`, `${NAME}-c`, `kite-prune-test:${RUN}`);
  docker('network', 'create', `${NAME}-keep-net`);
  // anonymous on Docker >= 23 (which only prunes anonymous volumes by default), labelled for the filter
  docker('volume', 'create', '--label', 'com.docker.volume.anonymous=', '--label', LABEL, `${NAME}-vol`);

  const r = await sb.kite(['server', 'prune', 'kite-test', '--force', '--filter', `label=${LABEL}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /stopped containers: 1 removed/);
  assert.match(r.stderr, /unused networks: 1 removed/);
  assert.match(r.stderr, /images: [1-9]\d* removed/);
  assert.match(r.stderr, /build cache: skipped/);
  assert.match(r.stderr, /total reclaimed space on kite-test: /);
  assert.doesNotMatch(r.stderr, /volumes:/, 'volumes only with --volumes');
  assert.match(r.stdout, new RegExp(`^networks\\t${NAME}-net$`, 'm'));

  assert.equal(exists('container', `${NAME}-c`), false);
  assert.equal(exists('network', `${NAME}-net`), false);
  assert.equal(exists('image', dangling), false);
  assert.ok(exists('image', `kite-prune-test:${RUN}`), 'tagged images stay without --all');
  assert.ok(exists('volume', `${NAME}-vol`), 'volumes stay without --volumes');
  // the unlabelled twins are outside the filter
  assert.ok(exists('container', `${NAME}-keep-c`));
  assert.ok(exists('network', `${NAME}-keep-net`));
});

test('server prune -a -v (with -n instead of -f): unused tagged images and volumes go too; JSON report', async () => {
  const r = await sb.kite(['server', 'p', 'kite-test', '-a', '-v', '-n', '--filter', `label=${LABEL}`, '-m']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.server, 'kite-test');
  assert.equal(typeof report.spaceReclaimed, 'number');
  assert.deepEqual(report.steps.map((s: { kind: string }) => s.kind), ['containers', 'networks', 'images', 'build', 'volumes']);
  const step = (kind: string) => report.steps.find((s: { kind: string }) => s.kind === kind);
  assert.deepEqual(shapeProblems(step('volumes'), { kind: 'string', deleted: ['string'], spaceReclaimed: 'number' }), []);
  assert.deepEqual(step('volumes').deleted, [`${NAME}-vol`]);
  assert.ok(step('images').deleted.length >= 1);
  assert.equal(typeof step('build').skipped, 'string');
  assert.equal(exists('image', `kite-prune-test:${RUN}`), false);
  assert.equal(exists('volume', `${NAME}-vol`), false);
  assert.ok(exists('container', `${NAME}-keep-c`));
  assert.ok(exists('image', 'kite-test/web:1.0'), 'the rig image is untouched');
});

test('server prune --filter until=<10 years>: every endpoint answers, the build cache included, and nothing recent goes', async () => {
  docker('network', 'create', '--label', LABEL, `${NAME}-net`);
  const r = await sb.kite(['server', 'prune', 'kite-test', '-f', '-v', '--filter', 'until=87600h', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const byKind = Object.fromEntries(report.steps.map((s: { kind: string }) => [s.kind, s]));
  for (const kind of ['containers', 'networks', 'images', 'build']) assert.deepEqual(byKind[kind].deleted, [], kind);
  assert.match(byKind.volumes.skipped, /filter/);
  assert.ok(exists('network', `${NAME}-net`));
});

test('-v is --version only before any command; after `server prune` it is --volumes', async () => {
  const v = await sb.kite(['-v']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  const p = await sb.kite(['server', 'prune', 'kite-test', '-v']);
  assert.equal(p.code, 2, 'reaches prune, which asks for --force');
  assert.match(p.stderr, /unused volumes/);
});
