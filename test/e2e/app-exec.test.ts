// `app run`, `app cp`, `app cmd` and `app restart` end to end, over SSH
// against the rig's swarm: a copy of the test recipe (kite-test-cmd, whose
// abra.sh defines functions) deployed under its own domain and port.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, SERVER, docker, purgeStack, serviceTaskIds } from './harness.js';
import { kiteWithInput, Terminal, purgeKiteConfigs } from './exec-helpers.js';

const DOMAIN = 'app-exec.kite.test';
const STACK = 'app-exec_kite_test';
const IDLE = 'app-exec-idle.kite.test'; // created, never deployed
const PORT = '18531';
const sb = new Sandbox();
const term = new Terminal(sb);
const scratch = mkdtempSync(join(tmpdir(), 'kite-app-exec-'));

before(() => {
  purgeStack(STACK);
  purgeKiteConfigs(STACK);
  sb.addRecipe('kite-test-cmd');
});
after(() => {
  term.close();
  purgeStack(STACK);
  purgeKiteConfigs(STACK);
});

test('set-up: a deployed copy of the test recipe, and one app that is not deployed', async () => {
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  for (const d of [DOMAIN, IDLE]) {
    const r = await sb.kite(['app', 'new', 'kite-test-cmd', '--server', SERVER, '--domain', d, ...(d === DOMAIN ? ['--secrets'] : [])]);
    assert.equal(r.code, 0, r.stderr);
  }
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);
  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
});

test('app run prints the output of a command in the service container', async () => {
  const r = await sb.kite(['app', 'run', DOMAIN, 'app', '--', 'cat', '/www/version']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'kite-test/web 1.0\n');
  // the alias, and options after the command belong to the command
  const ls = await sb.kite(['app', 'r', DOMAIN, 'app', 'ls', '-a', '/www']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /^version$/m);
});

test('app run keeps stdout and stderr apart and exits with the command status', async () => {
  const r = await sb.kite(['app', 'run', DOMAIN, 'worker', '--', 'sh', '-c', 'echo to-out; echo to-err >&2; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'to-out\n');
  assert.match(r.stderr, /^to-err$/m);
  const missing = await sb.kite(['app', 'run', DOMAIN, 'app', 'no-such-binary']);
  assert.equal(missing.code, 126, missing.stderr);
  assert.match(missing.stdout + missing.stderr, /no-such-binary/);
});

test('app run forwards piped stdin byte for byte, and sets --user and --env', async () => {
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
  const r = await kiteWithInput(sb, ['app', 'run', DOMAIN, 'app', '--', 'wc', '-c'], data);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), String(data.length));
  const echo = await kiteWithInput(sb, ['app', 'run', DOMAIN, 'app', 'cat'], 'line one\nline two\n');
  assert.equal(echo.stdout, 'line one\nline two\n');
  const who = await sb.kite(['app', 'run', '-u', 'nobody', '-e', 'FOO=bar baz', DOMAIN, 'app', '--', 'sh', '-c', 'id -un; echo "$FOO"']);
  assert.equal(who.code, 0, who.stderr);
  assert.equal(who.stdout, 'nobody\nbar baz\n');
});

test('app run fails clearly: unknown app (5), unknown service (5), app not deployed (6), bad --env (2)', async () => {
  const unknownApp = await sb.kite(['app', 'run', 'nope.kite.test', 'app', 'true']);
  assert.equal(unknownApp.code, 5);
  assert.match(unknownApp.stderr, /no app "nope\.kite\.test"/);
  const unknownService = await sb.kite(['app', 'run', DOMAIN, 'web', 'true']);
  assert.equal(unknownService.code, 5);
  assert.match(unknownService.stderr, /has no service "web"/);
  assert.match(unknownService.stderr, /its services: app, db, worker/);
  const idle = await sb.kite(['app', 'run', IDLE, 'app', 'true']);
  assert.equal(idle.code, 6);
  assert.match(idle.stderr, /is not deployed/);
  const badEnv = await sb.kite(['app', 'run', '-e', 'NOEQUALS', DOMAIN, 'app', 'true']);
  assert.equal(badEnv.code, 2);
});

test('app run in a real terminal: a TTY of the terminal size, resized with it, exit status back', async () => {
  const run = term.start(['app', 'run', DOMAIN, 'app', 'sh']);
  await run.waitFor(/^\/ #/m, 'the shell prompt');
  run.type('tty; stty size; echo sum=$((6*7))');
  await run.waitFor(/sum=42/, 'the command output');
  const screen = run.screen();
  assert.match(screen, /^\/dev\/pts\/\d+$/m);
  assert.match(screen, /^30 100$/m);
  run.resize(90, 25);
  await new Promise((r) => setTimeout(r, 300));
  run.type('stty size');
  await run.waitFor(/^25 90$/m, 'the new terminal size');
  run.type('exit 4');
  assert.equal(await run.exitCode(), 4);
});

test('app run -t/--no-tty in a terminal runs without a TTY', async () => {
  const run = term.start(['app', 'run', '-t', DOMAIN, 'app', '--', 'sh', '-c', 'tty || echo no-tty-here']);
  assert.equal(await run.exitCode(), 0, run.screen());
  assert.match(run.screen(), /no-tty-here/);
});

test('app cp copies a file both ways', async () => {
  const local = join(scratch, 'note.txt');
  writeFileSync(local, 'a note\nwith two lines\n');
  const up = await sb.kite(['app', 'cp', DOMAIN, local, 'app:/tmp/note-copy.txt']);
  assert.equal(up.code, 0, up.stderr);
  assert.equal((await sb.kite(['app', 'run', DOMAIN, 'app', 'cat', '/tmp/note-copy.txt'])).stdout, 'a note\nwith two lines\n');
  // into an existing local directory, under its own name
  const outDir = join(scratch, 'out');
  mkdirSync(outDir);
  const down = await sb.kite(['app', 'cp', DOMAIN, 'app:/tmp/note-copy.txt', outDir]);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(readFileSync(join(outDir, 'note-copy.txt'), 'utf8'), 'a note\nwith two lines\n');
  // a file the image made
  const version = await sb.kite(['app', 'cp', DOMAIN, 'app:/www/version', join(scratch, 'version.txt')]);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(readFileSync(join(scratch, 'version.txt'), 'utf8'), 'kite-test/web 1.0\n');
});

test('app cp round-trips a directory tree: nested files, modes, a symlink, a long name, binary data', async () => {
  const tree = join(scratch, 'tree');
  const long = 'n'.repeat(140);
  mkdirSync(join(tree, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(tree, 'a.txt'), 'alpha\n');
  writeFileSync(join(tree, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o750 });
  writeFileSync(join(tree, 'sub', long), 'long name\n');
  const binary = Buffer.alloc(200_000);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 31) % 256;
  writeFileSync(join(tree, 'sub', 'deeper', 'blob.bin'), binary);
  symlinkSync('a.txt', join(tree, 'link'));

  const up = await sb.kite(['app', 'cp', DOMAIN, tree, 'app:/tmp/']);
  assert.equal(up.code, 0, up.stderr);
  const listing = await sb.kite(['app', 'run', DOMAIN, 'app', '--', 'sh', '-c', 'cd /tmp/tree && find . | sort && readlink link && stat -c %a run.sh && md5sum sub/deeper/blob.bin']);
  assert.equal(listing.code, 0, listing.stderr);
  assert.match(listing.stdout, new RegExp(`^\\./sub/${long}$`, 'm'));
  assert.match(listing.stdout, /^a\.txt$/m);
  assert.match(listing.stdout, /^750$/m);

  const back = join(scratch, 'tree-back');
  const down = await sb.kite(['app', 'cp', DOMAIN, 'app:/tmp/tree', back]);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(readFileSync(join(back, 'a.txt'), 'utf8'), 'alpha\n');
  assert.equal(readFileSync(join(back, 'sub', long), 'utf8'), 'long name\n');
  assert.deepEqual(readFileSync(join(back, 'sub', 'deeper', 'blob.bin')), binary);
  assert.equal(readlinkSync(join(back, 'link')), 'a.txt');
  assert.equal(statSync(join(back, 'run.sh')).mode & 0o777, 0o750);

  // `dir/.` copies the contents into an existing directory
  const contents = join(scratch, 'contents');
  mkdirSync(contents);
  const dot = await sb.kite(['app', 'cp', DOMAIN, 'app:/tmp/tree/.', contents]);
  assert.equal(dot.code, 0, dot.stderr);
  assert.ok(existsSync(join(contents, 'sub', 'deeper', 'blob.bin')));
  assert.ok(!existsSync(join(contents, 'tree')));
});

test('app cp fails clearly on missing paths and bad arguments', async () => {
  const missingRemote = await sb.kite(['app', 'cp', DOMAIN, 'app:/no/such/file', scratch]);
  assert.equal(missingRemote.code, 5);
  assert.match(missingRemote.stderr, /\/no\/such\/file does not exist in the app container/);
  const missingLocal = await sb.kite(['app', 'cp', DOMAIN, join(scratch, 'nope'), 'app:/tmp/']);
  assert.equal(missingLocal.code, 5);
  assert.match(missingLocal.stderr, /does not exist/);
  const missingDir = await sb.kite(['app', 'cp', DOMAIN, join(scratch, 'note.txt'), 'app:/no/such/dir/x.txt']);
  assert.equal(missingDir.code, 5);
  assert.match(missingDir.stderr, /directory \/no\/such\/dir does not exist in the app container/);
  const bothLocal = await sb.kite(['app', 'cp', DOMAIN, 'a', 'b']);
  assert.equal(bothLocal.code, 2);
  assert.match(bothLocal.stderr, /one side as <service>:\/path/);
});

test('app cmd runs an abra.sh function in the container with its arguments and the app env', async () => {
  const r = await sb.kite(['app', 'cmd', DOMAIN, 'app', 'echo_args', '--', 'one', 'two words', '$HOME']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `[one][two words][$HOME] n=3 greeting=hello domain=${DOMAIN} target=app\n`);
  const where = await sb.kite(['app', 'cm', DOMAIN, 'worker', 'where_am_i']);
  assert.equal(where.code, 0, where.stderr);
  assert.equal(where.stdout, 'kite-test/web 1.0\n');
  // without a service: `app`
  const noService = await sb.kite(['app', 'cmd', DOMAIN, 'echo_args', 'x']);
  assert.equal(noService.stdout, `[x] n=1 greeting=hello domain=${DOMAIN} target=app\n`);
  const fails = await sb.kite(['app', 'cmd', DOMAIN, 'app', 'fail_with', '7']);
  assert.equal(fails.code, 7);
  assert.match(fails.stderr, /failing with 7/);
});

test('app cmd --local runs in the recipe directory; --list lists the functions', async () => {
  const local = await sb.kite(['app', 'cmd', '--local', DOMAIN, 'where_am_i']);
  assert.equal(local.code, 0, local.stderr);
  assert.equal(local.stdout.trim(), join(sb.abraDir, 'recipes', 'kite-test-cmd'));
  const args = await sb.kite(['app', 'cmd', '-l', DOMAIN, 'echo_args', 'a b']);
  assert.match(args.stdout, new RegExp(`^\\[a b\\] n=1 greeting=hello domain=${DOMAIN.replace(/\./g, '\\.')} target=$`, 'm'));
  const list = await sb.kite(['app', 'cmd', DOMAIN, '--list']);
  assert.equal(list.stdout, 'echo_args\nwhere_am_i\nfail_with\n');
});

test('app cmd fails clearly: unknown function (5, lists the known), app not deployed (6)', async () => {
  const r = await sb.kite(['app', 'cmd', DOMAIN, 'app', 'no_such_fn']);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /has no function "no_such_fn"/);
  assert.match(r.stderr, /known functions: echo_args, where_am_i, fail_with/);
  const idle = await sb.kite(['app', 'cmd', IDLE, 'app', 'echo_args']);
  assert.equal(idle.code, 6);
  assert.match(idle.stderr, /is not deployed/);
});

test('app restart replaces the tasks of one service and waits for them to converge', async () => {
  const appBefore = serviceTaskIds(`${STACK}_app`);
  const dbBefore = serviceTaskIds(`${STACK}_db`);
  const r = await sb.kite(['app', 'restart', DOMAIN, 'app']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`${STACK}_app: converged`));
  const appAfter = serviceTaskIds(`${STACK}_app`);
  assert.equal(appAfter.length, 1);
  assert.notDeepEqual(appAfter, appBefore);
  assert.deepEqual(serviceTaskIds(`${STACK}_db`), dbBefore, 'other services untouched');
  assert.equal(docker('service', 'ps', `${STACK}_app`, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}').split(' ')[0], 'Running');
});

test('app restart --all-services restarts every service; errors name what to do', async () => {
  const before = [`${STACK}_db`, `${STACK}_worker`].map(serviceTaskIds);
  const r = await sb.kite(['app', 're', DOMAIN, '--all-services', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const last = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  assert.deepEqual(last, { type: 'restarted', services: [`${STACK}_app`, `${STACK}_db`, `${STACK}_worker`] });
  const after = [`${STACK}_db`, `${STACK}_worker`].map(serviceTaskIds);
  assert.notDeepEqual(after[0], before[0]);
  assert.notDeepEqual(after[1], before[1]);
  const neither = await sb.kite(['app', 'restart', DOMAIN]);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /--all-services/);
  const idle = await sb.kite(['app', 'restart', IDLE, 'app']);
  assert.equal(idle.code, 6);
});

test('deploy runs POST_DEPLOY_CMDS through the app cmd mechanism once converged', async () => {
  sb.setEnv(DOMAIN, 'POST_DEPLOY_CMDS', '"app echo_args after deploy|worker where_am_i"');
  const r = await sb.kite(['app', 'deploy', DOMAIN, '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /running post-deploy command `echo_args after deploy` in app-exec_kite_test_app/);
  assert.match(r.stdout, new RegExp(`^\\[after\\]\\[deploy\\] n=2 greeting=hello domain=${DOMAIN.replace(/\./g, '\\.')} target=app$`, 'm'));
  assert.match(r.stdout, /^kite-test\/web 1\.0$/m);
  // a function abra.sh does not define fails the command, naming it
  sb.setEnv(DOMAIN, 'POST_DEPLOY_CMDS', 'app no_such_fn');
  const bad = await sb.kite(['app', 'deploy', DOMAIN, '--force']);
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /has no function "no_such_fn"/);
  // -c: convergence not awaited, so no post-deploy commands
  const quick = await sb.kite(['app', 'deploy', DOMAIN, '--force', '-c']);
  assert.equal(quick.code, 0, quick.stderr);
  assert.doesNotMatch(quick.stderr, /post-deploy/);
});
