// `kite recipe test --keep` end to end on the rig's swarm: the test app of a
// one-release recipe stays deployed and usable as a normal app (`app ps`, its
// page, its env file) while the run's own witness objects go; a later run on
// the same domain without --keep is refused naming that app (the README:
// "an existing app's domain … is refused") and changes nothing; the commands
// the run named remove the kept app completely.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, SERVER, httpGet, purgeStack, serviceTaskIds } from './harness.js';
import { leftovers, makeRecipe, RELEASES, seedCatalogue } from './recipe-test-fixture.js';

const RECIPE = 'kite-test-keep';
// names and ports of this run (the full suite's and an engineer's runs must not collide)
const RUN = `kp${(process.pid % 46656).toString(36)}`;
const DOMAIN = `${RUN}-t.kite.test`;
const STACK = `${RUN}-t_kite_test`;
const PORT = 17200 + (process.pid % 400);
const esc = (s: string) => s.replace(/[.+]/g, '\\$&');

const sb = new Sandbox();
const root = mkdtempSync(join(tmpdir(), 'kite-keep-'));
const remotes = join(root, 'remotes');

before(async () => {
  purgeStack(STACK);
  purgeStack(`${STACK}w_`);
  mkdirSync(remotes, { recursive: true });
  makeRecipe(root, remotes, RECIPE, 'one-release', PORT);
  seedCatalogue(root, join(root, 'catalogue.git'));
  writeFileSync(join(sb.abraDir, 'kite.yml'), `recipes:\n  base: file://${remotes}\ncatalogue:\n  url: file://${join(root, 'catalogue.git')}\n`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
});

after(() => {
  purgeStack(STACK);
  purgeStack(`${STACK}w_`);
});

let tasks: string[] = [];

test('--keep leaves the test app deployed and usable as an app; the run\'s witness objects go', async () => {
  const r = await sb.kite(['recipe', 'test', RECIPE, '-s', SERVER, '-D', DOMAIN, '--keep', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.domain, DOMAIN);
  assert.equal(result.steps.find((s: { name: string }) => s.name === 'install').status, 'pass', r.stderr);
  assert.equal(result.level, 3, 'the one release without backup labels stops at L3');
  assert.match(r.stderr, new RegExp(`--keep: ${esc(DOMAIN)} left deployed; remove it with \`kite app undeploy ${esc(DOMAIN)}\` and \`kite app remove ${esc(DOMAIN)}\``));
  assert.doesNotMatch(r.stderr, /clean-up of|could not remove the witness/);
  assert.ok(existsSync(join(sb.abraDir, 'tests', RECIPE, `${RELEASES[0]}.json`)), 'the result is saved as without --keep');
  assert.deepEqual(leftovers(`${STACK}w_`), [], 'the planted witness objects are removed');

  assert.ok(existsSync(sb.envPath(DOMAIN)), 'the env file stays');
  assert.match(sb.readEnv(DOMAIN), new RegExp(`^APP_PORT=${PORT}$`, 'm'), 'with the test file\'s env values');
  const ps = await sb.kite(['app', 'ps', DOMAIN, '--json']);
  assert.equal(ps.code, 0, ps.stderr);
  const rows = JSON.parse(ps.stdout) as { service: string; state: string; running: number; desired: number }[];
  assert.deepEqual(rows.map((x) => x.service).sort(), ['app', 'db', 'worker'].map((s) => `${STACK}_${s}`), ps.stdout);
  for (const x of rows) assert.ok(x.state === 'running' && x.running === 1 && x.desired === 1, ps.stdout);
  const page = await httpGet(PORT, '/page.html');
  assert.equal(page.status, 200, 'the kept app serves its page');
  tasks = ['app', 'db', 'worker'].flatMap((s) => serviceTaskIds(`${STACK}_${s}`));
  assert.equal(tasks.length, 3);
});

test('a later run on the kept app\'s domain without --keep is refused naming the app; nothing changes', async () => {
  const env = sb.readEnv(DOMAIN);
  const r = await sb.kite(['recipe', 'test', RECIPE, '-s', SERVER, '-D', DOMAIN]);
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, new RegExp(`${esc(DOMAIN)} is an existing app \\(${esc(sb.envPath(DOMAIN))}\\)`));
  assert.match(r.stderr, /pass another --domain/);
  assert.deepEqual(['app', 'db', 'worker'].flatMap((s) => serviceTaskIds(`${STACK}_${s}`)), tasks, 'the kept app keeps its tasks');
  assert.equal(sb.readEnv(DOMAIN), env);
  assert.deepEqual(leftovers(`${STACK}w_`), [], 'no witness objects were planted');
});

test('the commands the run named remove the kept app completely', async () => {
  const undeployed = await sb.kite(['app', 'undeploy', DOMAIN]);
  assert.equal(undeployed.code, 0, undeployed.stderr);
  const removed = await sb.kite(['app', 'remove', DOMAIN, '--force']);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(leftovers(STACK), []);
  assert.equal(existsSync(sb.envPath(DOMAIN)), false);
  assert.equal(readFileSync(join(sb.abraDir, 'tests', RECIPE, `${RELEASES[0]}.json`), 'utf8').includes(DOMAIN), true, 'the saved result stays');
});
