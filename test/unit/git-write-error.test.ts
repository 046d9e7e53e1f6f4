// git failing to write a recipe clone (read-only, full, not permitted) says
// which directory and why, instead of git's raw `index.lock` message. The
// read-only clone is real: a tmpfs remounted read-only (needs root).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalWriteError } from '../../src/core/errors.js';
import { cloneRecipe, openRecipe } from '../../src/adapters/recipe-git.js';
import { gitWriteError } from '../../src/adapters/local-write-error.js';
import { Tmpfs, canMount } from './helpers/tmpfs.js';

const scratch = mkdtempSync(join(tmpdir(), 'kite-git-write-'));
const mounts: Tmpfs[] = [];
after(() => {
  for (const m of mounts) m.dispose();
});

test("git's write errors in words: index.lock on a read-only clone, clone into a full disk", () => {
  const ro = gitWriteError(new Error("fatal: Unable to create '/abra/recipes/r/.git/index.lock': Read-only file system"), '/abra/recipes/r');
  assert.ok(ro instanceof LocalWriteError);
  assert.equal(ro.code, 'EROFS');
  assert.match(ro.message, /^cannot write the recipe clone \/abra\/recipes\/r: read-only file system/);
  assert.match(ro.hint ?? '', /remount it read-write, or point ABRA_DIR/);
  assert.equal(gitWriteError(new Error('fatal: could not create work tree dir \'x\': No space left on device'), '/abra/recipes/x')?.code, 'ENOSPC');
  // a remote refusing us is not a local write error
  assert.equal(gitWriteError(new Error('git@host: Permission denied (publickey).\nfatal: Could not read from remote repository.'), '/d'), undefined);
  assert.equal(gitWriteError(new Error('fatal: repository not found'), '/d'), undefined);
});

test('a recipe clone on a read-only file system: checkout and clone name the directory (real git, real EROFS)', async () => {
  assert.ok(canMount, 'needs root to mount a tmpfs: the test suite runs as root (npm test)');
  const fs = new Tmpfs('4m');
  mounts.push(fs);
  const origin = join(scratch, 'origin');
  mkdirSync(origin);
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...args], { cwd, stdio: 'ignore' });
  git(origin, 'init', '-q', '-b', 'main');
  writeFileSync(join(origin, 'compose.yml'), 'services: {}\n');
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'one');
  git(origin, 'tag', '1.0.0');
  writeFileSync(join(origin, 'compose.yml'), 'services: {a: {}}\n');
  git(origin, 'commit', '-q', '-am', 'two');
  const clone = join(fs.dir, 'recipes', 'r');
  await cloneRecipe(clone, [origin]);
  fs.readOnly();

  await assert.rejects(openRecipe(clone).checkout('1.0.0'), (e: unknown) => {
    assert.ok(e instanceof LocalWriteError, String(e));
    assert.equal(e.code, 'EROFS');
    assert.match(e.message, new RegExp(`^cannot write the recipe clone ${clone}: read-only file system`));
    return true;
  });
  await assert.rejects(openRecipe(clone).fetch([], false), (e: unknown) => e instanceof LocalWriteError && e.path === clone);
  const second = join(fs.dir, 'recipes', 'second');
  await assert.rejects(cloneRecipe(second, [origin]), (e: unknown) => {
    assert.ok(e instanceof LocalWriteError, String(e));
    assert.equal(e.code, 'EROFS');
    assert.ok(e.message.includes(join(fs.dir, 'recipes')), e.message);
    return true;
  });
});
