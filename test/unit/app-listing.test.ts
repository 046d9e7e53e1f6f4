import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildListing, sortApps, stackStatuses, type LocalApp, type StackStatus } from '../../src/core/app-listing.js';
import { releaseVersions } from '../../src/core/versions.js';

const svc = (name: string, labels: Record<string, string>) => ({ Spec: { Name: name, Labels: labels } });

test('stackStatuses reads the coop-cloud labels of <stack>_app only', () => {
  const st = stackStatuses([
    svc('a_example_com_app', {
      'com.docker.stack.namespace': 'a_example_com',
      'coop-cloud.a_example_com.version': '1.2.0+3.4',
      'coop-cloud.a_example_com.chaos': 'true',
      'coop-cloud.a_example_com.chaos-version': 'abc12345+U',
      'coop-cloud.a_example_com.autoupdate': 'true',
    }),
    // a non-app service with misleading labels is ignored for the version
    svc('a_example_com_db', { 'com.docker.stack.namespace': 'a_example_com', 'coop-cloud.a_example_com.version': '9.9.9' }),
    svc('b_example_com_web', { 'com.docker.stack.namespace': 'b_example_com' }),
    svc('c_example_com_app', { 'com.docker.stack.namespace': 'c_example_com', 'coop-cloud.c_example_com.version': '' }),
    svc('not_a_stack', {}),
  ]);
  assert.deepEqual(st.get('a_example_com'), { deployed: true, version: '1.2.0+3.4', chaos: 'true', chaosVersion: 'abc12345+U', autoUpdate: 'true' });
  assert.deepEqual(st.get('b_example_com'), { deployed: true });
  assert.equal(st.get('c_example_com')?.version, undefined, 'an empty version label means never released');
  assert.equal(st.size, 3);
});

const apps: LocalApp[] = [
  { server: 's1', domain: 'a.example.com', recipe: 'gitea', stack: 'a_example_com' },
  { server: 's1', domain: 'b.example.com', recipe: 'wordpress', stack: 'b_example_com' },
  { server: 's1', domain: 'c.example.com', recipe: 'gitea', stack: 'c_example_com' },
  { server: 's2', domain: 'd.example.com', recipe: 'gitea', stack: 'd_example_com' },
];

test('buildListing without status: every key present, status fields empty, only appCount counted', () => {
  const l = buildListing(apps, false);
  assert.deepEqual(Object.keys(l), ['s1', 's2']);
  assert.equal(l.s1.appCount, 3);
  assert.deepEqual(
    { versionCount: l.s1.versionCount, unversionedCount: l.s1.unversionedCount, latestCount: l.s1.latestCount, upgradeCount: l.s1.upgradeCount },
    { versionCount: 0, unversionedCount: 0, latestCount: 0, upgradeCount: 0 },
  );
  assert.deepEqual(l.s2.apps[0], {
    server: 's2', recipe: 'gitea', appName: 'd.example.com', domain: 'd.example.com',
    status: '', chaos: '', chaosVersion: '', autoUpdate: '', version: '', upgrade: '',
  });
});

test('buildListing with status: deployed, undeployed, unknown server', () => {
  const s1 = new Map<string, StackStatus>([
    ['a_example_com', { deployed: true, version: '1.0.0+1', chaos: 'false' }],
    ['b_example_com', { deployed: true }],
  ]);
  const l = buildListing(apps, true, new Map([['s1', s1], ['s2', undefined]]));
  const [a, b, c] = l.s1.apps;
  assert.deepEqual([a.status, a.version, a.chaos, a.chaosVersion, a.autoUpdate, a.upgrade], ['deployed', '1.0.0+1', 'false', 'unknown', 'false', 'unknown']);
  assert.deepEqual([b.status, b.version, b.chaos], ['deployed', 'unknown', 'unknown']);
  assert.deepEqual([c.status, c.version, c.autoUpdate], ['undeployed', 'unknown', 'unknown']);
  assert.deepEqual([l.s1.versionCount, l.s1.unversionedCount, l.s1.latestCount, l.s1.upgradeCount], [1, 2, 0, 0]);
  const d = l.s2.apps[0];
  assert.deepEqual([d.status, d.version, d.chaos, d.chaosVersion, d.autoUpdate, d.upgrade], ['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  assert.deepEqual([l.s2.appCount, l.s2.versionCount, l.s2.unversionedCount], [1, 0, 1]);
});

test('sortApps orders by server then domain', () => {
  const sorted = sortApps([
    { server: 'z', domain: 'a' },
    { server: 'a', domain: 'b' },
    { server: 'a', domain: 'a' },
  ]);
  assert.deepEqual(sorted, [{ server: 'a', domain: 'a' }, { server: 'a', domain: 'b' }, { server: 'z', domain: 'a' }]);
});

test('buildListing with the recipes\' releases: newer versions newest first, or latest; chaos and unknown versions are not compared', () => {
  const releases = releaseVersions(['1.0.0+1', '1.1.0+1.1', '2.0.0+2'].map((name) => ({ name, annotated: true })));
  const s1 = new Map<string, StackStatus>([
    ['a_example_com', { deployed: true, version: '1.0.0+1', chaos: 'false' }],
    ['b_example_com', { deployed: true, version: '1.0.0+1', chaos: 'false' }],
    ['c_example_com', { deployed: true, version: '2.0.0+2', chaos: 'false' }],
  ]);
  const s2 = new Map<string, StackStatus>([['d_example_com', { deployed: true, version: '1.0.0+1', chaos: 'true', chaosVersion: 'abc+U' }]]);
  const l = buildListing(apps, true, new Map([['s1', s1], ['s2', s2]]), new Map([['gitea', releases]]));
  const [a, b, c] = l.s1.apps;
  assert.equal(a.upgrade, '2.0.0+2\n1.1.0+1.1');
  assert.equal(b.upgrade, 'unknown', 'wordpress has no local releases');
  assert.equal(c.upgrade, 'latest');
  assert.deepEqual([l.s1.latestCount, l.s1.upgradeCount], [1, 1]);
  assert.equal(l.s2.apps[0].upgrade, 'unknown', 'chaos deploys are not compared');
});
