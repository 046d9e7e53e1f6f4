import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sshRecipeUrl } from '../../src/operations/recipe-fetch.js';

test('--ssh: git@<host>:<path>/<recipe>.git from the https recipes.base, as abra', () => {
  assert.equal(sshRecipeUrl('gitea', 'https://git.coopcloud.tech/coop-cloud'), 'git@git.coopcloud.tech:coop-cloud/gitea.git');
  assert.equal(sshRecipeUrl('gitea', 'https://git.coopcloud.tech/coop-cloud/'), 'git@git.coopcloud.tech:coop-cloud/gitea.git');
  // the web server's user and port are not SSH's
  assert.equal(sshRecipeUrl('gitea', 'https://me@git.example.org:3000/org/sub'), 'git@git.example.org:org/sub/gitea.git');
  assert.equal(sshRecipeUrl('gitea', 'http://git.example.org'), 'git@git.example.org:gitea.git');
});

test('--ssh: an SSH base is used as it is', () => {
  assert.equal(sshRecipeUrl('gitea', 'ssh://git@git.example.org:2222/coop-cloud'), 'ssh://git@git.example.org:2222/coop-cloud/gitea.git');
  assert.equal(sshRecipeUrl('gitea', 'git@git.example.org:coop-cloud'), 'git@git.example.org:coop-cloud/gitea.git');
});

test('--ssh: a base no SSH URL can be derived from is a usage error naming it', () => {
  assert.throws(() => sshRecipeUrl('gitea', '/srv/recipes'), (e: Error & { kind?: string }) => e.kind === 'usage' && /recipes\.base \/srv\/recipes/.test(e.message));
  assert.throws(() => sshRecipeUrl('gitea', 'file:///srv/recipes'), /cannot derive an SSH URL/);
});
