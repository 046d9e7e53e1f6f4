import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isReleaseFile } from '../../src/operations/recipe-release.js';

test('a release commits pending changes to the recipe files only', () => {
  const compose = ['compose.yml', 'compose.smtp.yml', 'compose.extra.yml'];
  for (const p of ['compose.yml', 'compose.smtp.yml', 'compose.extra.yml', '.env.sample', 'abra.sh', 'README.md', 'release/next', 'release/1.2.0+3.4']) {
    assert.ok(isReleaseFile(p, compose), p);
  }
  for (const p of ['notes.txt', 'tmp/scratch.log', 'compose.other.yml', 'release/old/1.0.0', 'docs/README.md', '.gitignore', 'entrypoint.sh.tmpl']) {
    assert.ok(!isReleaseFile(p, compose), p);
  }
});
