import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOOD_COMPOSE, failed, recipe, rule } from './helpers/lint-recipe.js';

const withDb = (db: string) => GOOD_COMPOSE.replace('networks:\n  proxy:', `  db:\n${db}\nnetworks:\n  proxy:`);

test('R001: version "3.8" or none passes; another version warns', () => {
  assert.ok(rule(recipe(), 'R001').satisfied);
  assert.ok(rule(recipe({}, { 'compose.yml': 'version: "3.8"\n' + GOOD_COMPOSE }), 'R001').satisfied);
  const r = rule(recipe({}, { 'compose.yml': 'version: "3.7"\n' + GOOD_COMPOSE }), 'R001');
  assert.ok(failed(r));
  assert.deepEqual(r.details, ['compose.yml: version "3.7"']);
});

test('R002: every service needs an enabled healthcheck', () => {
  const r = rule(recipe({}, { 'compose.yml': withDb('    image: postgres:16\n') }), 'R002');
  assert.ok(failed(r));
  assert.deepEqual(r.details, ['db: no healthcheck']);
  const disabled = rule(recipe({}, { 'compose.yml': withDb('    image: postgres:16\n    healthcheck:\n      disable: true\n') }), 'R002');
  assert.deepEqual(disabled.details, ['db: healthcheck disabled']);
  assert.ok(rule(recipe({}, { 'compose.yml': withDb('    image: postgres:16\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n') }), 'R002').satisfied);
});

test('R002: services of overlays count (all compose files together)', () => {
  const overlay = 'services:\n  cache:\n    image: redis:7.2\n';
  const r = rule(recipe({}, { 'compose.redis.yml': overlay }), 'R002');
  assert.deepEqual(r.details, ['cache: no healthcheck']);
});

test("R009: a service named 'app' is required (critical)", () => {
  assert.ok(rule(recipe(), 'R009').satisfied);
  const r = rule(recipe({}, { 'compose.yml': GOOD_COMPOSE.replace('  app:', '  web:') }), 'R009');
  assert.ok(failed(r));
  assert.equal(r.level, 'critical');
  assert.deepEqual(r.details, ['services are web']);
});

test('R010: traefik.enable=true on some service; skipped without DOMAIN in .env.sample', () => {
  const noTraefik = GOOD_COMPOSE.replace('        - "traefik.enable=true"\n', '');
  const r = rule(recipe({}, { 'compose.yml': noTraefik }), 'R010');
  assert.ok(failed(r));
  const skipped = rule(recipe({ envSample: 'TYPE=demo\n' }, { 'compose.yml': noTraefik }), 'R010');
  assert.ok(skipped.skipped);
  assert.match(skipped.details[0], /no DOMAIN/);
  // map form of labels counts too
  const mapForm = GOOD_COMPOSE.replace('        - "traefik.enable=true"\n        - "coop-cloud.${STACK_NAME}.version=1.0.0+1.27.5"', '        traefik.enable: "true"');
  assert.ok(rule(recipe({}, { 'compose.yml': mapForm }), 'R010').satisfied);
});

test('R011: every service has an image (critical)', () => {
  const r = rule(recipe({}, { 'compose.yml': withDb('    healthcheck:\n      test: ["CMD", "true"]\n') }), 'R011');
  assert.ok(failed(r));
  assert.deepEqual(r.details, ['db: no image']);
});
