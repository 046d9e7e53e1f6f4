// Recipe versions end to end: a git recipe with three releases, deployed,
// upgraded (data survives), upgraded to a broken release (the old one is
// back, labels and env included), rolled back; chaos deploys; offline and
// mirrors; the server-side deploy lock and history.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, SERVER, SSH_CONFIG, ROOT, docker, purgeStack, waitForHttp } from './harness.js';
import { git, makeReleasedRecipe } from './git-fixture.js';
import { shapeProblems, type Shape } from './schemas.js';

const DOMAIN = 'versions.kite.test';
const STACK = 'versions_kite_test';
const PORT = 18210;
const sb = new Sandbox();
const root = mkdtempSync(join(tmpdir(), 'kite-git-'));
let fixture: ReturnType<typeof makeReleasedRecipe>;
const recipeDir = () => join(sb.abraDir, 'recipes', 'kite-test-app');

function typeLine(): string {
  return /^TYPE=.*$/m.exec(sb.readEnv(DOMAIN))?.[0] ?? '';
}
function appLabels(): Record<string, string> {
  return JSON.parse(docker('service', 'inspect', `${STACK}_app`, '--format', '{{json .Spec.Labels}}'));
}
function appImage(): string {
  return docker('service', 'inspect', `${STACK}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}').replace(/@sha256:.*/, '');
}
function dbContainer(): string {
  return docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${STACK}_db`).split('\n')[0];
}

before(async () => {
  purgeStack(STACK);
  fixture = makeReleasedRecipe(root);
  writeFileSync(join(sb.abraDir, 'kite.yml'), `recipes:\n  base: file://${fixture.remotes}\n`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
});
after(() => purgeStack(STACK));

test('app new clones the recipe and records the release it starts from', async () => {
  const r = await sb.kite(['app', 'new', 'kite-test-app', '1.0.0+1.0', '-s', SERVER, '-D', DOMAIN, '--secrets']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(typeLine(), 'TYPE=kite-test-app:1.0.0+1.0');
  assert.equal(git(recipeDir(), 'rev-parse', '--abbrev-ref', 'HEAD'), 'main', 'the shared clone is not checked out at the release');
  sb.setEnv(DOMAIN, 'APP_PORT', String(PORT));
});

test('deploy takes the env version; data written to the volume', async () => {
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /DEPLOY OVERVIEW/);
  assert.match(r.stderr, /NEW DEPLOYMENT\s+1\.0\.0\+1\.0/);
  assert.equal(appLabels()[`coop-cloud.${STACK}.version`], '1.0.0+1.0');
  assert.equal(typeLine(), 'TYPE=kite-test-app:1.0.0+1.0');
  docker('exec', dbContainer(), 'sh', '-c', 'echo precious > /data/precious');
});

test('upgrade to 1.1 shows its notes, keeps the data, records the version, runs POST_UPGRADE_CMDS', async () => {
  sb.setEnv(DOMAIN, 'POST_UPGRADE_CMDS', '"app announce upgraded"');
  sb.setEnv(DOMAIN, 'POST_DEPLOY_CMDS', '"app announce deployed"');
  const r = await sb.kite(['app', 'upgrade', DOMAIN, '1.1.0+1.1', '-n']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /announced upgraded on versions\.kite\.test/);
  assert.doesNotMatch(r.stdout, /announced deployed/, 'an upgrade runs POST_UPGRADE_CMDS, not POST_DEPLOY_CMDS');
  assert.match(r.stderr, /RELEASE NOTES 1\.1\.0\+1\.1\n\s+Web image 1\.1 for app and db\./);
  assert.equal(appImage(), 'kite-test/web:1.1');
  assert.equal(appLabels()[`coop-cloud.${STACK}.version`], '1.1.0+1.1');
  assert.equal(typeLine(), 'TYPE=kite-test-app:1.1.0+1.1');
  assert.equal(docker('exec', dbContainer(), 'cat', '/data/precious'), 'precious', 'the volume survived the db container being replaced');
  assert.equal(docker('exec', dbContainer(), 'cat', '/www/version'), 'kite-test/web 1.1');
});

test('a failed upgrade puts 1.1 back: services, labels, env version; the clone never moved', async () => {
  const r = await sb.kite(['app', 'upgrade', DOMAIN, '-n']); // newest: 1.2.0+1.2, unhealthy
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`${STACK}_app`));
  assert.match(r.stderr, /previous version is running again/);
  assert.equal(appImage(), 'kite-test/web:1.1');
  assert.equal(appLabels()[`coop-cloud.${STACK}.version`], '1.1.0+1.1');
  assert.equal(typeLine(), 'TYPE=kite-test-app:1.1.0+1.1');
  assert.equal(git(recipeDir(), 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
  const page = await waitForHttp(PORT, '/version');
  assert.equal(page.body.trim(), 'kite-test/web 1.1');
});

test('rollback with -n goes to the previous release', async () => {
  const r = await sb.kite(['app', 'rollback', DOMAIN, '-n']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /announced deployed/, 'a rollback runs POST_DEPLOY_CMDS');
  assert.equal(appImage(), 'kite-test/web:1.0');
  assert.equal(appLabels()[`coop-cloud.${STACK}.version`], '1.0.0+1.0');
  assert.equal(typeLine(), 'TYPE=kite-test-app:1.0.0+1.0');
});

test('app ls -S shows the deployed version, chaos state and newer releases', async () => {
  const r = await sb.kite(['app', 'ls', '-S', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const app = JSON.parse(r.stdout)[SERVER].apps.find((a: { domain: string }) => a.domain === DOMAIN);
  assert.deepEqual([app.status, app.version, app.chaos, app.upgrade], ['deployed', '1.0.0+1.0', 'false', '1.2.0+1.2\n1.1.0+1.1']);
});

test('deploy refuses a dirty recipe; --chaos deploys it and records <hash>+U', async () => {
  git(recipeDir(), 'checkout', '-q', '1.0.0+1.0'); // kite never moves the clone: the operator picks what to experiment on
  appendFileSync(join(recipeDir(), 'compose.yml'), '# a local experiment\n');
  const refused = await sb.kite(['app', 'deploy', DOMAIN, '--force', '-n']);
  assert.equal(refused.code, 6);
  assert.match(refused.stderr, /has locally unstaged changes/);
  const head = git(recipeDir(), 'rev-parse', 'HEAD').slice(0, 8);
  const r = await sb.kite(['app', 'deploy', DOMAIN, '--chaos', '-n']);
  assert.equal(r.code, 0, r.stderr);
  const labels = appLabels();
  assert.equal(labels[`coop-cloud.${STACK}.chaos`], 'true');
  assert.equal(labels[`coop-cloud.${STACK}.chaos-version`], `${head}+U`);
  assert.equal(labels[`coop-cloud.${STACK}.version`], '1.0.0+1.0', 'chaos keeps the released version label');
  assert.equal(typeLine(), `TYPE=kite-test-app:${head}+U`);
  git(recipeDir(), 'checkout', '--', 'compose.yml');
  git(recipeDir(), 'checkout', '-q', 'main');
});

test('--offline works from the local clone with no reachable remote', async () => {
  renameSync(fixture.remotes, `${fixture.remotes}.away`);
  try {
    const failing = await sb.kite(['app', 'deploy', DOMAIN, '1.0.0+1.0', '--force', '-n']);
    assert.equal(failing.code, 4, 'without --offline an unreachable remote is an error');
    assert.match(failing.stderr, /--offline/);
    const r = await sb.kite(['app', 'deploy', DOMAIN, '1.0.0+1.0', '--force', '-n', '--offline', '--debug']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /using local clone \(offline\)/);
    assert.equal(appLabels()[`coop-cloud.${STACK}.chaos`], 'false');
  } finally {
    renameSync(`${fixture.remotes}.away`, fixture.remotes);
  }
});

test('a mirror is used when the primary remote is unreachable', async () => {
  const mirrors = join(root, 'mirror');
  cpSync(fixture.remotes, mirrors, { recursive: true });
  writeFileSync(join(sb.abraDir, 'kite.yml'), `recipes:\n  base: file://${fixture.remotes}\n  mirrors:\n    - file://${mirrors}\n`);
  renameSync(fixture.remotes, `${fixture.remotes}.away`);
  try {
    const r = await sb.kite(['app', 'deploy', DOMAIN, '1.0.0+1.0', '--force', '-n', '--debug']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /could not fetch from .*remotes/);
    assert.match(r.stderr, new RegExp(`using file://${mirrors}/kite-test-app\\.git`));
  } finally {
    renameSync(`${fixture.remotes}.away`, fixture.remotes);
  }
});

test('a deployed version that disagrees with the env file is warned about (two operators)', async () => {
  writeFileSync(sb.envPath(DOMAIN), sb.readEnv(DOMAIN).replace(/^TYPE=.*$/m, 'TYPE=kite-test-app:1.1.0+1.1'));
  const r = await sb.kite(['app', 'deploy', DOMAIN, '1.0.0+1.0', '--force', '-n', '--offline']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /WARN the server runs 1\.0\.0\+1\.0 but the env file records 1\.1\.0\+1\.1: another operator may have deployed this app/);
  assert.equal(typeLine(), 'TYPE=kite-test-app:1.0.0+1.0');
});

test('two deploys at once: the second refuses naming the holder, or waits with --lock-wait', async () => {
  sb.setEnv(DOMAIN, 'GREETING', 'locked'); // the app restarts: the first deploy holds the lock for a few seconds
  const env = { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1', KITE_OPERATOR: 'alice' };
  const first = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'deploy', DOMAIN, '--force', '-n', '--offline'], { env, stdio: 'ignore' });
  const firstDone = new Promise<number>((r) => first.on('close', (c) => r(c ?? -1)));
  for (let i = 0; i < 100 && !docker('config', 'ls', '--format', '{{.Name}}').includes(`kite-lock-${STACK}`); i++) await new Promise((r) => setTimeout(r, 100));
  const second = await sb.kite(['app', 'deploy', DOMAIN, '--force', '-n', '--offline'], { KITE_OPERATOR: 'bob' });
  assert.equal(second.code, 6, second.stderr);
  assert.match(second.stderr, /versions\.kite\.test is locked: alice@\S+ has been running `deploy` since \d{4}-/);
  const waiting = await sb.kite(['app', 'deploy', DOMAIN, '--force', '-n', '--offline', '--lock-wait', '120'], { KITE_OPERATOR: 'bob' });
  assert.equal(await firstDone, 0);
  assert.equal(waiting.code, 0, waiting.stderr);
  assert.match(waiting.stderr, /waiting for the lock: alice@/);
  assert.ok(!docker('config', 'ls', '--format', '{{.Name}}').includes(`kite-lock-${STACK}`), 'lock released');
});

test('a stale lock: Ctrl-C stops waiting for it, `app unlock` breaks it naming the holder', async () => {
  const since = new Date(Date.now() - 60_000).toISOString(); // recent: a lock older than 2 h whose holder cannot be checked is taken over
  docker('config', 'create', '--label', `kite.lock=${STACK}`, '--label', 'kite.lock.holder=dave@elsewhere', '--label', `kite.lock.since=${since}`, '--label', 'kite.lock.action=upgrade', `kite-lock-${STACK}`, join(ROOT, 'package.json'));
  const env = { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' };
  const waiting = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'deploy', DOMAIN, '--force', '-n', '--offline', '--lock-wait', '120'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const done = new Promise<number>((r) => waiting.on('close', (c) => r(c ?? -1)));
  await new Promise<void>((r) => waiting.stderr.on('data', (d) => { stderr += d; if (/waiting for the lock/.test(stderr)) r(); }));
  waiting.kill('SIGINT');
  assert.equal(await done, 130, stderr);
  assert.match(stderr, /stopped waiting for the lock of versions\.kite\.test \(held by dave@elsewhere\)/);
  const unlock = await sb.kite(['app', 'unlock', DOMAIN, '--force']); // its holder may still run: --force without a terminal
  assert.equal(unlock.code, 0, unlock.stderr);
  assert.match(unlock.stderr, new RegExp(`broke the lock held by dave@elsewhere \\(\`upgrade\` since ${since.replaceAll('.', '\\.')}\\)`));
  assert.ok(!docker('config', 'ls', '--format', '{{.Name}}').includes(`kite-lock-${STACK}`));
});

test('Ctrl-C while watching: exit 130, lock released, env file unchanged, history says interrupted', async () => {
  sb.setEnv(DOMAIN, 'GREETING', 'interrupted');
  const before = sb.readEnv(DOMAIN);
  const env = { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' };
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'deploy', DOMAIN, '--force', '-n', '--offline'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const done = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  await new Promise<void>((r) => child.stderr.on('data', (d) => { stderr += d; if (/updated service/.test(stderr)) r(); }));
  child.kill('SIGINT');
  assert.equal(await done, 130, stderr);
  assert.match(stderr, /the deploy goes on on the server/);
  assert.ok(!docker('config', 'ls', '--format', '{{.Name}}').includes(`kite-lock-${STACK}`), 'lock released');
  assert.equal(sb.readEnv(DOMAIN), before);
  const history = JSON.parse((await sb.kite(['app', 'history', DOMAIN, '--json'])).stdout) as { result: string }[];
  assert.equal(history.at(-1)?.result, 'interrupted');
});

test('history lists every deploy with its outcome', async () => {
  const r = await sb.kite(['app', 'history', DOMAIN, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const entries = JSON.parse(r.stdout) as { action: string; from?: string; to?: string; result: string; who: string }[];
  const base: Record<string, Shape> = { at: 'string', who: 'string', action: 'string', from: 'string', to: 'string', result: 'string' };
  for (const e of entries) assert.deepEqual(shapeProblems(e, 'message' in e ? { ...base, message: 'string' } : base), [], JSON.stringify(e));
  assert.deepEqual(
    entries.slice(0, 4).map((e) => [e.action, e.from, e.to, e.result]),
    [
      ['deploy', 'N/A', '1.0.0+1.0', 'success'],
      ['upgrade', '1.0.0+1.0', '1.1.0+1.1', 'success'],
      ['upgrade', '1.1.0+1.1', '1.2.0+1.2', 'rolled back'],
      ['rollback', '1.1.0+1.1', '1.0.0+1.0', 'success'],
    ],
  );
  assert.ok(entries.some((e) => e.who.startsWith('alice@')) && entries.some((e) => e.who.startsWith('bob@')));
});
