// The shared recipe clone is never moved, and a recipe cannot read the
// operator's files. Two apps of one recipe, created and deployed at the same
// time at two versions, each run their own image, label and TYPE=; the
// clone's HEAD, branch and working tree stay as they were through app new,
// deploy, upgrade, a failed upgrade and Ctrl-C; no private snapshot is left
// behind; post-upgrade commands use the deployed version's abra.sh. A recipe whose config file is `../../secret.txt`, or a symlink to
// /etc/hostname, is refused by `app deploy` before anything is created on
// the server, and reported by `recipe lint`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, SERVER, SSH_CONFIG, ROOT, docker, purgeStack, stackObjects } from './harness.js';
import { git, makeReleasedRecipe } from './git-fixture.js';

const A = { domain: 'isolate-a.kite.test', stack: 'isolate-a_kite_test', port: '18621' };
const B = { domain: 'isolate-b.kite.test', stack: 'isolate-b_kite_test', port: '18622' };
const ESCAPE = { domain: 'escape.kite.test', stack: 'escape_kite_test' };
const sb = new Sandbox();
const root = mkdtempSync(join(tmpdir(), 'kite-isolation-'));
// kite's temp files go here, so a snapshot left behind is seen (other tests share /tmp)
const kiteTmp = mkdtempSync(join(tmpdir(), 'kite-isolation-tmp-'));
const clone = () => join(sb.abraDir, 'recipes', 'kite-test-app');
const run = (args: string[]) => sb.kite(args, { TMPDIR: kiteTmp });

function cloneState(): { head: string; branch: string; status: string } {
  return { head: git(clone(), 'rev-parse', 'HEAD'), branch: git(clone(), 'rev-parse', '--abbrev-ref', 'HEAD'), status: git(clone(), 'status', '--porcelain') };
}
function typeLine(domain: string): string {
  return /^TYPE=.*$/m.exec(sb.readEnv(domain))?.[0] ?? '';
}
function running(stack: string): { image: string; version: string } {
  const image = docker('service', 'inspect', `${stack}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}').replace(/@sha256:.*/, '');
  const labels = JSON.parse(docker('service', 'inspect', `${stack}_app`, '--format', '{{json .Spec.Labels}}')) as Record<string, string>;
  return { image, version: labels[`coop-cloud.${stack}.version`] };
}
async function lastHistory(domain: string): Promise<{ to?: string; result: string }> {
  const r = await run(['app', 'history', domain, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { to?: string; result: string }[]).at(-1)!;
}
function snapshotsLeft(): string[] {
  return readdirSync(kiteTmp).filter((n) => n.startsWith('kite-recipe-'));
}

let initial: ReturnType<typeof cloneState>;
let fixture: ReturnType<typeof makeReleasedRecipe>;

before(async () => {
  for (const s of [A.stack, B.stack, ESCAPE.stack]) purgeStack(s);
  fixture = makeReleasedRecipe(root);
  writeFileSync(join(sb.abraDir, 'kite.yml'), `recipes:\n  base: file://${fixture.remotes}\n`);
  assert.equal((await run(['server', 'add', SERVER])).code, 0);
});
after(() => {
  for (const s of [A.stack, B.stack, ESCAPE.stack]) purgeStack(s);
  rmSync(kiteTmp, { recursive: true, force: true });
});

test('app new of two versions at once leaves the clone on its branch', async () => {
  const a = await run(['app', 'new', 'kite-test-app', '1.0.0+1.0', '-s', SERVER, '-D', A.domain, '--secrets']);
  assert.equal(a.code, 0, a.stderr);
  initial = cloneState();
  assert.equal(initial.branch, 'main');
  const b = await run(['app', 'new', 'kite-test-app', '1.1.0+1.1', '-s', SERVER, '-D', B.domain, '--secrets']);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(typeLine(A.domain), 'TYPE=kite-test-app:1.0.0+1.0');
  assert.equal(typeLine(B.domain), 'TYPE=kite-test-app:1.1.0+1.1');
  assert.deepEqual(cloneState(), initial);
  // a failed app new (an unknown release) leaves it alone too
  const bad = await run(['app', 'new', 'kite-test-app', '9.9.9+9', '-s', SERVER, '-D', 'isolate-c.kite.test']);
  assert.notEqual(bad.code, 0);
  assert.deepEqual(cloneState(), initial);
  sb.setEnv(A.domain, 'APP_PORT', A.port);
  sb.setEnv(B.domain, 'APP_PORT', B.port);
  assert.deepEqual(snapshotsLeft(), []);
});

test('two apps of one recipe deployed at the same time at two versions each run their own', async () => {
  const [a, b] = await Promise.all([run(['app', 'deploy', A.domain, '-n']), run(['app', 'deploy', B.domain, '-n'])]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(running(A.stack), { image: 'kite-test/web:1.0', version: '1.0.0+1.0' });
  assert.deepEqual(running(B.stack), { image: 'kite-test/web:1.1', version: '1.1.0+1.1' });
  assert.equal(typeLine(A.domain), 'TYPE=kite-test-app:1.0.0+1.0');
  assert.equal(typeLine(B.domain), 'TYPE=kite-test-app:1.1.0+1.1');
  assert.equal((await lastHistory(A.domain)).to, '1.0.0+1.0');
  assert.equal((await lastHistory(B.domain)).to, '1.1.0+1.1');
  assert.deepEqual(cloneState(), initial, 'deploy does not move the shared clone');
  assert.deepEqual(snapshotsLeft(), []);
});

test('upgrade and a failed upgrade leave the clone where it was', async () => {
  const up = await run(['app', 'upgrade', A.domain, '1.1.0+1.1', '-n']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stderr, /RELEASE NOTES 1\.1\.0\+1\.1\n\s+Web image 1\.1 for app and db\./, 'release notes read from the snapshot');
  assert.deepEqual(running(A.stack), { image: 'kite-test/web:1.1', version: '1.1.0+1.1' });
  assert.deepEqual(cloneState(), initial);
  const failed = await run(['app', 'upgrade', B.domain, '1.2.0+1.2', '-n']); // unhealthy
  assert.equal(failed.code, 3, failed.stderr);
  assert.deepEqual(running(B.stack), { image: 'kite-test/web:1.1', version: '1.1.0+1.1' });
  assert.equal(typeLine(B.domain), 'TYPE=kite-test-app:1.1.0+1.1');
  assert.deepEqual(cloneState(), initial, 'a failed deploy does not move the shared clone');
  assert.deepEqual(snapshotsLeft(), []);
});

test('Ctrl-C during a deploy leaves the clone alone and no snapshot behind', async () => {
  sb.setEnv(A.domain, 'GREETING', 'interrupted');
  const env = { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1', TMPDIR: kiteTmp };
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'rollback', A.domain, '1.0.0+1.0', '-n'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const done = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  await new Promise<void>((r) => child.stderr.on('data', (d) => { stderr += d; if (/updated service/.test(stderr)) r(); }));
  assert.equal(snapshotsLeft().length, 1, 'the deploy reads its version from a private snapshot');
  child.kill('SIGINT');
  assert.equal(await done, 130, stderr);
  assert.deepEqual(snapshotsLeft(), []);
  assert.deepEqual(cloneState(), initial);
});

test('--chaos deploys the working tree as it is, uncommitted changes included', async () => {
  const compose = join(clone(), 'compose.yml');
  const text = readFileSync(compose, 'utf8');
  writeFileSync(compose, text.replace('GREETING=${GREETING:-hello}', 'GREETING=work-in-progress'));
  sb.setEnv(A.domain, 'APP_TAG', '1.1'); // the clone's main is the 1.2 release, whose default tag is unhealthy
  try {
    const r = await run(['app', 'deploy', A.domain, '--chaos', '-n']);
    assert.equal(r.code, 0, r.stderr);
    const env = docker('service', 'inspect', `${A.stack}_app`, '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Env}}');
    assert.match(env, /"GREETING=work-in-progress"/);
    assert.equal(typeLine(A.domain), `TYPE=kite-test-app:${initial.head.slice(0, 8)}+U`);
  } finally {
    writeFileSync(compose, text);
  }
  assert.deepEqual(cloneState(), initial);
});

test('POST_UPGRADE_CMDS run the abra.sh of the version just deployed, not the clone\'s', async () => {
  // a new release whose abra.sh brings the function its upgrade runs
  const work = fixture.work;
  const compose = join(work, 'compose.yml');
  writeFileSync(compose, readFileSync(compose, 'utf8').replace('${APP_TAG:-unhealthy}', '${APP_TAG:-1.1}').replace('version=1.2.0+1.2', 'version=1.3.0+1.1'));
  writeFileSync(join(work, 'abra.sh'), readFileSync(join(work, 'abra.sh'), 'utf8') + '\nmigrate_v2() {\n  echo "migrated to v2 on $DOMAIN"\n}\n');
  writeFileSync(join(work, 'release', '1.3.0+1.1'), 'Adds migrate_v2.\n');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'chore: publish 1.3.0+1.1 release');
  git(work, 'tag', '-a', '1.3.0+1.1', '-m', 'chore: publish 1.3.0+1.1 release');
  git(work, 'push', '-q', fixture.bare, 'main', '--tags');
  sb.setEnv(B.domain, 'POST_UPGRADE_CMDS', '"app migrate_v2"');
  const r = await run(['app', 'upgrade', B.domain, '1.3.0+1.1', '-n']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /migrated to v2 on isolate-b\.kite\.test/);
  assert.deepEqual(running(B.stack), { image: 'kite-test/web:1.1', version: '1.3.0+1.1' });
  assert.deepEqual(cloneState(), initial, 'the clone stays on its (older) main');
  assert.deepEqual(snapshotsLeft(), []);
});

// --- a recipe reaching out of its directory ---

const secret = () => join(sb.abraDir, 'secret.txt'); // recipes/kite-escape-app/../../secret.txt
function escapeRecipe(configFile: string): void {
  const dir = join(sb.abraDir, 'recipes', 'kite-escape-app');
  const compose = readFileSync(join(ROOT, 'test/fixtures/recipes/kite-test-app/compose.yml'), 'utf8');
  writeFileSync(join(dir, 'compose.yml'), compose.replace('file: page.html.tmpl', `file: ${configFile}`));
}

test('a config file outside the recipe (../, or a symlink out) is refused by deploy before anything is created, and by lint', async () => {
  const dir = sb.addRecipe('kite-test-app', 'kite-escape-app');
  writeFileSync(join(dir, '.env.sample'), readFileSync(join(dir, '.env.sample'), 'utf8').replaceAll('kite-test-app', 'kite-escape-app'));
  symlinkSync('/etc/hostname', join(dir, 'hostname.tmpl'));
  writeFileSync(secret(), 'the operator private key\n');
  const created = await run(['app', 'new', 'kite-escape-app', '-s', SERVER, '-D', ESCAPE.domain, '--secrets']);
  assert.equal(created.code, 0, created.stderr);
  // this app's configs (its stack's, its history's, its lock): other test files create theirs meanwhile
  const ours = () => docker('config', 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`${ESCAPE.stack}_`) || n.startsWith(`kh-${ESCAPE.stack}-`) || n === `kite-lock-${ESCAPE.stack}`);
  const configsBefore = ours();

  for (const [file, why] of [
    ['../../secret.txt', /compose\.yml \(configs\.page\): file \.\.\/\.\.\/secret\.txt leaves the recipe directory: it must stay inside the recipe/],
    ['hostname.tmpl', /compose\.yml \(configs\.page\): file hostname\.tmpl resolves \(through a symlink\) to \/etc\/hostname, outside the recipe: it must stay inside the recipe/],
  ] as const) {
    escapeRecipe(file);
    const r = await run(['app', 'deploy', ESCAPE.domain, '-n']);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, why);
    assert.deepEqual(stackObjects(ESCAPE.stack), { services: [], networks: [], configs: [] }, 'nothing created on the server');
    assert.deepEqual(ours(), configsBefore, 'no config (nor a lock) left');
    const lint = await run(['recipe', 'lint', 'kite-escape-app', '-m']);
    assert.equal(lint.code, 7, lint.stderr);
    const k007 = (JSON.parse(lint.stdout) as { results: { ref: string; satisfied: boolean; details: string[] }[] }).results.find((x) => x.ref === 'K007')!;
    assert.equal(k007.satisfied, false);
    assert.match(k007.details.join('\n'), new RegExp(`configs\\.page\\.file \\(compose\\.yml\\): ${file.replaceAll('.', '\\.')}`));
  }
});

test("secret commands read the recipe at the app's recorded version, not the clone's newer commits", async () => {
  // the clone's branch moves on: a commit renames the secret that release 1.0 uses
  const compose = join(clone(), 'compose.yml');
  const before = readFileSync(compose, 'utf8');
  writeFileSync(compose, before.replaceAll('db_password', 'database_password').replace('SECRET_DB_PASSWORD_VERSION', 'SECRET_DATABASE_PASSWORD_VERSION'));
  git(clone(), 'commit', '-q', '-am', 'rename the secret on main');
  const D = 'isolate-d.kite.test';
  try {
    const created = await run(['app', 'new', 'kite-test-app', '1.0.0+1.0', '-s', SERVER, '-D', D, '-n']);
    assert.equal(created.code, 0, created.stderr);
    const ls = await run(['app', 'secret', 'ls', D, '--json']);
    assert.equal(ls.code, 0, ls.stderr);
    const names = (JSON.parse(ls.stdout) as { name: string }[]).map((r) => r.name);
    assert.deepEqual(names, ['db_password'], 'the secrets of 1.0.0+1.0, as deployed');
  } finally {
    git(clone(), 'reset', '-q', '--hard', 'HEAD~1');
  }
  assert.deepEqual(snapshotsLeft(), []);
});
