// Recipe test levels, the test file and the result reports (pure core).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockingStep, levelOf, levelProblem, levelsHelp, STEPS, type StepOutcome, type StepStatus } from '../../src/core/recipe-test/levels.js';
import { overlayCombinations, parseTestFile, sampleOverlays, EMPTY_TEST_FILE } from '../../src/core/recipe-test/test-file.js';
import { badgeSvg, junitXml, parseResult, resultRelPath, serialiseResult, type RecipeTestResult } from '../../src/core/recipe-test/result.js';
import { RecipeError } from '../../src/core/errors.js';

/** every step with `status`, except the ones named */
function run(status: StepStatus, overrides: Record<string, StepStatus> = {}): StepOutcome[] {
  return STEPS.map((s) => ({ name: s.name, level: s.level, status: overrides[s.name] ?? status }));
}

test('level: the highest with every step up to it pass or skip', () => {
  assert.equal(levelOf(run('pass')), 7);
  assert.equal(levelOf(run('pass', { install: 'fail' })), 0);
  assert.equal(levelOf(run('pass', { overlays: 'fail' })), 1);
  assert.equal(levelOf(run('pass', { 'backup-restore': 'fail' })), 3);
  assert.equal(levelOf(run('pass', { 'lint-warnings': 'fail' })), 5);
  assert.equal(levelOf(run('pass', { reinstall: 'unverified' })), 6);
});

test('level: skip does not stop the climb, unverified does', () => {
  assert.equal(levelOf(run('pass', { upgrade: 'skip', 'upgrade-history': 'skip' })), 7);
  assert.equal(levelOf(run('pass', { upgrade: 'unverified' })), 2);
  assert.equal(levelOf(run('pass', { overlays: 'skip', redeploy: 'skip' })), 7, 'a level of skips counts above a passed one');
  assert.equal(levelOf(run('skip')), 0, 'skips alone reach nothing');
  assert.equal(levelOf([]), 0);
  assert.equal(levelOf(run('pass').filter((s) => s.level < 5)), 4, 'a level without steps is not reached');
});

test('the blocking step is the lowest fail or unverified', () => {
  const steps = run('pass', { reinstall: 'fail', 'backup-restore': 'unverified' });
  assert.equal(blockingStep(steps)?.name, 'backup-restore');
  assert.equal(blockingStep(run('pass')), undefined);
});

test('levels are defined once: every level 1-7 has a step, help lists them', () => {
  for (let l = 1; l <= 7; l++) assert.ok(STEPS.some((s) => s.level === l), `level ${l}`);
  const help = levelsHelp();
  for (const s of STEPS) assert.match(help, new RegExp(s.name));
  assert.match(help, /L7 {2}remove → reinstall clean/);
  assert.equal(levelProblem(3), undefined);
  assert.match(levelProblem(8) ?? '', /0 to 7/);
  assert.match(levelProblem(1.5) ?? '', /whole number/);
});

test('test file: every key optional; a full file parses', () => {
  assert.deepEqual(parseTestFile(undefined, 'recipe-test.yml'), EMPTY_TEST_FILE);
  assert.deepEqual(parseTestFile('# nothing\n', 'recipe-test.yml'), EMPTY_TEST_FILE);
  const t = parseTestFile(
    [
      'env:',
      '  APP_PORT: 18330',
      '  DEBUG: true',
      'timeout: 120',
      'probes:',
      '  - service: app',
      '    command: wget -qO- http://127.0.0.1:8080/login | grep -q Sign',
      'http:',
      '  - path: /login',
      '    status: [200, 302]',
      '    contains: Sign in',
      '  - url: http://127.0.0.1:${APP_PORT}/',
      'markers:',
      '  - service: db',
      '    write: echo "$KITE_MARKER" > /data/m',
      '    read: cat /data/m',
      'overlays:',
      '  test: ["compose.yml:compose.smtp.yml"]',
      '  exclude: [compose.yml:compose.x.yml]',
    ].join('\n'),
    'recipe-test.yml',
  );
  assert.deepEqual(t.env, { APP_PORT: '18330', DEBUG: 'true' });
  assert.equal(t.timeoutSeconds, 120);
  assert.deepEqual(t.probes, [{ service: 'app', command: 'wget -qO- http://127.0.0.1:8080/login | grep -q Sign' }]);
  assert.deepEqual(t.http, [{ path: '/login', status: [200, 302], contains: 'Sign in' }, { url: 'http://127.0.0.1:${APP_PORT}/', status: [] }]);
  assert.deepEqual(t.markers, [{ service: 'db', write: 'echo "$KITE_MARKER" > /data/m', read: 'cat /data/m' }]);
  assert.deepEqual(t.overlays, { test: ['compose.yml:compose.smtp.yml'], exclude: ['compose.yml:compose.x.yml'] });
});

test('test file: bad input names the file and the key', () => {
  const cases: [string, RegExp][] = [
    ['probe:\n  - x', /recipe-test\.yml.*probe.*unknown key/],
    ['probes:\n  - service: app\n', /probes\[0\]\.command.*non-empty string/],
    ['probes: {}', /probes.*must be a list/],
    ['http:\n  - path: /a\n    url: http://x/\n', /http\[0\].*either path/],
    ['http:\n  - path: login\n', /http\[0\]\.path.*start with \//],
    ['http:\n  - path: /\n    status: 999\n', /http\[0\]\.status/],
    ['markers:\n  - service: db\n    write: x\n', /markers\[0\]\.read/],
    ['markers:\n  - service: "a b"\n    write: x\n    read: y\n', /markers\[0\]\.service.*not a compose service/],
    ['env:\n  bad-name: 1\n', /env\.bad-name/],
    ['env:\n  A: [1]\n', /env\.A.*string, number or boolean/],
    ['timeout: -3', /timeout.*whole number/],
    ['overlays:\n  test: ["compose.yml compose.x.yml"]\n', /overlays\.test\[0\].*not a COMPOSE_FILE/],
    ['overlays:\n  only: []\n', /overlays\.only.*unknown key/],
    // hostile: the test app would deploy another recipe (and its level be saved as this one's), or claim another app's domain in its routes
    ['env:\n  TYPE: gitea\n', /env\.TYPE.*kite sets it/],
    ['env:\n  RECIPE: gitea\n', /env\.RECIPE.*kite sets it/],
    ['env:\n  DOMAIN: victim.example.com\n', /env\.DOMAIN.*kite sets it/],
    // hostile: compose files outside the recipe
    ['overlays:\n  test: ["compose.yml:../../etc/x.yml"]\n', /overlays\.test\[0\].*inside the recipe/],
    ['overlays:\n  exclude: ["compose.yml:a/../../x.yml"]\n', /overlays\.exclude\[0\].*inside the recipe/],
    ['- a\n- b\n', /must be a mapping/],
    ['a: [\n', /invalid YAML/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseTestFile(text, 'recipe-test.yml'), (e: unknown) => e instanceof RecipeError && re.test(e.message), text);
  }
});

test('overlays: each commented COMPOSE_FILE line of .env.sample, expanded', () => {
  const sample = [
    'TYPE=x',
    'COMPOSE_FILE="compose.yml"',
    '# ── Optional services (add to COMPOSE_FILE) ──',
    '#COMPOSE_FILE="compose.yml:compose.mailrelay.yml"',
    '#   COMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"',
    '# COMPOSE_FILE="compose.yml"',
    '#COMPOSE_FILE="compose.yml:compose.mailrelay.yml"',
    '# COMPOSE_FILE is where you list overlays',
  ].join('\n');
  assert.deepEqual(sampleOverlays(sample), ['compose.yml:compose.mailrelay.yml', 'compose.yml:compose.smtp.yml']);
  assert.deepEqual(sampleOverlays('TYPE=x\n'), []);
  assert.deepEqual(overlayCombinations(parseTestFile('overlays:\n  exclude: ["compose.yml:compose.smtp.yml"]\n', 't'), sample), ['compose.yml:compose.mailrelay.yml']);
  assert.deepEqual(overlayCombinations(parseTestFile('overlays:\n  test: ["compose.yml:compose.a.yml"]\n', 't'), sample), ['compose.yml:compose.a.yml']);
  assert.deepEqual(overlayCombinations(EMPTY_TEST_FILE, undefined), []);
});

const RESULT: RecipeTestResult = {
  recipe: 'gitea',
  version: '1.2.0+1.21',
  domain: 'gitea-test.example.com',
  server: 'example.com',
  level: 1,
  date: '2026-11-30T08:00:00.000Z',
  steps: [
    { name: 'install', level: 1, status: 'pass', seconds: 12.5, reason: '', logs: [], waitedSeconds: 10 },
    { name: 'overlays', level: 2, status: 'fail', seconds: 3, reason: 'service app: task failed <exit 1> & "more"', logs: ['app: exit 1', 'bad\u0007char'] },
    { name: 'redeploy', level: 2, status: 'skip', seconds: 0, reason: 'no volumes', logs: [] },
    { name: 'backup-restore', level: 4, status: 'unverified', seconds: 0, reason: 'backups not available', logs: [] },
  ],
};

test('result: saved and read back; the level is recomputed from the steps', () => {
  const back = parseResult(serialiseResult(RESULT), 'r.json');
  assert.deepEqual(back, RESULT);
  assert.equal(parseResult(serialiseResult({ ...RESULT, level: 7 }), 'r.json').level, 1, 'a file cannot claim more than its steps show');
  assert.throws(() => parseResult('{', 'r.json'), /r\.json.*not valid JSON/);
  assert.throws(() => parseResult(JSON.stringify({ ...RESULT, steps: [{ name: 'x', level: 1, status: 'ok' }] }), 'r.json'), /steps\[0\]\.status/);
  assert.equal(resultRelPath('gitea', '1.2.0+1.21'), 'tests/gitea/1.2.0+1.21.json');
  assert.throws(() => resultRelPath('../x', '1.0.0'), /cannot name a result file/);
});

test('junit: one testcase per step, failures and errors with their reasons, escaped', () => {
  const x = junitXml([RESULT]);
  assert.match(x, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="kite recipe test" tests="4" failures="1" errors="1" skipped="1" time="15\.500">/);
  assert.match(x, /<testsuite name="gitea 1\.2\.0\+1\.21" tests="4" failures="1" errors="1" skipped="1"/);
  assert.match(x, /<testcase classname="gitea\.1\.2\.0\+1\.21" name="L1 install" time="12\.500"\/>/);
  assert.match(x, /<failure message="service app: task failed &lt;exit 1&gt; &amp; &quot;more&quot;" type="fail">app: exit 1\nbadchar<\/failure>/);
  assert.match(x, /<error message="backups not available" type="unverified"><\/error>/);
  assert.match(x, /<skipped message="no volumes"\/>/);
  assert.match(x, /<property name="level" value="1"\/>/);
});

test('badge: the level, coloured, escaped', () => {
  const svg = badgeSvg('gitea <x>', 3);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /gitea &lt;x&gt;: level 3/);
  assert.match(svg, /fill="#dfb317"/);
  assert.match(badgeSvg('r', 7), /fill="#4c1"/);
  assert.match(badgeSvg('r', 0), /fill="#e05d44"/);
});

// ---- planning, settings and the catalogue's levels -------------------------

import { earlierReleases, hasBackupLabels, lintVerdicts, markersFor, ofStack, testDomain, witnessChanges, type Witness } from '../../src/core/recipe-test/plan.js';
import { catalogueLevels, levelWarning, parseRecipeTestSettings, releaseLevel } from '../../src/core/recipe-test/settings.js';
import { parseSettings } from '../../src/core/settings.js';
import { parseCatalogue, serialiseCatalogue, emptyMeta } from '../../src/core/catalogue.js';
import { loadCompose } from '../../src/core/compose/load.js';
import type { LintResult } from '../../src/core/lint/index.js';

const COMPOSE = loadCompose(
  [
    {
      file: 'compose.yml',
      text: [
        'version: "3.8"',
        'services:',
        '  app:',
        '    image: web:1',
        '    volumes: ["assets:/srv/assets/", "/etc/hosts:/etc/hosts:ro", "cfg:/cfg:ro"]',
        '  db:',
        '    image: db:1',
        '    volumes: [data:/var/lib/db]',
        '    deploy:',
        '      labels: ["backupbot.backup=true"]',
        'volumes: {assets: {}, data: {}, cfg: {}}',
      ].join('\n'),
    },
  ],
  {},
);

test('markers: one per writable named volume, else the test file\'s', () => {
  const { markers, fromVolumes } = markersFor(EMPTY_TEST_FILE, COMPOSE);
  assert.equal(fromVolumes, true);
  assert.deepEqual(markers, [
    { service: 'app', write: `echo "$KITE_MARKER" > '/srv/assets/.kite-test-marker'`, read: `cat '/srv/assets/.kite-test-marker'` },
    { service: 'db', write: `echo "$KITE_MARKER" > '/var/lib/db/.kite-test-marker'`, read: `cat '/var/lib/db/.kite-test-marker'` },
  ]);
  const own = parseTestFile('markers:\n  - service: db\n    write: w\n    read: r\n', 't');
  assert.deepEqual(markersFor(own, COMPOSE), { markers: own.markers, fromVolumes: false });
});

test('backup labels, earlier releases, test domain, lint verdicts', () => {
  assert.equal(hasBackupLabels(COMPOSE), true);
  const noLabels = { ...COMPOSE, services: { app: COMPOSE.services.app } };
  assert.equal(hasBackupLabels(noLabels), false);
  assert.deepEqual(earlierReleases(['1', '2', '3', '4'], '3'), { previous: '2', older: ['1'] });
  assert.deepEqual(earlierReleases(['1', '2'], '1'), { previous: undefined, older: [] });
  assert.equal(testDomain('gitea', 'example.com', 36 ** 6 + 35), 'gitea-t00000z.example.com', 'the last 6 base-36 digits of the stamp');
  assert.match(testDomain('Odd_Recipe', 'kite-test', 5), /^odd-recipe-t5\.kite-test\.test$/);
  const r = (ref: string, level: 'critical' | 'warn', satisfied: boolean, skipped = false): LintResult => ({ ref, level, description: `rule ${ref}`, howToResolve: '', satisfied, skipped, details: satisfied ? [] : ['why'] });
  assert.deepEqual(lintVerdicts([r('R010', 'critical', false), r('R002', 'warn', false), r('R001', 'critical', true), r('R013', 'warn', false, true)]), { errors: ['R010 rule R010: why'], warnings: ['R002 rule R002: why'] });
});

test('witness: objects of other stacks that went or were replaced; new ones are no change', () => {
  const w = (o: Partial<Witness>): Witness => ({ services: {}, volumes: {}, secrets: {}, configs: {}, networks: {}, ...o });
  assert.deepEqual(witnessChanges(w({ services: { a_app: '1' }, volumes: { a_data: 't1' } }), w({ services: { a_app: '1', b_app: '2' }, volumes: { a_data: 't1' } })), []);
  assert.deepEqual(witnessChanges(w({ services: { a_app: '1' }, secrets: { s: 'x' } }), w({ services: { a_app: '9' } })), ['service a_app was replaced (id 1 → 9)', 'secret s was removed']);
  assert.equal(ofStack('t_kite', 't_kite_app'), true);
  assert.equal(ofStack('t_kite', 't_kitew_witness'), false);
  assert.equal(ofStack('t_kite', 'other', { 'com.docker.stack.namespace': 't_kite' }), true);
  assert.equal(ofStack('t_kite', 'kite-lock-t_kite'), true);
});

test('kite.yml recipe_test.min_level: parsed into settings, bad values name the key', () => {
  assert.deepEqual(parseSettings('recipe_test:\n  min_level: 5\n', 'kite.yml').recipeTest, { minLevel: 5 });
  assert.equal(parseSettings('ssh:\n  persist: 0\n', 'kite.yml').recipeTest, undefined);
  assert.deepEqual(parseRecipeTestSettings(undefined, 'k'), {});
  assert.throws(() => parseRecipeTestSettings({ min_level: 9 }, 'kite.yml'), /kite\.yml.*recipe_test\.min_level.*0 to 7/);
  assert.throws(() => parseRecipeTestSettings({ minlevel: 3 }, 'kite.yml'), /recipe_test\.minlevel.*unknown key/);
  assert.throws(() => parseRecipeTestSettings('3', 'kite.yml'), /recipe_test.*must be a mapping/);
});

test('a release\'s level: the newer of the saved result and the catalogue; the warning shows, never for a release at the level', () => {
  const saved = [{ ...RESULT, version: '1.0', level: 2, date: '2026-11-02T00:00:00Z' }];
  assert.deepEqual(releaseLevel('1.0', saved, { '1.0': { level: 4, date: '2026-10-01T00:00:00Z' } }), { level: 2, date: '2026-11-02T00:00:00Z' });
  assert.deepEqual(releaseLevel('1.0', saved, { '1.0': { level: 4, date: '2026-12-01T00:00:00Z' } }), { level: 4, date: '2026-12-01T00:00:00Z' });
  assert.equal(releaseLevel('2.0', saved, {}), undefined);
  assert.deepEqual(catalogueLevels({ '0.9': { level: 1, date: 'd' }, gone: { level: 7, date: 'd' } }, saved, ['0.9', '1.0', '1.1']), { '0.9': { level: 1, date: 'd' }, '1.0': { level: 2, date: '2026-11-02T00:00:00Z' } });
  assert.match(levelWarning('gitea', '1.0', { level: 2, date: '2026-11-02T00:00:00Z' }, 3) ?? '', /gitea 1\.0 reached test level 2 .* on 2026-11-02, below level 3 \(kite\.yml recipe_test\.min_level\)/);
  assert.equal(levelWarning('gitea', '1.0', { level: 3, date: 'd' }, 3), undefined);
  assert.match(levelWarning('gitea', '1.0', undefined, 3) ?? '', /has not been through `kite recipe test`/);
  assert.equal(levelWarning('gitea', '1.0', undefined, 0), undefined);
});

test('catalogue: levels beside versions, read back; abra\'s keys untouched', () => {
  const meta = { ...emptyMeta('gitea'), versions: [{ '1.0': { app: { digest: 'd', image: 'i', tag: 't' } } }], levels: { '1.0': { level: 3, date: '2026-11-30T08:00:00Z' } } };
  const text = serialiseCatalogue({ gitea: meta });
  const doc = JSON.parse(text);
  assert.deepEqual(doc.gitea.versions, [{ '1.0': { app: { digest: 'd', image: 'i', tag: 't' } } }]);
  assert.deepEqual(doc.gitea.levels, { '1.0': { level: 3, date: '2026-11-30T08:00:00Z' } });
  assert.ok(text.indexOf('"versions"') < text.indexOf('"levels"'));
  assert.deepEqual(parseCatalogue(text, 'recipes.json').gitea.levels, meta.levels);
  assert.equal(parseCatalogue(text, 'recipes.json').gitea.extra, undefined, 'levels are kite\'s own key, not an unknown one');
  assert.throws(() => parseCatalogue(JSON.stringify({ gitea: { levels: { '1.0': { level: 'high' } } } }), 'recipes.json'), /recipes\.json.*gitea\.levels\.1\.0/);
  assert.equal(JSON.parse(serialiseCatalogue({ gitea: emptyMeta('gitea') })).gitea.levels, undefined, 'untested: no levels key');
});
