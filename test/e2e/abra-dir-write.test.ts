// Writing $ABRA_DIR from the CLI: a symlinked env file stays a link through
// `app deploy`, a 245-character domain works for `app new` (the temp name is
// short), a full disk under servers/ (a real tmpfs) gives a clear error and
// leaves no temp file, and hand-placed files that kite cannot use (a binary
// env file, a file name that is not a domain) are refused naming the file
// before the server is asked anything.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER, Sandbox, docker, purgeStack, waitForHttp } from './harness.js';
import { RELEASES, git, makeReleasedRecipe } from './git-fixture.js';
import { Tmpfs, canMount } from '../unit/helpers/tmpfs.js';

const DOMAIN = 'abrawrite.kite.test';
const STACK = 'abrawrite_kite_test';
const PORT = '18571';
const RECIPE = 'kite-test-app';
const sb = new Sandbox();
const mounts: Tmpfs[] = [];
const elsewhere = mkdtempSync(join(tmpdir(), 'kite-abrawrite-store-'));

before(() => {
  purgeStack(STACK);
  const fixture = makeReleasedRecipe(mkdtempSync(join(tmpdir(), 'kite-abrawrite-git-')), RECIPE, RELEASES.slice(0, 1));
  git(sb.abraDir, 'clone', '-q', fixture.bare, join(sb.abraDir, 'recipes', RECIPE));
  mkdirSync(join(sb.abraDir, 'servers', SERVER), { recursive: true });
});
after(() => {
  purgeStack(STACK);
  for (const m of mounts) m.dispose();
});

/** files in a directory that look like kite's (or an older kite's) temp files */
function tempFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

test('a symlinked env file stays a link through app new and app deploy; its target gets TYPE=', async () => {
  const created = await sb.kite(['app', 'new', RECIPE, '--server', SERVER, '--domain', DOMAIN, '--secrets', '--offline']);
  assert.equal(created.code, 0, created.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);
  sb.setEnv(DOMAIN, 'TYPE', RECIPE); // no version yet: the deploy must write it
  // the operator keeps env files in another directory (e.g. a private git repository), linked in
  const target = join(elsewhere, `${DOMAIN}.env`);
  renameSync(sb.envPath(DOMAIN), target);
  symlinkSync(target, sb.envPath(DOMAIN));

  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  await waitForHttp(Number(PORT), '/page.html');
  assert.ok(lstatSync(sb.envPath(DOMAIN)).isSymbolicLink(), 'the env file is still a symlink');
  assert.equal(readlinkSync(sb.envPath(DOMAIN)), target);
  assert.match(readFileSync(target, 'utf8'), /^TYPE=kite-test-app:1\.0\.0\+1\.0$/m, 'the target has the deployed version');
  assert.deepEqual(tempFiles(elsewhere), []);
  assert.deepEqual(tempFiles(join(sb.abraDir, 'servers', SERVER)), []);
  assert.equal(docker('service', 'inspect', '--format', '{{index .Spec.Labels "coop-cloud.abrawrite_kite_test.version"}}', `${STACK}_app`), '1.0.0+1.0');
});

test('app new of a valid 245-character domain works (no ENAMETOOLONG)', async () => {
  const domain = `abrawrite-long-${'a'.repeat(45)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(62)}`;
  assert.equal(domain.length, 245);
  const r = await sb.kite(['app', 'new', RECIPE, '--server', SERVER, '--domain', domain, '--offline']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(sb.readEnv(domain), new RegExp(`^DOMAIN=${domain.replace(/\./g, '\\.')}$`, 'm'));
  assert.deepEqual(tempFiles(join(sb.abraDir, 'servers', SERVER)), []);
});

test('a full disk under servers/ (a real tmpfs): a clear error naming the file, exit 9, no temp file, no env file', async () => {
  assert.ok(canMount, 'needs root to mount a tmpfs: the test suite runs as root (npm test)');
  const full = new Sandbox();
  git(full.abraDir, 'clone', '-q', join(sb.abraDir, 'recipes', RECIPE), join(full.abraDir, 'recipes', RECIPE));
  const fs = new Tmpfs('64k');
  mounts.push(fs);
  mkdirSync(join(fs.dir, SERVER));
  // servers/ is the tmpfs (through a symlinked directory)
  const servers = join(full.abraDir, 'servers');
  renameSync(servers, `${servers}-disk`);
  symlinkSync(fs.dir, servers);
  fs.fill();

  const domain = 'abrawrite-full.kite.test';
  const r = await full.kite(['app', 'new', RECIPE, '--server', SERVER, '--domain', domain, '--offline']);
  assert.equal(r.code, 9, `exit 9 expected:\n${r.stderr}`);
  assert.ok(r.stderr.includes(full.envPath(domain)), `names the env file:\n${r.stderr}`);
  assert.match(r.stderr, /disk full/);
  assert.match(r.stderr, /free some space/);
  assert.doesNotMatch(r.stderr, /ENOSPC: no space left on device, /, 'not the raw Node error');
  assert.deepEqual(readdirSync(join(fs.dir, SERVER)), [], 'neither an env file nor a temp file is left');
});

test('a binary env file is refused naming the file; its bytes are not printed', async () => {
  const domain = 'abrawrite-binary.kite.test';
  writeFileSync(sb.envPath(domain), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x1b, 0x5d, 0x32, 0x3b, 0x70, 0x77, 0x6e, 0x07, 0xff, 0xfe]));
  for (const args of [['app', 'check', domain], ['app', 'deploy', domain]]) {
    const r = await sb.kite(args);
    assert.equal(r.code, 7, `${args.join(' ')}:\n${r.stderr}`);
    assert.ok(r.stderr.includes(`${sb.envPath(domain)}: not an env file: binary content`), r.stderr);
    assert.doesNotMatch(r.stderr + r.stdout, /\x1b\]2;pwn|\x7fELF/, 'no raw bytes from the file');
  }
});

test('an env file whose name is not a domain is refused naming the file, before Docker is asked', async () => {
  const path = join(sb.abraDir, 'servers', SERVER, 'Foo_Bar!.env');
  writeFileSync(path, `TYPE=${RECIPE}\nAPP_PORT=${PORT}\n`);
  const r = await sb.kite(['app', 'deploy', 'Foo_Bar!']);
  assert.equal(r.code, 7, r.stderr);
  assert.ok(r.stderr.includes(`${path}: the file name gives the app domain "Foo_Bar!", which is not a valid domain name`), r.stderr);
  assert.doesNotMatch(r.stderr, /rpc error/);
});
