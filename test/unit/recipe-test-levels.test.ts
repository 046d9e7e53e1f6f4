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
