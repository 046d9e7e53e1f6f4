// The private snapshot a deploy (and app new) reads a recipe version from:
// the tree of a tag or commit in a temp directory, written without touching
// the shared clone (HEAD, branch, index, working tree), removed by dispose().

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecipe } from '../../src/adapters/recipe-git.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' } }).trim();
}

test('snapshot: the tree of a ref in a private directory; the shared clone is not touched; dispose removes it', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'kite-snap-')), 'demo');
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'compose.yml'), 'v1\n');
  writeFileSync(join(dir, 'abra.sh'), '#!/bin/sh\n', { mode: 0o755 });
  symlinkSync('compose.yml', join(dir, 'link.yml'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'one');
  git(dir, 'tag', '-a', '1.0.0', '-m', 'r');
  writeFileSync(join(dir, 'compose.yml'), 'v2\n');
  git(dir, 'commit', '-q', '-am', 'two');
  writeFileSync(join(dir, 'compose.yml'), 'uncommitted\n');
  const before = { head: git(dir, 'rev-parse', 'HEAD'), branch: git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), status: git(dir, 'status', '--porcelain'), index: readFileSync(join(dir, '.git', 'index')) };

  const repo = openRecipe(dir);
  const [a, b] = await Promise.all([repo.snapshot('1.0.0'), repo.snapshot('main')]);
  assert.notEqual(a.dir, b.dir);
  assert.equal(readFileSync(join(a.dir, 'compose.yml'), 'utf8'), 'v1\n');
  assert.equal(readFileSync(join(a.dir, 'link.yml'), 'utf8'), 'v1\n');
  assert.equal(readFileSync(join(b.dir, 'compose.yml'), 'utf8'), 'v2\n', 'committed content, not the working tree');
  assert.ok(!existsSync(join(a.dir, '.git')));
  assert.equal(a.commit, git(dir, 'rev-parse', '1.0.0^{commit}'));
  assert.deepEqual({ head: git(dir, 'rev-parse', 'HEAD'), branch: git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), status: git(dir, 'status', '--porcelain'), index: readFileSync(join(dir, '.git', 'index')) }, before);
  assert.equal(readFileSync(join(dir, 'compose.yml'), 'utf8'), 'uncommitted\n');
  a.dispose();
  b.dispose();
  assert.ok(!existsSync(a.dir) && !existsSync(b.dir));
  await assert.rejects(repo.snapshot('9.9.9'));
});
