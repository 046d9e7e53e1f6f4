// The operator's git environment reaches git: simple-git 4 would strip
// GIT_SSH_COMMAND, GIT_SSL_CAINFO, the identity variables and kite's own
// "never prompt" unless allowed; variables that point git at another
// repository stay out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowedGitEnvironment, gitClient } from '../../src/adapters/git-client.js';

test('GIT_* variables pass, except those that name another repository', () => {
  const allowed = allowedGitEnvironment({ GIT_SSH_COMMAND: 'x', GIT_SSL_CAINFO: 'y', GIT_AUTHOR_NAME: 'a', GIT_DIR: '/elsewhere', GIT_WORK_TREE: '/w', HOME: '/root' });
  assert.deepEqual(allowed.sort(), ['GIT_AUTHOR_NAME', 'GIT_SSH_COMMAND', 'GIT_SSL_CAINFO']);
});

test("the operator's GIT_SSH_COMMAND is the ssh git runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kite-git-env-'));
  const marker = join(dir, 'used');
  const fakeSsh = join(dir, 'fake-ssh');
  writeFileSync(fakeSsh, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  chmodSync(fakeSsh, 0o755);
  const before = process.env.GIT_SSH_COMMAND;
  process.env.GIT_SSH_COMMAND = fakeSsh;
  try {
    await assert.rejects(gitClient(dir).listRemote(['git@git.example.invalid:coop-cloud/nothing.git']));
  } finally {
    if (before === undefined) delete process.env.GIT_SSH_COMMAND;
    else process.env.GIT_SSH_COMMAND = before;
  }
  assert.ok(existsSync(marker), 'git ran the ssh command of GIT_SSH_COMMAND');
});
