// What `kite recipe test` checks before it creates anything: that its result
// can be saved (a read-only or full $ABRA_DIR/tests made a whole run, minutes
// of deploys, end in an error with the result lost), and what a run that was
// killed (kill -9) left on the test domain.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbraDir } from '../../src/adapters/abra-dir.js';
import { createPorts } from '../../src/cli/ports.js';
import { CancelledError, ConflictError, LocalWriteError, UsageError } from '../../src/core/errors.js';
import { recipeReleases, recipeTest } from '../../src/operations/recipe-test.js';
import { FakeSwarm } from './helpers/fake-swarm.js';

/** an $ABRA_DIR with a server and a one-release recipe (a git tag) */
function abraWithRecipe(): string {
  const root = mkdtempSync(join(tmpdir(), 'kite-rt-preflight-'));
  mkdirSync(join(root, 'servers', 'srv'), { recursive: true });
  const recipe = join(root, 'recipes', 'r');
  mkdirSync(recipe, { recursive: true });
  writeFileSync(join(recipe, 'compose.yml'), 'version: "3.8"\nservices:\n  app:\n    image: nginx:1\n');
  writeFileSync(join(recipe, '.env.sample'), 'TYPE=r\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: recipe, env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'chore: publish 1.0.0+1 release');
  git('tag', '-a', '1.0.0+1', '-m', 'r');
  return root;
}

/** $ABRA_DIR/tests cannot be written (as a read-only mount or a full disk would have it) */
class ReadOnlyTests extends AbraDir {
  override assertWritable(path: string): void {
    if (path.startsWith(join(this.root, 'tests'))) throw new LocalWriteError(path, 'EROFS', `cannot write ${path}: read-only file system (EROFS)`, 'remount it');
    super.assertWritable(path);
  }
}

test('a result that cannot be saved is refused before anything is created on the server', async () => {
  const dir = new ReadOnlyTests(abraWithRecipe());
  const swarm = new FakeSwarm();
  const ports = createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock });
  const events = recipeTest(ports, { recipe: 'r', server: 'srv', domain: 'r-test.example.com', offline: true });
  await assert.rejects(
    async () => {
      for (;;) if ((await events.next()).done) break;
    },
    (e: Error) => e instanceof LocalWriteError && e.message.includes(join(dir.root, 'tests', 'r', '1.0.0+1.json')),
  );
  const [services, secrets, configs, networks] = await Promise.all([swarm.listServices(), swarm.listSecrets(), swarm.listConfigs(), swarm.listNetworks()]);
  assert.deepEqual([services, secrets, configs].map((x) => x.length), [0, 0, 0], 'no service, secret or config was created');
  assert.ok(networks.every((n) => !n.Name.startsWith('r-test_example_com')), 'nor a network of the test stack or its witnesses');
  assert.equal(dir.exists(join(dir.root, 'servers', 'srv', 'r-test.example.com.env')), false, 'nor the test app');
});

test('the test app of a run that did not finish (kill -9) is refused as such, saying how to clean it up; nothing is touched', async () => {
  const dir = new AbraDir(abraWithRecipe());
  const domain = 'r-test.example.com';
  const env = join(dir.root, 'servers', 'srv', `${domain}.env`);
  writeFileSync(env, `TYPE=r\nDOMAIN=${domain}\n`);
  const swarm = new FakeSwarm();
  // the killed run's witness object, still on the server
  await swarm.createSecret({ Name: 'r-test_example_comw_witness', Labels: { 'kite.recipe-test.witness': 'r-test_example_com', 'com.docker.stack.namespace': 'r-test_example_comw' }, Data: 'eA==' });
  const ports = createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock });
  const events = recipeTest(ports, { recipe: 'r', server: 'srv', domain, offline: true });
  await assert.rejects(
    async () => {
      for (;;) if ((await events.next()).done) break;
    },
    (e: Error) =>
      e instanceof ConflictError &&
      e.message.includes(`${domain} is the test app of a \`kite recipe test\` that did not finish (killed, or still running)`) &&
      e.message.includes('r-test_example_comw_witness') &&
      (e.hint ?? '').includes(`kite app undeploy ${domain}`) &&
      (e.hint ?? '').includes(`kite app remove ${domain} --force`),
  );
  assert.equal((await swarm.listSecrets()).length, 1, 'its witness is left to the run that may still own it');
  assert.ok(dir.exists(env));
});

test('a recipe name that is no recipe name (../x) is refused before anything is cloned or asked of the server', async () => {
  const dir = new AbraDir(abraWithRecipe());
  const swarm = new FakeSwarm();
  const ports = createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock });
  for (const recipe of ['../x', 'a/b', '.hidden', 'x\u001b[31m']) {
    const events = recipeTest(ports, { recipe, server: 'srv', domain: 'r-test.example.com' });
    await assert.rejects(
      async () => {
        for (;;) if ((await events.next()).done) break;
      },
      (e: Error) => e instanceof UsageError && e.message.startsWith(`"${recipe}" is not a recipe name`),
      recipe,
    );
    await assert.rejects(() => recipeReleases(ports, recipe, false), UsageError, recipe);
  }
  assert.deepEqual(readdirSync(join(dir.root, 'recipes')), ['r'], 'nothing was cloned');
});

test('cancelled half-way (Ctrl-C, SIGTERM): the error says the test app was removed, not that a deploy goes on', async () => {
  const dir = new AbraDir(abraWithRecipe());
  const swarm = new FakeSwarm();
  const ports = createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock });
  const abort = new AbortController();
  const events = recipeTest(ports, { recipe: 'r', server: 'srv', domain: 'r-test.example.com', offline: true, signal: abort.signal });
  const seen: string[] = [];
  await assert.rejects(
    async () => {
      for (;;) {
        const next = await events.next();
        if (next.done) break;
        seen.push(next.value.type);
        // stop while the install's deploy is being watched
        if (next.value.type === 'deploy' && !abort.signal.aborted) abort.abort();
      }
    },
    (e: Error) => e instanceof CancelledError && e.message === 'recipe test cancelled' && /the test app r-test\.example\.com and its witness objects were removed/.test(e.hint ?? '') && !/deploy goes on/.test(`${e.message} ${e.hint}`),
  );
  assert.ok(seen.includes('deploy'), seen.join(' '));
  assert.deepEqual((await swarm.listServices()).map((s) => s.Spec.Name), [], 'nothing of the test app is left');
  assert.equal(dir.exists(join(dir.root, 'servers', 'srv', 'r-test.example.com.env')), false);
});
