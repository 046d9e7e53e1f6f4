import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRecipe } from '../../src/core/lint/index.js';
import { GOOD_COMPOSE, failed, recipe, rule } from './helpers/lint-recipe.js';

test('K001: a compose file that does not load is a critical finding, and dependent rules skip', () => {
  const r = recipe({}, { 'compose.yml': 'services:\n  app:\n    image: [unclosed\n' });
  const results = lintRecipe(r);
  const k001 = results.find((x) => x.ref === 'K001')!;
  assert.ok(failed(k001));
  assert.equal(k001.level, 'critical');
  assert.match(k001.details[0], /^compose\.yml: compose\.yml:\d+: invalid YAML/);
  for (const ref of ['R002', 'R003', 'R009', 'R011']) {
    const x = results.find((y) => y.ref === ref)!;
    assert.ok(x.skipped, ref);
    assert.match(x.details[0], /do not load/);
  }
});

test('K001: each overlay is loaded alone on top of compose.yml', () => {
  const bad = 'services:\n  app:\n    deploy:\n      replicas: many\n';
  const k001 = rule(recipe({}, { 'compose.bad.yml': bad }), 'K001');
  assert.ok(failed(k001));
  assert.equal(k001.details.length, 1);
  assert.match(k001.details[0], /^compose\.yml:compose\.bad\.yml: compose\.bad\.yml \(services\.app\.deploy\.replicas\): /);
});

test('K001: COMPOSE_FILE naming a missing file, a missing compose.yml, a broken .env.sample', () => {
  const missing = rule(recipe({ envSample: 'TYPE=demo\nDOMAIN=d.example.com\nCOMPOSE_FILE="compose.yml:compose.nope.yml"\n' }), 'K001');
  assert.deepEqual(missing.details, ['compose.yml:compose.nope.yml: compose.nope.yml does not exist']);
  const noBase = rule(recipe({ composeFiles: { 'compose.other.yml': GOOD_COMPOSE } }), 'K001');
  assert.ok(noBase.details.includes('no compose.yml'));
  const badEnv = rule(recipe({ envSample: 'TYPE=demo\nNOT A LINE\n' }), 'K001');
  assert.ok(failed(badEnv));
  assert.match(badEnv.details[0], /^\.env\.sample:2/);
});

test('loading uses .env.sample values and abra.sh exports for interpolation', () => {
  const compose = GOOD_COMPOSE.replace('nginx:1.27.5', 'nginx:${NGINX_TAG}');
  const r = recipe({ envSample: 'TYPE=demo\nDOMAIN=demo.example.com\n', abraSh: 'export NGINX_TAG=1.27.5\n' }, { 'compose.yml': compose });
  assert.ok(rule(r, 'R003').satisfied);
  assert.ok(failed(rule(recipe({}, { 'compose.yml': compose }), 'R003')));
});

test('K001: an overlay docker stack deploy would refuse (a secret mounted but not declared) is named', () => {
  const overlay = 'services:\n  app:\n    secrets:\n      - api_token\nsecrets:\n  other_token:\n    external: true\n';
  const k001 = rule(recipe({}, { 'compose.api.yml': overlay }), 'K001');
  assert.ok(failed(k001));
  assert.deepEqual(k001.details, ['compose.yml:compose.api.yml: services.app.secrets: secret "api_token" is not declared in the top-level secrets: section']);
});
