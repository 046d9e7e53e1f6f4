// `kite recipe lint` and `kite recipe new` on real git repositories made in
// the sandbox's $ABRA_DIR/recipes (no swarm needed). The built binary runs
// without a terminal (stdin ignored, stdout/stderr piped), as in CI.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from './harness.js';

const sb = new Sandbox();

const COMPOSE = `services:
  app:
    image: nginx:1.27.5
    networks: [proxy]
    configs:
      - source: nginx_conf
        target: /etc/nginx/conf.d/default.conf
    deploy:
      labels:
        - "traefik.enable=true"
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1.27.5"
    healthcheck:
      test: ["CMD", "true"]
networks:
  proxy:
    external: true
configs:
  nginx_conf:
    name: \${STACK_NAME}_nginx_conf_\${NGINX_CONF_VERSION}
    file: nginx.conf
`;

const README = `# Lint test

<!-- metadata -->
* **Category**: Apps
* **Status**: 1
* **Image**: [\`nginx\`](https://hub.docker.com/_/nginx), 4, upstream
* **Healthcheck**: Yes
* **Backups**: No
* **Email**: N/A
* **Tests**: 1
* **SSO**: N/A
<!-- endmetadata -->
`;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Kite Test', '-c', 'user.email=kite@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

/** A well-formed recipe committed in a fresh git repository; `tag` makes its release tag. */
function makeRecipe(name: string, tag: 'annotated' | 'lightweight' | 'none'): string {
  const dir = join(sb.abraDir, 'recipes', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'compose.yml'), COMPOSE);
  writeFileSync(join(dir, '.env.sample'), `TYPE=${name}\nDOMAIN=${name}.example.com\nLETS_ENCRYPT_ENV=production\n`);
  writeFileSync(join(dir, 'abra.sh'), 'export NGINX_CONF_VERSION=v1\n');
  writeFileSync(join(dir, 'nginx.conf'), 'server { listen 80; }\n');
  writeFileSync(join(dir, 'README.md'), README);
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'chore: publish 1.0.0+1.27.5 release');
  if (tag === 'annotated') git(dir, 'tag', '-a', '1.0.0+1.27.5', '-m', 'chore: publish 1.0.0+1.27.5 release');
  if (tag === 'lightweight') git(dir, 'tag', '1.0.0+1.27.5');
  return dir;
}

interface JsonResult {
  ref: string;
  level: string;
  satisfied: boolean;
  skipped: boolean;
  details: string[];
}

function row(stdout: string, ref: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith(`${ref} `));
  assert.ok(line, `no table row for ${ref} in:\n${stdout}`);
  return line;
}

test('a lightweight release tag is a critical R014 failure: exit 7, without a TTY', async () => {
  makeRecipe('lint-light', 'lightweight');
  const r = await sb.kite(['recipe', 'lint', 'lint-light']);
  assert.equal(r.code, 7, r.stderr);
  assert.match(row(r.stdout, 'R014'), /only annotated tags used for recipe version\s+critical\s+❌\s+-\s+replace lightweight tag with annotated tag/);
  assert.match(r.stdout, /1\.0\.0\+1\.27\.5 is a lightweight tag/);
  assert.match(r.stderr, /ERROR recipe lint-light: 1 critical lint rule not satisfied: R014 \(only annotated tags used for recipe version\)/);
  assert.match(row(r.stdout, 'R006'), /❌/); // a lightweight tag is not a published version either
  assert.match(r.stdout.split('\n')[0], /^REF\s+RULE\s+SEVERITY\s+SATISFIED\s+SKIPPED\s+HOW TO FIX$/);
});

test('--only-errors (-o) lists only the failed rules; -m gives JSON', async () => {
  const short = await sb.kite(['recipe', 'lint', 'lint-light', '-o']);
  assert.equal(short.code, 7);
  const table = short.stdout.split('\n\n')[0].split('\n');
  const refs = table.filter((l) => /^[RK]\d{3} /.test(l)).map((l) => l.slice(0, 4));
  assert.deepEqual(refs, ['R006', 'R014']);
  const long = await sb.kite(['r', 'l', 'lint-light', '--only-errors']);
  assert.equal(long.stdout, short.stdout);

  const json = await sb.kite(['recipe', 'lint', 'lint-light', '-m']);
  assert.equal(json.code, 7);
  const out = JSON.parse(json.stdout) as { recipe: string; results: JsonResult[] };
  assert.equal(out.recipe, 'lint-light');
  assert.equal(out.results.length, 24);
  const r014 = out.results.find((x) => x.ref === 'R014')!;
  assert.deepEqual([r014.level, r014.satisfied, r014.skipped], ['critical', false, false]);
});

test('a good recipe with an annotated release tag: exit 0, R006/R014 satisfied, R013 skipped offline', async () => {
  makeRecipe('lint-good', 'annotated');
  const r = await sb.kite(['recipe', 'lint', 'lint-good', '-m']);
  assert.equal(r.code, 0, r.stderr);
  const results = (JSON.parse(r.stdout) as { results: JsonResult[] }).results;
  const by = new Map(results.map((x) => [x.ref, x]));
  assert.ok(by.get('R006')!.satisfied && !by.get('R006')!.skipped);
  assert.ok(by.get('R014')!.satisfied && !by.get('R014')!.skipped);
  assert.ok(by.get('R013')!.skipped);
  assert.deepEqual(by.get('R013')!.details, ['offline check not possible']);
  assert.ok(by.get('K004')!.satisfied && !by.get('K004')!.skipped, 'K004 compares with the release tag');
  assert.deepEqual(results.filter((x) => !x.satisfied && !x.skipped), []);
  assert.match(r.stderr, /lint-good: 23 satisfied, 0 failed \(0 critical\), 1 skipped/);
});

test('origin on git.coopcloud.tech satisfies R013 (no network used)', async () => {
  const dir = join(sb.abraDir, 'recipes', 'lint-good');
  git(dir, 'remote', 'add', 'origin', 'https://git.coopcloud.tech/coop-cloud/lint-good.git');
  try {
    const r = await sb.kite(['recipe', 'lint', 'lint-good', '-m']);
    assert.equal(r.code, 0, r.stderr);
    const r013 = (JSON.parse(r.stdout) as { results: JsonResult[] }).results.find((x) => x.ref === 'R013')!;
    assert.ok(r013.satisfied && !r013.skipped);
  } finally {
    git(dir, 'remote', 'remove', 'origin');
  }
});

test('a config file changed since the release without a version bump warns (K004), exit stays 0', async () => {
  const dir = makeRecipe('lint-config', 'annotated');
  writeFileSync(join(dir, 'nginx.conf'), 'server { listen 8080; }\n');
  const stale = await sb.kite(['recipe', 'lint', 'lint-config']);
  assert.equal(stale.code, 0, stale.stderr);
  assert.match(row(stale.stdout, 'K004'), /warn\s+❌/);
  assert.match(stale.stdout, /config nginx_conf: nginx\.conf changed since 1\.0\.0\+1\.27\.5 but the config is still named lint-config_example_com_nginx_conf_v1: bump NGINX_CONF_VERSION/);

  // committed changes count as well; bumping the version fixes it
  git(dir, 'commit', '--quiet', '-am', 'change nginx.conf');
  assert.match(row((await sb.kite(['recipe', 'lint', 'lint-config'])).stdout, 'K004'), /❌/);
  writeFileSync(join(dir, 'abra.sh'), 'export NGINX_CONF_VERSION=v2\n');
  const bumped = await sb.kite(['recipe', 'lint', 'lint-config']);
  assert.match(row(bumped.stdout, 'K004'), /warn\s+✅/);
});

test('a compose file that does not load is a critical K001 finding, not a crash', async () => {
  const dir = makeRecipe('lint-broken', 'annotated');
  writeFileSync(join(dir, 'compose.extra.yml'), 'services:\n  app:\n    image: [oops\n');
  const r = await sb.kite(['recipe', 'lint', 'lint-broken']);
  assert.equal(r.code, 7, r.stderr);
  assert.match(row(r.stdout, 'K001'), /critical\s+❌/);
  assert.match(r.stdout, /compose\.yml:compose\.extra\.yml: compose\.extra\.yml:\d+: invalid YAML/);
  assert.match(r.stderr, /K001/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/); // no stack trace
});

test('lint: an unknown recipe is not found (exit 5); a path to a directory works', async () => {
  const missing = await sb.kite(['recipe', 'lint', 'no-such-recipe']);
  assert.equal(missing.code, 5);
  assert.match(missing.stderr, /recipe "no-such-recipe" not found/);
  const byPath = await sb.kite(['recipe', 'lint', join(sb.abraDir, 'recipes', 'lint-good')]);
  assert.equal(byPath.code, 0, byPath.stderr);
});

test('recipe new: a git repository with one commit on main that passes its own critical lint rules', async () => {
  const r = await sb.kite(['recipe', 'new', 'e2e-new', '-N', 'E2E New', '-u', 'Jo Maintainer', '-e', 'jo@example.com']);
  assert.equal(r.code, 0, r.stderr);
  const dir = join(sb.abraDir, 'recipes', 'e2e-new');
  assert.equal(r.stdout.trim(), dir);
  assert.deepEqual(readdirSync(dir).sort(), ['.drone.yml', '.env.sample', '.git', '.gitignore', 'README.md', 'abra.sh', 'compose.yml', 'release']);
  assert.equal(git(dir, 'rev-list', '--count', 'HEAD'), '1');
  assert.equal(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
  assert.equal(git(dir, 'log', '-1', '--format=%an <%ae>'), 'Jo Maintainer <jo@example.com>');
  assert.equal(git(dir, 'status', '--porcelain'), '');
  assert.deepEqual(git(dir, 'ls-files').split('\n').sort(), ['.drone.yml', '.env.sample', '.gitignore', 'README.md', 'abra.sh', 'compose.yml', 'release/.git-keep-me']);
  assert.match(git(dir, 'show', 'HEAD:README.md'), /^# E2E New\n/);
  assert.match(git(dir, 'show', 'HEAD:.env.sample'), /^TYPE=e2e-new\n/);

  const lint = await sb.kite(['recipe', 'lint', 'e2e-new', '-m']);
  assert.equal(lint.code, 0, lint.stderr);
  const results = (JSON.parse(lint.stdout) as { results: JsonResult[] }).results;
  assert.deepEqual(results.filter((x) => x.level === 'critical' && !x.satisfied && !x.skipped), []);
  assert.deepEqual(results.filter((x) => !x.satisfied && !x.skipped).map((x) => x.ref), ['R006']);
});

test('recipe new refuses an existing directory (exit 6) and bad names (exit 2), changing nothing', async () => {
  const dir = join(sb.abraDir, 'recipes', 'e2e-new');
  const head = git(dir, 'rev-parse', 'HEAD');
  const again = await sb.kite(['recipe', 'new', 'e2e-new']);
  assert.equal(again.code, 6);
  assert.match(again.stderr, /recipe "e2e-new" already exists/);
  assert.equal(git(dir, 'rev-parse', 'HEAD'), head);

  const bad = await sb.kite(['recipe', 'n', 'Bad/Name']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid recipe name "Bad\/Name"/);
});

test('recipe new without a git identity says which flags to pass and leaves no directory', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kite-nohome-'));
  const env = { HOME: home, GIT_CONFIG_GLOBAL: join(home, 'none'), GIT_CONFIG_NOSYSTEM: '1' };
  const r = await sb.kite(['recipe', 'new', 'e2e-anon'], env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /git does not know who commits: pass --git-name and --git-email/);
  assert.ok(!existsSync(join(sb.abraDir, 'recipes', 'e2e-anon')));
  const ok = await sb.kite(['recipe', 'new', 'e2e-anon', '--git-name', 'A', '--git-email', 'a@example.com'], env);
  assert.equal(ok.code, 0, ok.stderr);
});
