// Writing files in $ABRA_DIR: the atomic env-file write (symlinks kept, mode
// kept, short temp names, no temp file left), assertWritable, and write
// failures as LocalWriteError. Disk full and read-only are real (a tmpfs,
// filled or remounted read-only; needs root). Permission denied cannot be
// produced as root, so it is checked at the fs boundary (an errno object).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbraDir, writeAtomic } from '../../src/adapters/abra-dir.js';
import { localWriteError } from '../../src/adapters/local-write-error.js';
import { LocalWriteError } from '../../src/core/errors.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { Tmpfs, canMount } from './helpers/tmpfs.js';

const scratch = mkdtempSync(join(tmpdir(), 'kite-abradir-write-'));
const mounts: Tmpfs[] = [];
after(() => {
  for (const m of mounts) m.dispose();
});

function newDir(name: string): { dir: AbraDir; server: string } {
  const root = join(scratch, name);
  const server = join(root, 'servers', 'srv');
  mkdirSync(server, { recursive: true });
  return { dir: new AbraDir(root), server };
}

/** an $ABRA_DIR on a fresh tmpfs, with servers/srv/<domain>.env holding `TYPE=x` */
function onTmpfs(size: string, domain: string): { fs: Tmpfs; dir: AbraDir; path: string } {
  const fs = new Tmpfs(size);
  mounts.push(fs);
  const dir = new AbraDir(fs.dir);
  mkdirSync(join(fs.dir, 'servers', 'srv'), { recursive: true });
  const path = dir.appPath('srv', domain);
  writeFileSync(path, 'TYPE=x\n');
  return { fs, dir, path };
}

/** the directory's entries that are not the files named */
function leftovers(dir: string, ...known: string[]): string[] {
  return readdirSync(dir).filter((f) => !known.includes(f) && f !== '.filler');
}

function assertLocalWrite(e: unknown, path: string, code: string, words: RegExp): true {
  assert.ok(e instanceof LocalWriteError, `expected a LocalWriteError, got ${String(e)}`);
  assert.equal(e.path, path);
  assert.equal(e.code, code);
  assert.ok(e.message.includes(path), `message names the file: ${e.message}`);
  assert.match(e.message, words);
  assert.ok(e.hint && e.hint.length > 10, 'a hint says what to do');
  assert.equal(exitCodeFor(e), 9);
  return true;
}

test('a symlinked env file stays a link: its target is rewritten, in its own directory', () => {
  const { dir, server } = newDir('link');
  const elsewhere = join(scratch, 'link-target');
  mkdirSync(elsewhere);
  const target = join(elsewhere, 'real.env');
  writeFileSync(target, 'TYPE=x\n', { mode: 0o640 });
  chmodSync(target, 0o640);
  const link = dir.appPath('srv', 'app.example.com');
  symlinkSync(target, link);

  dir.writeEnvFile(link, 'TYPE=x:1.0.0\n');

  assert.ok(lstatSync(link).isSymbolicLink(), 'the env file is still a symlink');
  assert.equal(readlinkSync(link), target);
  assert.equal(readFileSync(target, 'utf8'), 'TYPE=x:1.0.0\n');
  assert.equal(statSync(target).mode & 0o777, 0o640, "the target's mode is kept");
  assert.deepEqual(leftovers(server, 'app.example.com.env'), [], 'nothing left beside the link');
  assert.deepEqual(leftovers(elsewhere, 'real.env'), [], 'no temp file left beside the target');
});

test('a relative symlink, and a chain of links, are followed to the file', () => {
  const { dir, server } = newDir('chain');
  writeFileSync(join(server, 'store.env'), 'A=1\n');
  symlinkSync('store.env', join(server, 'middle.env'));
  const link = dir.appPath('srv', 'chain.example.com');
  symlinkSync('middle.env', link);
  dir.writeEnvFile(link, 'A=2\n');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.ok(lstatSync(join(server, 'middle.env')).isSymbolicLink());
  assert.equal(readFileSync(join(server, 'store.env'), 'utf8'), 'A=2\n');
});

test('a new env file is 0600; an existing one keeps its mode', () => {
  const { dir } = newDir('mode');
  const path = dir.appPath('srv', 'mode.example.com');
  dir.writeEnvFile(path, 'A=1\n');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  chmodSync(path, 0o644);
  dir.writeEnvFile(path, 'A=2\n');
  assert.equal(statSync(path).mode & 0o777, 0o644);
  assert.equal(readFileSync(path, 'utf8'), 'A=2\n');
});

test('a 251-character domain (a 255-character file name) can be written: the temp name is short', () => {
  const { dir, server } = newDir('long');
  const label = 'a'.repeat(63);
  const domain = `${label}.${label}.${label}.${'b'.repeat(59)}`;
  assert.equal(domain.length, 251);
  const path = dir.appPath('srv', domain);
  dir.writeEnvFile(path, 'A=1\n');
  assert.equal(readFileSync(path, 'utf8'), 'A=1\n');
  dir.assertWritable(path);
  assert.deepEqual(leftovers(server, `${domain}.env`), []);
});

test('assertWritable leaves nothing behind and changes nothing', () => {
  const { dir, server } = newDir('assert');
  const path = dir.appPath('srv', 'ok.example.com');
  writeFileSync(path, 'A=1\n');
  dir.assertWritable(path);
  assert.equal(readFileSync(path, 'utf8'), 'A=1\n');
  assert.deepEqual(leftovers(server, 'ok.example.com.env'), []);
});

test('disk full (a real ENOSPC): a clear error naming the file, the old file intact, no temp file', () => {
  assert.ok(canMount, 'needs root to mount a tmpfs: the test suite runs as root (npm test)');
  const { fs, dir, path } = onTmpfs('64k', 'full.example.com');
  fs.fill();

  assert.throws(() => dir.assertWritable(path), (e) => assertLocalWrite(e, path, 'ENOSPC', /disk full/));
  assert.throws(() => dir.writeEnvFile(path, 'TYPE=x:1.0.0\n'), (e) => assertLocalWrite(e, path, 'ENOSPC', /disk full/));
  assert.equal(readFileSync(path, 'utf8'), 'TYPE=x\n', 'the env file is as it was');
  assert.deepEqual(leftovers(join(fs.dir, 'servers', 'srv'), 'full.example.com.env'), [], 'no temp file left');

  fs.unfill();
  dir.writeEnvFile(path, 'TYPE=x:1.0.0\n');
  assert.equal(readFileSync(path, 'utf8'), 'TYPE=x:1.0.0\n');
});

test('read-only file system (a real EROFS): a clear error naming the file', () => {
  assert.ok(canMount, 'needs root to mount a tmpfs: the test suite runs as root (npm test)');
  const { fs, dir, path } = onTmpfs('256k', 'ro.example.com');
  fs.readOnly();

  assert.throws(() => dir.assertWritable(path), (e) => assertLocalWrite(e, path, 'EROFS', /read-only file system/));
  assert.throws(() => dir.writeEnvFile(path, 'TYPE=x:2\n'), (e) => assertLocalWrite(e, path, 'EROFS', /read-only file system/));
  // a new server directory cannot be created either
  const fresh = dir.appPath('other', 'new.example.com');
  assert.throws(() => dir.writeEnvFile(fresh, 'A=1\n'), (e) => assertLocalWrite(e, fresh, 'EROFS', /read-only/));
  // writeAtomic is what recipe edits and the catalogue use too
  const recipeFile = join(fs.dir, 'recipes', 'r', 'compose.yml');
  assert.throws(() => writeAtomic(recipeFile, 'x', 0o644), (e) => assertLocalWrite(e, recipeFile, 'EROFS', /read-only/));
  assert.equal(readFileSync(path, 'utf8'), 'TYPE=x\n');
});

test('permission denied and quota, at the fs boundary (root cannot be denied)', () => {
  const path = '/abra/servers/srv/app.example.com.env';
  const denied = localWriteError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), path);
  assertLocalWrite(denied, path, 'EACCES', /permission denied/);
  assert.match((denied as LocalWriteError).hint ?? '', /ls -ld \/abra\/servers\/srv/);
  assertLocalWrite(localWriteError(Object.assign(new Error('x'), { code: 'EDQUOT' }), path), path, 'EDQUOT', /quota/);
  // other errors pass through unchanged
  const other = Object.assign(new Error('boom'), { code: 'EIO' });
  assert.equal(localWriteError(other, path), other);
});
