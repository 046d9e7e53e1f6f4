import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINT_RULES, lintRecipe, criticalFailures } from '../../src/core/lint/index.js';
import { recipe } from './helpers/lint-recipe.js';

test('lint: the rule table has abra refs R001–R015 then kite refs K001–K009, with abra levels', () => {
  assert.deepEqual(
    LINT_RULES.map((r) => r.ref),
    ['R001', 'R002', 'R003', 'R004', 'R005', 'R006', 'R007', 'R008', 'R009', 'R010', 'R011', 'R012', 'R013', 'R014', 'R015', 'K001', 'K002', 'K003', 'K004', 'K005', 'K006', 'K007', 'K008', 'K009'],
  );
  const critical = LINT_RULES.filter((r) => r.level === 'critical').map((r) => r.ref);
  assert.deepEqual(critical, ['R008', 'R009', 'R010', 'R011', 'R012', 'R013', 'R014', 'K001', 'K007']);
  const r014 = LINT_RULES.find((r) => r.ref === 'R014')!;
  assert.equal(r014.description, 'only annotated tags used for recipe version');
  assert.equal(LINT_RULES.find((r) => r.ref === 'R001')!.howToResolve, 'ensure \'version: "3.8"\' in compose configs');
});

test('lint: a well-formed recipe satisfies every rule and skips none', () => {
  const results = lintRecipe(recipe());
  const bad = results.filter((r) => !r.satisfied || r.skipped);
  assert.deepEqual(bad, []);
  assert.deepEqual(criticalFailures(results), []);
});

test('lint: a rule that throws is reported as unsatisfied, not a crash', () => {
  const results = lintRecipe(recipe(), [
    { ref: 'X001', level: 'warn', description: 'boom', howToResolve: '-', check: () => { throw new Error('kaput'); } },
  ]);
  assert.equal(results[0].satisfied, false);
  assert.match(results[0].details[0], /could not check: kaput/);
});

test('K008: a ${…} where the schema wants a duration or a number is what abra app new refuses; a warning', async () => {
  const { lintRecipe } = await import('../../src/core/lint/index.js');
  const compose = 'version: "3.8"\nservices:\n  app:\n    image: nginx:1.27\n    healthcheck:\n      start_period: ${APP_START_PERIOD:-5m}\n    deploy:\n      replicas: ${REPLICAS:-1}\n';
  const r = lintRecipe({ name: 'x', composeFiles: { 'compose.yml': compose }, envSample: 'TYPE=x\n', releaseNotes: {}, files: ['compose.yml', '.env.sample'] }).find((x) => x.ref === 'K008')!;
  assert.equal(r.level, 'warn');
  assert.equal(r.satisfied, false);
  // one finding per file: the first rule it breaks, in docker's words
  assert.match(r.details.join('\n'), /^compose\.yml \(services\.app\.(healthcheck\.start_period\): must be a duration|deploy\.replicas\): must be a integer)/);
  const duration = lintRecipe({ name: 'x', composeFiles: { 'compose.yml': compose.replace('${REPLICAS:-1}', '1') }, envSample: 'TYPE=x\n', releaseNotes: {}, files: ['compose.yml', '.env.sample'] }).find((x) => x.ref === 'K008')!;
  assert.match(duration.details.join('\n'), /compose\.yml \(services\.app\.healthcheck\.start_period\): must be a duration/);
  const ok = lintRecipe({ name: 'x', composeFiles: { 'compose.yml': compose.replace('${APP_START_PERIOD:-5m}', '5m').replace('${REPLICAS:-1}', '1') }, envSample: 'TYPE=x\n', releaseNotes: {}, files: ['compose.yml', '.env.sample'] }).find((x) => x.ref === 'K008')!;
  assert.equal(ok.satisfied, true, ok.details.join('\n'));
});
