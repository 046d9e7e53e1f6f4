// `app cp` path rules: which side is the container, where things land
// (docker cp's rules), and archive entries that try to escape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCopyArg, placeCopy, planCopy, rebaseEntry } from '../../src/core/copy-paths.js';
import { UsageError } from '../../src/core/errors.js';

test('service:/path is the container side; ./a:b and /a:b are local', () => {
  assert.deepEqual(parseCopyArg('app:/var/www'), { kind: 'service', service: 'app', path: '/var/www' });
  assert.deepEqual(parseCopyArg('db_1:data'), { kind: 'service', service: 'db_1', path: 'data' });
  assert.deepEqual(parseCopyArg('./a:b'), { kind: 'local', path: './a:b' });
  assert.deepEqual(parseCopyArg('/tmp/a:b'), { kind: 'local', path: '/tmp/a:b' });
  assert.deepEqual(parseCopyArg('backup.sql'), { kind: 'local', path: 'backup.sql' });
  assert.throws(() => parseCopyArg('app:'), UsageError);
});

test('exactly one side is in a container; relative container paths start at /', () => {
  assert.deepEqual(planCopy('app:/etc/x', '.'), { direction: 'from-container', service: 'app', remote: '/etc/x', local: '.' });
  assert.deepEqual(planCopy('dump.sql', 'db:tmp/'), { direction: 'to-container', service: 'db', remote: '/tmp/', local: 'dump.sql' });
  assert.throws(() => planCopy('a', 'b'), /both paths are local/);
  assert.throws(() => planCopy('app:/a', 'db:/b'), /both paths are in containers/);
});

test('placement follows docker cp', () => {
  // into an existing directory, under the source's own name
  assert.deepEqual(placeCopy('/src/dir', true, '/dst', 'directory'), { dir: '/dst', rootName: 'dir' });
  assert.deepEqual(placeCopy('file.txt', false, '/dst/', 'directory'), { dir: '/dst/', rootName: 'file.txt' });
  // `dir/.`: its contents
  assert.deepEqual(placeCopy('/src/dir/.', true, '/dst', 'directory'), { dir: '/dst', rootName: '' });
  // a missing destination is created under its own name
  assert.deepEqual(placeCopy('/src/dir', true, '/dst/new', 'missing'), { dir: '/dst', rootName: 'new' });
  assert.deepEqual(placeCopy('a.txt', false, '/dst/b.txt', 'missing'), { dir: '/dst', rootName: 'b.txt' });
  // a file replaces a file
  assert.deepEqual(placeCopy('a.txt', false, '/dst/b.txt', 'file'), { dir: '/dst', rootName: 'b.txt' });
  assert.throws(() => placeCopy('/src/dir', true, '/dst/b.txt', 'file'), /directory onto the file/);
  assert.throws(() => placeCopy('a.txt', false, '/nope/', 'missing'), /does not exist/);
});

test('entries are renamed under the new root and may not escape it', () => {
  assert.equal(rebaseEntry('www/', 'www', 'copy'), 'copy');
  assert.equal(rebaseEntry('www/a/b.txt', 'www', 'copy'), 'copy/a/b.txt');
  assert.equal(rebaseEntry('./www/a', 'www', ''), 'a');
  assert.equal(rebaseEntry('www', 'www', ''), undefined);
  assert.equal(rebaseEntry('a/b', '', 'root'), 'root/a/b');
  assert.throws(() => rebaseEntry('www/../../etc/passwd', 'www', 'copy'), /outside/);
  assert.throws(() => rebaseEntry('/etc/passwd', 'www', 'copy'), /outside/);
  assert.throws(() => rebaseEntry('other/x', 'www', 'copy'), /not under www/);
});
