// The next recipe version: last release bumped by the kind of change, with
// the app image's tag as the upstream part.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferBump, nextRecipeVersion, upstreamFromImage, withDefaults } from '../../src/core/recipe-sync.js';

test('next version: the recipe semver bumped, the upstream part replaced', () => {
  assert.equal(nextRecipeVersion('1.0.0+1.0', 'minor', '2.0'), '1.1.0+2.0');
  assert.equal(nextRecipeVersion('1.0.0+1.0', 'major', '2.0'), '2.0.0+2.0');
  assert.equal(nextRecipeVersion('1.2.3+1.0', 'patch', '1.0'), '1.2.4+1.0');
  assert.equal(nextRecipeVersion('1.2.3+1.0', 'minor', '1.1'), '1.3.0+1.1', 'minor resets the patch number');
  assert.equal(nextRecipeVersion('0.3.1+4.3.1', 'major', '5.0.0'), '1.0.0+5.0.0');
  assert.equal(nextRecipeVersion('0.0.1', 'patch', undefined), '0.0.2', 'a bare version without upstream part');
  assert.equal(nextRecipeVersion('2.0.1+1.0.6-social-amd64', 'patch', '1.0.7-social-amd64'), '2.0.2+1.0.7-social-amd64');
});

test('the first release is 0.1.0 (1.0.0 when asked for a major)', () => {
  assert.equal(nextRecipeVersion(undefined, 'minor', '1.27.5'), '0.1.0+1.27.5');
  assert.equal(nextRecipeVersion(undefined, 'patch', '1.27.5'), '0.1.0+1.27.5');
  assert.equal(nextRecipeVersion(undefined, 'major', '1.27.5'), '1.0.0+1.27.5');
});

test('upstream part: the app image tag, interpolation defaults filled in', () => {
  assert.equal(upstreamFromImage('nginx:1.27.5'), '1.27.5');
  assert.equal(upstreamFromImage('127.0.0.1:5000/kite-test/web:2.0'), '2.0');
  assert.equal(upstreamFromImage('traefik:v2.11.0'), 'v2.11.0');
  assert.equal(upstreamFromImage('kite-test/web:${APP_TAG:-1.0}'), '1.0');
  assert.equal(upstreamFromImage('kite-test/web:${APP_TAG-1.1}'), '1.1');
  assert.equal(upstreamFromImage('kite-test/web:${APP_TAG}'), undefined);
  assert.equal(upstreamFromImage('nginx'), undefined);
  assert.equal(upstreamFromImage(undefined), undefined);
  assert.equal(withDefaults('${REGISTRY:-docker.io}/nginx:${TAG:-1}'), 'docker.io/nginx:1');
});

test('bump inferred from image changes: the largest change decides', () => {
  const before = { app: 'nginx:1.27.5', db: 'postgres:16-alpine' };
  assert.equal(inferBump(before, { app: 'nginx:1.27.10', db: 'postgres:16-alpine' }).kind, 'patch');
  assert.equal(inferBump(before, { app: 'nginx:1.28.0', db: 'postgres:16-alpine' }).kind, 'minor');
  assert.equal(inferBump(before, { app: 'nginx:2.0.0', db: 'postgres:16-alpine' }).kind, 'major');
  const db = inferBump(before, { app: 'nginx:1.27.6', db: 'postgres:17-alpine' });
  assert.equal(db.kind, 'major', 'a major database upgrade is as breaking as one of the app');
  assert.deepEqual(db.reasons, ['app: nginx 1.27.5 → 1.27.6 (patch)', 'db: postgres 16-alpine → 17-alpine (major)']);
});

test('bump inference: nothing changed is a patch; new, removed and swapped services', () => {
  const before = { app: 'kite-test/web:${APP_TAG:-1.0}' };
  const same = inferBump(before, { app: 'kite-test/web:${APP_TAG:-1.0}' });
  assert.equal(same.kind, 'patch');
  assert.match(same.reasons[0], /recipe-only change/);
  assert.equal(inferBump(before, { app: 'kite-test/web:${APP_TAG:-1.1}' }).kind, 'minor', 'interpolation defaults are compared');
  assert.equal(inferBump(before, { app: 'kite-test/web:1.0', cache: 'redis:7' }).kind, 'minor');
  assert.equal(inferBump({ app: 'a:1.0', old: 'b:1' }, { app: 'a:1.0' }).kind, 'major');
  assert.equal(inferBump({ app: 'a:1.0' }, { app: 'c:1.0' }).kind, 'major');
  assert.equal(inferBump({ app: 'a:1.0' }, { app: 'a:latest' }).kind, 'major', 'changes that cannot be compared are taken as breaking');
  assert.equal(inferBump({ app: 'a:1.0' }, { app: 'a:1.0-alpine' }).kind, 'major', 'a scheme change too');
});
