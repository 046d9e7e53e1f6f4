// The read commands end to end, over SSH against the rig's swarm: app ls
// (local and --status, several servers, one unreachable), check, config,
// labels, services, ps --watch and logs (all services, one, --follow).
//
// Apps: A on kite-test and B on kite-test-2 (two aliases of the same daemon)
// are deployed; C on kite-test is not; U lives on kite-unreachable.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SSH_CONFIG, Sandbox, docker, purgeStack } from './harness.js';
import { appListProblems, shapeProblems } from './schemas.js';

const RECIPE = 'kite-read-app';
const A = 'app-read-a.kite.test';
const B = 'app-read-b.kite.test';
const C = 'app-read-c.kite.test';
const U = 'app-read-u.kite.test';
const STACK_A = 'app-read-a_kite_test';
const STACK_B = 'app-read-b_kite_test';
const PORT_A = '18471';
const PORT_B = '18472';
const sb = new Sandbox();

before(async () => {
  for (const s of [STACK_A, STACK_B]) purgeStack(s);
  sb.addRecipe(RECIPE);
  for (const server of ['kite-test', 'kite-test-2']) {
    const r = await sb.kite(['server', 'add', server]);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const [domain, server, port] of [[A, 'kite-test', PORT_A], [B, 'kite-test-2', PORT_B], [C, 'kite-test', '18473']]) {
    const r = await sb.kite(['app', 'new', RECIPE, '-s', server, '-D', domain, '-n']);
    assert.equal(r.code, 0, r.stderr);
    sb.setEnv(domain, 'APP_PORT', port, server);
  }
  // kite-unreachable cannot be added (server add checks it): its directory is made as abra data would have it
  mkdirSync(join(sb.abraDir, 'servers', 'kite-unreachable'));
  writeFileSync(sb.envPath(U, 'kite-unreachable'), `TYPE=${RECIPE}\nDOMAIN=${U}\n`);
  for (const domain of [A, B]) {
    const r = await sb.kite(['app', 'deploy', domain, '-n']);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(() => {
  for (const s of [STACK_A, STACK_B]) purgeStack(s);
});

/** kite as a long-running child (for --watch and --follow), stopped with SIGINT */
function start(args: string[], extraEnv: Record<string, string> = {}): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), ...args], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, out: () => stdout, err: () => stderr, exit };
}

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------- app ls

test('app ls lists every env file, sorted by server then domain, without asking any server', async () => {
  const r = await sb.kite(['app', 'ls']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^SERVER\s+RECIPE\s+APP$/);
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(/\s+/)),
    [['kite-test', RECIPE, A], ['kite-test', RECIPE, C], ['kite-test-2', RECIPE, B], ['kite-unreachable', RECIPE, U]],
  );
  assert.doesNotMatch(r.stderr, /kite-unreachable/, 'no server was contacted');
});

test('app ls -m without --status: abra JSON shape, status fields empty', async () => {
  const r = await sb.kite(['app', 'list', '-m']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(appListProblems(json), []);
  assert.deepEqual(Object.keys(json), ['kite-test', 'kite-test-2', 'kite-unreachable']);
  assert.equal(json['kite-test'].appCount, 2);
  assert.deepEqual(json['kite-test'].apps[0], {
    server: 'kite-test', recipe: RECIPE, appName: A, domain: A,
    status: '', chaos: '', chaosVersion: '', autoUpdate: '', version: '', upgrade: '',
  });
});

test('app ls -s / -r filter; an unknown server is exit 5', async () => {
  const s = await sb.kite(['app', 'ls', '-s', 'kite-test-2', '-m']);
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(Object.keys(JSON.parse(s.stdout)), ['kite-test-2']);
  const r = await sb.kite(['app', 'ls', '--recipe', 'no-such-recipe', '-m']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {});
  const bad = await sb.kite(['app', 'ls', '--server', 'nope.example.com']);
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /no server "nope\.example\.com"/);
});

test('app ls -S -m: deployed, undeployed, and unknown for the unreachable server (exit 0, warning)', async () => {
  const r = await sb.kite(['app', 'ls', '-S', '-m']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(appListProblems(json), []);
  const app = (server: string, domain: string) => json[server].apps.find((a: { domain: string }) => a.domain === domain);
  assert.deepEqual(app('kite-test', A), {
    server: 'kite-test', recipe: RECIPE, appName: A, domain: A,
    status: 'deployed', chaos: 'false', chaosVersion: 'unknown', autoUpdate: 'false', version: '1.0.0+1.0', upgrade: 'unknown',
  });
  assert.equal(app('kite-test-2', B).status, 'deployed');
  assert.equal(app('kite-test-2', B).version, '1.0.0+1.0');
  assert.equal(app('kite-test', C).status, 'undeployed');
  assert.equal(app('kite-test', C).version, 'unknown');
  const u = app('kite-unreachable', U);
  assert.deepEqual([u.status, u.version, u.chaos, u.upgrade], ['unknown', 'unknown', 'unknown', 'unknown']);
  assert.deepEqual(
    [json['kite-test'].appCount, json['kite-test'].versionCount, json['kite-test'].unversionedCount, json['kite-test'].latestCount, json['kite-test'].upgradeCount],
    [2, 1, 1, 0, 0],
  );
  assert.deepEqual([json['kite-unreachable'].versionCount, json['kite-unreachable'].unversionedCount], [0, 1]);
  assert.match(r.stderr, /WARN server kite-unreachable: .*Connection refused.*status unknown/);
});

test('app ls -S table: status columns and per-server counts on stderr', async () => {
  const r = await sb.kite(['app', 'ls', '--status', '-s', 'kite-test']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^SERVER\s+RECIPE\s+APP\s+STATUS\s+VERSION\s+CHAOS\s+UPGRADE$/);
  assert.deepEqual(lines[1].split(/\s+/), ['kite-test', RECIPE, A, 'deployed', '1.0.0+1.0', 'no', 'unknown']);
  assert.deepEqual(lines[2].split(/\s+/), ['kite-test', RECIPE, C, 'undeployed', 'unknown', 'unknown', 'unknown']);
  assert.match(r.stderr, /kite-test: 2 apps, 1 with a known version, 1 without/);
});

test('app ls -S sees a stack deployed by hand with abra labels, and its chaos labels', async () => {
  // what an abra chaos deploy leaves: version label kept, chaos + chaos-version set
  const stack = 'app-read-c_kite_test';
  try {
    docker('service', 'create', '--detach', '--name', `${stack}_app`, '--replicas', '0',
      '--label', `com.docker.stack.namespace=${stack}`,
      '--label', `coop-cloud.${stack}.version=0.9.0+1.0`,
      '--label', `coop-cloud.${stack}.chaos=true`,
      '--label', `coop-cloud.${stack}.chaos-version=1a2b3c4d+U`,
      '--label', `coop-cloud.${stack}.autoupdate=true`,
      'kite-test/web:1.0', 'sleep', '600');
    const r = await sb.kite(['app', 'ls', '-S', '-m', '-s', 'kite-test']);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout)['kite-test'].apps.find((a: { domain: string }) => a.domain === C);
    assert.deepEqual([c.status, c.version, c.chaos, c.chaosVersion, c.autoUpdate], ['deployed', '0.9.0+1.0', 'true', '1a2b3c4d+U', 'true']);
  } finally {
    purgeStack(stack);
  }
});

// ---------------------------------------------------------------- app check

test('app check: every sample key present → exit 0; commented-out sample keys are optional', async () => {
  const r = await sb.kite(['app', 'check', A]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^KEY\s+PRESENT$/m);
  assert.match(r.stdout, /^APP_PORT\s+yes$/m);
  assert.doesNotMatch(r.stdout, /TICK_SECONDS|EXTRA_DOMAINS/);
});

test('app check: missing keys → exit 7 naming the file and keys; JSON lists each key', async () => {
  const path = sb.envPath(C);
  const original = readFileSync(path, 'utf8');
  try {
    writeFileSync(path, original.replace(/^GREETING=.*\n/m, '').replace(/^TIMEOUT=/m, '#TIMEOUT='));
    const r = await sb.kite(['app', 'chk', C]);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stdout, /^GREETING\s+no$/m);
    assert.match(r.stderr, new RegExp(`${C.replaceAll('.', '\\.')}\\.env: 2 keys of kite-read-app's \\.env\\.sample missing: GREETING, TIMEOUT`));
    assert.match(r.stderr, /kite app config/);
    const j = await sb.kite(['app', 'check', C, '--json']);
    assert.equal(j.code, 7);
    const keys = JSON.parse(j.stdout) as { key: string; present: boolean }[];
    assert.deepEqual(shapeProblems(keys, [{ key: 'string', present: 'boolean' }]), []);
    assert.deepEqual(keys.filter((k) => !k.present).map((k) => k.key), ['GREETING', 'TIMEOUT']);
  } finally {
    writeFileSync(path, original);
  }
});

test('app check of an unknown app is exit 5', async () => {
  const r = await sb.kite(['app', 'check', 'nope.kite.test']);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /no app "nope\.kite\.test"/);
});

// ---------------------------------------------------------------- app config

test('app config runs $EDITOR on the env file and checks the result', async () => {
  const editor = join(sb.abraDir, 'editor.sh');
  writeFileSync(editor, '#!/bin/sh\nsed -i "s/^GREETING=.*/GREETING=edited-by-editor/" "$1"\n');
  chmodSync(editor, 0o755);
  const r = await sb.kite(['app', 'cfg', C], { EDITOR: editor });
  assert.equal(r.code, 0, r.stderr);
  assert.match(sb.readEnv(C), /^GREETING=edited-by-editor$/m);
  assert.match(r.stderr, /is readable/);
});

test('app config: an edit that breaks the file is kept, reported as exit 7 with the line', async () => {
  const path = sb.envPath(C);
  const backup = path + '.bak';
  copyFileSync(path, backup);
  const editor = join(sb.abraDir, 'break.sh');
  writeFileSync(editor, '#!/bin/sh\necho "THIS LINE IS BROKEN" >> "$1"\n');
  chmodSync(editor, 0o755);
  try {
    const r = await sb.kite(['app', 'config', C], { EDITOR: editor });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /\.env:\d+: invalid line "THIS LINE IS BROKEN"/);
    assert.match(r.stderr, /kept as edited/);
    assert.match(sb.readEnv(C), /THIS LINE IS BROKEN/);
  } finally {
    copyFileSync(backup, path);
  }
});

test('app config: a missing editor is a usage error; an unknown app is exit 5', async () => {
  const r = await sb.kite(['app', 'config', C], { EDITOR: 'kite-no-such-editor' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /editor "kite-no-such-editor" not found/);
  const u = await sb.kite(['app', 'config', 'nope.kite.test'], { EDITOR: 'true' });
  assert.equal(u.code, 5);
});

// ---------------------------------------------------------------- labels, services

test('app labels: coop-cloud service labels and container labels of <stack>_app', async () => {
  const r = await sb.kite(['app', 'labels', A]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^coop-cloud\\.${STACK_A}\\.version\\s+1\\.0\\.0\\+1\\.0\\s+service$`, 'm'));
  assert.match(r.stdout, new RegExp(`^coop-cloud\\.${STACK_A}\\.recipe\\s+${RECIPE}\\s+service$`, 'm'));
  assert.match(r.stdout, /^kite\.test\.role\s+web\s+container$/m);
  const j = await sb.kite(['app', 'lb', A, '-m']);
  assert.equal(j.code, 0, j.stderr);
  const labels = JSON.parse(j.stdout);
  assert.equal(labels.service, `${STACK_A}_app`);
  assert.equal(labels.serviceLabels[`coop-cloud.${STACK_A}.chaos`], 'false');
  assert.equal(labels.serviceLabels['com.docker.stack.namespace'], STACK_A);
  assert.equal(labels.containerLabels['kite.test.role'], 'web');
  // the same as the docker CLI sees
  const seen = JSON.parse(docker('service', 'inspect', `${STACK_A}_app`, '--format', '{{json .Spec.Labels}}'));
  assert.deepEqual(labels.serviceLabels, Object.fromEntries(Object.entries(seen).sort(([a], [b]) => (a < b ? -1 : 1))));
});

test('app labels / services: not deployed → exit 6, unreachable server → exit 4, unknown app → exit 5', async () => {
  for (const cmd of ['labels', 'services']) {
    const c = await sb.kite(['app', cmd, C]);
    assert.equal(c.code, 6, `${cmd}: ${c.stderr}`);
    assert.match(c.stderr, /app-read-c\.kite\.test is not deployed/);
    const u = await sb.kite(['app', cmd, U]);
    assert.equal(u.code, 4, `${cmd}: ${u.stderr}`);
    assert.match(u.stderr, /server kite-unreachable/);
    const n = await sb.kite(['app', cmd, 'nope.kite.test']);
    assert.equal(n.code, 5, cmd);
  }
});

test('app services: name, image, mode, replicas, ports', async () => {
  const r = await sb.kite(['app', 'sr', A]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^SERVICE\s+IMAGE\s+MODE\s+REPLICAS\s+PORTS$/);
  assert.match(lines[1], new RegExp(`^${STACK_A}_app\\s+kite-test/web:1\\.0\\s+replicated\\s+1/1\\s+${PORT_A}:8080/tcp \\(host\\)$`));
  assert.match(lines[2], new RegExp(`^${STACK_A}_worker\\s+kite-test/web:1\\.0\\s+replicated\\s+1/1$`));
  const j = await sb.kite(['app', 'services', B, '--json']);
  assert.equal(j.code, 0, j.stderr);
  const rows = JSON.parse(j.stdout);
  assert.deepEqual(shapeProblems(rows, [{ name: 'string', service: 'string', image: 'string', mode: 'string', running: 'number', desired: 'number', ports: ['string'] }]), []);
  assert.deepEqual(rows.map((x: { service: string }) => x.service), ['app', 'worker']);
  assert.deepEqual(rows[0].ports, [`${PORT_B}:8080/tcp (host)`]);
});

// ---------------------------------------------------------------- logs

test('app logs: all services interleaved in time order, each line prefixed; stderr lines on stderr', async () => {
  const r = await sb.kite(['app', 'logs', A]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^app {4}\| app: greeting=hello$/m);
  assert.match(r.stdout, /^worker \| tick 1$/m);
  assert.match(r.stderr, /^app {4}\| app: a line on stderr$/m);
  const ticks = [...r.stdout.matchAll(/^worker \| tick (\d+)$/gm)].map((m) => Number(m[1]));
  assert.ok(ticks.length >= 2, r.stdout);
  assert.deepEqual(ticks, [...ticks].sort((a, b) => a - b), 'in order');
});

test('app logs <service> --tail: one service, no prefix, the last lines only', async () => {
  const r = await sb.kite(['app', 'l', A, 'worker', '--tail', '2']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2, r.stdout);
  for (const l of lines) assert.match(l, /^tick \d+$/);
  const j = await sb.kite(['app', 'logs', A, 'app', '-m']);
  assert.equal(j.code, 0, j.stderr);
  const rows = j.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(shapeProblems(rows, [{ service: 'string', stream: 'string', time: 'string', text: 'string' }]), []);
  // Docker reads stdout and stderr separately: their relative order (by its timestamps) is not the echo order
  assert.deepEqual(rows.map((x) => [x.service, x.stream, x.text]).sort(), [['app', 'stderr', 'app: a line on stderr'], ['app', 'stdout', 'app: greeting=hello']]);
  assert.match(rows[0].time, /^\d{4}-\d\d-\d\dT/);
});

test('app logs --since: a future-ish window leaves out older lines', async () => {
  // app's two lines were logged at start; the worker keeps ticking
  const r = await sb.kite(['app', 'logs', A, '--since', '2s']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /greeting=hello/);
  const old = await sb.kite(['app', 'logs', A, '--since', '2000-01-01']);
  assert.match(old.stdout, /greeting=hello/);
  const bad = await sb.kite(['app', 'logs', A, '--since', 'yesterday']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--since yesterday/);
  const badTail = await sb.kite(['app', 'logs', A, '--tail', 'ten']);
  assert.equal(badTail.code, 2);
});

test('app logs --follow streams new lines until SIGINT (exit 0)', async () => {
  const f = start(['app', 'logs', B, 'worker', '--follow', '--tail', '1']);
  let first = 0;
  try {
    await until('a first tick', () => /tick (\d+)/.test(f.out()));
    first = Number(/tick (\d+)/.exec(f.out())?.[1]);
    await until('two more ticks', () => new RegExp(`^tick ${first + 2}$`, 'm').test(f.out()));
  } finally {
    f.child.kill('SIGINT');
  }
  assert.equal(await f.exit, 0, f.err());
  const ticks = f.out().trim().split('\n').map((l) => Number(/^tick (\d+)$/.exec(l)?.[1]));
  assert.deepEqual(ticks.slice(0, 3), [first, first + 1, first + 2]);
});

test('app logs: unknown service → exit 5 naming the services; not deployed → 6; unreachable → 4', async () => {
  const s = await sb.kite(['app', 'logs', A, 'db']);
  assert.equal(s.code, 5);
  assert.match(s.stderr, /no service "db" \(services: app, worker\)/);
  const c = await sb.kite(['app', 'logs', C]);
  assert.equal(c.code, 6);
  const u = await sb.kite(['app', 'logs', U]);
  assert.equal(u.code, 4);
});

// ---------------------------------------------------------------- ps --watch (last: it adds a worker task)

test('app ps --watch prints a new snapshot when something changes, and stops on SIGINT with exit 0', async () => {
  const w = start(['app', 'ps', A, '--watch']);
  try {
    await until('the first snapshot', () => /_worker\s+kite-test\/web:1\.0\s+replicated\s+1\/1/.test(w.out()));
    docker('service', 'scale', '--detach', `${STACK_A}_worker=2`);
    await until('a snapshot with two workers', () => /_worker\s+kite-test\/web:1\.0\s+replicated\s+\d\/2/.test(w.out()));
  } finally {
    w.child.kill('SIGINT');
  }
  assert.equal(await w.exit, 0, w.err());
  const snapshots = w.out().trim().split(/\n\n/);
  assert.ok(snapshots.length >= 2, w.out());
  for (const s of snapshots) assert.match(s, /^SERVICE\s+IMAGE/);
  docker('service', 'scale', '--detach', `${STACK_A}_worker=1`);
});
