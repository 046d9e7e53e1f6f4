// Image tag comparison as abra's recipe upgrade does it (tagcmp semantics):
// only tags of one scheme are compared, numbers as numbers, moving tags never.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allSemverLikeTags, compareTags, newerTags, parseTag, sameScheme, upgradeKind, withinBound } from '../../src/core/tag-compare.js';

const tag = (s: string) => {
  const t = parseTag(s);
  assert.ok(t, `${s} should parse`);
  return t;
};

test('semver-like tags parse; moving and odd tags do not', () => {
  assert.deepEqual(tag('1.27.5'), { raw: '1.27.5', v: false, parts: [1, 27, 5], suffix: '' });
  assert.deepEqual(tag('v2.4.8'), { raw: 'v2.4.8', v: true, parts: [2, 4, 8], suffix: '' });
  assert.deepEqual(tag('16-alpine'), { raw: '16-alpine', v: false, parts: [16], suffix: 'alpine' });
  assert.deepEqual(tag('1.14.1-rootless'), { raw: '1.14.1-rootless', v: false, parts: [1, 14, 1], suffix: 'rootless' });
  assert.deepEqual(tag('1.2.3.4').parts, [1, 2, 3, 4]);
  for (const bad of ['latest', 'stable', 'alpine', 'main', 'linux-arm64-rootless', '1.2.3.4.5', 'a1.2', '1..2', '', 'v', '1.2-', 'sha-abc123']) {
    assert.equal(parseTag(bad), undefined, bad);
  }
});

test('1.27.10 is newer than 1.27.5 (numbers, not text)', () => {
  assert.equal(compareTags(tag('1.27.10'), tag('1.27.5')), 1);
  assert.equal(compareTags(tag('1.27.5'), tag('1.27.10')), -1);
  assert.equal(compareTags(tag('1.27.5'), tag('1.27.5')), 0);
  assert.deepEqual(newerTags('1.27.5', ['1.27.4', '1.27.10', '1.27.9', '1.28.0', '2.0.0']).map((c) => c.tag), ['2.0.0', '1.28.0', '1.27.10', '1.27.9']);
});

test('16-alpine → 17-alpine is a major upgrade; other suffixes are other schemes', () => {
  const found = newerTags('16-alpine', ['17-alpine', '17', '16.1-alpine', '18-bookworm', '15-alpine', 'alpine', 'latest']);
  assert.deepEqual(found, [{ tag: '17-alpine', kind: 'major' }]);
  assert.equal(sameScheme(tag('16-alpine'), tag('17')), false);
});

test('v-prefixed tags compare only with v-prefixed tags', () => {
  assert.deepEqual(newerTags('v2.4.8', ['v2.4.9', '2.5.0', 'v2.10.0', 'v3.0.0-rc1', 'v2.4']).map((c) => c.tag), ['v2.10.0', 'v2.4.9']);
  assert.equal(sameScheme(tag('v2.4.8'), tag('2.4.8')), false);
});

test('latest-style tags are never offered, not even with --all-tags', () => {
  assert.deepEqual(newerTags('1.0', ['latest', 'stable', 'edge', '1.1']).map((c) => c.tag), ['1.1']);
  assert.deepEqual(allSemverLikeTags('1.0', ['latest', '1.1', 'edge', '2.0-alpine', '0.9']), ['1.1', '0.9', '2.0-alpine']);
});

test('different schemes are not compared: number of parts, suffix', () => {
  assert.deepEqual(newerTags('1.27', ['1.27.5', '1.28', '2']).map((c) => c.tag), ['1.28']);
  assert.deepEqual(newerTags('1.14.1-rootless', ['1.14.2', '1.14.2-rootless', '1.15.0-rootless-arm64']).map((c) => c.tag), ['1.14.2-rootless']);
  assert.deepEqual(newerTags('latest', ['1.0', '2.0']), [], 'a current tag that is not semver-like has no upgrades');
});

test('upgrade kinds and bounds: -x allows major, -y minor, -z patch', () => {
  assert.equal(upgradeKind(tag('1.0'), tag('2.0')), 'major');
  assert.equal(upgradeKind(tag('1.0'), tag('1.1')), 'minor');
  assert.equal(upgradeKind(tag('1.27.5'), tag('1.27.10')), 'patch');
  assert.equal(upgradeKind(tag('1.2.3.4'), tag('1.2.3.5')), 'patch');
  assert.equal(upgradeKind(tag('1.0'), tag('1.0')), undefined);
  assert.equal(upgradeKind(tag('1.0'), tag('1.0-alpine')), 'major', 'a scheme change counts as major');
  const avail = ['1.0', '1.1', '2.0', '1.0.1'];
  assert.deepEqual(newerTags('1.0', avail, 'major').map((c) => c.tag), ['2.0', '1.1']);
  assert.deepEqual(newerTags('1.0', avail, 'minor').map((c) => c.tag), ['1.1']);
  assert.deepEqual(newerTags('1.0', avail, 'patch').map((c) => c.tag), []);
  assert.deepEqual(newerTags('1.27.5', ['1.27.6', '1.28.0', '2.0.0'], 'patch'), [{ tag: '1.27.6', kind: 'patch' }]);
  assert.equal(withinBound('minor', undefined), true);
  assert.equal(withinBound('major', 'minor'), false);
});
