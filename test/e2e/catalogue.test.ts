// The catalogue end to end, with real git repositories and the rig's real
// image registry (127.0.0.1:5000): `catalogue generate` reads two annotated
// releases and asks the registry for digests, keeps other entries, publishes
// to a bare catalogue repository; `recipe ls` / `recipe versions` read it,
// online and --offline; a registry that is down fails with exit 4 and
// changes nothing.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, Sandbox } from './harness.js';
import { git } from './git-fixture.js';

const REGISTRY = '127.0.0.1:5000';
const DEAD_REGISTRY = '127.0.0.1:5999';
const RECIPE = 'kite-cat-app';
const DOWN = 'kite-cat-down';
const GIT_ID = { GIT_AUTHOR_NAME: 'Cat Test', GIT_AUTHOR_EMAIL: 'cat@example.org', GIT_COMMITTER_NAME: 'Cat Test', GIT_COMMITTER_EMAIL: 'cat@example.org' };
const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

const sb = new Sandbox();
const root = mkdtempSync(join(tmpdir(), 'kite-cat-'));
const remotes = join(root, 'remotes');
const catalogueBare = join(root, 'catalogue.git');
const catalogueFile = () => join(sb.abraDir, 'catalogue', 'recipes.json');
const readCatalogue = () => JSON.parse(readFileSync(catalogueFile(), 'utf8'));

// an entry another maintainer published, in abra's shape, with a field kite does not know
const OTHER = {
  category: 'Utilities',
  default_branch: 'main',
  description: 'Someone else\'s recipe',
  features: { backups: 'No', email: 'N/A', healthcheck: 'Yes', image: { image: 'other/img', rating: '2', source: 'community', url: 'https://example.org' }, status: 1, tests: '0', sso: 'No' },
  icon: '',
  name: 'other-recipe',
  repository: 'https://git.coopcloud.tech/coop-cloud/other-recipe.git',
  ssh_url: '',
  versions: [{ '0.1.0+1.0': { app: { digest: '6244e9fc', image: 'other/img', tag: '1.0' } } }],
  website: '',
  some_future_field: 'kept',
};

/** a recipe repository with annotated releases 1.0.0+1.0 and 1.1.0+1.1 whose images live in `registry`, and its bare remote */
function makeRecipe(name: string, registry: string): void {
  const work = join(root, 'work', name);
  cpSync(join(ROOT, 'test/fixtures/recipes/kite-test-app'), work, { recursive: true });
  const composePath = join(work, 'compose.yml');
  writeFileSync(composePath, readFileSync(composePath, 'utf8').replaceAll('image: kite-test/web:', `image: ${registry}/kite-test/web:`));
  const readmePath = join(work, 'README.md');
  writeFileSync(
    readmePath,
    readFileSync(readmePath, 'utf8')
      .replace('* **Status**: 0', '* **Status**: 3, stable')
      .replace('<!-- endmetadata -->', '<!-- endmetadata -->\n\n* **Maintainers**: @kite-maintainer, Jo Test <jo@example.org>'),
  );
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'chore: publish 1.0.0+1.0 release');
  git(work, 'tag', '-a', '1.0.0+1.0', '-m', 'chore: publish 1.0.0+1.0 release');
  writeFileSync(composePath, readFileSync(composePath, 'utf8').replace('${APP_TAG:-1.0}', '${APP_TAG:-1.1}').replace('version=1.0.0+1.0', 'version=1.1.0+1.1'));
  git(work, 'commit', '-q', '-am', 'chore: publish 1.1.0+1.1 release');
  git(work, 'tag', '-a', '1.1.0+1.1', '-m', 'chore: publish 1.1.0+1.1 release');
  git(root, 'clone', '-q', '--bare', work, join(remotes, `${name}.git`));
}

/** the digest the registry itself reports for a tag (HEAD on the manifest), asked without kite */
async function registryDigest(tag: string): Promise<string> {
  const res = await fetch(`http://${REGISTRY}/v2/kite-test/web/manifests/${tag}`, { method: 'HEAD', headers: { Accept: MANIFEST_V2 } });
  assert.equal(res.status, 200, `the rig registry has kite-test/web:${tag} (scripts/rig.sh up)`);
  const digest = res.headers.get('docker-content-digest') ?? '';
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  return digest;
}

/** push a commit to the bare catalogue from a separate clone, as another maintainer would */
function pushFromElsewhere(edit: (cat: Record<string, unknown>) => void): void {
  const other = join(root, `elsewhere-${Date.now()}`);
  git(root, 'clone', '-q', catalogueBare, other);
  const cat = JSON.parse(readFileSync(join(other, 'recipes.json'), 'utf8'));
  edit(cat);
  writeFileSync(join(other, 'recipes.json'), JSON.stringify(cat, null, 4));
  git(other, 'commit', '-q', '-am', 'elsewhere');
  git(other, 'push', '-q', 'origin', 'HEAD:main');
}

before(() => {
  mkdirSync(remotes, { recursive: true });
  makeRecipe(RECIPE, REGISTRY);
  makeRecipe(DOWN, DEAD_REGISTRY);
  const seed = join(root, 'catalogue-seed');
  mkdirSync(seed);
  writeFileSync(join(seed, 'recipes.json'), JSON.stringify({ 'other-recipe': OTHER }, null, 4));
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(root, 'clone', '-q', '--bare', seed, catalogueBare);
  writeFileSync(join(sb.abraDir, 'kite.yml'), `recipes:\n  base: file://${remotes}\ncatalogue:\n  url: file://${catalogueBare}\n`);
  // a plain (non-git) recipe directory: generate without names must leave it out
  sb.addRecipe('kite-test-app', 'plain-dir-recipe');
});

test('generate clones the recipe and the catalogue, and records both releases with registry digests', async () => {
  const r = await sb.kite(['catalogue', 'generate', RECIPE], GIT_ID);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /kite-cat-app: 2 versions \(latest 1\.1\.0\+1\.1\)/);
  assert.ok(existsSync(join(sb.abraDir, 'catalogue', '.git')), '$ABRA_DIR/catalogue is a git clone of catalogue.url');
  assert.equal(git(join(sb.abraDir, 'recipes', RECIPE), 'describe', '--tags'), '1.1.0+1.1', 'the recipe was cloned');

  const text = readFileSync(catalogueFile(), 'utf8');
  assert.match(text, /^\{\n {4}"kite-cat-app": \{\n {8}"category": "Apps",/, 'abra\'s layout: 4-space indentation, recipes sorted');
  const entry = readCatalogue()[RECIPE];
  assert.deepEqual(entry.versions.map((v: object) => Object.keys(v)[0]), ['1.0.0+1.0', '1.1.0+1.1'], 'oldest first');
  const [v1, v2] = [entry.versions[0]['1.0.0+1.0'], entry.versions[1]['1.1.0+1.1']];
  assert.deepEqual(Object.keys(v2).sort(), ['app', 'db', 'worker']);
  const [d10, d11] = [await registryDigest('1.0'), await registryDigest('1.1')];
  assert.notEqual(d10, d11);
  assert.deepEqual(v1.app, { digest: d10, image: `${REGISTRY}/kite-test/web`, tag: '1.0' });
  assert.deepEqual(v2.app, { digest: d11, image: `${REGISTRY}/kite-test/web`, tag: '1.1' });
  assert.deepEqual(v2.db, { digest: d10, image: `${REGISTRY}/kite-test/web`, tag: '1.0' });
  assert.equal(entry.category, 'Apps');
  assert.equal(entry.features.status, 3);
  assert.equal(entry.features.healthcheck, 'Yes');
  assert.equal(entry.default_branch, 'main');
  assert.equal(entry.repository, `file://${remotes}/${RECIPE}.git`);
  assert.deepEqual(entry.maintainers, [{ handle: 'kite-maintainer' }, { name: 'Jo Test', email: 'jo@example.org' }]);
  assert.deepEqual(readCatalogue()['other-recipe'], OTHER, 'the other entry is kept as it was, unknown field included');
});

test('recipe ls shows the catalogue as a table and as JSON', async () => {
  const table = await sb.kite(['recipe', 'ls']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0], /^NAME\s+CATEGORY\s+STATUS\s+HEALTHCHECK\s+BACKUPS\s+EMAIL\s+TESTS\s+SSO\s+LEVEL\s+MAINTAINERS$/);
  assert.match(lines[1], /^kite-cat-app\s+Apps\s+3\s+Yes\s+No\s+N\/A\s+2\s+N\/A\s+-\s+@kite-maintainer, Jo Test$/, 'LEVEL: - (never tested)');
  assert.match(lines[2], /^other-recipe\s+Utilities\s+1\s+/);

  const json = await sb.kite(['recipe', 'ls', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout);
  assert.deepEqual(rows.map((x: { name: string }) => x.name), ['kite-cat-app', 'other-recipe']);
  assert.equal(rows[0].status, 3);
  assert.deepEqual(rows[0].maintainers, [{ handle: 'kite-maintainer' }, { name: 'Jo Test', email: 'jo@example.org' }]);

  const stable = await sb.kite(['recipe', 'list', '--status', '3', '-m']);
  assert.deepEqual(JSON.parse(stable.stdout).map((x: { name: string }) => x.name), ['kite-cat-app']);
  const utilities = await sb.kite(['recipe', 'ls', '--category', 'utilities', '-p', 'recipe', '-m']);
  assert.deepEqual(JSON.parse(utilities.stdout).map((x: { name: string }) => x.name), ['other-recipe']);
  const bad = await sb.kite(['recipe', 'ls', '--status', 'stable']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /option '--status <n>' argument 'stable' is invalid\. expected a status score from 0 to 5/);
});

test('recipe versions lists each release from the catalogue, newest first', async () => {
  const json = await sb.kite(['recipe', 'versions', RECIPE, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout);
  assert.deepEqual(rows.map((x: { version: string; service: string }) => `${x.version} ${x.service}`), ['1.1.0+1.1 app', '1.1.0+1.1 db', '1.1.0+1.1 worker', '1.0.0+1.0 app', '1.0.0+1.0 db', '1.0.0+1.0 worker']);
  assert.deepEqual(rows[0], { version: '1.1.0+1.1', service: 'app', image: `${REGISTRY}/kite-test/web`, tag: '1.1', digest: await registryDigest('1.1'), source: 'catalogue' });
  assert.match(json.stderr, /versions from the catalogue/);

  const table = await sb.kite(['recipe', 'v', RECIPE]);
  assert.equal(table.code, 0, table.stderr);
  const short = (await registryDigest('1.1')).slice(7, 15);
  assert.match(table.stdout, new RegExp(`^1\\.1\\.0\\+1\\.1\\s+app\\s+127\\.0\\.0\\.1:5000/kite-test/web:1\\.1\\s+${short}$`, 'm'));
});

test('--dry-run prints the catalogue and writes nothing; without names every git recipe is regenerated', async () => {
  const before = readFileSync(catalogueFile(), 'utf8');
  const r = await sb.kite(['catalogue', 'generate', '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), before.trim(), 'the same recipes give the same file');
  assert.match(r.stderr, /dry run: nothing written/);
  assert.doesNotMatch(r.stderr, /plain-dir-recipe/, 'directories that are not git repositories are not recipes to catalogue');
  assert.equal(readFileSync(catalogueFile(), 'utf8'), before);
});

test('--publish commits recipes.json and pushes it to the catalogue repository', async () => {
  const r = await sb.kite(['catalogue', 'generate', RECIPE, '--publish'], GIT_ID);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /published [0-9a-f]{8} to file:\/\//);
  assert.equal(git(catalogueBare, 'log', '-1', '--format=%s', 'main'), 'chore: publish new catalogue release changes');
  const published = JSON.parse(git(catalogueBare, 'show', 'main:recipes.json'));
  assert.deepEqual(Object.keys(published), ['kite-cat-app', 'other-recipe']);
  assert.equal(published[RECIPE].versions.length, 2);
  assert.equal(git(join(sb.abraDir, 'catalogue'), 'status', '--porcelain'), '', 'nothing left uncommitted');

  const again = await sb.kite(['catalogue', 'generate', RECIPE, '--publish'], GIT_ID);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /nothing to publish/);
  assert.equal(git(catalogueBare, 'rev-list', '--count', 'main'), '2', 'no empty commit');
});

test('--offline reads the local catalogue and says so; online, what others published shows up', async () => {
  pushFromElsewhere((cat) => {
    cat['remote-only'] = { ...OTHER, name: 'remote-only' };
  });
  const offline = await sb.kite(['recipe', 'ls', '-o', '--json']);
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stderr, /offline: the catalogue as the local copy has it/);
  assert.deepEqual(JSON.parse(offline.stdout).map((x: { name: string }) => x.name), ['kite-cat-app', 'other-recipe']);

  const versions = await sb.kite(['recipe', 'versions', RECIPE, '-o', '--json']);
  assert.equal(versions.code, 0, versions.stderr);
  assert.equal(JSON.parse(versions.stdout).length, 6);

  const gen = await sb.kite(['catalogue', 'generate', RECIPE, '-o', '--dry-run']);
  assert.equal(gen.code, 0, gen.stderr);
  assert.match(gen.stderr, /offline: using the local clones/);
  assert.match(gen.stderr, /from the local clone \(offline\)/);

  const online = await sb.kite(['recipe', 'ls', '--json']);
  assert.equal(online.code, 0, online.stderr);
  assert.deepEqual(JSON.parse(online.stdout).map((x: { name: string }) => x.name), ['kite-cat-app', 'other-recipe', 'remote-only']);
});

test('a recipe the catalogue does not list: versions from its local clone\'s tags, and it says so', async () => {
  git(root, 'clone', '-q', join(remotes, `${DOWN}.git`), join(sb.abraDir, 'recipes', DOWN));
  const r = await sb.kite(['recipe', 'versions', DOWN, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /not in the catalogue; versions from the release tags of the local clone/);
  const rows = JSON.parse(r.stdout);
  assert.deepEqual(rows[0], { version: '1.1.0+1.1', service: 'app', image: `${DEAD_REGISTRY}/kite-test/web`, tag: '1.1', digest: '', source: 'local clone' });
  assert.equal(rows.length, 6);

  const missing = await sb.kite(['recipe', 'versions', 'no-such-recipe']);
  assert.equal(missing.code, 5);
  assert.match(missing.stderr, /no-such-recipe is neither in the catalogue .* nor a git clone/);
});

test('a registry that is down: exit 4 naming the image, recipes.json and the catalogue repository unchanged', async () => {
  const before = readFileSync(catalogueFile(), 'utf8');
  const head = git(join(sb.abraDir, 'catalogue'), 'rev-parse', 'HEAD');
  for (const args of [['catalogue', 'generate', DOWN], ['catalogue', 'generate', RECIPE, DOWN, '--publish'], ['catalogue', 'generate']]) {
    const r = await sb.kite(args, GIT_ID);
    assert.equal(r.code, 4, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /kite-cat-down 1\.0\.0\+1\.0 \(service app\): could not get the digest of 127\.0\.0\.1:5999\/kite-test\/web:1\.0/);
    assert.equal(readFileSync(catalogueFile(), 'utf8'), before, `${args.join(' ')} left recipes.json as it was`);
    assert.equal(git(join(sb.abraDir, 'catalogue'), 'rev-parse', 'HEAD'), head);
    assert.equal(git(join(sb.abraDir, 'catalogue'), 'status', '--porcelain'), '');
  }
});

test('a malformed recipes.json is named, and generate changes nothing', async () => {
  const path = catalogueFile();
  const good = readFileSync(path, 'utf8');
  writeFileSync(path, good.replace('"category": "Apps",', '"category": "Apps",,'));
  const broken = readFileSync(path, 'utf8');
  try {
    const ls = await sb.kite(['recipe', 'ls', '-o']);
    assert.equal(ls.code, 7);
    assert.match(ls.stderr, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: not valid JSON`));
    const gen = await sb.kite(['catalogue', 'generate', RECIPE, '-o']);
    assert.equal(gen.code, 7);
    assert.equal(readFileSync(path, 'utf8'), broken);
  } finally {
    writeFileSync(path, good);
  }
});

test('--skip-updates needs the recipe to be here; bad flag combinations are usage errors', async () => {
  const missing = await sb.kite(['catalogue', 'generate', 'not-cloned-yet', '--skip-updates']);
  assert.equal(missing.code, 5);
  assert.match(missing.stderr, /not-cloned-yet is not in .* --skip-updates forbids cloning it/);
  const both = await sb.kite(['catalogue', 'generate', RECIPE, '--publish', '--dry-run']);
  assert.equal(both.code, 2);
  const offline = await sb.kite(['catalogue', 'generate', RECIPE, '--publish', '-o']);
  assert.equal(offline.code, 2);
  assert.match(offline.stderr, /--publish needs the network/);
});
