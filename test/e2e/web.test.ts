// `kite web` end to end in a real browser: Debian's chromium driven by
// playwright-core, against `kite web` spawned from bin/kite.js on a sandbox
// $ABRA_DIR whose app runs on the rig's swarm over SSH. The recipe has three
// releases (1.0, 1.1, and 1.2 whose image is unhealthy). Screenshots of each
// page go to test-artifacts/web/; each page is scanned with axe-core.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Sandbox, SERVER, SSH_CONFIG, ROOT, docker, purgeStack, serviceTaskIds } from './harness.js';
import { git, makeReleasedRecipe } from './git-fixture.js';
import { closedPort } from './ssh-fixtures.js';

const DOMAIN = 'web.kite.test';
const STACK = 'web_kite_test';
const NEW_DOMAIN = 'web2.kite.test';
const NEW_STACK = 'web2_kite_test';
const APP_PORT = 18651;
const ARTIFACTS = join(ROOT, 'test-artifacts/web');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const sb = new Sandbox();
/** who runs kite here: in history entries, locks and the env commits */
const OPERATOR_ENV = { KITE_OPERATOR: 'web-tester', GIT_AUTHOR_NAME: 'Web Tester', GIT_AUTHOR_EMAIL: 'web@example.com', GIT_COMMITTER_NAME: 'Web Tester', GIT_COMMITTER_EMAIL: 'web@example.com' };
const serverDir = () => join(sb.abraDir, 'servers', SERVER);
const root = mkdtempSync(join(tmpdir(), 'kite-web-'));
let web: ChildProcess;
let url: string;
let origin: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const foreign: string[] = [];
/** the secret value the UI showed once when it created an app */
let createdSecret: string | undefined;

const CATALOGUE = {
  'kite-test-app': { ...recipeMeta('kite-test-app', 'A test web app with a database', 'Development', 3), levels: { '1.0.0+1.0': { level: 2, date: '2026-11-01' } } },
  mastodon: recipeMeta('mastodon', 'Your self-hosted, globally interconnected microblogging community', 'Apps', 4),
  gotosocial: recipeMeta('gotosocial', 'Fast, fun, ActivityPub server', 'Apps', 2),
  nextcloud: recipeMeta('nextcloud', 'Files, calendars and contacts for your group', 'Apps', 5),
};

function recipeMeta(name: string, description: string, category: string, status: number) {
  return {
    category,
    default_branch: 'main',
    description,
    features: { backups: 'Yes', email: 'No', healthcheck: 'Yes', image: { image: name, rating: '', source: '', url: '' }, status, tests: 'No', sso: 'No' },
    icon: '',
    name,
    repository: `https://example.org/${name}.git`,
    ssh_url: '',
    versions: [{ '1.0.0+1.0': { app: { digest: '', image: name, tag: '1.0' } } }],
    website: '',
  };
}

function appImage(): string {
  return docker('service', 'inspect', `${STACK}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}').replace(/@sha256:.*/, '');
}

/** a raw request to kite web, headers as given */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const port = Number(new URL(url).port);
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    if (body) req.write(body);
    req.end();
  });
}

async function cookie(): Promise<string> {
  const c = (await context.cookies()).find((x) => x.name === 'kite_web');
  assert.ok(c, 'the token became a cookie');
  return `kite_web=${c.value}`;
}

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** axe-core on the page as it is: no serious or critical violations */
async function axe(name: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on the ${name} page`);
}

/** nothing wider than a 360 px screen: the document does not scroll sideways */
async function fitsNarrow(name: string): Promise<void> {
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-360.png`), fullPage: true });
  await page.setViewportSize({ width: 1200, height: 900 });
  assert.ok(overflow <= 0, `the ${name} page overflows a 360 px screen by ${overflow} px`);
}

before(async () => {
  purgeStack(STACK);
  purgeStack(NEW_STACK);
  mkdirSync(ARTIFACTS, { recursive: true });
  const fixture = makeReleasedRecipe(root);
  const seed = join(root, 'catalogue-seed');
  mkdirSync(seed);
  writeFileSync(join(seed, 'recipes.json'), JSON.stringify(CATALOGUE, null, 4));
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(root, 'clone', '-q', '--bare', seed, join(root, 'catalogue.git'));
  writeFileSync(join(sb.abraDir, 'kite.yml'), `recipes:\n  base: file://${fixture.remotes}\ncatalogue:\n  url: file://${join(root, 'catalogue.git')}\n`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  // the latest release in the env file; the CLI deploys 1.0 below, which changes TYPE= (a commit)
  const created = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', DOMAIN, '--secrets']);
  assert.equal(created.code, 0, created.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', String(APP_PORT));
  // config in git: servers/<server> is a repository and kite.yml asks for commits
  git(serverDir(), 'init', '-q');
  git(serverDir(), 'add', '-A');
  git(serverDir(), 'commit', '-q', '-m', 'start');
  writeFileSync(join(sb.abraDir, 'kite.yml'), readFileSync(join(sb.abraDir, 'kite.yml'), 'utf8') + 'git:\n  commit: true\n');
  const deployed = await sb.kite(['app', 'deploy', DOMAIN, '1.0.0+1.0', '-n'], OPERATOR_ENV);
  assert.equal(deployed.code, 0, deployed.stderr);
  // the catalogue (its local copy records the level `kite recipe test` published for 1.0.0+1.0)
  const ls = await sb.kite(['recipe', 'ls']);
  assert.equal(ls.code, 0, ls.stderr);

  const port = await closedPort();
  web = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'web', '--port', String(port)], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1', ...OPERATOR_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  web.stderr!.on('data', (d) => (stderr += d));
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    web.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    web.on('exit', (code) => reject(new Error(`kite web exited with ${code}: ${stderr}`)));
  });
  origin = new URL(url).origin;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  // bypassCSP only so that axe-core can be injected; the CSP header itself is checked below
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) foreign.push(r.url());
  });
});

after(async () => {
  await browser?.close();
  web?.kill('SIGTERM');
  purgeStack(STACK);
  purgeStack(NEW_STACK);
});

test('kite web prints one URL with a fresh token on 127.0.0.1', () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32,}$/);
});

test('the printed URL signs in: the token becomes an HttpOnly SameSite=Strict cookie and leaves the address bar', async () => {
  const res = await page.goto(url);
  assert.equal(res?.status(), 200);
  assert.equal(page.url(), `${origin}/`);
  const c = (await context.cookies()).find((x) => x.name === 'kite_web');
  assert.ok(c && c.httpOnly && c.sameSite === 'Strict');
  const csp = res?.headers()['content-security-policy'] ?? '';
  assert.match(csp, /default-src 'none'/);
});

test('without the cookie 401; a foreign Host is refused; a cross-site POST is refused', async () => {
  assert.equal((await raw('GET', '/api/apps', {})).status, 401);
  assert.equal((await raw('GET', '/', {})).status, 401);
  const host = new URL(url).host;
  assert.equal((await raw('GET', '/api/apps', { host: `evil.example:${new URL(url).port}`, cookie: await cookie() })).status, 421, 'DNS rebinding: the Host is not the listen address');
  assert.equal((await raw('GET', `/?token=${new URL(url).searchParams.get('token')}`, { host: 'evil.example' })).status, 421);
  const json = { 'content-type': 'application/json', cookie: await cookie(), host };
  const undeploy = `/api/apps/${DOMAIN}/actions/undeploy`;
  assert.equal((await raw('POST', undeploy, { ...json, origin: 'http://evil.example' }, '{}')).status, 403, 'cross-site Origin');
  assert.equal((await raw('POST', undeploy, { ...json, 'sec-fetch-site': 'cross-site' }, '{}')).status, 403, 'cross-site fetch metadata');
  assert.equal((await raw('POST', undeploy, { 'content-type': 'application/json', host, origin }, '{}')).status, 401, 'same origin but no cookie');
  assert.equal((await raw('GET', '/api/apps', { cookie: 'kite_web=wrong', host })).status, 401);
  assert.equal(docker('service', 'ls', '--filter', `name=${STACK}_app`, '--format', '{{.Name}}'), `${STACK}_app`, 'still deployed');
});

test('the apps list shows the deployed app, its version, the available upgrade and the recipe level', async () => {
  await page.goto(`${origin}/#/apps`);
  const row = page.locator('tr', { has: page.getByRole('link', { name: DOMAIN }) });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /kite-test-app/);
  assert.match(text, new RegExp(SERVER));
  assert.match(text, /deployed/);
  assert.match(text, /1\.0\.0\+1\.0/);
  assert.match(text, /upgrade to 1\.2\.0\+1\.2/);
  assert.match(text, /level 2/);
  await page.getByLabel('Search').fill('nothing-like-this');
  await page.getByText('No app matches these filters.').waitFor();
  await page.getByLabel('Search').fill('kite-test');
  await row.waitFor();
  await shoot('apps');
  await axe('apps');
  await fitsNarrow('apps');
});

test('the app page shows services, tasks with their node, and live logs', async () => {
  await page.getByRole('link', { name: DOMAIN }).click();
  await page.getByRole('heading', { name: 'Services' }).waitFor();
  const services = await page.getByRole('region', { name: 'Services' }).innerText();
  assert.match(services, /app\s/);
  assert.match(services, /kite-test\/web:1\.0/);
  const node = docker('node', 'ls', '--format', '{{.Hostname}}').split('\n')[0];
  assert.match(await page.getByRole('region', { name: 'Tasks' }).innerText(), new RegExp(node));
  await page.getByText(/Following the logs of/).waitFor();
  const marker = `web-ui-log-${Date.now()}`;
  const container = docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${STACK}_worker`).split('\n')[0];
  docker('exec', container, 'sh', '-c', `echo ${marker} > /proc/1/fd/1`);
  await page.locator('pre.logs').filter({ hasText: marker }).waitFor({ timeout: 30_000 });
  // backups (kite app backup): listed when asked, through the same operation as `kite app backup ls`
  const backups = page.getByRole('region', { name: 'Backups' });
  await backups.getByRole('button', { name: 'List backups' }).click();
  await backups.getByText(/No backups yet|Backups cannot be listed|Snapshot/).waitFor({ timeout: 180_000 });
  await shoot('app');
  await axe('app');
  await fitsNarrow('app');
});

test('upgrade through the deploy overview dialog (Confirm) converges and is recorded as made from the web UI', async () => {
  await page.getByLabel('Upgrade to').selectOption('1.1.0+1.1');
  await page.getByRole('button', { name: 'Upgrade' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ timeout: 60_000 });
  const overview = await dialog.innerText();
  assert.match(overview, /Current deployment\s+1\.0\.0\+1\.0/);
  assert.match(overview, /New deployment\s+1\.1\.0\+1\.1/);
  assert.match(overview, /Release notes 1\.1\.0\+1\.1/);
  await shoot('deploy-overview');
  await axe('deploy overview');
  // the same lock as the CLI: while the overview waits for Confirm, a CLI deploy of the app is refused
  const locked = await sb.kite(['app', 'deploy', DOMAIN, '--force', '-n', '--lock-wait', '0']);
  assert.equal(locked.code, 6, locked.stderr);
  assert.match(locked.stderr, /web\.kite\.test is locked: .*web-tester@.*upgrade/);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('Converged: kite-test-app:1.1.0+1.1 is running.').waitFor({ timeout: 180_000 });
  assert.match(await page.getByRole('log').first().innerText(), /converged/);
  assert.equal(appImage(), 'kite-test/web:1.1');
  assert.match(sb.readEnv(DOMAIN), /^TYPE=kite-test-app:1\.1\.0\+1\.1$/m);
  await shoot('upgrade-converged');
  await page.getByRole('button', { name: 'Reload the app' }).click();
  const history = page.getByRole('region', { name: 'Deploy history' });
  await history.waitFor();
  assert.match(await history.innerText(), /web-tester@\S+ \(web UI\)\s+upgrade\s+1\.0\.0\+1\.0\s+1\.1\.0\+1\.1\s+success/);
  const cli = await sb.kite(['app', 'history', DOMAIN, '--json']);
  const last = JSON.parse(cli.stdout).at(-1);
  assert.equal(last.via, 'web');
  assert.match(last.who, /^web-tester@/);
});

test('a failing upgrade shows the failing service, its task errors, last log lines, and that the previous version is back', async () => {
  await page.getByLabel('Upgrade to').selectOption('1.2.0+1.2');
  await page.getByRole('button', { name: 'Upgrade' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click({ timeout: 60_000 });
  const failure = page.locator('.error', { hasText: 'The deploy failed' });
  await failure.waitFor({ timeout: 240_000 });
  const text = await failure.innerText();
  assert.match(text, new RegExp(`Service ${STACK}_app`));
  assert.match(text, /The previous version is running again/);
  assert.match(await failure.getByRole('list', { name: 'Task errors' }).innerText(), /\w{12} (failed|rejected|shutdown|complete)/, 'the failing tasks with their state and error');
  assert.match(await page.getByRole('log').first().innerText(), /Rolling back/);
  assert.equal(appImage(), 'kite-test/web:1.1');
  assert.match(sb.readEnv(DOMAIN), /^TYPE=kite-test-app:1\.1\.0\+1\.1$/m);
  await shoot('upgrade-failed');
});

test('an env edit with an unknown key is flagged and nothing is saved', async () => {
  await page.goto(`${origin}/#/apps/${DOMAIN}`);
  const editor = page.getByLabel('Env file');
  await editor.waitFor();
  await page.waitForFunction(() => (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value.includes('TYPE='));
  const before = sb.readEnv(DOMAIN);
  await editor.fill(before.replace('GREETING=hello', 'GREETING=changed\nNOT_A_RECIPE_KEY=1'));
  await page.getByRole('button', { name: 'Save' }).click();
  const alert = page.locator('.error', { hasText: 'Not saved' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /Unknown key NOT_A_RECIPE_KEY/);
  assert.equal(sb.readEnv(DOMAIN), before, 'the env file is unchanged');
  await shoot('env-invalid');
  // a valid edit is saved, comments and order kept
  await editor.fill(before.replace('GREETING=hello', 'GREETING=from-the-browser'));
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved (changed: GREETING)').waitFor();
  assert.equal(sb.readEnv(DOMAIN), before.replace('GREETING=hello', 'GREETING=from-the-browser'));
});

test('keyboard only: reach Rollback with Tab, open the overview with Enter, Confirm with Enter; it converges', async () => {
  await page.goto(`${origin}/#/apps/${DOMAIN}`);
  await page.getByRole('button', { name: 'Rollback' }).waitFor();
  await page.waitForFunction(() => !(document.querySelector('.actions button:last-child') as HTMLButtonElement).disabled);
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.textContent === 'Rollback');
  }
  assert.ok(reached, 'Rollback is reachable with Tab');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.notEqual(ring, 'none', 'the focused button shows a focus ring');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor({ timeout: 60_000 });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Confirm', 'focus moves to Confirm');
  await page.keyboard.press('Enter');
  await page.getByText('Converged: kite-test-app:1.0.0+1.0 is running.').waitFor({ timeout: 180_000 });
  assert.equal(appImage(), 'kite-test/web:1.0');
});

test('restart and undeploy from the app page, each confirmed in a dialog', async () => {
  await page.goto(`${origin}/#/apps`);
  await page.goto(`${origin}/#/apps/${DOMAIN}`);
  await page.waitForFunction(() => !(document.querySelector('.actions button:last-child') as HTMLButtonElement | null)?.disabled);
  const before = serviceTaskIds(`${STACK}_worker`);
  await page.getByRole('button', { name: 'Restart' }).click();
  assert.match(await page.getByRole('dialog').innerText(), /Restart every service of web\.kite\.test\?/);
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Done.' }).waitFor({ timeout: 180_000 });
  assert.notDeepEqual(serviceTaskIds(`${STACK}_worker`), before, 'the worker has new tasks');

  // Cancel changes nothing
  await page.getByRole('button', { name: 'Undeploy' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  assert.equal(docker('service', 'ls', '--filter', `label=com.docker.stack.namespace=${STACK}`, '--format', '{{.Name}}').split('\n').length, 3);
  await page.getByRole('button', { name: 'Undeploy' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Done.' }).waitFor({ timeout: 180_000 });
  assert.equal(docker('service', 'ls', '--filter', `label=com.docker.stack.namespace=${STACK}`, '--format', '{{.Name}}'), '');
  assert.match(await page.getByRole('log').first().innerText(), new RegExp(`Removed service ${STACK}_app`));
});

test('keyboard only: Deploy the undeployed app (Tab to Deploy, Enter, Enter on Confirm); it converges', async () => {
  await page.goto(`${origin}/#/apps`);
  await page.goto(`${origin}/#/apps/${DOMAIN}`);
  await page.getByText('not deployed', { exact: true }).first().waitFor();
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.textContent === 'Deploy');
  }
  assert.ok(reached, 'Deploy is reachable with Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor({ timeout: 60_000 });
  assert.match(await page.getByRole('dialog').innerText(), /New deployment\s+1\.0\.0\+1\.0/);
  await page.keyboard.press('Enter');
  await page.getByText('Converged: kite-test-app:1.0.0+1.0 is running.').waitFor({ timeout: 180_000 });
  assert.equal(appImage(), 'kite-test/web:1.0');
});

test('servers and the recipe catalogue: "fedi" finds the fediverse apps; status filter', async () => {
  await page.goto(`${origin}/#/servers`);
  const servers = page.getByRole('table', { name: 'Servers' });
  await servers.waitFor();
  assert.match(await servers.innerText(), new RegExp(SERVER));
  const nodes = page.getByRole('table', { name: `Nodes of ${SERVER}` });
  await nodes.waitFor();
  assert.match(await nodes.innerText(), new RegExp(`${docker('node', 'ls', '--format', '{{.Hostname}}').split('\n')[0]}\\s+manager \\(Leader\\)\\s+active\\s+ready`));
  await shoot('servers');
  await axe('servers');
  await fitsNarrow('servers');

  await page.goto(`${origin}/#/recipes`);
  await page.getByText('4 of 4 recipes').waitFor();
  await page.getByLabel('Search').fill('fedi');
  await page.getByText('2 of 4 recipes').waitFor();
  const names = await page.locator('.card h2').allInnerTexts();
  assert.deepEqual(names.sort(), ['gotosocial', 'mastodon']);
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Status').selectOption('5');
  assert.deepEqual(await page.locator('.card h2').allInnerTexts(), ['nextcloud']);
  await page.getByLabel('Status').selectOption('');
  await shoot('recipes');
  await axe('recipes');
  await fitsNarrow('recipes');
});

test('create an app from a recipe: secrets generated, values shown once', async () => {
  await page.goto(`${origin}/#/new/kite-test-app`);
  await page.getByLabel('Domain').fill(NEW_DOMAIN);
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByText('These values are shown only this once').waitFor({ timeout: 60_000 });
  const shown = await page.getByRole('table', { name: 'Generated secrets' }).innerText();
  const value = /db_password\s+v1\s+(\S{24})/.exec(shown)?.[1];
  assert.ok(value, shown);
  createdSecret = value;
  assert.match(readFileSync(sb.envPath(NEW_DOMAIN), 'utf8'), /^TYPE=kite-test-app:1\.2\.0\+1\.2$/m);
  assert.equal(docker('secret', 'ls', '--filter', `name=${NEW_STACK}_db_password_v1`, '--format', '{{.Name}}'), `${NEW_STACK}_db_password_v1`);
  await shoot('new-app');
  await axe('new app');
  // the value is never shown again
  await page.goto(`${origin}/#/apps/${NEW_DOMAIN}`);
  const secrets = page.getByRole('region', { name: 'Secrets' });
  await secrets.getByRole('cell', { name: 'db_password' }).waitFor();
  assert.ok(!(await page.content()).includes(value), 'the value is not on the app page');
  // insert a secret: stored on the server, the value never shown
  await page.getByLabel('Version').fill('v2');
  await page.getByLabel('Value', { exact: true }).fill('inserted-by-the-browser');
  await page.getByRole('button', { name: 'Insert' }).click();
  await page.getByText('Secret db_password version v2 stored on the server.').waitFor({ timeout: 60_000 });
  assert.equal(docker('secret', 'ls', '--filter', `name=${NEW_STACK}_db_password_v2`, '--format', '{{.Name}}'), `${NEW_STACK}_db_password_v2`);
  assert.ok(!(await page.content()).includes('inserted-by-the-browser'), 'the inserted value is not on the page');
});

test('config in git: every env change kite made, from the CLI and the UI, is a commit naming the app, the keys and who; failed and refused changes none; no secret values', async () => {
  // the app made in the browser, removed from the CLI: the env file's deletion is a commit too
  const removed = await sb.kite(['app', 'remove', NEW_DOMAIN, '-f'], OPERATOR_ENV);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(git(serverDir(), 'show', '--name-status', '--format=', 'HEAD'), `D\t${NEW_DOMAIN}.env`);
  const subjects = git(serverDir(), 'log', '--format=%s').split('\n');
  const who = /^web-tester@\S+$/;
  const fromUi = (s: string) => s.replace(/\(by web-tester@\S+, from the web UI\)$/, '(UI)');
  assert.deepEqual(subjects.map(fromUi).map((s) => s.replace(/\(by web-tester@\S+\)$/, '(CLI)')), [
    `${NEW_DOMAIN}: removed (env file deleted with its volumes, secrets and configs) (CLI)`,
    `${NEW_DOMAIN}: new app (kite-test-app 1.2.0+1.2) (UI)`,
    `${DOMAIN}: rollback to kite-test-app:1.0.0+1.0 (UI)`,
    `${DOMAIN}: edit GREETING (UI)`,
    `${DOMAIN}: upgrade to kite-test-app:1.1.0+1.1 (UI)`,
    `${DOMAIN}: deploy to kite-test-app:1.0.0+1.0 (CLI)`,
    'start',
  ]);
  assert.ok(who.test(/\(by (\S+)/.exec(subjects[0])![1].replace(/,$/, '')));
  assert.equal(git(serverDir(), 'status', '--porcelain'), '', 'every env change is committed');
  const everything = git(serverDir(), 'log', '-p', '--format=');
  assert.ok(createdSecret && !everything.includes(createdSecret), 'the generated secret value is not in the repository');
  assert.doesNotMatch(everything, /NOT_A_RECIPE_KEY/, 'the refused edit was never written');
});

test('--listen beyond loopback refuses to start without TLS settings; with them it serves HTTPS with a Secure cookie', async () => {
  const refused = await sb.kite(['web', '--listen', '0.0.0.0']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /--listen 0\.0\.0\.0 would serve the web UI unencrypted[\s\S]*--tls-cert <file> --tls-key <file>/);
  assert.equal(refused.stdout, '');

  const dir = mkdtempSync(join(tmpdir(), 'kite-web-tls-'));
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.2'], { stdio: 'ignore' });
  const port = await closedPort();
  const tls = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'web', '--listen', '127.0.0.2', '--port', String(port), '--tls-cert', cert, '--tls-key', key], {
    env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const printed = await new Promise<string>((resolve, reject) => {
      let out = '';
      tls.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      tls.on('exit', (code) => reject(new Error(`kite web exited with ${code}`)));
    });
    assert.match(printed, new RegExp(`^https://127\\.0\\.0\\.2:${port}/\\?token=`));
    const get = (path: string) =>
      new Promise<{ status: number; cookie: string }>((done, fail) => {
        const req = httpsRequest({ host: '127.0.0.2', port, path, rejectUnauthorized: false, timeout: 10_000 }, (res) => {
          res.resume();
          res.on('end', () => done({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '') }));
        });
        req.on('error', fail);
        req.end();
      });
    assert.equal((await get('/api/apps')).status, 401);
    const login = await get(new URL(printed).pathname + new URL(printed).search);
    assert.equal(login.status, 303);
    assert.match(login.cookie, /HttpOnly; SameSite=Strict; Path=\/; Secure/);
  } finally {
    tls.kill('SIGTERM');
  }
});

test('the pages made no requests to anything but kite web', () => {
  assert.deepEqual(foreign, []);
});
