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

// the operation on a real git repository: a change to a file that is not the recipe's is asked about
test('release asks about changes to other files: yes commits them with the release, no (or no terminal) refuses naming them', async () => {
  const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { makeReleasedRecipe, git, RELEASES } = await import('../e2e/git-fixture.js');
  const { releaseRecipe } = await import('../../src/operations/recipe-release.js');
  const ports = (await import('../../src/cli/ports.js')).createPorts();
  const { work } = makeReleasedRecipe(mkdtempSync(join(tmpdir(), 'kite-release-ask-')), 'kite-test-app', RELEASES.slice(0, 1));
  git(work, 'config', 'user.name', 'T');
  git(work, 'config', 'user.email', 't@example.com');
  const composeFile = join(work, 'compose.yml');
  writeFileSync(composeFile, readFileSync(composeFile, 'utf8').replace('        - "coop-cloud.${STACK_NAME}.version=', '        - "traefik.enable=true"\n        - "coop-cloud.${STACK_NAME}.version='));
  git(work, 'commit', '-q', '-am', 'traefik label (lint R010)');
  writeFileSync(join(work, 'abra.sh'), readFileSync(join(work, 'abra.sh'), 'utf8') + '# a recipe change\n');
  writeFileSync(join(work, 'notes.txt'), 'not the recipe\n');
  const input = { version: '1.0.1+1.0', notes: 'Fix.', dryRun: false, publish: false };
  let asked: string[][] = [];
  await assert.rejects(
    releaseRecipe(ports, work, 'kite-test-app', { ...input, confirmOthers: async (o, r) => (asked = [o, r], false) }),
    (e: Error) => /not the recipe's: notes\.txt \(\?\?\)/.test(e.message),
  );
  assert.deepEqual(asked, [['notes.txt (??)'], ['abra.sh']]);
  await assert.rejects(releaseRecipe(ports, work, 'kite-test-app', input), /not the recipe's: notes\.txt/);
  assert.equal(git(work, 'tag', '-l', '1.0.1+1.0'), '', 'nothing released');
  const r = await releaseRecipe(ports, work, 'kite-test-app', { ...input, confirmOthers: async () => true });
  assert.deepEqual(r.files, ['abra.sh', 'compose.yml', 'notes.txt', 'release/1.0.1+1.0']);
  assert.deepEqual(git(work, 'diff', '--name-only', 'HEAD~1', 'HEAD').split('\n'), ['abra.sh', 'compose.yml', 'notes.txt', 'release/1.0.1+1.0']);
  assert.equal(git(work, 'status', '--porcelain'), '');
  assert.equal(git(work, 'cat-file', '-t', '1.0.1+1.0'), 'tag');
});
