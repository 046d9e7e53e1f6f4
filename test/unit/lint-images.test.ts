import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSemverLike, parseImageRef } from '../../src/core/lint/image-ref.js';
import { imageAnchors } from '../../src/core/lint/rules-images.js';
import { GOOD_COMPOSE, failed, recipe, rule } from './helpers/lint-recipe.js';

const withImage = (image: string) => recipe({}, { 'compose.yml': GOOD_COMPOSE.replace('nginx:1.27.5', image) });

test('image references: registry ports are not tags; digests count', () => {
  assert.deepEqual(parseImageRef('nginx'), { name: 'nginx', digest: undefined });
  assert.deepEqual(parseImageRef('registry:5000/org/app:1.2'), { name: 'registry:5000/org/app', tag: '1.2', digest: undefined });
  assert.deepEqual(parseImageRef('registry:5000/org/app'), { name: 'registry:5000/org/app', digest: undefined });
  assert.deepEqual(parseImageRef('nginx:1.27@sha256:abc'), { name: 'nginx', tag: '1.27', digest: 'sha256:abc' });
});

test('semver-like tags as tagcmp reads them', () => {
  for (const t of ['1.27.5', 'v2.4.8', '16', '16-alpine', '1.14.1-rootless', '10.5', '1.2.3.4']) assert.ok(isSemverLike(t), t);
  for (const t of ['latest', 'stable', 'alpine', 'RELEASE.2025-01-20T14-49-07Z', 'sha-1234abc', '1.2.3.4.5']) assert.ok(!isSemverLike(t), t);
});

test('R003: images need a tag (or digest)', () => {
  const r = rule(withImage('nginx'), 'R003');
  assert.ok(failed(r));
  assert.deepEqual(r.details, ['app: nginx has no tag']);
  assert.ok(rule(withImage('nginx@sha256:0123'), 'R003').satisfied);
  assert.ok(rule(recipe(), 'R003').satisfied);
});

test('R004: no moving tags such as latest', () => {
  const r = rule(withImage('nginx:latest'), 'R004');
  assert.ok(failed(r));
  assert.deepEqual(r.details, ['app: nginx:latest']);
  assert.ok(failed(rule(withImage('org/app:main'), 'R004')));
  assert.ok(rule(withImage('nginx:1.27.5-alpine'), 'R004').satisfied);
});

test('R005: tags are semver-like', () => {
  assert.ok(failed(rule(withImage('minio/minio:RELEASE.2025-01-20T14-49-07Z'), 'R005')));
  assert.ok(rule(withImage('postgres:16-alpine'), 'R005').satisfied);
  // an untagged image is R003's business, not R005's
  assert.ok(rule(withImage('nginx'), 'R005').satisfied);
});

test('K005: anchors and aliases on image: are found in the raw text, with lines', () => {
  const text = `x-img: &base nginx:1.27.5
services:
  app:
    image: &appimg nginx:1.27.5
  web:
    image: *appimg
  other:
    image: nginx:1.27.5
    environment:
      IMAGE: *base
`;
  assert.deepEqual(imageAnchors('compose.yml', text), ['compose.yml:4: image: &appimg', 'compose.yml:6: image: *appimg']);
  const r = rule(recipe({}, { 'compose.yml': GOOD_COMPOSE.replace('image: nginx:1.27.5', 'image: &img nginx:1.27.5') }), 'K005');
  assert.ok(failed(r));
  assert.equal(r.level, 'warn');
  assert.ok(rule(recipe(), 'K005').satisfied);
});
