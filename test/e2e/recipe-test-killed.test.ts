// `kite recipe test` killed with kill -9 half-way, end to end on the rig: no
// clean-up can run, so its test app and its witness objects stay; the next
// run on that domain is refused naming them and saying how to clean up (not
// "an existing app … pass another --domain", which left the witnesses to no
// one), and changes nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, Sandbox, SERVER, SSH_CONFIG, docker, purgeStack, stackObjects } from './harness.js';
import { leftovers, makeRecipe, seedCatalogue } from './recipe-test-fixture.js';

const RECIPE = 'kite-test-killed';
const RUN = `kd${(process.pid % 46656).toString(36)}`;
const DOMAIN = `${RUN}-t.kite.test`;
const STACK = `${RUN}-t_kite_test`;
const PORT = 17700 + (process.pid % 400);
const esc = (s: string) => s.replace(/[.+]/g, '\\$&');

const sb = new Sandbox();
const root = mkdtempSync(join(tmpdir(), 'kite-killed-'));
const remotes = join(root, 'remotes');

before(async () => {
  purgeStack(STACK);
  purgeStack(`${STACK}w`);
  mkdirSync(remotes, { recursive: true });
  makeRecipe(root, remotes, RECIPE, 'one-release', PORT);
  seedCatalogue(root, join(root, 'catalogue.git'));
  writeFileSync(join(sb.abraDir, 'kite.yml'), `recipes:\n  base: file://${remotes}\ncatalogue:\n  url: file://${join(root, 'catalogue.git')}\n`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
});

after(async () => {
  purgeStack(STACK);
  purgeStack(`${STACK}w`);
  // the killed run's volume stays busy until its containers are gone
  for (let i = 0; i < 120 && docker('ps', '-aq', '--filter', `label=com.docker.stack.namespace=${STACK}`); i++) await new Promise((r) => setTimeout(r, 500));
  purgeStack(STACK);
});

test('after kill -9 the next run on the domain is refused naming the witness objects left and how to clean up; nothing changes', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'recipe', 'test', RECIPE, '-s', SERVER, '-D', DOMAIN], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  for (let i = 0; i < 600 && stackObjects(STACK).services.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(stackObjects(STACK).services.length > 0, `the test app was deployed: ${stderr}`);
  child.kill('SIGKILL');
  await exited;
  const witnesses = leftovers(`${STACK}w_`);
  assert.ok(witnesses.length > 0, 'a killed run leaves its witness objects');

  const again = await sb.kite(['recipe', 'test', RECIPE, '-s', SERVER, '-D', DOMAIN]);
  assert.equal(again.code, 6, again.stderr);
  assert.match(again.stderr, new RegExp(`${esc(DOMAIN)} is the test app of a \`kite recipe test\` that did not finish \\(killed, or still running\\): its witness objects ${esc(STACK)}w_witness are still on ${SERVER}`));
  assert.match(again.stderr, new RegExp(`kite app undeploy ${esc(DOMAIN)}\`, \`kite app remove ${esc(DOMAIN)} --force`));
  assert.deepEqual(leftovers(`${STACK}w_`), witnesses, 'nothing changed');
  assert.ok(existsSync(sb.envPath(DOMAIN)));
});
