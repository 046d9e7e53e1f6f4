// The pure parts of `kite web` (issue 13): who may talk to it (auth.ts), the
// env edit check, the catalogue search, the message catalogue's coverage of
// the UI, the `git:` setting and the env commits it turns on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authorize, cookieFor, isLoopback, listenNames, parseCookies, sameToken, type AuthConfig } from '../../src/web/server/auth.js';
import { changedKeys, sampleKeys, validateEnvEdit } from '../../src/core/env-validate.js';
import { matchesQuery, recipeTags } from '../../src/core/recipe-search.js';
import type { RecipeMeta } from '../../src/core/catalogue.js';
import { parseSettings } from '../../src/core/settings.js';
import { createPorts } from '../../src/cli/ports.js';
import { envCommitMessage, recordEnvChange } from '../../src/operations/env-commit.js';
import { Jobs } from '../../src/web/server/jobs.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const TOKEN = 'tok-0123456789abcdefghijklmnopqrstuv';
const CONFIG: AuthConfig = { token: TOKEN, ...listenNames('127.0.0.1', 8777, 'http') };
const COOKIE = `kite_web=${TOKEN}`;

const req = (method: string, url: string, headers: Record<string, string> = {}) => authorize({ method, url, headers: { host: '127.0.0.1:8777', ...headers } }, CONFIG);

// ---- auth ----------------------------------------------------------------------

test('the printed URL signs in: a cookie (HttpOnly, SameSite=Strict) and a redirect without the token', () => {
  const d = req('GET', `/?token=${TOKEN}`);
  assert.equal(d.kind, 'login');
  assert.ok(d.kind === 'login');
  assert.equal(d.location, '/');
  assert.match(d.setCookie, /^kite_web=tok-[^;]+; HttpOnly; SameSite=Strict; Path=\/$/);
  assert.match(cookieFor({ token: 'x', secure: true }), /; Secure$/);
  assert.deepEqual(req('GET', '/?token=wrong'), { kind: 'deny', status: 401, reason: 'wrong token: use the URL kite web printed' });
});

test('every request without the cookie is 401, with it allowed', () => {
  for (const path of ['/', '/api/apps', '/ui/app.js', '/api/jobs/x']) assert.equal((req('GET', path) as { status?: number }).status, 401, path);
  assert.equal(req('GET', '/api/apps', { cookie: 'kite_web=nope' }).kind, 'deny');
  assert.equal(req('GET', '/api/apps', { cookie: `other=1; ${COOKIE}` }).kind, 'allow');
  assert.equal(req('GET', '/api/apps?token=' + TOKEN).kind, 'deny', 'the token in the URL signs in only at /');
});

test('a Host that is not the listen address is refused before anything else (DNS rebinding)', () => {
  for (const host of ['evil.example:8777', '127.0.0.1:9999', '127.0.0.1', '']) {
    assert.equal((authorize({ method: 'GET', url: `/?token=${TOKEN}`, headers: { host, cookie: COOKIE } }, CONFIG) as { status?: number }).status, 421, host);
  }
  assert.equal(req('GET', '/', { host: 'localhost:8777', cookie: COOKIE }).kind, 'allow');
});

test('state-changing requests need the cookie and a same-origin Origin or Sec-Fetch-Site', () => {
  assert.equal(req('POST', '/api/apps', { cookie: COOKIE, origin: 'http://127.0.0.1:8777' }).kind, 'allow');
  assert.equal(req('PUT', '/api/apps/x/env', { cookie: COOKIE, 'sec-fetch-site': 'same-origin' }).kind, 'allow');
  const refused: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: 'http://127.0.0.1:8778' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, {}, { origin: 'null' }];
  for (const h of refused) {
    assert.deepEqual(req('POST', '/api/apps', { cookie: COOKIE, ...h }), { kind: 'deny', status: 403, reason: 'cross-site request refused' }, JSON.stringify(h));
  }
  // an Origin that is wrong is not rescued by Sec-Fetch-Site
  assert.equal(req('POST', '/api/apps', { cookie: COOKIE, origin: 'http://evil.example', 'sec-fetch-site': 'same-origin' }).kind, 'deny');
  assert.equal((req('POST', '/api/apps', { origin: 'http://127.0.0.1:8777' }) as { status?: number }).status, 401);
  assert.equal(req('POST', `/?token=${TOKEN}`, { origin: 'http://127.0.0.1:8777' }).kind, 'deny', 'no sign-in by POST');
});

test('cookies, token comparison, listen names', () => {
  assert.deepEqual([...parseCookies(' a=1; b = 2;c=x=y; a=3')], [['a', '1'], ['b', '2'], ['c', 'x=y']]);
  assert.equal(sameToken(TOKEN, TOKEN), true);
  assert.equal(sameToken(TOKEN.slice(1), TOKEN), false);
  assert.equal(sameToken(undefined, TOKEN), false);
  assert.deepEqual(listenNames('10.0.0.2', 443, 'https'), { hosts: ['10.0.0.2:443'], origins: ['https://10.0.0.2:443'] });
  assert.deepEqual(listenNames('::1', 80, 'http').hosts, ['[::1]:80', 'localhost:80']);
  assert.equal(isLoopback('127.0.0.1'), true);
  assert.equal(isLoopback('0.0.0.0'), false);
});

// ---- env edits ----------------------------------------------------------------

const SAMPLE = 'TYPE=app\nDOMAIN=app.example.com\n## aliases\n#EXTRA_DOMAINS=\nGREETING=hello\nSECRET_DB_VERSION=v1 # length=24\n';

test('an env edit: unknown keys and missing required keys are problems; commented sample keys and abra keys are known', () => {
  assert.deepEqual([...sampleKeys(SAMPLE)].sort(), ['DOMAIN', 'EXTRA_DOMAINS', 'GREETING', 'SECRET_DB_VERSION', 'TYPE']);
  const ok = '# mine\nTYPE=app:1.0.0\nDOMAIN=x.example.com\nEXTRA_DOMAINS=a\nGREETING=hi\nSECRET_DB_VERSION=v2\nPOST_DEPLOY_CMDS="app x"\nKITE_PLACEMENT_DB=node.labels.database==true\n';
  assert.deepEqual(validateEnvEdit(SAMPLE, '.env.sample', ok, 'x.env'), []);
  assert.deepEqual(validateEnvEdit(SAMPLE, '.env.sample', ok.replace('GREETING=hi\n', 'NOPE=1\n'), 'x.env'), [
    { kind: 'missing', key: 'GREETING' },
    { kind: 'unknown', key: 'NOPE', line: 5 },
  ]);
  assert.deepEqual(validateEnvEdit(SAMPLE, '.env.sample', ok.replace('TYPE=app:1.0.0\n', ''), 'x.env')[0], { kind: 'no-type', key: 'TYPE' });
  const bad = validateEnvEdit(SAMPLE, '.env.sample', ok + 'FOO="unterminated\n', 'x.env');
  assert.equal(bad.length, 1);
  assert.equal(bad[0].kind, 'parse');
});

test('changed keys name keys, never values', () => {
  assert.deepEqual(changedKeys('A=1\nB=2\nC=3\n', 'A=1\nB=two\nD=4\n', 'x.env'), ['B', 'C', 'D']);
});

// ---- catalogue search -----------------------------------------------------------

function meta(name: string, description: string, extra: Partial<RecipeMeta> = {}): RecipeMeta {
  return { category: 'Apps', default_branch: 'main', description, features: { backups: 'Yes', email: 'No', healthcheck: 'Yes', image: { image: '', rating: '', source: '', url: '' }, status: 3, tests: 'No', sso: 'No' }, icon: '', name, repository: '', ssh_url: '', versions: [], website: '', ...extra };
}

test('"fedi" finds the fediverse apps by what their descriptions say; name, category and features are searched', () => {
  const mastodon = meta('mastodon', 'Your self-hosted, globally interconnected microblogging community');
  const gts = meta('gotosocial', 'Fast, fun, ActivityPub server');
  const cloud = meta('nextcloud', 'Files and calendars', { category: 'Office' });
  assert.deepEqual(recipeTags(mastodon), ['fediverse']);
  assert.equal(matchesQuery(mastodon, 'fedi'), true);
  assert.equal(matchesQuery(gts, 'Fedi'), true);
  assert.equal(matchesQuery(cloud, 'fedi'), false);
  assert.equal(matchesQuery(cloud, 'office'), true);
  assert.equal(matchesQuery(cloud, 'backups'), true);
  assert.equal(matchesQuery(cloud, 'email'), false, 'a feature marked No is not found');
  assert.equal(matchesQuery(cloud, 'next cal'), true);
  assert.equal(matchesQuery(cloud, ''), true);
});

// ---- message catalogue ----------------------------------------------------------

test('every message the UI uses is in the catalogue, and the catalogue holds nothing unused', () => {
  const dir = join(SRC, 'web/ui');
  const catalogue = JSON.parse(readFileSync(join(dir, 'messages/en.json'), 'utf8')) as Record<string, string>;
  const code = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  // keys appear as string literals: t('key'), tables of keys, ternaries
  const groups = new Set(Object.keys(catalogue).map((k) => k.split('.')[0]));
  const used = new Set([...code.matchAll(/'([a-z]+(?:\.[a-z0-9-]+)+)'/g)].map((m) => m[1]).filter((k) => groups.has(k.split('.')[0]) && !/\.(js|ts|json)$/.test(k)));
  assert.deepEqual([...used].filter((k) => !(k in catalogue)), [], 'used but missing from en.json');
  assert.deepEqual(Object.keys(catalogue).filter((k) => !used.has(k)), [], 'in en.json but never used');
  for (const [k, v] of Object.entries(catalogue)) assert.ok(v.trim().length > 0, `${k} is empty`);
});

test('every translation has exactly the keys of en.json, with the same placeholders', () => {
  const dir = join(SRC, 'web/ui/messages');
  const en = JSON.parse(readFileSync(join(dir, 'en.json'), 'utf8')) as Record<string, string>;
  const holes = (v: string) => [...v.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'en.json')) {
    const other = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), file);
    for (const k of Object.keys(en)) assert.equal(holes(other[k]), holes(en[k]), `${file}: ${k}`);
  }
  assert.equal(en['meta.lang'], 'en');
});

test('the UI sets no text except through t() or data: no string literals in textContent or element children', () => {
  const code = readFileSync(join(SRC, 'web/ui/main.ts'), 'utf8');
  // h('tag', {...}, 'literal text') would bypass the catalogue
  assert.deepEqual([...code.matchAll(/h\('[a-z0-9]+', \{[^}]*\}, '([^']*[A-Za-z][^']*)'/g)].map((m) => m[1]), []);
  assert.deepEqual([...code.matchAll(/textContent = '([^']+)'/g)].map((m) => m[1]), []);
});

// ---- git setting and env commits ----------------------------------------------------------

test('kite.yml git.commit: off by default, a boolean, a bad value names the key', () => {
  assert.equal(parseSettings('ssh:\n  persist: 5\n', 'kite.yml').git, undefined);
  assert.deepEqual(parseSettings('git:\n  commit: true\n', 'kite.yml').git, { commit: true });
  assert.deepEqual(parseSettings('git: {}\n', 'kite.yml').git, { commit: false });
  assert.throws(() => parseSettings('git:\n  commit: yes please\n', 'kite.yml'), /git\.commit/);
  assert.throws(() => parseSettings('git: [1]\n', 'kite.yml'), /\(git\)|git:|key git/);
});

function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' } }).trim();
}

test('env changes are committed in servers/<server> when it is a git repository and the setting is on; only the env file, keys in the message', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kite-web-git-'));
  const serverDir = join(root, 'servers', 'example.com');
  mkdirSync(serverDir, { recursive: true });
  const env = join(serverDir, 'cloud.example.com.env');
  writeFileSync(env, 'TYPE=app\nGREETING=hi\n');
  writeFileSync(join(serverDir, 'other.env'), 'TYPE=x\n');
  const ref = { domain: 'cloud.example.com', server: 'example.com', path: env };
  const host = { hostname: () => 'laptop', operator: () => 'ana@laptop', pid: 1, startTime: () => undefined, probe: () => ({ running: false }) } as never;
  const ports = createPorts({ root }, { host });
  process.env.GIT_AUTHOR_NAME = process.env.GIT_COMMITTER_NAME = 'T';
  process.env.GIT_AUTHOR_EMAIL = process.env.GIT_COMMITTER_EMAIL = 't@x';

  assert.equal(await recordEnvChange(ports, ref, 'edit GREETING', 'web'), null, 'setting off: nothing');
  writeFileSync(join(root, 'kite.yml'), 'git:\n  commit: true\n');
  assert.equal(await recordEnvChange(createPorts({ root }, { host }), ref, 'edit GREETING', 'web'), null, 'not a repository: nothing');

  gitIn(serverDir, 'init', '-q');
  const r = await recordEnvChange(createPorts({ root }, { host }), ref, 'edit GREETING', 'web');
  assert.ok(r && 'committed' in r, JSON.stringify(r));
  assert.equal(gitIn(serverDir, 'log', '-1', '--format=%s'), 'cloud.example.com: edit GREETING (by ana@laptop, from the web UI)');
  assert.equal(gitIn(serverDir, 'show', '--name-only', '--format=', 'HEAD'), 'cloud.example.com.env');
  assert.match(gitIn(serverDir, 'status', '--porcelain'), /\?\? other\.env/, 'other files are not committed');
  assert.equal(envCommitMessage('a.example', 'upgrade to x:1.1', 'bo@box', 'cli'), 'a.example: upgrade to x:1.1 (by bo@box)');

  // nothing changed: no empty commit
  assert.equal(await recordEnvChange(createPorts({ root }, { host }), ref, 'edit GREETING', 'web'), null);
  // the operator's own staged work is left alone
  gitIn(serverDir, 'add', 'other.env');
  writeFileSync(env, 'TYPE=app\nGREETING=bye\n');
  const w = await recordEnvChange(createPorts({ root }, { host }), ref, 'edit GREETING', 'cli');
  assert.ok(w && 'warning' in w && /staged changes/.test(w.warning));
  assert.equal(gitIn(serverDir, 'rev-list', '--count', 'HEAD'), '1');

  // app remove deletes the env file: the deletion is committed too
  gitIn(serverDir, 'reset', '-q');
  rmSync(env);
  const d = await recordEnvChange(createPorts({ root }, { host }), ref, 'removed', 'cli');
  assert.ok(d && 'committed' in d, JSON.stringify(d));
  assert.equal(gitIn(serverDir, 'show', '--name-status', '--format=', 'HEAD'), 'D\tcloud.example.com.env');
});

// ---- layering ----------------------------------------------------------------------

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // type-only imports vanish from the bundle: the browser code may share the operations' types
  return [...text.matchAll(/(?:^|[\s;])(?:import|export)\s(?!type\s)[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g), ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
}

test('the web UI makes no Docker or git calls of its own: web/ imports no adapters, no Docker or git library; the browser code only itself and core', () => {
  const bad: string[] = [];
  for (const file of tsFiles(join(SRC, 'web'))) {
    const browser = file.includes('/web/ui/');
    for (const spec of importsOf(file)) {
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : spec;
      const ok = browser
        ? target.startsWith(join(SRC, 'web/ui')) || target.startsWith(join(SRC, 'core'))
        : !target.startsWith(join(SRC, 'adapters')) && !/^(dockerode|docker-modem|simple-git|ssh2)$/.test(spec) && !/^node:child_process$/.test(spec);
      if (!ok) bad.push(`${file.slice(SRC.length + 1)}: ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

// ---- jobs ------------------------------------------------------------------------

/** enough of a ServerResponse for the SSE relay */
class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  ended = false;
  writeHead() {
    return this;
  }
  write(c: string) {
    this.chunks.push(c);
    return true;
  }
  end() {
    this.ended = true;
  }
  events() {
    return this.chunks.filter((c) => c.startsWith('data: ')).map((c) => JSON.parse(c.slice(6)) as { type: string });
  }
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond());
};

test('a job relays its events to late followers; Confirm answers the waiting deploy; one job per app at a time', async () => {
  const jobs = new Jobs({ confirmMs: 60_000, abandonedMs: 60_000 });
  let answer: boolean | undefined;
  const job = jobs.start('a.example', 'deploy', async (emit, confirm) => {
    emit({ type: 'overview' });
    answer = await confirm();
    emit({ type: 'done' });
    return { type: 'end', ok: true };
  });
  assert.equal(jobs.runningFor('a.example')?.id, job.id);
  const res = new FakeResponse();
  assert.ok(jobs.follow(job.id, res as never));
  await until(() => res.events().some((e) => e.type === 'confirm'));
  assert.equal(jobs.answer('nope', true), false);
  assert.equal(jobs.answer(job.id, true), true);
  await until(() => res.ended);
  assert.equal(answer, true);
  assert.deepEqual(res.events().map((e) => e.type), ['overview', 'confirm', 'done', 'end']);
  assert.equal(jobs.runningFor('a.example'), undefined);
  const late = new FakeResponse();
  jobs.follow(job.id, late as never);
  assert.deepEqual(late.events().map((e) => e.type), ['overview', 'confirm', 'done', 'end']);
  assert.ok(late.ended);
});

test('a deploy waiting for Confirm that no page follows any more is cancelled (it holds the lock); so is one nobody ever followed', async () => {
  const jobs = new Jobs({ confirmMs: 60_000, abandonedMs: 30 });
  const answers: boolean[] = [];
  const work = async (_emit: unknown, confirm: () => Promise<boolean>) => {
    answers.push(await confirm());
    return { type: 'end', ok: true };
  };
  const followed = jobs.start('b.example', 'upgrade', work);
  const res = new FakeResponse();
  jobs.follow(followed.id, res as never);
  await until(() => res.events().some((e) => e.type === 'confirm'));
  res.emit('close');
  await until(() => answers.length === 1);
  jobs.start('c.example', 'deploy', work);
  await until(() => answers.length === 2);
  assert.deepEqual(answers, [false, false]);
});
