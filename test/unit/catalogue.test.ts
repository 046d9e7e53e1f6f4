// The catalogue model (recipes.json) and how an entry is built from a
// recipe's README and releases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyMeta, latestVersion, mergeCatalogue, parseCatalogue, serialiseCatalogue, shortDigest, type Catalogue } from '../../src/core/catalogue.js';
import { buildRecipeMeta, parseImageField, parseMaintainers, parseScore, readmeDescription, readmeFeatures, serviceImage, sshUrlFor } from '../../src/core/catalogue-entry.js';
import { readmeField, readmeMetadata } from '../../src/core/lint/readme-metadata.js';
import { releaseVersions } from '../../src/core/versions.js';
import { readRelease, sampleEnv } from '../../src/operations/catalogue-releases.js';
import type { RecipeRepo } from '../../src/adapters/recipe-git.js';
import { RecipeError } from '../../src/core/errors.js';

const CORPUS = '/work/shared/recipes-corpus';
const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

// what Go's json.MarshalIndent(catalogue, "", "    ") writes for abra's types
const ABRA_SHAPED = `{
    "gitea": {
        "category": "Development",
        "default_branch": "main",
        "description": "Git with a cup of tea \\u0026 \\u003cmore\\u003e",
        "features": {
            "backups": "Yes",
            "email": "3",
            "healthcheck": "Yes",
            "image": {
                "image": "gitea/gitea",
                "rating": "4",
                "source": "upstream",
                "url": "https://hub.docker.com/r/gitea/gitea"
            },
            "status": 3,
            "tests": "2",
            "sso": "2"
        },
        "icon": "https://example.org/gitea.png",
        "name": "gitea",
        "repository": "https://git.coopcloud.tech/coop-cloud/gitea.git",
        "ssh_url": "ssh://git@git.coopcloud.tech:2222/coop-cloud/gitea.git",
        "versions": [
            {
                "1.0.0+1.14.3": {
                    "app": {
                        "digest": "6244e9fc",
                        "image": "gitea/gitea",
                        "tag": "1.14.3-rootless"
                    },
                    "db": {
                        "digest": "718cb856",
                        "image": "mariadb",
                        "tag": "10.6"
                    }
                }
            },
            {
                "1.1.0+1.15.3": {
                    "app": {
                        "digest": "${D1}",
                        "image": "gitea/gitea",
                        "tag": "1.15.3-rootless"
                    }
                }
            }
        ],
        "website": "https://gitea.io"
    },
    "zammad": {
        "category": "Apps",
        "default_branch": "master",
        "description": "",
        "features": {
            "backups": "",
            "email": "",
            "healthcheck": "",
            "image": {
                "image": "",
                "rating": "",
                "source": "",
                "url": ""
            },
            "status": 0,
            "tests": "",
            "sso": ""
        },
        "icon": "",
        "name": "zammad",
        "repository": "",
        "ssh_url": "",
        "versions": [],
        "website": ""
    }
}`;

test('recipes.json in abra\'s exact shape round-trips byte for byte', () => {
  const cat = parseCatalogue(ABRA_SHAPED, 'recipes.json');
  assert.equal(cat.gitea.features.status, 3);
  assert.equal(cat.gitea.description, 'Git with a cup of tea & <more>');
  assert.deepEqual(Object.keys(cat.gitea.versions[0]['1.0.0+1.14.3']), ['app', 'db']);
  assert.equal(serialiseCatalogue(cat), ABRA_SHAPED);
});

test('serialising sorts recipes, versions\' services and keys like Go, and ends without a newline', () => {
  const meta = emptyMeta('b');
  meta.versions = [{ '1.0.0+1': { web: { digest: D1, image: 'x', tag: '1' }, app: { digest: D2, image: 'y', tag: '2' } } }];
  const text = serialiseCatalogue({ b: meta, a: emptyMeta('a'), Z: emptyMeta('Z') });
  assert.deepEqual(Object.keys(JSON.parse(text)), ['Z', 'a', 'b']);
  assert.deepEqual(Object.keys(JSON.parse(text).b.versions[0]['1.0.0+1']), ['app', 'web']);
  assert.deepEqual(Object.keys(JSON.parse(text).b.versions[0]['1.0.0+1'].app), ['digest', 'image', 'tag']);
  assert.ok(!text.endsWith('\n'));
  assert.match(text, /^\{\n {4}"Z": \{\n {8}"category"/);
});

test('unknown fields and maintainers survive a round trip; maintainers come after abra\'s fields', () => {
  const doc = JSON.parse(ABRA_SHAPED);
  doc.gitea.maintainers = [{ handle: 'decentral1se' }, { name: 'Jo Doe', email: 'jo@example.org' }];
  doc.gitea.future_field = { nested: [1, 2] };
  const cat = parseCatalogue(JSON.stringify(doc), 'recipes.json');
  assert.deepEqual(cat.gitea.maintainers, [{ handle: 'decentral1se' }, { name: 'Jo Doe', email: 'jo@example.org' }]);
  const again = JSON.parse(serialiseCatalogue(cat));
  assert.deepEqual(again.gitea.future_field, { nested: [1, 2] });
  const keys = Object.keys(again.gitea);
  assert.deepEqual(keys.slice(0, 10), ['category', 'default_branch', 'description', 'features', 'icon', 'name', 'repository', 'ssh_url', 'versions', 'website']);
  assert.deepEqual(keys.slice(10), ['maintainers', 'future_field']);
});

test('parsing tolerates what Go tolerates: missing fields, null versions, a status written as a string', () => {
  const cat = parseCatalogue('{"x": {"features": {"status": "4"}, "versions": null}, "y": {}}', 'recipes.json');
  assert.equal(cat.x.features.status, 4);
  assert.deepEqual(cat.x.versions, []);
  assert.equal(cat.x.name, 'x');
  assert.equal(cat.y.features.image.url, '');
  assert.equal(cat.y.repository, '');
});

test('malformed JSON names the file and the line', () => {
  assert.throws(
    () => parseCatalogue('{\n  "a": {},\n  "b": {,}\n}', '/abra/catalogue/recipes.json'),
    (e: unknown) => e instanceof RecipeError && /^\/abra\/catalogue\/recipes\.json:3: not valid JSON/.test(e.message),
  );
});

test('wrong shapes name the file and the key', () => {
  const cases: [string, RegExp][] = [
    ['[]', /recipes\.json: must be a JSON object keyed by recipe name/],
    ['{"a": {"versions": {"1.0.0": {}}}}', /recipes\.json \(a\.versions\): must be an array/],
    ['{"a": {"features": {"status": "stable"}}}', /recipes\.json \(a\.features\.status\): must be an integer/],
    ['{"a": {"versions": [{"1.0.0": {"app": {"digest": 5}}}]}}', /\(a\.versions\[0\]\.1\.0\.0\.app\.digest\): must be a string/],
    ['{"a": {"name": 3}}', /\(a\.name\): must be a string/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseCatalogue(text, 'recipes.json'), (e: unknown) => e instanceof RecipeError && re.test(e.message), text);
});

test('merge replaces regenerated entries and keeps every other one', () => {
  const existing: Catalogue = parseCatalogue(ABRA_SHAPED, 'recipes.json');
  const fresh = emptyMeta('gitea');
  fresh.versions = [{ '2.0.0+1.20': {} }];
  const merged = mergeCatalogue(existing, { gitea: fresh, newbie: emptyMeta('newbie') });
  assert.deepEqual(Object.keys(merged).sort(), ['gitea', 'newbie', 'zammad']);
  assert.equal(merged.zammad, existing.zammad);
  assert.equal(latestVersion(merged.gitea), '2.0.0+1.20');
});

test('the latest version is the last element of versions', () => {
  const cat = parseCatalogue(ABRA_SHAPED, 'recipes.json');
  assert.equal(latestVersion(cat.gitea), '1.1.0+1.15.3');
  assert.equal(latestVersion(cat.zammad), undefined);
  assert.equal(shortDigest(D1), 'aaaaaaaa');
  assert.equal(shortDigest('6244e9fc'), '6244e9fc');
});

test('versions are ordered oldest to newest as release tags order them, not as git lists them', () => {
  const tags = ['1.10.0+2.0', '1.2.0+1.9', '1.2.0+1.10', '0.9.0+1.0', 'v3', '2.0.0+2.1'].map((name) => ({ name, annotated: name !== '2.0.0+2.1' }));
  const list = releaseVersions(tags);
  const { meta } = buildRecipeMeta({ name: 'r', repository: '', defaultBranch: 'main', releases: list.versions.map((v) => ({ tag: v.tag, services: {} })) });
  assert.deepEqual(meta.versions.map((v) => Object.keys(v)[0]), ['0.9.0+1.0', '1.2.0+1.9', '1.2.0+1.10', '1.10.0+2.0']);
  assert.equal(latestVersion(meta), '1.10.0+2.0');
  assert.equal(list.warnings.length, 2, 'v3 (not a version) and the lightweight 2.0.0+2.1 are skipped with warnings');
});

test('README scores: numbers, "N, word", old emoji scores, and nothing', () => {
  assert.equal(parseScore('3, stable'), 3);
  assert.equal(parseScore('0'), 0);
  assert.equal(parseScore('❶💚'), 1);
  assert.equal(parseScore('❹💣'), 4);
  assert.equal(parseScore('❷💛'), 2);
  assert.equal(parseScore('?'), undefined);
  assert.equal(parseScore(''), undefined);
});

test('README features of real recipes, emoji included', () => {
  const lemp = readmeMetadata(readFileSync(join(CORPUS, 'custom-php-lemp-2021/README.md'), 'utf8'))!;
  const f = readmeFeatures(lemp);
  assert.equal(f.status, 1);
  assert.equal(f.email, '❶💚');
  assert.equal(f.tests, '❷💛');
  assert.deepEqual(f.image, { image: 'php', rating: '❶💚', source: 'upstream', url: 'https://hub.docker.com/_/php' });

  const warnings: string[] = [];
  const traefik = readmeFeatures(readmeMetadata(readFileSync(join(CORPUS, 'traefik-2021/README.md'), 'utf8'))!, (w) => warnings.push(w));
  assert.equal(traefik.status, 0);
  assert.equal(traefik.sso, '? (Keycloak)');
  assert.deepEqual(warnings, ['README Status "?" is not a score: recorded as 0']);

  const bonfire = readmeFeatures(readmeMetadata(readFileSync(join(CORPUS, 'bonfire/README.md'), 'utf8'))!);
  assert.equal(bonfire.status, 1);
  assert.equal(bonfire.healthcheck, '');
});

test('the Image line with the rating or the source missing', () => {
  assert.deepEqual(parseImageField('[`ghcr.io/rhonda-rodododo/llamenos`](https://github.com/x/pkgs), upstream'), { image: 'ghcr.io/rhonda-rodododo/llamenos', rating: '', source: 'upstream', url: 'https://github.com/x/pkgs' });
  assert.deepEqual(parseImageField('[`wordpress`](https://hub.docker.com/_/wordpress), 4, upstream'), { image: 'wordpress', rating: '4', source: 'upstream', url: 'https://hub.docker.com/_/wordpress' });
  assert.deepEqual(parseImageField('`nginx`, 3'), { image: 'nginx', rating: '3', source: '', url: '' });
  assert.deepEqual(parseImageField(''), { image: '', rating: '', source: '', url: '' });
});

test('maintainers: handles, names with emails, links, several forms in one line', () => {
  assert.deepEqual(parseMaintainers('@decentral1se, Jo Doe <jo@example.org>, [@3wordchant](https://git.coopcloud.tech/3wordchant); Bo Bee (@bo) <bo@x.org>, ann@example.com'), [
    { handle: 'decentral1se' },
    { name: 'Jo Doe', email: 'jo@example.org' },
    { handle: '3wordchant' },
    { handle: 'bo', name: 'Bo Bee', email: 'bo@x.org' },
    { email: 'ann@example.com' },
  ]);
  assert.deepEqual(parseMaintainers(''), []);
});

test('the Maintainers line is found inside the metadata block or anywhere in the README', () => {
  const inside = '# x\n<!-- metadata -->\n* **Maintainers**: @a\n<!-- endmetadata -->\n';
  const below = '# x\n<!-- metadata -->\n* **Status**: 2\n<!-- endmetadata -->\n\n## Team\n\n- **Maintainers:** @b, C D <c@d.org>\n';
  assert.equal(readmeField(inside, 'Maintainers'), '@a');
  assert.equal(readmeField(below, 'Maintainers'), '@b, C D <c@d.org>');
  assert.equal(readmeField('# nothing', 'Maintainers'), undefined);
});

test('description: the quoted line under the title, or its first paragraph; badges skipped', () => {
  assert.equal(readmeDescription(readFileSync(join(CORPUS, 'gaseous/README.md'), 'utf8')), 'One line description of the recipe');
  assert.equal(readmeDescription(readFileSync(join(CORPUS, 'bonfire/README.md'), 'utf8')), 'A [coop-cloud](https://coopcloud.tech) recipe for deploying [Bonfire](https://bonfirenetworks.org)');
  assert.equal(readmeDescription(readFileSync(join(CORPUS, 'traefik-2021/README.md'), 'utf8')), 'https://docs.traefik.io');
  assert.equal(readmeDescription('# t\n\n<!-- metadata -->\n'), '');
});

test('an entry from README + releases; icon, website and unknown fields kept from the entry it replaces', () => {
  const readme = readFileSync(join(CORPUS, 'example-template-recipe-new-output-2025/README.md'), 'utf8').replace('<!-- endmetadata -->', '* **Maintainers**: @jo, Ann <ann@example.org>\n<!-- endmetadata -->').replace('* **Status**: 0', '* **Status**: 3, stable');
  const previous = { ...emptyMeta('gaseous'), icon: 'https://i/x.png', website: 'https://gaseous.example', description: 'old', extra: { legacy: true } };
  const { meta, warnings } = buildRecipeMeta({
    name: 'gaseous',
    readme,
    repository: 'https://git.coopcloud.tech/coop-cloud/gaseous.git',
    defaultBranch: 'main',
    releases: [
      { tag: '0.1.0+1.0', services: { app: { digest: D1, image: 'gaseous', tag: '1.0' } } },
      { tag: '0.2.0+1.1', services: { app: { digest: D2, image: 'gaseous', tag: '1.1' } } },
    ],
    previous,
  });
  assert.deepEqual(warnings, []);
  assert.equal(meta.category, 'Apps');
  assert.equal(meta.features.status, 3);
  assert.equal(meta.features.image.rating, '4');
  assert.equal(meta.description, 'One line description of the recipe');
  assert.equal(meta.icon, 'https://i/x.png');
  assert.equal(meta.website, 'https://gaseous.example');
  assert.equal(meta.ssh_url, 'ssh://git@git.coopcloud.tech:2222/coop-cloud/gaseous.git');
  assert.deepEqual(meta.maintainers, [{ handle: 'jo' }, { name: 'Ann', email: 'ann@example.org' }]);
  assert.deepEqual(meta.versions, [{ '0.1.0+1.0': { app: { digest: D1, image: 'gaseous', tag: '1.0' } } }, { '0.2.0+1.1': { app: { digest: D2, image: 'gaseous', tag: '1.1' } } }]);
  assert.deepEqual(meta.extra, { legacy: true });
});

test('an entry without README metadata says so', () => {
  const { meta, warnings } = buildRecipeMeta({ name: 'bare', readme: '# bare\n', repository: 'file:///x', defaultBranch: 'main', releases: [] });
  assert.equal(meta.features.status, 0);
  assert.equal(meta.ssh_url, '');
  assert.match(warnings.join('\n'), /bare: README.md has no <!-- metadata --> block/);
  assert.match(buildRecipeMeta({ name: 'n', repository: '', defaultBranch: 'main', releases: [] }).warnings[0], /n: no README.md/);
});

test('ssh URLs and compose images as the catalogue records them', () => {
  assert.equal(sshUrlFor('https://github.com/org/rec'), 'git@github.com:org/rec.git');
  assert.equal(sshUrlFor('git@host:org/rec.git'), 'git@host:org/rec.git');
  assert.equal(sshUrlFor('/srv/git/rec.git'), '');
  assert.deepEqual(serviceImage('127.0.0.1:5000/kite-test/web:1.1'), { image: '127.0.0.1:5000/kite-test/web', tag: '1.1', pinned: undefined });
  assert.deepEqual(serviceImage('nginx'), { image: 'nginx', tag: 'latest', pinned: undefined });
  assert.deepEqual(serviceImage(`mariadb:10.6@${D1}`), { image: 'mariadb', tag: '10.6', pinned: D1 });
});

/** a recipe repository in memory: ref → path → text */
function fakeRepo(files: Record<string, Record<string, string>>): RecipeRepo {
  const unused = () => Promise.reject(new Error('not used'));
  return {
    dir: '/nowhere',
    tags: unused,
    head: unused,
    isDirty: unused,
    isCommit: unused,
    checkout: unused,
    snapshot: unused,
    fetch: unused,
    originUrl: unused,
    defaultBranch: unused,
    readAt: async (ref, path) => files[ref.replace('refs/tags/', '')]?.[path],
  };
}

test('a release\'s images: compose files at the tag, interpolated with its .env.sample and overlays', async () => {
  const repo = fakeRepo({
    '1.0.0+1.0': {
      '.env.sample': 'DOMAIN=r.example.com\nAPP_TAG=1.0\nCOMPOSE_FILE=compose.yml:compose.db.yml\n',
      'compose.yml': 'version: "3.8"\nservices:\n  app:\n    image: reg:5000/org/app:${APP_TAG}\n    deploy:\n      labels: ["x=${STACK_NAME}"]\n',
      'compose.db.yml': 'version: "3.8"\nservices:\n  db:\n    image: postgres:${DB_TAG:-16}\n',
    },
    '0.1.0+0.1': { 'docker-compose.yml': 'version: "3"\nservices:\n  app:\n    image: old\n' },
    '0.0.1': { '.env.sample': 'COMPOSE_FILE=compose.yml:compose.gone.yml\n', 'compose.yml': 'services:\n  app:\n    image: x:1\n' },
    '0.0.2': { 'compose.yml': 'services:\n  app:\n    image: x:${NEEDED?is required}\n' },
  });
  assert.deepEqual(await readRelease(repo, 'r', '1.0.0+1.0'), {
    ok: true,
    services: { app: { image: 'reg:5000/org/app', tag: '1.0', pinned: undefined }, db: { image: 'postgres', tag: '16', pinned: undefined } },
  });
  assert.deepEqual(await readRelease(repo, 'r', '0.1.0+0.1'), { ok: true, services: { app: { image: 'old', tag: 'latest', pinned: undefined } } });
  assert.deepEqual(await readRelease(repo, 'r', '0.0.1'), { ok: false, problem: 'compose.gone.yml (from COMPOSE_FILE) does not exist at tag 0.0.1' });
  const bad = await readRelease(repo, 'r', '0.0.2');
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.problem : '', /tag 0\.0\.2: .*NEEDED/);
});

test('the sample env gets a DOMAIN and its STACK_NAME when it has none', () => {
  assert.deepEqual(sampleEnv('rec', undefined, 'export CONFIG_VERSION=v3\n'), { CONFIG_VERSION: 'v3', DOMAIN: 'rec.example.com', STACK_NAME: 'rec_example_com' });
  assert.equal(sampleEnv('rec', 'DOMAIN=my.app.org\n', undefined).STACK_NAME, 'my_app_org');
});
