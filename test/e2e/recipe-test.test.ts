// `kite recipe test` end to end on the rig's swarm: a recipe with three
// releases (git tags, images in the rig's registry). 1.0.0 is good and has no
// backupbot labels, so it stops at L3; 1.1.0 renames its data volume, so the
// upgrade from 1.0.0 loses the marker (L3 fails); 1.2.0 breaks its app
// healthcheck (kite-test/web:unhealthy) and fails L1 naming the service. A
// witness app deployed before the run keeps its task ids; nothing of the
// test app is left; results feed the catalogue (levels beside versions, abra's
// version list unchanged), `recipe ls` and the app new / deploy warnings.

import { test, before, after } from 'node:test';
import { execFileSync, spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, Sandbox, SERVER, SSH_CONFIG, docker, purgeStack, serviceTaskIds, stackObjects } from './harness.js';
import { leftovers, makeRecipe, REGISTRY, RELEASES, seedCatalogue } from './recipe-test-fixture.js';

const RECIPE = 'kite-test-levels';
// names and ports of this run: two runs of this file at once (the full suite and
// one engineer's) must not touch each other's stacks
const RUN = `lv${(process.pid % 46656).toString(36)}`;
const DOMAIN = `${RUN}-t.kite.test`;
const STACK = `${RUN}-t_kite_test`;
const WITNESS = `${RUN}-w.kite.test`;
const WITNESS_STACK = `${RUN}-w_kite_test`;
const PORT = 19000 + (process.pid % 400) * 2;
const WITNESS_PORT = PORT + 1;
// a recipe whose db is backed up (backupbot labels) and whose app Traefik routes: L4 and L5 pass
const BK_RECIPE = 'kite-test-levels-bk';
const BK_DOMAIN = `${RUN}-bk.kite.test`;
const BK_STACK = `${RUN}-bk_kite_test`;
const BACKUP_REPO = `/var/lib/kite-backups-${RUN}`;
const esc = (s: string) => s.replace(/[.+]/g, '\\$&');

const sb = new Sandbox();
const root = mkdtempSync(join(tmpdir(), 'kite-levels-'));
const remotes = join(root, 'remotes');
const catalogueBare = join(root, 'catalogue.git');
const out = (f: string) => join(root, f);

/** the backup repository's password secret this file made on the rig, and the repository */
function dropBackups(): void {
  for (const l of docker('secret', 'ls', '--filter', 'label=kite.backup', '--format', '{{.Name}} {{.Labels}}').split('\n').filter((x) => x.includes(BACKUP_REPO))) {
    try {
      execFileSync('docker', ['secret', 'rm', l.split(' ')[0]], { stdio: 'ignore' });
    } catch {
      /* in use by a helper still stopping */
    }
  }
  rmSync(BACKUP_REPO, { recursive: true, force: true });
}

let witnessTasks: string[] = [];

before(async () => {
  purgeStack(STACK);
  purgeStack(WITNESS_STACK);
  purgeStack(BK_STACK);
  dropBackups();
  // the broken release's image, in the rig's registry like the others
  docker('tag', 'kite-test/web:unhealthy', `${REGISTRY}/kite-test/web:unhealthy`);
  docker('push', '-q', `${REGISTRY}/kite-test/web:unhealthy`);
  mkdirSync(remotes, { recursive: true });
  makeRecipe(root, remotes, RECIPE, 'releases', PORT);
  makeRecipe(root, remotes, BK_RECIPE, 'backups', PORT);
  makeRecipe(root, remotes, 'kite-test-levels-bad', 'bad-test-file', PORT);
  seedCatalogue(root, catalogueBare);
  writeFileSync(join(sb.abraDir, 'kite.yml'), `recipes:\n  base: file://${remotes}\ncatalogue:\n  url: file://${catalogueBare}\nbackups:\n  image: kite-test/restic:latest\n  repository: ${BACKUP_REPO}\n`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);

  // the witness: another app of the server, deployed before the run
  const created = await sb.kite(['app', 'new', RECIPE, RELEASES[0], '-s', SERVER, '-D', WITNESS, '--secrets']);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /WARN .*kite-test-levels 1\.0\.0\+1\.0 has not been through `kite recipe test`/, 'an untested release is announced at app new');
  sb.setEnv(WITNESS, 'APP_PORT', String(WITNESS_PORT));
  const deployed = await sb.kite(['app', 'deploy', WITNESS, '-n']);
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.match(deployed.stderr, /WARN .*has not been through `kite recipe test`/, 'and at deploy, without stopping it');
  witnessTasks = ['app', 'db', 'worker'].flatMap((s) => serviceTaskIds(`${WITNESS_STACK}_${s}`));
  assert.equal(witnessTasks.length, 3);
});

after(() => {
  purgeStack(STACK);
  purgeStack(WITNESS_STACK);
  purgeStack(BK_STACK);
  dropBackups();
});

let results: { recipe: string; version: string; domain: string; level: number; steps: { name: string; level: number; status: string; seconds: number; reason: string; logs: string[] }[] }[] = [];
const stepOf = (version: string, name: string) => {
  const r = results.find((x) => x.version === version);
  const s = r?.steps.find((x) => x.name === name);
  assert.ok(s, `${version} has a step ${name}`);
  return s;
};

test('--all-releases tests each release; exit 3 below --min-level; JSON, JUnit and badge', async () => {
  const r = await sb.kite(['recipe', 'test', RECIPE, '-s', SERVER, '-D', DOMAIN, '--all-releases', '--min-level', '3', '--json', '--junit', out('junit.xml'), '--badge', out('badge.svg')]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /kite-test-levels 1\.1\.0\+1\.1 reached level 2, kite-test-levels 1\.2\.0\+1\.2 reached level 0, below --min-level 3/);
  assert.match(r.stderr, /^L1 install …$/m, 'progress on stderr');
  assert.doesNotMatch(r.stderr, /clean-up of|could not remove the witness/, 'the clean-up after each release is complete');
  results = JSON.parse(r.stdout);
  assert.deepEqual(results.map((x) => x.version), RELEASES, 'oldest first');
  for (const x of results) {
    assert.equal(x.domain, DOMAIN);
    assert.deepEqual(Object.keys(x).sort(), ['date', 'domain', 'level', 'recipe', 'server', 'steps', 'version']);
    for (const s of x.steps) assert.deepEqual(Object.keys(s).sort(), ['level', 'logs', 'name', 'reason', 'seconds', 'status', 'waitedSeconds']);
  }
  const junit = readFileSync(out('junit.xml'), 'utf8');
  assert.match(junit, /<testsuite name="kite-test-levels 1\.2\.0\+1\.2" tests="10" failures="\d+"/);
  assert.match(junit, new RegExp(`<testcase classname="kite-test-levels\\.1\\.2\\.0\\+1\\.2" name="L1 install" time="[\\d.]+">\\n\\s+<failure message="[^"]*${esc(STACK)}_app`));
  assert.match(readFileSync(out('badge.svg'), 'utf8'), /kite-test-levels: level 0/, 'the badge shows the newest release tested');
});

test('the good release reaches the level its features allow: 3, stopped by the missing backup labels', () => {
  const r = results[0];
  for (const name of ['install', 'redeploy', 'overlays', 'reinstall', 'release-notes']) assert.equal(stepOf(RELEASES[0], name).status, 'pass', `${name}: ${stepOf(RELEASES[0], name).reason}`);
  assert.match(stepOf(RELEASES[0], 'install').reason, /1 container probe and 1 HTTP probe passed/);
  assert.match(stepOf(RELEASES[0], 'redeploy').reason, /1 marker kept/, 'the db volume served as the data marker');
  assert.match(stepOf(RELEASES[0], 'overlays').reason, /compose\.yml:compose\.extra\.yml/);
  assert.equal(stepOf(RELEASES[0], 'upgrade').status, 'skip', 'the first release has nothing to upgrade from');
  const backup = stepOf(RELEASES[0], 'backup-restore');
  assert.equal(backup.status, 'fail');
  assert.match(backup.reason, /no backupbot\.backup labels/);
  assert.equal(r.level, 3);
});

test('an upgrade that loses the marker fails L3, naming the service', () => {
  const up = stepOf(RELEASES[1], 'upgrade');
  assert.equal(up.status, 'fail');
  assert.match(up.reason, /data lost in the upgrade from 1\.0\.0\+1\.0: service db: the marker is gone/);
  assert.equal(stepOf(RELEASES[1], 'install').status, 'pass');
  assert.equal(stepOf(RELEASES[1], 'redeploy').status, 'pass');
  assert.equal(results[1].level, 2);
});

test('the broken release fails L1 naming the failing service, its task errors and log lines', () => {
  const install = stepOf(RELEASES[2], 'install');
  assert.equal(install.status, 'fail');
  assert.match(install.reason, new RegExp(`did not converge: service ${esc(STACK)}_app: `));
  assert.ok(install.logs.some((l) => l.startsWith(`${STACK}_app`)), install.logs.join('\n'));
  assert.equal(stepOf(RELEASES[2], 'redeploy').status, 'unverified');
  assert.match(stepOf(RELEASES[2], 'redeploy').reason, /not run: the release did not install/);
  assert.equal(results[2].level, 0);
});

test('a recipe with backup labels passes the backup → change → restore round trip, and reaches L5', async () => {
  const r = await sb.kite(['recipe', 'test', BK_RECIPE, '-s', SERVER, '-D', BK_DOMAIN, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /clean-up of|could not remove the witness|could not forget/, 'the clean-up is complete');
  const result = JSON.parse(r.stdout);
  const step = (name: string) => result.steps.find((s: { name: string }) => s.name === name);
  assert.equal(step('backup-restore').status, 'pass', `${step('backup-restore').reason}\n${step('backup-restore').logs.join('\n')}`);
  assert.match(step('backup-restore').reason, /snapshot \w+ brought 1 marker back/);
  assert.equal(step('lint-errors').status, 'pass', step('lint-errors').logs.join('\n'));
  assert.equal(step('overlays').status, 'skip');
  assert.match(step('overlays').reason, /every overlay combination is excluded in recipe-test\.yml/);
  assert.equal(step('lint-warnings').status, 'fail');
  assert.equal(result.level, 5);
  assert.deepEqual(leftovers(BK_STACK), []);
  assert.equal(existsSync(sb.envPath(BK_DOMAIN)), false);
  assert.match(r.stderr, /created this server's repository password/, 'the first backup on the server says where its password is kept');
  const passwords = readdirSync(join(sb.abraDir, 'backups')).map((f) => readFileSync(join(sb.abraDir, 'backups', f), 'utf8').trim());
  assert.equal(passwords.length, 1);
  assert.ok(passwords[0].length >= 20 && !r.stderr.includes(passwords[0]) && !r.stdout.includes(passwords[0]), 'and never prints it');
});

test('the witness keeps its task ids; nothing of the test app is left, here or on the server', () => {
  assert.deepEqual(['app', 'db', 'worker'].flatMap((s) => serviceTaskIds(`${WITNESS_STACK}_${s}`)), witnessTasks);
  assert.deepEqual(leftovers(STACK), []);
  assert.deepEqual(leftovers(`${STACK}w_`), [], 'the planted witness objects are gone too');
  assert.equal(existsSync(sb.envPath(DOMAIN)), false);
  assert.ok(existsSync(sb.envPath(WITNESS)));
  for (const v of RELEASES) {
    const saved = JSON.parse(readFileSync(join(sb.abraDir, 'tests', RECIPE, `${v}.json`), 'utf8'));
    assert.equal(saved.level, results.find((x) => x.version === v)?.level, `the saved result of ${v}`);
  }
});

test('catalogue generate publishes the levels beside versions; abra\'s version list is unchanged', async () => {
  const r = await sb.kite(['catalogue', 'generate', RECIPE]);
  assert.equal(r.code, 0, r.stderr);
  const entry = JSON.parse(readFileSync(join(sb.abraDir, 'catalogue', 'recipes.json'), 'utf8'))[RECIPE];
  assert.deepEqual(entry.versions.map((v: object) => Object.keys(v)), RELEASES.map((v) => [v]));
  for (const v of entry.versions) for (const services of Object.values(v)) assert.deepEqual(Object.keys(services as object).sort(), ['app', 'db', 'worker'], 'every key inside a version is a service');
  assert.deepEqual(Object.keys(entry.levels), RELEASES);
  assert.deepEqual(RELEASES.map((v) => entry.levels[v].level), [3, 2, 0]);
  assert.match(entry.levels[RELEASES[0]].date, /^\d{4}-\d\d-\d\dT/);
});

test('recipe ls shows the latest release\'s level and filters by it; app new warns below min_level, never stops', async () => {
  const ls = await sb.kite(['recipe', 'ls', '--json']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(JSON.parse(ls.stdout).find((x: { name: string }) => x.name === RECIPE).level, 0);
  const table = await sb.kite(['recipe', 'ls']);
  assert.match(table.stdout, /^NAME\s+.*\s+LEVEL(\s+MAINTAINERS)?$/m);
  assert.match(table.stdout, new RegExp(`^${RECIPE}\\s+.*\\s0$`, 'm'));
  const filtered = await sb.kite(['recipe', 'ls', '--level', '1', '--json']);
  assert.equal(filtered.code, 0, filtered.stderr);
  assert.deepEqual(JSON.parse(filtered.stdout), []);
  assert.equal((await sb.kite(['recipe', 'ls', '--level', '8'])).code, 2);

  const created = await sb.kite(['app', 'new', RECIPE, RELEASES[2], '-s', SERVER, '-D', `${RUN}-new.kite.test`]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /WARN .*kite-test-levels 1\.2\.0\+1\.2 reached test level 0 .* below level 3 \(kite\.yml recipe_test\.min_level\)/);
  writeFileSync(join(sb.abraDir, 'kite.yml'), readFileSync(join(sb.abraDir, 'kite.yml'), 'utf8') + 'recipe_test:\n  min_level: 0\n');
  const quiet = await sb.kite(['app', 'new', RECIPE, RELEASES[2], '-s', SERVER, '-D', `${RUN}-new2.kite.test`]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /test level/, 'min_level 0: nothing to warn about');
});

test('a domain that is an existing app is refused, and nothing is touched', async () => {
  const r = await sb.kite(['recipe', 'test', RECIPE, RELEASES[0], '-s', SERVER, '-D', WITNESS]);
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, new RegExp(`${esc(WITNESS)} is an existing app`));
  assert.deepEqual(['app', 'db', 'worker'].flatMap((s) => serviceTaskIds(`${WITNESS_STACK}_${s}`)), witnessTasks);
});

test('a test file with a mistake is refused naming the file and the key; nothing is created', async () => {
  const r = await sb.kite(['recipe', 'test', 'kite-test-levels-bad', '-s', SERVER, '-D', `${RUN}-bad.kite.test`]);
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stderr, /recipe-test\.yml \(at 1\.0\.0\+1\.0\).*probes\[0\]\.command.*must be a non-empty string/);
  assert.deepEqual(leftovers(`${RUN}-bad_kite_test`), []);
  assert.equal(existsSync(join(sb.abraDir, 'tests', 'kite-test-levels-bad')), false, 'no result is saved');
});

test('Ctrl-C during a run removes the test app and exits 130', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'recipe', 'test', RECIPE, RELEASES[0], '-s', SERVER, '-D', DOMAIN], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)));
  // interrupt once the test app's services exist on the server
  for (let i = 0; i < 600 && stackObjects(STACK).services.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(stackObjects(STACK).services.length > 0, `the test app was deployed: ${stderr}`);
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  assert.match(stderr, /stopping: removing the test app first/);
  assert.match(stderr, new RegExp(`ERROR recipe test cancelled\\n\\s+the test app ${esc(DOMAIN)} and its witness objects were removed; nothing was saved`));
  assert.doesNotMatch(stderr, /the deploy goes on on the server/, 'not the cancelled deploy\'s words');
  assert.deepEqual(leftovers(STACK), []);
  assert.deepEqual(leftovers(`${STACK}w_`), []);
  assert.equal(existsSync(sb.envPath(DOMAIN)), false);
  assert.deepEqual(['app', 'db', 'worker'].flatMap((s) => serviceTaskIds(`${WITNESS_STACK}_${s}`)), witnessTasks);
});
