import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chaosVersion, compareChunks, newerThan, olderThan, parseVersion, releaseVersions, versionsBetween } from '../../src/core/versions.js';
import { chooseDeployVersion, type VersionQuery } from '../../src/core/deploy-version.js';

const tags = ['1.0.0+1.14.3', '1.1.0+1.15.3', '1.1.0+1.15.10', '0.9.0+1.0', '2.0.0+2.0-rc1', 'latest', 'v1.0.0', '1.2.0+1.16.0'];
const list = releaseVersions([...tags.map((name) => ({ name, annotated: true })), { name: '1.3.0+1.17.0', annotated: false }]);

test('release versions: ordered by semver then upstream chunks; malformed and lightweight tags skipped with a warning', () => {
  assert.deepEqual(list.versions.map((v) => v.tag), ['0.9.0+1.0', '1.0.0+1.14.3', '1.1.0+1.15.3', '1.1.0+1.15.10', '1.2.0+1.16.0', '2.0.0+2.0-rc1']);
  assert.equal(list.warnings.length, 3);
  assert.match(list.warnings.join('\n'), /latest.*not a recipe version/);
  assert.match(list.warnings.join('\n'), /1\.3\.0\+1\.17\.0 is a lightweight tag/);
});

test('upstream parts compare numbers as numbers', () => {
  assert.ok(compareChunks('1.27.10-alpine', '1.27.9-alpine') > 0);
  assert.ok(compareChunks('16-alpine', '16') > 0);
  assert.equal(parseVersion('0.0.1')?.upstream, '');
  assert.equal(parseVersion('1.0+2'), undefined);
});

test('newer, older and the notes range', () => {
  assert.deepEqual(newerThan(list, '1.1.0+1.15.3').map((v) => v.tag), ['1.1.0+1.15.10', '1.2.0+1.16.0', '2.0.0+2.0-rc1']);
  assert.deepEqual(olderThan(list, '1.0.0+1.14.3').map((v) => v.tag), ['0.9.0+1.0']);
  assert.deepEqual(versionsBetween(list, '1.0.0+1.14.3', '1.2.0+1.16.0').map((v) => v.tag), ['1.1.0+1.15.3', '1.1.0+1.15.10', '1.2.0+1.16.0']);
  assert.equal(chaosVersion('abcdef12', true), 'abcdef12+U');
});

const base: VersionQuery = { recipe: 'r', versions: list, head: { short: 'abcdef12', dirty: false }, isCommit: (r) => r === 'deadbeef' };

test("abra's five cases, in order", () => {
  assert.deepEqual(chooseDeployVersion({ ...base, chaos: true, head: { short: 'abcdef12', dirty: true } }).version, 'abcdef12+U');
  assert.equal(chooseDeployVersion({ ...base, explicit: '1.0.0+1.14.3', envVersion: '1.2.0+1.16.0' }).version, '1.0.0+1.14.3');
  assert.equal(chooseDeployVersion({ ...base, explicit: 'deadbeef' }).ref, 'deadbeef');
  assert.equal(chooseDeployVersion({ ...base, envVersion: '1.1.0+1.15.3' }).version, '1.1.0+1.15.3');
  assert.equal(chooseDeployVersion({ ...base, envVersion: '1.1.0+1.15.3', ignoreEnvVersion: true }).version, '2.0.0+2.0-rc1');
  assert.equal(chooseDeployVersion({ ...base, deployed: { version: '1.0.0+1.14.3', chaos: false }, force: true }).version, '1.0.0+1.14.3');
  assert.equal(chooseDeployVersion(base).version, '2.0.0+2.0-rc1');
  const unreleased = chooseDeployVersion({ ...base, versions: { versions: [], warnings: [] } });
  assert.deepEqual([unreleased.version, unreleased.ref, unreleased.chaos], ['abcdef12', 'HEAD', false]);
});

test('a dirty recipe is refused without chaos; unknown versions name the known ones', () => {
  assert.throws(() => chooseDeployVersion({ ...base, head: { short: 'x', dirty: true } }), /locally unstaged changes/);
  assert.throws(() => chooseDeployVersion({ ...base, explicit: '9.9.9+9' }), (e: Error & { hint?: string }) => /no version 9\.9\.9\+9/.test(e.message) && /1\.0\.0\+1\.14\.3/.test(e.hint ?? ''));
});
