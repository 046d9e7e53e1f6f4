// `kite web` (issue 13): the time until the apps page of 50 deployed apps on
// two servers (kite-test and kite-test-2, two SSH aliases of the rig's daemon)
// is fully rendered in Chromium — navigation start to a table of 50 rows,
// each with its status and version — against `kite app ls -S -m` of the same
// $ABRA_DIR in the same run (a fresh process each time, SSH masters warm in
// both). Plus the JavaScript the UI ships, gzipped, against the README's
// budget. The apps are bench/app-ls.ts's: stacks made through the Engine API,
// removed at the end. Standalone: `node --import tsx bench/web.ts [--json]`.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { connectDocker } from '../src/adapters/docker/engine.js';
import { APPS, createApps, domain, removeBenchStacks, removeOnSignal } from './app-ls.js';
import { median, type Row } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const SSH_CONFIG = process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config');
const RUNS = 5;

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function startWeb(env: Record<string, string>): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), 'web', '--port', String(await freePort())], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) done(out.split('\n')[0]);
    });
    child.on('exit', (code) => fail(new Error(`kite web exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

export async function benchWeb(): Promise<Row[]> {
  const abraDir = mkdtempSync(join(tmpdir(), 'kite-bench-web-'));
  const local = await connectDocker('default');
  const unhook = removeOnSignal();
  const env = { ABRA_DIR: abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' };
  let web: { url: string; stop(): void } | undefined;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    await removeBenchStacks(local);
    for (const s of ['kite-test', 'kite-test-2']) mkdirSync(join(abraDir, 'servers', s), { recursive: true });
    for (let i = 0; i < APPS; i++) {
      writeFileSync(join(abraDir, 'servers', i % 2 ? 'kite-test-2' : 'kite-test', `${domain(i)}.env`), `TYPE=kite-test-app:1.0.0+1.0\nDOMAIN=${domain(i)}\n`, { mode: 0o600 });
    }
    await createApps(local);

    const cli = () => time(() => execFileSync(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'ls', '-S', '-m'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    web = await startWeb(env);
    const origin = new URL(web.url).origin;
    const context = await browser.newContext();
    const signIn = await context.newPage();
    await signIn.goto(web.url);
    await signIn.close();
    /** a fresh tab: navigation start until the table holds every app, deployed, with its version */
    const render = async () => {
      const page = await context.newPage();
      const t = process.hrtime.bigint();
      await page.goto(`${origin}/#/apps`);
      await page.waitForFunction((n) => [...document.querySelectorAll('tbody tr')].filter((r) => /deployed/.test(r.textContent ?? '') && /1\.0\.0\+1\.0/.test(r.textContent ?? '')).length === n, APPS, { timeout: 120_000 });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      await page.close();
      return ms;
    };
    cli();
    await render(); // warm: SSH masters, kite web's first connection to each server
    const webTimes: number[] = [];
    const cliTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      webTimes.push(await render());
      cliTimes.push(cli());
    }
    const w = median(webTimes);
    const c = median(cliTimes);
    const js = gzipSync(readFileSync(join(ROOT, 'dist/web/ui/app.js')), { level: 9 }).length / 1000;
    const budget = Number(/web UI's JavaScript budget: \*\*(\d+(?:\.\d+)?) kB\*\*/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1] ?? NaN);
    return [
      { name: `\`kite web\` apps page, ${APPS} apps on 2 servers, fully rendered in Chromium vs \`kite app ls -S -m\` (median of ${RUNS})`, kiteMs: w, baselineMs: c, ratio: w / c, target: 1 },
      { name: `JavaScript \`kite web\` ships, kB gzipped (vs the README's budget, kB)`, kiteMs: js, baselineMs: budget, ratio: js / budget, target: 1 },
    ];
  } finally {
    web?.stop();
    await browser.close();
    await removeBenchStacks(local);
    await local.close();
    rmSync(abraDir, { recursive: true, force: true });
    unhook();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchWeb();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log('| benchmark | kite | baseline | ratio | target |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(`| ${r.name} | ${r.kiteMs.toFixed(1)} | ${r.baselineMs.toFixed(1)} | ${r.ratio.toFixed(2)}× | ≤ ${r.target}× |`);
  }
}
