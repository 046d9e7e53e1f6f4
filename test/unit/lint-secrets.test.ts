import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOOD_COMPOSE, failed, recipe, rule } from './helpers/lint-recipe.js';

const withSecret = (key: string, name?: string) =>
  GOOD_COMPOSE + `secrets:\n  ${key}:\n    external: true\n` + (name ? `    name: ${name}\n` : '');

test('R015: a secret name must fit 64 characters with a 45-character STACK_NAME', () => {
  // 45 + "_" + 15 + "_v1" = 64: fits exactly
  const fits = 'a'.repeat(15);
  assert.ok(rule(recipe({}, { 'compose.yml': withSecret(fits, `\${STACK_NAME}_${fits}_\${SECRET_${fits.toUpperCase()}_VERSION}`) }), 'R015').satisfied);
  const long = 'a'.repeat(16);
  const r = rule(recipe({}, { 'compose.yml': withSecret(long, `\${STACK_NAME}_${long}_\${SECRET_${long.toUpperCase()}_VERSION}`) }), 'R015');
  assert.ok(failed(r));
  assert.equal(r.level, 'warn');
  assert.deepEqual(r.details, [`secret ${long} (compose.yml): 65 characters with a 45-character STACK_NAME (Docker allows 64)`]);
});

test('R015: versions come from .env.sample (default v1); no name: means ${STACK_NAME}_<secret>_<version>', () => {
  const key = 'db_password';
  const env = 'TYPE=demo\nDOMAIN=demo.example.com\nSECRET_DB_PASSWORD_VERSION=v1000000000\n';
  // 45 + 1 + 11 + 1 + 11 = 69
  const r = rule(recipe({ envSample: env }, { 'compose.yml': withSecret(key, '${STACK_NAME}_db_password_${SECRET_DB_PASSWORD_VERSION}') }), 'R015');
  assert.match(r.details[0], /69 characters/);
  const unnamed = rule(recipe({ envSample: env }, { 'compose.yml': withSecret(key) }), 'R015');
  assert.match(unnamed.details[0], /69 characters/);
  assert.ok(rule(recipe({}, { 'compose.yml': withSecret(key) }), 'R015').satisfied);
});
