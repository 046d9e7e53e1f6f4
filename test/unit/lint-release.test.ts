import { test } from 'node:test';
import assert from 'node:assert/strict';
import { remoteHost } from '../../src/core/lint/rules-release.js';
import { compareReleaseTags, newestRelease } from '../../src/core/lint/release-tags.js';
import { GOOD_COMPOSE, failed, goodGit, recipe, rule } from './helpers/lint-recipe.js';

const C = 'c'.repeat(40);

test('R006: an annotated X.Y.Z+upstream tag is a published version', () => {
  assert.ok(rule(recipe(), 'R006').satisfied);
  const none = rule(recipe({ git: goodGit({ tags: [{ name: 'v1', type: 'annotated', commit: C }] }) }), 'R006');
  assert.ok(failed(none));
  assert.deepEqual(none.details, ['no X.Y.Z+upstream release tag']);
  const light = rule(recipe({ git: goodGit({ tags: [{ name: '1.0.0+1.2', type: 'lightweight', commit: C }] }) }), 'R006');
  assert.ok(failed(light));
  assert.match(light.details[0], /only lightweight release tags: 1\.0\.0\+1\.2/);
  // a bare X.Y.Z is not a recipe version
  assert.ok(failed(rule(recipe({ git: goodGit({ tags: [{ name: '0.0.1', type: 'annotated', commit: C }] }) }), 'R006')));
});

test('R006 without git: judged from the version label', () => {
  const labelled = rule(recipe({ git: undefined }), 'R006');
  assert.ok(labelled.satisfied);
  assert.match(labelled.details[0], /judged from the version label 1\.0\.0\+1\.27\.5/);
  const empty = rule(recipe({ git: undefined }, { 'compose.yml': GOOD_COMPOSE.replace('version=1.0.0+1.27.5', 'version=') }), 'R006');
  assert.ok(failed(empty));
  assert.match(empty.details[0], /version label is empty/);
});

test('R013: satisfied by an origin on git.coopcloud.tech, otherwise skipped offline (never unsatisfied)', () => {
  assert.ok(rule(recipe(), 'R013').satisfied);
  assert.ok(rule(recipe({ git: goodGit({ originUrl: 'ssh://git@git.coopcloud.tech:2222/coop-cloud/demo.git' }) }), 'R013').satisfied);
  for (const git of [goodGit({ originUrl: 'https://github.com/me/demo.git' }), goodGit({ originUrl: undefined }), undefined]) {
    const r = rule(recipe({ git }), 'R013');
    assert.ok(r.skipped);
    assert.deepEqual(r.details, ['offline check not possible']);
  }
  assert.equal(remoteHost('git@git.coopcloud.tech:coop-cloud/demo.git'), 'git.coopcloud.tech');
  assert.equal(remoteHost('https://user@Git.CoopCloud.tech/x'), 'git.coopcloud.tech');
  assert.equal(remoteHost('/srv/git/demo'), undefined);
});

test('R014: any lightweight tag is a critical failure; skipped outside git', () => {
  const r = rule(recipe({ git: goodGit({ tags: [{ name: '1.0.0+1.27.5', type: 'annotated', commit: C }, { name: '1.0.1+1.27.5', type: 'lightweight', commit: C }] }) }), 'R014');
  assert.ok(failed(r));
  assert.equal(r.level, 'critical');
  assert.equal(r.details.length, 1);
  assert.match(r.details[0], /^1\.0\.1\+1\.27\.5 is a lightweight tag: git tag -d 1\.0\.1\+1\.27\.5 && git tag -a 1\.0\.1\+1\.27\.5/);
  assert.ok(rule(recipe(), 'R014').satisfied);
  assert.ok(rule(recipe({ git: undefined }), 'R014').skipped);
});

test('release tags order by recipe semver, then upstream chunk by chunk', () => {
  assert.ok(compareReleaseTags('1.10.0+1.0', '1.9.0+2.0') > 0);
  assert.ok(compareReleaseTags('1.0.0+1.27.10', '1.0.0+1.27.9') > 0);
  assert.equal(newestRelease(['v1', '0.9.0+1', '1.2.0+3.1-alpine', '1.10.0+2', 'latest']), '1.10.0+2');
  assert.equal(newestRelease(['v1', 'latest']), undefined);
});
