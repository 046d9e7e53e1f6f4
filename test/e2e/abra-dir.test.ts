// kite on an $ABRA_DIR that abra wrote: the env files are read as they are
// (comments, quoting, commented-out keys, modifiers, RECIPE= of older abra)
// and left byte for byte as they were by reading, generating secrets,
// deploying and undeploying. The one line kite may rewrite is TYPE=/RECIPE=
// (the deployed version is recorded there), and it must keep naming the recipe.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SERVER, Sandbox, docker, purgeStack, waitForHttp } from './harness.js';

const DOMAIN = 'abradir.kite.test';
const OLD_DOMAIN = 'abradir-old.kite.test';
const STACK = 'abradir_kite_test';
const PORT = 18437; // APP_PORT in the fixture env file
const RECIPE = 'kite-test-app';
const sb = new Sandbox();

interface Snapshot {
  sha256: string;
  text: string;
}
const before_: Record<string, Snapshot> = {};

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

/** every file under servers/, relative path → content */
function serverFiles(): Record<string, Snapshot> {
  const root = join(sb.abraDir, 'servers');
  const files: Record<string, Snapshot> = {};
  for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(root, rel);
    try {
      const buf = readFileSync(path);
      files[rel] = { sha256: createHash('sha256').update(buf).digest('hex'), text: buf.toString('utf8') };
    } catch {
      /* a directory */
    }
  }
  return files;
}

const RECIPE_LINE = /^(TYPE|RECIPE)=/;

/** no file added or removed; each identical, or different only in its TYPE=/RECIPE= line, which still names the recipe */
function assertEnvFilesKept(step: string): void {
  const now = serverFiles();
  assert.deepEqual(Object.keys(now), Object.keys(before_), `${step}: files under servers/ changed`);
  for (const [rel, was] of Object.entries(before_)) {
    const is = now[rel];
    if (is.sha256 === was.sha256) continue;
    const wasLines = was.text.split('\n');
    const isLines = is.text.split('\n');
    assert.equal(isLines.length, wasLines.length, `${step}: ${rel} gained or lost lines`);
    for (let i = 0; i < wasLines.length; i++) {
      if (RECIPE_LINE.test(wasLines[i])) {
        const [key, value] = wasLines[i].split('=');
        assert.match(isLines[i], new RegExp(`^${key}=${RECIPE}(:\\S+)?$`), `${step}: ${rel}:${i + 1} no longer names ${value.split(':')[0]}`);
      } else {
        assert.equal(isLines[i], wasLines[i], `${step}: ${rel}:${i + 1} was rewritten`);
      }
    }
  }
}

async function kiteOk(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await sb.kite(args);
  assert.equal(r.code, 0, `kite ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r;
}

before(() => {
  purgeStack(STACK);
  cpSync(join(ROOT, 'test/fixtures/abra-dir/servers'), join(sb.abraDir, 'servers'), { recursive: true });
  // the recipe as `abra recipe fetch` leaves it: a clone, at its release tag
  const scratch = mkdtempSync(join(tmpdir(), 'kite-abradir-git-'));
  const work = join(scratch, RECIPE);
  cpSync(join(ROOT, 'test/fixtures/recipes', RECIPE), work, { recursive: true });
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'chore: publish 1.0.0+1.0 release');
  git(work, 'tag', '-a', '1.0.0+1.0', '-m', 'chore: publish 1.0.0+1.0 release');
  git(scratch, 'clone', '-q', '--bare', work, join(scratch, `${RECIPE}.git`));
  git(sb.abraDir, 'clone', '-q', join(scratch, `${RECIPE}.git`), join(sb.abraDir, 'recipes', RECIPE));
  Object.assign(before_, serverFiles());
  assert.deepEqual(Object.keys(before_), [`${SERVER}/${OLD_DOMAIN}.env`, `${SERVER}/${DOMAIN}.env`]);
});
after(() => purgeStack(STACK));

test('app ls lists both apps, whatever era of abra wrote them', async () => {
  const r = await kiteOk(['app', 'ls']);
  assert.match(r.stdout, new RegExp(DOMAIN.replace(/\./g, '\\.')));
  assert.match(r.stdout, new RegExp(OLD_DOMAIN.replace(/\./g, '\\.')));
  assertEnvFilesKept('app ls');
});

test('app check finds every key of .env.sample in the abra-written file', async () => {
  await kiteOk(['app', 'check', DOMAIN]);
  assertEnvFilesKept('app check');
});

test('app ps of an app that is not deployed', async () => {
  const r = await kiteOk(['app', 'ps', DOMAIN]);
  assert.match(r.stderr + r.stdout, /not deployed/);
  assertEnvFilesKept('app ps');
});

test('app secret generate --all honours the # length= modifier', async () => {
  const r = await kiteOk(['app', 'secret', 'generate', DOMAIN, '--all', '--json']);
  const secrets = JSON.parse(r.stdout) as { remoteName: string; value: string }[];
  assert.equal(secrets.length, 1);
  assert.equal(secrets[0].remoteName, `${STACK}_db_password_v1`);
  assert.equal(secrets[0].value.length, 24);
  assert.equal(docker('secret', 'inspect', '--format', '{{.Spec.Name}}', `${STACK}_db_password_v1`), `${STACK}_db_password_v1`);
  assertEnvFilesKept('app secret generate');
});

test('app deploy runs the app with the values abra wrote', async () => {
  await kiteOk(['app', 'deploy', DOMAIN]);
  const page = await waitForHttp(PORT, '/page.html');
  assert.match(page.body, /^domain=abradir\.kite\.test greeting=hello from abra secret=\S{24}$/m);
  const labels = JSON.parse(docker('service', 'inspect', `${STACK}_app`, '--format', '{{json .Spec.Labels}}'));
  assert.equal(labels[`coop-cloud.${STACK}.recipe`], RECIPE);
  assert.equal(labels[`coop-cloud.${STACK}.version`], '1.0.0+1.0');
  assertEnvFilesKept('app deploy');
  assert.match(sb.readEnv(DOMAIN).split('\n')[0], /^TYPE=kite-test-app:1\.0\.0\+1\.0$/);
});

test('app ps of the deployed app', async () => {
  const r = await kiteOk(['app', 'ps', DOMAIN]);
  assert.match(r.stdout, new RegExp(`${STACK}_app`));
  assertEnvFilesKept('app ps (deployed)');
});

test('app undeploy', async () => {
  await kiteOk(['app', 'undeploy', DOMAIN]);
  assert.equal(docker('service', 'ls', '--filter', `label=com.docker.stack.namespace=${STACK}`, '--format', '{{.Name}}'), '');
  assertEnvFilesKept('app undeploy');
});
