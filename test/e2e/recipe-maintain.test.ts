// The maintainer's release workflow end to end, with real parts: the rig's
// image registry on 127.0.0.1:5000 (kite-test/web 1.0, 1.1, 2.0), real git
// repositories with a bare repository as origin, and the built kite binary.
//   recipe upgrade → recipe sync → recipe release (--publish), plus diff,
//   reset, fetch, and the refusals (registry down or answering garbage, dirty
//   tree, critical lint failure, missing notes, dry runs) that change nothing.
// Every edited file is compared line by line with the original: only the
// intended lines may differ. Nothing is deployed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SSH_CONFIG, Sandbox, type Run } from './harness.js';
import { git } from './git-fixture.js';

const REGISTRY = '127.0.0.1:5000';
const DEAD_REGISTRY = '127.0.0.1:5999';
const sb = new Sandbox();
const scratch = mkdtempSync(join(tmpdir(), 'kite-recipe-maintain-'));
const bare = join(scratch, 'remotes', 'kite-maint.git');
let junk: Server;
let junkHost = '';

/** the fixture recipe's compose.yml, images on `registry`, with comments, an x-env anchor and an anchored image */
function maintainedCompose(registry: string): string {
  let text = readFileSync(join(ROOT, 'test/fixtures/recipes/kite-test-app/compose.yml'), 'utf8');
  const edit = (from: string, to: string) => {
    assert.ok(text.includes(from), `fixture compose.yml has ${from}`);
    text = text.replace(from, to);
  };
  edit('version: "3.8"\n', 'version: "3.8"\n\n# shared by services (an anchor kite must leave alone)\nx-env: &env\n  DB_USER: kite # the db user\n');
  edit('    image: kite-test/web:${APP_TAG:-1.0}\n', `    image: ${registry}/kite-test/web:1.0   # the web server: recipe upgrade rewrites this tag\n`);
  edit('    image: kite-test/web:1.0\n    command: ["sh", "-c", "echo', `    image: "${registry}/kite-test/web:1.0"\n    command: ["sh", "-c", "echo`);
  edit('    image: kite-test/web:1.0\n    command: ["sh", "-c", "trap', `    image: &worker-image ${registry}/kite-test/web:1.0\n    command: ["sh", "-c", "trap`);
  edit('    environment:\n      DB_NAME: ${DB_NAME:-kite}\n', '    environment:\n      <<: *env\n      DB_NAME: ${DB_NAME:-kite}\n');
  edit(
    '        - "coop-cloud.${STACK_NAME}.version=1.0.0+1.0"\n',
    '        - "traefik.enable=true"\n        ## When you\'re ready for release, run "kite recipe sync <name>" to set this\n        - "coop-cloud.${STACK_NAME}.version=1.0.0+1.0"\n',
  );
  return text;
}

/** $ABRA_DIR/recipes/<name>: the fixture as a git repository with release 1.0.0+1.0 (annotated tag) */
function makeRecipe(name: string, registry: string, compose = maintainedCompose(registry)): string {
  const dir = sb.addRecipe('kite-test-app', name);
  writeFileSync(join(dir, 'compose.yml'), compose);
  mkdirSync(join(dir, 'release'), { recursive: true });
  writeFileSync(join(dir, 'release', '1.0.0+1.0'), 'First release.\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Kite Maintainer');
  git(dir, 'config', 'user.email', 'maintainer@kite.test');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'chore: publish 1.0.0+1.0 release');
  git(dir, 'tag', '-a', '1.0.0+1.0', '-m', 'chore: publish 1.0.0+1.0 release');
  return dir;
}

const recipeDir = (name: string) => join(sb.abraDir, 'recipes', name);
const compose = (name: string) => readFileSync(join(recipeDir(name), 'compose.yml'), 'utf8');

/** [line number, before, after] for every line that differs; the line count must not change */
function changedLines(a: string, b: string): [number, string, string][] {
  const la = a.split('\n');
  const lb = b.split('\n');
  assert.equal(lb.length, la.length, 'number of lines');
  return la.flatMap((l, i) => (l === lb[i] ? [] : [[i + 1, l, lb[i]] as [number, string, string]]));
}

function lineNo(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no line with ${needle}`);
  return i + 1;
}

/** everything git knows about a repository's state: HEAD, tags, status */
function repoState(dir: string): string {
  return [git(dir, 'rev-parse', 'HEAD'), git(dir, 'tag', '-l'), git(dir, 'status', '--porcelain', '--untracked-files=all')].join('\n---\n');
}

function ok(r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

before(async () => {
  // a "registry" that answers HTML to everything
  junk = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<html><body>this is not a registry</body></html>');
  });
  await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
  junkHost = `127.0.0.1:${(junk.address() as AddressInfo).port}`;

  const dir = makeRecipe('kite-maint', REGISTRY);
  mkdirSync(join(scratch, 'remotes'), { recursive: true });
  git(scratch, 'clone', '-q', '--bare', dir, bare);
  git(dir, 'remote', 'add', 'origin', bare);
  makeRecipe('kite-maint-down', DEAD_REGISTRY);
  makeRecipe('kite-maint-junk', junkHost);
});

after(() => {
  junk?.close();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(sb.abraDir, { recursive: true, force: true });
});

test('the rig registry has kite-test/web 1.0, 1.1, 2.0 and unhealthy (a tag that is no version: never offered)', async () => {
  const res = await fetch(`http://${REGISTRY}/v2/kite-test/web/tags/list`);
  const body = (await res.json()) as { tags: string[] };
  assert.deepEqual(body.tags.sort(), ['1.0', '1.1', '2.0', 'unhealthy'], 'run scripts/rig.sh up');
});

test('upgrade -m reports the newer tags per service as JSON and writes nothing', async () => {
  const before = compose('kite-maint');
  const r = ok(await sb.kite(['recipe', 'upgrade', 'kite-maint', '-m']), 'upgrade -m');
  const report = JSON.parse(r.stdout) as { written: boolean; services: { service: string; tag: string; upgrades: { tag: string; kind: string }[]; chosen: string | null; skipped: string | null }[] };
  assert.equal(report.written, false);
  const by = Object.fromEntries(report.services.map((s) => [s.service, s]));
  assert.deepEqual(by.app.upgrades, [{ tag: '2.0', kind: 'major' }, { tag: '1.1', kind: 'minor' }]);
  assert.equal(by.app.chosen, '2.0', 'the plan shows what -n would take');
  assert.deepEqual(by.db.upgrades.map((u) => u.tag), ['2.0', '1.1']);
  assert.match(by.worker.skipped ?? '', /YAML anchor \(&worker-image\)/);
  assert.match(r.stderr, /WARN worker \(compose\.yml:\d+\): skipped: its image carries a YAML anchor/);
  assert.equal(compose('kite-maint'), before);
  assert.equal(git(recipeDir('kite-maint'), 'status', '--porcelain'), '');

  // -z allows patches only (there are none); -a still lists every semver-like tag
  const all = ok(await sb.kite(['recipe', 'upgrade', 'kite-maint', '-m', '-z', '-a']), 'upgrade -m -z -a');
  const app = (JSON.parse(all.stdout) as { services: { service: string; upgrades: unknown[]; allTags: string[]; chosen: string | null }[] }).services.find((s) => s.service === 'app')!;
  assert.deepEqual(app.upgrades, []);
  assert.equal(app.chosen, null);
  assert.deepEqual(app.allTags, ['2.0', '1.1', '1.0']);
  assert.equal(compose('kite-maint'), before);
});

test('a registry that is down: exit 4 naming registry and image, no file changed', async () => {
  const before = compose('kite-maint-down');
  const r = await sb.kite(['recipe', 'upgrade', 'kite-maint-down', '-n']);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /registry 127\.0\.0\.1:5999 is unreachable for 127\.0\.0\.1:5999\/kite-test\/web: ECONNREFUSED/);
  assert.equal(compose('kite-maint-down'), before);
  assert.equal(git(recipeDir('kite-maint-down'), 'status', '--porcelain'), '');
});

test('a registry answering garbage: exit 4 naming registry and image, no file changed', async () => {
  const before = compose('kite-maint-junk');
  const r = await sb.kite(['recipe', 'upgrade', 'kite-maint-junk', '-n']);
  assert.equal(r.code, 4, r.stderr);
  assert.ok(r.stderr.includes(`registry ${junkHost} answered something that is not JSON`), r.stderr);
  assert.ok(r.stderr.includes(`for ${junkHost}/kite-test/web`), r.stderr);
  assert.equal(compose('kite-maint-junk'), before);
  assert.equal(git(recipeDir('kite-maint-junk'), 'status', '--porcelain'), '');
});

test('bad input: a malformed version, conflicting bumps, a compose file that is not YAML — exit 2/7, nothing changed', async () => {
  const name = 'kite-maint-junk';
  const dir = recipeDir(name);
  const before = repoState(dir);
  const bad = await sb.kite(['recipe', 'sync', name, 'v1.2']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /"v1\.2" is not a recipe version/);
  const both = await sb.kite(['recipe', 'release', name, '-x', '-y', '--no-notes']);
  assert.equal(both.code, 2, both.stderr);
  assert.match(both.stderr, /--major and --minor given together/);
  assert.equal(repoState(dir), before);

  const broken = compose(name).replace('  db:\n', '  db: [\n');
  writeFileSync(join(dir, 'compose.yml'), broken);
  for (const args of [['recipe', 'upgrade', name, '-n'], ['recipe', 'sync', name, '-n', '-z']]) {
    const r = await sb.kite(args);
    assert.equal(r.code, 7, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /compose\.yml:\d+: invalid YAML/);
    assert.equal(compose(name), broken, `${args.join(' ')} changed nothing`);
  }
  git(dir, 'checkout', '--', 'compose.yml');
});

test('upgrade without a terminal and without -n asks for -n and writes nothing', async () => {
  const before = compose('kite-maint');
  const r = await sb.kite(['recipe', 'upgrade', 'kite-maint']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /cannot choose the new tag of app \(no terminal to ask on\)/);
  assert.match(r.stderr, /pass -n/);
  assert.equal(compose('kite-maint'), before);
});

test('upgrade -n -y takes the newest minor tag; only the two image lines change; diff shows it; reset undoes it', async () => {
  const original = compose('kite-maint');
  ok(await sb.kite(['recipe', 'upgrade', 'kite-maint', '-n', '-y']), 'upgrade -n -y');
  const upgraded = compose('kite-maint');
  assert.deepEqual(changedLines(original, upgraded), [
    [lineNo(original, 'the web server'), `    image: ${REGISTRY}/kite-test/web:1.0   # the web server: recipe upgrade rewrites this tag`, `    image: ${REGISTRY}/kite-test/web:1.1   # the web server: recipe upgrade rewrites this tag`],
    [lineNo(original, `image: "${REGISTRY}`), `    image: "${REGISTRY}/kite-test/web:1.0"`, `    image: "${REGISTRY}/kite-test/web:1.1"`],
  ]);

  const d = ok(await sb.kite(['recipe', 'diff', 'kite-maint']), 'diff');
  assert.match(d.stdout, /^-    image: 127\.0\.0\.1:5000\/kite-test\/web:1\.0 /m);
  assert.match(d.stdout, /^\+    image: 127\.0\.0\.1:5000\/kite-test\/web:1\.1 /m);
  assert.ok(!d.stdout.includes('\x1b['), 'no colour in a pipe');
  writeFileSync(join(recipeDir('kite-maint'), 'scratch.txt'), 'junk\n');
  const dj = ok(await sb.kite(['recipe', 'diff', 'kite-maint', '-m']), 'diff -m');
  const changes = (JSON.parse(dj.stdout) as { changes: { path: string; status: string }[] }).changes;
  assert.deepEqual(changes.map((c) => [c.status, c.path]), [[' M', 'compose.yml'], ['??', 'scratch.txt']]);

  const refused = await sb.kite(['recipe', 'reset', 'kite-maint']);
  assert.equal(refused.code, 2, 'reset without a terminal needs --force');
  assert.match(refused.stderr, /missing --force/);
  assert.equal(compose('kite-maint'), upgraded, 'nothing discarded without --force');
  ok(await sb.kite(['recipe', 'reset', 'kite-maint', '-f']), 'reset -f');
  assert.equal(compose('kite-maint'), original);
  assert.ok(!existsSync(join(recipeDir('kite-maint'), 'scratch.txt')), 'untracked files removed');
  assert.equal(git(recipeDir('kite-maint'), 'status', '--porcelain'), '');
  const clean = ok(await sb.kite(['recipe', 'diff', 'kite-maint']), 'diff of a clean tree');
  assert.equal(clean.stdout, '');
  assert.match(clean.stderr, /no uncommitted changes/);
});

test('upgrade -n -c takes the newest tags (2.0) and commits exactly the two image lines', async () => {
  const dir = recipeDir('kite-maint');
  const original = compose('kite-maint');
  const headBefore = git(dir, 'rev-parse', 'HEAD');
  const r = ok(await sb.kite(['recipe', 'upgrade', 'kite-maint', '-n', '-c']), 'upgrade -n -c');
  assert.match(r.stdout, /^app\s+127\.0\.0\.1:5000\/kite-test\/web\s+1\.0\s+2\.0 \(major\)/m);
  const upgraded = compose('kite-maint');
  assert.deepEqual(
    changedLines(original, upgraded).map(([n, , b]) => [n, b]),
    [
      [lineNo(original, 'the web server'), `    image: ${REGISTRY}/kite-test/web:2.0   # the web server: recipe upgrade rewrites this tag`],
      [lineNo(original, `image: "${REGISTRY}`), `    image: "${REGISTRY}/kite-test/web:2.0"`],
    ],
  );
  assert.ok(upgraded.includes(`image: &worker-image ${REGISTRY}/kite-test/web:1.0`), 'the anchored image is left alone');
  assert.equal(git(dir, 'status', '--porcelain'), '', 'everything committed');
  assert.equal(git(dir, 'rev-parse', 'HEAD~1'), headBefore);
  assert.equal(git(dir, 'log', '-1', '--format=%s'), 'chore: upgrade image tags');
  assert.equal(git(dir, 'diff', '--name-only', 'HEAD~1', 'HEAD'), 'compose.yml');
});

test('sync: the dry run infers a major bump and changes nothing; -n -y writes 1.1.0+2.0 into the label line only', async () => {
  const dir = recipeDir('kite-maint');
  const before = compose('kite-maint');
  const dry = ok(await sb.kite(['recipe', 'sync', 'kite-maint', '-n', '--dry-run']), 'sync dry run');
  assert.equal(dry.stdout.trim(), '2.0.0+2.0', 'app 1.0 → 2.0 is a major change');
  assert.match(dry.stderr, /app: 127\.0\.0\.1:5000\/kite-test\/web 1\.0 → 2\.0 \(major\)/);
  assert.equal(compose('kite-maint'), before);

  const noTty = await sb.kite(['recipe', 'sync', 'kite-maint']);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /missing -x\/-y\/-z \(no terminal to ask on\)/);

  const r = ok(await sb.kite(['recipe', 'sync', 'kite-maint', '-n', '-y']), 'sync -n -y');
  assert.equal(r.stdout.trim(), '1.1.0+2.0');
  const label = lineNo(before, 'coop-cloud.${STACK_NAME}.version=');
  assert.deepEqual(changedLines(before, compose('kite-maint')), [
    [label, '        - "coop-cloud.${STACK_NAME}.version=1.0.0+1.0"', '        - "coop-cloud.${STACK_NAME}.version=1.1.0+2.0"'],
  ]);
  const again = ok(await sb.kite(['recipe', 'sync', 'kite-maint', '-n', '-y']), 'sync twice');
  assert.equal(again.stdout.trim(), '1.1.0+2.0', 'computed from the last release, so running it twice is harmless');
  assert.match(again.stderr, /already says 1\.1\.0\+2\.0/);
  assert.equal(git(dir, 'status', '--porcelain'), 'M compose.yml');
});

test('release refuses other uncommitted changes and missing notes, and its dry run changes nothing', async () => {
  const dir = recipeDir('kite-maint');
  const state = repoState(dir);

  writeFileSync(join(dir, 'notes.txt'), 'a stray file\n');
  const dirty = await sb.kite(['recipe', 'release', 'kite-maint', '-n', '--notes', 'x']);
  assert.equal(dirty.code, 6, dirty.stderr);
  assert.match(dirty.stderr, /uncommitted changes to files that are not the recipe's: notes\.txt \(\?\?\)/);
  rmSync(join(dir, 'notes.txt'));
  assert.equal(repoState(dir), state);

  const noNotes = await sb.kite(['recipe', 'release', 'kite-maint', '-n']);
  assert.equal(noNotes.code, 2);
  assert.match(noNotes.stderr, /missing release notes for 1\.1\.0\+2\.0/);
  assert.match(noNotes.stderr, /--no-notes/);
  assert.equal(repoState(dir), state);

  const dry = ok(await sb.kite(['recipe', 'release', 'kite-maint', '-n', '--notes', 'Web 2.0.', '--dry-run', '--publish']), 'release dry run');
  assert.equal(dry.stdout.trim(), '1.1.0+2.0');
  assert.match(dry.stderr, /would: commit "chore: publish 1\.1\.0\+2\.0 release"/);
  assert.match(dry.stderr, /would: push main and 1\.1\.0\+2\.0 to origin/);
  assert.equal(repoState(dir), state, 'dry run: same HEAD, tags and working tree');
  assert.ok(!existsSync(join(dir, 'release', '1.1.0+2.0')));
  assert.equal(git(bare, 'tag', '-l'), '1.0.0+1.0', 'nothing pushed');
});

test('release commits the label and notes, tags annotated with the message; the release commit holds only those', async () => {
  const dir = recipeDir('kite-maint');
  const before = git(dir, 'rev-parse', 'HEAD');
  const composeBefore = execFileSync('git', ['show', 'HEAD:compose.yml'], { cwd: dir, encoding: 'utf8' });
  const r = ok(await sb.kite(['recipe', 'release', 'kite-maint', '-n', '--notes', 'Web image 2.0 for app and db.']), 'release');
  assert.equal(r.stdout.trim(), '1.1.0+2.0');
  assert.equal(git(dir, 'status', '--porcelain'), '');
  assert.equal(git(dir, 'rev-parse', 'HEAD~1'), before);
  assert.equal(git(dir, 'log', '-1', '--format=%s'), 'chore: publish 1.1.0+2.0 release');
  assert.deepEqual(git(dir, 'diff', '--name-only', 'HEAD~1', 'HEAD').split('\n'), ['compose.yml', 'release/1.1.0+2.0']);
  assert.equal(readFileSync(join(dir, 'release', '1.1.0+2.0'), 'utf8'), 'Web image 2.0 for app and db.\n');
  assert.deepEqual(changedLines(composeBefore, compose('kite-maint')).map(([, , b]) => b), ['        - "coop-cloud.${STACK_NAME}.version=1.1.0+2.0"']);
  assert.equal(git(dir, 'cat-file', '-t', '1.1.0+2.0'), 'tag', 'an annotated tag');
  assert.equal(git(dir, 'tag', '-l', '--format=%(contents:subject)', '1.1.0+2.0'), 'chore: publish 1.1.0+2.0 release');
  assert.equal(git(dir, 'rev-parse', '1.1.0+2.0^{commit}'), git(dir, 'rev-parse', 'HEAD'));
  assert.match(r.stderr, /not published/);

  const twice = await sb.kite(['recipe', 'release', 'kite-maint', '-n', '--no-notes']);
  assert.equal(twice.code, 6, 'the label names a version that is released already');
  assert.match(twice.stderr, /1\.1\.0\+2\.0 is already released/);
  const older = await sb.kite(['recipe', 'release', 'kite-maint', '1.0.5+2.0', '-n', '--no-notes']);
  assert.equal(older.code, 6);
  assert.match(older.stderr, /not newer than the last release 1\.1\.0\+2\.0/);
  assert.equal(git(dir, 'status', '--porcelain'), '', 'refusals changed nothing');
});

test('release --publish with release/next: notes renamed, branch and tag pushed to the bare origin', async () => {
  const dir = recipeDir('kite-maint');
  const original = maintainedCompose(REGISTRY);
  ok(await sb.kite(['recipe', 'sync', 'kite-maint', '-n']), 'sync -n (no image change since 1.1.0+2.0: a patch)');
  assert.ok(compose('kite-maint').includes('coop-cloud.${STACK_NAME}.version=1.1.1+2.0'));
  writeFileSync(join(dir, 'release', 'next'), 'Recipe-only fix.\n');
  const r = ok(await sb.kite(['recipe', 'release', 'kite-maint', '-n', '-p']), 'release -p');
  assert.equal(r.stdout.trim(), '1.1.1+2.0');
  assert.ok(!existsSync(join(dir, 'release', 'next')), 'release/next was renamed');
  assert.equal(readFileSync(join(dir, 'release', '1.1.1+2.0'), 'utf8'), 'Recipe-only fix.\n');
  assert.equal(git(dir, 'status', '--porcelain'), '');

  const remote = git(scratch, 'ls-remote', bare);
  const head = git(dir, 'rev-parse', 'HEAD');
  assert.ok(remote.includes(`${head}\trefs/heads/main`), remote);
  assert.ok(remote.includes(`${git(dir, 'rev-parse', '1.1.1+2.0')}\trefs/tags/1.1.1+2.0`), remote);
  assert.ok(remote.includes(`${head}\trefs/tags/1.1.1+2.0^{}`), 'the pushed tag is the annotated one, on HEAD');
  assert.equal(git(bare, 'cat-file', '-t', 'refs/tags/1.1.1+2.0'), 'tag');

  // from the fixture to now, only the intended lines differ: two image tags and the label
  assert.deepEqual(
    changedLines(original, compose('kite-maint')).map(([n]) => n),
    [lineNo(original, 'the web server'), lineNo(original, `image: "${REGISTRY}`), lineNo(original, 'coop-cloud.${STACK_NAME}.version=')].sort((a, b) => a - b),
  );
});

test('upgrade → sync → release in a row: one release commit with exactly their files and the notes, annotated tag; a stray file outside the recipe is refused by name', async () => {
  const name = 'kite-maint-flow';
  const dir = makeRecipe(name, REGISTRY);
  const start = git(dir, 'rev-parse', 'HEAD');
  const original = compose(name);
  ok(await sb.kite(['recipe', 'upgrade', name, '-n']), 'upgrade -n (no commit)');
  ok(await sb.kite(['recipe', 'sync', name, '-n', '-x']), 'sync -n -x');
  writeFileSync(join(dir, 'release', 'next'), 'Web 2.0.\n');
  assert.deepEqual(git(dir, 'status', '--porcelain', '--untracked-files=all').split('\n'), ['M compose.yml', '?? release/next']);

  // a file that is not the recipe's: refused, named, nothing changed
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(join(dir, 'tmp', 'scratch.log'), 'debug output\n');
  const state = repoState(dir);
  const refused = await sb.kite(['recipe', 'release', name, '-n']);
  assert.equal(refused.code, 6, refused.stderr);
  assert.match(refused.stderr, /not the recipe's: tmp\/scratch\.log \(\?\?\)/);
  assert.ok(!/compose\.yml \(/.test(refused.stderr), 'the recipe files are not what it refuses');
  assert.equal(repoState(dir), state);
  rmSync(join(dir, 'tmp'), { recursive: true });

  const dry = ok(await sb.kite(['recipe', 'release', name, '-n', '--dry-run']), 'release dry run');
  assert.match(dry.stderr, /would: commit "chore: publish 2\.0\.0\+2\.0 release" with compose\.yml, release\/2\.0\.0\+2\.0/);
  const r = ok(await sb.kite(['recipe', 'release', name, '-n', '--json']), 'release');
  assert.deepEqual(JSON.parse(r.stdout).files, ['compose.yml', 'release/2.0.0+2.0']);
  assert.equal(git(dir, 'status', '--porcelain', '--untracked-files=all'), '');
  assert.equal(git(dir, 'rev-parse', 'HEAD~1'), start, 'one commit');
  assert.equal(git(dir, 'log', '-1', '--format=%s'), 'chore: publish 2.0.0+2.0 release');
  assert.deepEqual(git(dir, 'diff', '--name-only', 'HEAD~1', 'HEAD').split('\n'), ['compose.yml', 'release/2.0.0+2.0']);
  assert.equal(git(dir, 'show', 'HEAD:release/2.0.0+2.0'), 'Web 2.0.');
  assert.deepEqual(
    changedLines(original, git(dir, 'show', 'HEAD:compose.yml') + '\n').map(([n]) => n),
    [lineNo(original, 'the web server'), lineNo(original, `image: "${REGISTRY}`), lineNo(original, 'coop-cloud.${STACK_NAME}.version=')].sort((a, b) => a - b),
    'the image bumps and the version label',
  );
  assert.equal(git(dir, 'cat-file', '-t', '2.0.0+2.0'), 'tag', 'an annotated tag');
  assert.equal(git(dir, 'tag', '-l', '--format=%(contents:subject)', '2.0.0+2.0'), 'chore: publish 2.0.0+2.0 release');
  assert.equal(git(dir, 'rev-parse', '2.0.0+2.0^{commit}'), git(dir, 'rev-parse', 'HEAD'));
});

test('release refuses a recipe that fails a critical lint rule', async () => {
  const name = 'kite-maint-lint';
  const dir = makeRecipe(name, REGISTRY, maintainedCompose(REGISTRY).replace('        - "traefik.enable=true"\n', ''));
  const state = repoState(dir);
  const r = await sb.kite(['recipe', 'release', name, '1.0.1+1.0', '-n', '--notes', 'x']);
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stderr, /fails 1 critical lint rule: R010 \(traefik routing enabled/);
  assert.equal(repoState(dir), state);
  assert.ok(!existsSync(join(dir, 'release', '1.0.1+1.0')));
});

test('fetch: clones a missing recipe from kite.yml recipes.base, fetches new tags into a clone, --all', async () => {
  const other = new Sandbox();
  try {
    writeFileSync(join(other.abraDir, 'kite.yml'), `recipes:\n  base: ${join(scratch, 'remotes')}\n`);
    const r = ok(await other.kite(['recipe', 'fetch', 'kite-maint']), 'fetch (clone)');
    const clone = join(other.abraDir, 'recipes', 'kite-maint');
    assert.equal(r.stdout.trim(), clone);
    assert.match(r.stderr, /kite-maint: cloned from .*kite-maint\.git \(2 releases, latest 1\.1\.1\+2\.0\)/);
    assert.equal(git(clone, 'rev-parse', 'HEAD'), git(recipeDir('kite-maint'), 'rev-parse', 'HEAD'));

    // a new release on the remote arrives with fetch
    const work = recipeDir('kite-maint');
    ok(await sb.kite(['recipe', 'release', 'kite-maint', '-n', '-z', '--no-notes', '-p']), 'release -z -p');
    const f = ok(await other.kite(['recipe', 'fetch', 'kite-maint']), 'fetch');
    assert.match(f.stderr, /kite-maint: fetched from .*\(3 releases, latest 1\.1\.2\+2\.0\)/);
    assert.equal(git(clone, 'rev-parse', '1.1.2+2.0^{commit}'), git(work, 'rev-parse', 'HEAD'));

    cpSync(join(ROOT, 'test/fixtures/recipes/kite-test-app'), join(other.abraDir, 'recipes', 'plain-dir'), { recursive: true });
    const all = ok(await other.kite(['recipe', 'fetch', '--all', '-m']), 'fetch --all');
    assert.deepEqual((JSON.parse(all.stdout) as { recipe: string }[]).map((x) => x.recipe), ['kite-maint']);
    assert.match(all.stderr, /plain-dir: not a git repository; skipped/);

    const missing = await other.kite(['recipe', 'fetch', 'no-such-recipe']);
    assert.equal(missing.code, 4, missing.stderr);
    assert.match(missing.stderr, /could not clone the recipe/);
    const usage = await other.kite(['recipe', 'fetch']);
    assert.equal(usage.code, 2);
  } finally {
    rmSync(other.abraDir, { recursive: true, force: true });
  }
});

// ---- on a real terminal (tmux): the choices are asked -------------------------

const SESSION = `kite-maint-${process.pid}`;
let windows = 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `kite <args>` in a fresh tmux window; its exit status lands in a file */
function inTerminal(args: string[]): { window: string; exitFile: string } {
  if (windows === 0) tmux('new-session', '-d', '-x', '140', '-y', '40', '-s', SESSION, 'sleep 3600');
  const n = ++windows;
  const exitFile = join(scratch, `tty-exit-${n}`);
  const window = `${SESSION}:${n}`;
  const command = ['env', `ABRA_DIR=${quote(sb.abraDir)}`, 'NO_COLOR=1', quote(process.execPath), quote(join(ROOT, 'bin/kite.js')), ...args.map(quote), `; echo EXIT=$? > ${quote(exitFile)}; sleep 600`].join(' ');
  tmux('new-window', '-d', '-t', window, command);
  return { window, exitFile };
}

const screen = (window: string) => tmux('capture-pane', '-p', '-t', window);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(window: string, pattern: RegExp, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (pattern.test(screen(window))) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}; the terminal shows:\n${screen(window)}`);
}

async function exitOf(t: { window: string; exitFile: string }): Promise<number> {
  for (let i = 0; i < 150; i++) {
    if (existsSync(t.exitFile)) {
      const m = /EXIT=(\d+)/.exec(readFileSync(t.exitFile, 'utf8'));
      if (m) return Number(m[1]);
    }
    await sleep(100);
  }
  assert.fail(`kite did not exit; the terminal shows:\n${screen(t.window)}`);
}

const keys = (window: string, ...k: string[]) => {
  for (const key of k) tmux('send-keys', '-t', window, key);
};

test('fetch --ssh clones over SSH from git@<host>:<path>/<recipe>.git, derived from the https recipes.base (the rig sshd)', async () => {
  // the rig's sshd logs in as root, whose home is this machine's /root: the SSH path is relative to it
  assert.equal(process.getuid?.(), 0, "needs root: the rig's sshd serves root's home (npm test runs as root)");
  const home = mkdtempSync(join(homedir(), 'kite-e2e-ssh-'));
  const rel = home.slice(homedir().length + 1);
  const other = new Sandbox();
  const noSsh = new Sandbox();
  try {
    git(scratch, 'clone', '-q', '--bare', bare, join(home, 'kite-ssh.git'));
    // git's ssh (core.sshCommand in a HOME of the test's: simple-git drops GIT_SSH* from git's environment):
    // the rig's config, with abra's `git@` user mapped to the rig's user; it logs what git asked for
    const log = join(scratch, 'git-ssh.log');
    const wrapper = join(scratch, 'git-ssh');
    writeFileSync(wrapper, `#!/bin/bash\necho "$*" >> ${log}\nargs=(); for a in "$@"; do [[ $a == git@* ]] && a=\${a#git@}; args+=("$a"); done\nexec ssh -F ${SSH_CONFIG} "\${args[@]}"\n`, { mode: 0o755 });
    const gitHome = join(scratch, 'git-home');
    mkdirSync(gitHome, { recursive: true });
    writeFileSync(join(gitHome, '.gitconfig'), `[core]\n\tsshCommand = ${wrapper}\n[ssh]\n\tvariant = ssh\n`);
    const env = { HOME: gitHome };
    for (const sandbox of [other, noSsh]) writeFileSync(join(sandbox.abraDir, 'kite.yml'), `recipes:\n  base: https://kite-test/${rel}\n`);

    const r = ok(await other.kite(['recipe', 'fetch', 'kite-ssh', '--ssh'], env), 'fetch --ssh');
    const url = `git@kite-test:${rel}/kite-ssh.git`;
    assert.match(r.stderr, new RegExp(`kite-ssh: cloned from ${url.replace(/[.+]/g, '\\$&')} \\(\\d+ releases?, latest `));
    const clone = join(other.abraDir, 'recipes', 'kite-ssh');
    assert.equal(git(clone, 'remote', 'get-url', 'origin'), url);
    assert.equal(git(clone, 'rev-parse', 'HEAD'), git(bare, 'rev-parse', 'HEAD'));
    assert.match(readFileSync(log, 'utf8'), new RegExp(`git@kite-test git-upload-pack '${rel}/kite-ssh.git'`));
    // and the next fetch goes through the same origin
    ok(await other.kite(['recipe', 'fetch', 'kite-ssh'], env), 'fetch again');

    // without --ssh the https base is used (nothing serves it here)
    const https = await noSsh.kite(['recipe', 'fetch', 'kite-ssh'], env);
    assert.equal(https.code, 4, https.stderr);
    assert.match(https.stderr, new RegExp(`https://kite-test/${rel}/kite-ssh\\.git`));
    const bad = await noSsh.kite(['recipe', 'fetch', 'https://example.org/x.git', '--ssh']);
    assert.equal(bad.code, 2, bad.stderr);
  } finally {
    for (const d of [home, other.abraDir, noSsh.abraDir]) rmSync(d, { recursive: true, force: true });
  }
});

test('on a terminal: upgrade asks per service, sync asks the bump, release asks for notes', async (t) => {
  t.after(() => {
    try {
      tmux('kill-session', '-t', SESSION);
    } catch {
      /* not started */
    }
  });
  const name = 'kite-maint-tty';
  const dir = makeRecipe(name, REGISTRY);
  const original = compose(name);

  const up = inTerminal(['recipe', 'upgrade', name]);
  await waitFor(up.window, /app: 127\.0\.0\.1:5000\/kite-test\/web:1\.0 \(compose\.yml\) — upgrade to[\s\S]*2\.0[\s\S]*1\.1[\s\S]*keep 1\.0/, 'the choice for app');
  keys(up.window, 'Down', 'Enter'); // 1.1
  await waitFor(up.window, /db: 127\.0\.0\.1:5000\/kite-test\/web:1\.0/, 'the choice for db');
  keys(up.window, 'Down', 'Down', 'Enter'); // keep 1.0
  assert.equal(await exitOf(up), 0, screen(up.window));
  assert.deepEqual(changedLines(original, compose(name)).map(([, , b]) => b), [`    image: ${REGISTRY}/kite-test/web:1.1   # the web server: recipe upgrade rewrites this tag`]);
  git(dir, 'commit', '-q', '-am', 'app 1.1');

  const sync = inTerminal(['recipe', 'sync', name]);
  await waitFor(sync.window, /what kind of release is this \(last: 1\.0\.0\+1\.0\)\?[\s\S]*minor[\s\S]*what the image changes call for/, 'the bump choice');
  keys(sync.window, 'Enter');
  assert.equal(await exitOf(sync), 0, screen(sync.window));
  assert.ok(compose(name).includes('coop-cloud.${STACK_NAME}.version=1.1.0+1.1'), compose(name));

  const rel = inTerminal(['recipe', 'release', name]);
  await waitFor(rel.window, /release notes for 1\.1\.0\+1\.1/, 'the notes prompt');
  tmux('send-keys', '-t', rel.window, '-l', 'App on web 1.1.');
  keys(rel.window, 'Enter');
  assert.equal(await exitOf(rel), 0, screen(rel.window));
  assert.equal(readFileSync(join(dir, 'release', '1.1.0+1.1'), 'utf8'), 'App on web 1.1.\n');
  assert.equal(git(dir, 'cat-file', '-t', '1.1.0+1.1'), 'tag');
  assert.equal(git(dir, 'status', '--porcelain'), '');
});
