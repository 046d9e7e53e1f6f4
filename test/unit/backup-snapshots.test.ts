// kite's snapshots in restic (tags, listing, choosing one, download paths)
// and the `backups:` block of kite.yml.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadPath, parseSnapshots, pickSnapshot, snapshotTags } from '../../src/core/backup-snapshots.js';
import { backupSettingsFor, DEFAULT_BACKUP_IMAGE, DEFAULT_BACKUP_REPOSITORY } from '../../src/core/backup-settings.js';
import { parseSettings } from '../../src/core/settings.js';
import { RecipeError } from '../../src/core/errors.js';
import { snapshotVolumePaths } from '../../src/operations/backup-restore.js';

const STACK = 'cloud_example_com';

function restic(id: string, time: string, tags: string[], paths: string[] = []) {
  return { id: id.padEnd(64, '0'), short_id: id.slice(0, 8), time, tags, paths, hostname: 'kite-backup' };
}

test('the facts of a snapshot go into tags and come back from restic snapshots --json', () => {
  const tags = snapshotTags({ stack: STACK, version: '1.2.0+2.1', recipe: 'nextcloud', services: ['app', 'db'], volumes: ['data', 'db-data'], size: 4096 });
  assert.deepEqual(tags, [STACK, 'kite', 'version=1.2.0+2.1', 'recipe=nextcloud', 'service=app', 'service=db', 'volume=data', 'volume=db-data', 'size=4096']);
  const json = JSON.stringify([
    restic('bbbbbbbb', '2026-11-30T07:00:00Z', tags, ['/kite']),
    restic('aaaaaaaa', '2026-11-29T07:00:00Z', [STACK, 'kite', 'volume=data']),
    // backup-bot-two's run-wide snapshot, and another app's: not this app's kite snapshots
    restic('cccccccc', '2026-11-30T08:00:00Z', [STACK, 'other_stack', 'ALL']),
    restic('dddddddd', '2026-11-30T09:00:00Z', ['other_stack', 'kite']),
  ]);
  const list = parseSnapshots(json, STACK);
  assert.deepEqual(list.map((s) => s.shortId), ['aaaaaaaa', 'bbbbbbbb']);
  assert.deepEqual(
    { version: list[1].version, recipe: list[1].recipe, services: list[1].services, volumes: list[1].volumes, size: list[1].size, paths: list[1].paths },
    { version: '1.2.0+2.1', recipe: 'nextcloud', services: ['app', 'db'], volumes: ['data', 'db-data'], size: 4096, paths: ['/kite'] },
  );
  assert.equal(list[0].size, undefined);
  assert.deepEqual(parseSnapshots('null', STACK), []);
  assert.deepEqual(parseSnapshots('', STACK), []);
});

test('a tag value never holds a comma (restic would split it)', () => {
  assert.ok(snapshotTags({ stack: STACK, version: 'a,b', services: [], volumes: [] }).includes('version=a_b'));
});

test('choosing a snapshot: the latest by default, else a unique id prefix of 4 or more characters', () => {
  const list = parseSnapshots(JSON.stringify([restic('ab12aaaa', '2026-01-01T00:00:00Z', [STACK, 'kite']), restic('ab12bbbb', '2026-01-02T00:00:00Z', [STACK, 'kite']), restic('cd34cccc', '2026-01-03T00:00:00Z', [STACK, 'kite'])]), STACK);
  assert.equal(pickSnapshot(list)?.shortId, 'cd34cccc');
  assert.equal(pickSnapshot(list, 'latest')?.shortId, 'cd34cccc');
  assert.equal(pickSnapshot(list, 'ab12b')?.shortId, 'ab12bbbb');
  assert.equal(pickSnapshot(list, 'ab12'), undefined, 'ambiguous');
  assert.equal(pickSnapshot(list, 'cd3'), undefined, 'too short');
  assert.equal(pickSnapshot(list, 'ffff'), undefined);
  assert.equal(pickSnapshot([], undefined), undefined);
});

test('download paths: volume files under the volume name, secrets and kite files kept, the rest left out', () => {
  assert.equal(downloadPath(`var/lib/docker/volumes/${STACK}_db-data/_data/backup.sql`, STACK), 'db-data/backup.sql');
  assert.equal(downloadPath(`/var/lib/docker/volumes/${STACK}_data/_data`, STACK), 'data/');
  assert.equal(downloadPath(`var/lib/docker/volumes/${STACK}_data/_data/`, STACK), 'data/');
  assert.equal(downloadPath('secrets/cloud_example_com_db_password_v1', STACK), 'secrets/cloud_example_com_db_password_v1');
  assert.equal(downloadPath('kite/app.env', STACK), 'kite/app.env');
  assert.equal(downloadPath('var/lib/docker/volumes/', STACK), undefined);
  assert.equal(downloadPath('var/lib/docker/volumes/other_data/_data/x', STACK), undefined);
});

test('the volume paths a snapshot holds: the whole volume, or the paths under it', () => {
  const root = `/var/lib/docker/volumes/${STACK}_db/_data`;
  const s = (paths: string[]) => ({ id: 'x', shortId: 'x', time: '', services: [], volumes: ['db'], paths });
  assert.deepEqual(snapshotVolumePaths(s([root, '/secrets']), STACK, 'db'), []);
  assert.deepEqual(snapshotVolumePaths(s([`${root}/backup.sql`, `${root}/dumps`, '/kite']), STACK, 'db'), ['backup.sql', 'dumps']);
});

test('kite.yml backups: defaults, per-server repository and ssh key, image', () => {
  assert.deepEqual(backupSettingsFor(parseSettings('', 'kite.yml').backups, 's1'), { repository: DEFAULT_BACKUP_REPOSITORY, image: DEFAULT_BACKUP_IMAGE });
  const s = parseSettings(
    ['backups:', '  repository: /srv/restic/', '  image: kite-test/restic:latest', '  servers:', '    s2:', '      repository: sftp:backup@offsite:/r/s2', '      ssh_key: ~/.ssh/offsite', '      known_hosts: /k/hosts'].join('\n'),
    'kite.yml',
  ).backups;
  assert.deepEqual(backupSettingsFor(s, 's1'), { repository: '/srv/restic', image: 'kite-test/restic:latest' });
  assert.deepEqual(backupSettingsFor(s, 's2'), { repository: 'sftp:backup@offsite:/r/s2', image: 'kite-test/restic:latest', sshKey: '~/.ssh/offsite', knownHosts: '/k/hosts' });
});

test('kite.yml backups: bad values name the key', () => {
  const bad = (yaml: string, key: RegExp) => assert.throws(() => parseSettings(yaml, '/abra/kite.yml'), (e: Error) => e instanceof RecipeError && key.test(e.message) && /\/abra\/kite\.yml/.test(e.message));
  bad('backups: yes', /\(backups\)/);
  bad('backups:\n  repository: relative/dir', /backups\.repository.*absolute directory/);
  bad('backups:\n  repository: 42', /backups\.repository/);
  bad('backups:\n  image: ""', /backups\.image/);
  bad('backups:\n  servers: [a]', /backups\.servers/);
  bad('backups:\n  servers:\n    s1:\n      repository: x', /backups\.servers\.s1\.repository/);
  bad('backups:\n  servers:\n    s1:\n      known_hosts: [a]', /backups\.servers\.s1\.known_hosts/);
});
