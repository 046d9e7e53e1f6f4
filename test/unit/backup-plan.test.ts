// What a backup holds, from backup-bot-two's labels on the deployed service specs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hookCommand, hookScript, labelFlag, planBackup, volumeIncludePaths } from '../../src/core/backup-plan.js';
import type { Mount, ServiceSpec } from '../../src/core/convert/swarm-types.js';

const STACK = 'bk_example_com';

function spec(name: string, labels: Record<string, string>, mounts: Array<[string, string] | Mount> = [], secrets: string[] = []): ServiceSpec {
  return {
    Name: `${STACK}_${name}`,
    Labels: labels,
    Mode: { Replicated: { Replicas: 1 } },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'img',
        Mounts: mounts.map((m) => (Array.isArray(m) ? { Type: 'volume' as const, Source: `${STACK}_${m[0]}`, Target: m[1] } : m)),
        Secrets: secrets.map((s) => ({ SecretName: `${STACK}_${s}_v1`, SecretID: `id-${s}`, File: { Name: s, UID: '0', GID: '0', Mode: 0o444 } })),
      },
    },
  };
}

test('backupbot.backup is true or false in any case; other values count as off, with a warning', () => {
  assert.equal(labelFlag('TRUE'), true);
  assert.equal(labelFlag(' True '), true);
  assert.equal(labelFlag('fAlSe'), false);
  assert.equal(labelFlag('yes'), undefined);
  const plan = planBackup(STACK, [
    spec('app', { 'backupbot.backup': 'True' }, [['data', '/data']]),
    spec('db', { 'backupbot.backup': 'FALSE' }, [['db', '/var/lib/db']]),
    spec('web', { 'backupbot.backup': 'yes' }, [['web', '/srv']]),
  ]);
  assert.deepEqual(plan.services.map((s) => s.name), ['app']);
  assert.deepEqual(plan.volumes.map((v) => v.name), ['data']);
  assert.equal(plan.warnings.length, 1);
  assert.match(plan.warnings[0], /web: backupbot\.backup="yes" is neither true nor false/);
});

test('several services may carry the label: every one of their volumes, names without the stack prefix', () => {
  const plan = planBackup(STACK, [
    spec('app', { 'backupbot.backup': 'true' }, [['uploads', '/uploads'], { Type: 'bind', Source: '/etc/x', Target: '/x' }]),
    spec('db', { 'backupbot.backup': 'true' }, [['db-data', '/var/lib/postgresql/data']]),
    spec('cache', {}, [['cache', '/cache']]),
  ]);
  assert.deepEqual(plan.services.map((s) => s.fullName), [`${STACK}_app`, `${STACK}_db`]);
  assert.deepEqual(plan.volumes, [
    { name: 'db-data', source: `${STACK}_db-data`, paths: [], services: ['db'] },
    { name: 'uploads', source: `${STACK}_uploads`, paths: [], services: ['app'] },
  ]);
  assert.deepEqual(volumeIncludePaths(STACK, plan.volumes[0]), [`/var/lib/docker/volumes/${STACK}_db-data/_data`]);
});

test('a volume is left out with backupbot.backup.volumes.<volume>=false', () => {
  const plan = planBackup(STACK, [spec('app', { 'backupbot.backup': 'true', 'backupbot.backup.volumes.tmp': 'False' }, [['data', '/data'], ['tmp', '/tmp']])]);
  assert.deepEqual(plan.volumes.map((v) => v.name), ['data']);
});

test('backupbot.backup.volumes.<volume>.path: comma-separated paths relative to the volume, / meaning all of it', () => {
  const plan = planBackup(STACK, [
    spec('db', { 'backupbot.backup': 'true', 'backupbot.backup.volumes.db-data.path': 'backup.sql, /dumps/a,dumps/./b/ ,../etc' }, [['db-data', '/var/lib/postgresql/data']]),
    spec('app', { 'backupbot.backup': 'true', 'backupbot.backup.volumes.files.path': '/' }, [['files', '/files']]),
  ]);
  const db = plan.volumes.find((v) => v.name === 'db-data');
  assert.deepEqual(db?.paths, ['backup.sql', 'dumps/a', 'dumps/b']);
  assert.deepEqual(volumeIncludePaths(STACK, db!), [
    `/var/lib/docker/volumes/${STACK}_db-data/_data/backup.sql`,
    `/var/lib/docker/volumes/${STACK}_db-data/_data/dumps/a`,
    `/var/lib/docker/volumes/${STACK}_db-data/_data/dumps/b`,
  ]);
  assert.ok(plan.warnings.some((w) => /\.\.\/etc, outside the volume/.test(w)));
  assert.deepEqual(plan.volumes.find((v) => v.name === 'files')?.paths, []);
});

test('older backupbot.backup.path: container paths, comma-separated, mapped onto the volume mounted over them', () => {
  const plan = planBackup(STACK, [
    spec('app', { 'backupbot.backup': 'true', 'backupbot.backup.path': '/data/uploads,/data/config.json, /srv,/nowhere' }, [['data', '/data'], ['srv', '/srv'], ['other', '/other']]),
  ]);
  assert.deepEqual(
    plan.volumes.map((v) => [v.name, v.paths]),
    [
      ['data', ['config.json', 'uploads']],
      ['srv', []],
    ],
  );
  assert.ok(plan.warnings.some((w) => /\/nowhere, which is on no volume/.test(w)));
});

test('two services sharing a volume: the union of their paths, the whole volume winning', () => {
  const plan = planBackup(STACK, [
    spec('a', { 'backupbot.backup': 'true', 'backupbot.backup.volumes.shared.path': 'x' }, [['shared', '/s']]),
    spec('b', { 'backupbot.backup': 'true' }, [['shared', '/s']]),
  ]);
  assert.deepEqual(plan.volumes, [{ name: 'shared', source: `${STACK}_shared`, paths: [], services: ['a', 'b'] }]);
});

test('hooks are read per service; secrets are every secret of the stack, once', () => {
  const plan = planBackup(STACK, [
    spec(
      'db',
      {
        'backupbot.backup': 'true',
        'backupbot.backup.pre-hook': '/pg_backup.sh backup',
        'backupbot.backup.post-hook': 'rm -f /tmp/x',
        'backupbot.restore.pre-hook': ' ',
        'backupbot.restore.post-hook': '/pg_backup.sh restore',
      },
      [['db', '/db']],
      ['db_password'],
    ),
    spec('app', {}, [], ['db_password', 'smtp']),
  ]);
  assert.deepEqual(plan.services[0].hooks, { backupPre: '/pg_backup.sh backup', backupPost: 'rm -f /tmp/x', restorePre: undefined, restorePost: '/pg_backup.sh restore' });
  assert.deepEqual(plan.secrets, [
    { name: `${STACK}_db_password_v1`, id: 'id-db_password' },
    { name: `${STACK}_smtp_v1`, id: 'id-smtp' },
  ]);
});

test('-s limits the plan to one service, which must carry the label', () => {
  const specs = [spec('app', { 'backupbot.backup': 'true' }, [['a', '/a']]), spec('db', { 'backupbot.backup': 'true' }, [['d', '/d']]), spec('web', {})];
  assert.deepEqual(planBackup(STACK, specs, 'db').volumes.map((v) => v.name), ['d']);
  assert.deepEqual(planBackup(STACK, specs, `${STACK}_app`).volumes.map((v) => v.name), ['a']);
  const web = planBackup(STACK, specs, 'web');
  assert.equal(web.services.length, 0);
  assert.match(web.warnings.join(), /web does not carry backupbot.backup=true/);
  assert.match(planBackup(STACK, specs, 'nope').warnings.join(), /there is no service nope/);
});

test('nothing to back up: no service carries the label', () => {
  const plan = planBackup(STACK, [spec('app', {}, [['data', '/data']])]);
  assert.deepEqual(plan.services, []);
  assert.deepEqual(plan.volumes, []);
});

test('a labelled service without volumes is planned (its hooks run), with no volume', () => {
  const plan = planBackup(STACK, [spec('app', { 'backupbot.backup': 'true', 'backupbot.backup.pre-hook': 'true' })]);
  assert.equal(plan.services.length, 1);
  assert.deepEqual(plan.volumes, []);
});

test('hook labels: a leading bash -c / sh -c and the quotes around it are dropped, as backup-bot-two does', () => {
  assert.equal(hookScript(`bash -c 'pg_dump -U x > /d/backup.sql'`), 'pg_dump -U x > /d/backup.sql');
  assert.equal(hookScript(`/bin/sh -c "echo hi"`), 'echo hi');
  assert.equal(hookScript('/pg_backup.sh backup'), '/pg_backup.sh backup');
  const cmd = hookCommand('sh -c "false | true"');
  assert.deepEqual(cmd.slice(0, 2), ['sh', '-c']);
  assert.equal(cmd[cmd.length - 1], 'false | true');
  assert.match(cmd[2], /bash -o pipefail -c "\$1"/);
});
