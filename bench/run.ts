// npm run bench: kite against the raw docker operation, in the same run.
//   1. deploy of the 3-service test recipe (first deploy, until converged)
//      vs `docker stack deploy --detach=false` of the same compose
//   2. 50 Engine API calls over SSH vs over the local socket
//   3. `kite --version` vs `node -e 0`
//   4. `kite app ls -S` with 50 apps on one server / spread over two, vs
//      one `docker service ls` of the same daemon over SSH (bench/app-ls.ts)
//   5. a redeploy where nothing changed (`kite app deploy --force`) vs
//      `docker -H ssh://… stack deploy` of the same compose
//   6. `kite recipe test` of the test recipe: each level's time vs its
//      waiting on Swarm (bench/recipe-test.ts)
//   7. `kite app backup create` / `kite app restore` of a 300 MB volume vs
//      restic in a container on the same data, and an unchanged second
//      backup (bench/backup.ts)
//   8. on the 3-node lab: first deploy of the 3-service recipe vs `docker -H
//      ssh:// stack deploy --detach=false`, `kite server nodes` vs `docker -H
//      ssh:// node ls` (bench/multinode.ts)
// Prints a table of medians and ratios; JSON with --json. Names pick benchmarks:
// `npm run bench -- calls` (startup, calls, deploy, redeploy, app-ls, recipe-test, backup, multinode).

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectDocker } from '../src/adapters/docker/engine.js';
import type { DockerPort } from '../src/ports/docker.js';
import { parseEnvFile } from '../src/core/env-file.js';
import { readAbraShExports } from '../src/core/abra-sh.js';
import { benchAppLs, sshWrapperDir } from './app-ls.js';
import { benchMultinode } from './multinode.js';
import { benchRecipeTest } from './recipe-test.js';
import { benchWeb } from './web.js';
import { benchBackup } from './backup.js';
import { median, type Row } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const SSH_CONFIG = process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);



const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** run a command under GNU time: wall ms and peak RSS (KiB) of the process */
function measured(cmd: string, args: string[], env: Record<string, string>): { ms: number; rssKb?: number } {
  if (!GNU_TIME) return { ms: time(() => sh(cmd, args, env)) };
  const out = join(mkdtempSync(join(tmpdir(), 'kite-time-')), 'rss');
  const ms = time(() => sh(GNU_TIME, ['-f', '%M', '-o', out, cmd, ...args], env));
  return { ms, rssKb: Number(readFileSync(out, 'utf8').trim().split('\n').pop()) };
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function purge(stack: string): void {
  const ids = (kind: string, filter: string) => sh('docker', [kind, 'ls', '-q', '--filter', filter]).split('\n').filter(Boolean);
  const services = ids('service', `label=com.docker.stack.namespace=${stack}`);
  if (services.length) sh('docker', ['service', 'rm', ...services]);
  for (let i = 0; i < 100; i++) {
    const nets = ids('network', `label=com.docker.stack.namespace=${stack}`);
    const tasks = sh('docker', ['ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`]).split('\n').filter(Boolean);
    if (nets.length === 0 && tasks.length === 0) return;
    try {
      if (nets.length && tasks.length === 0) sh('docker', ['network', 'rm', ...nets]);
    } catch {
      /* endpoints still attached */
    }
    spawnSync('sleep', ['0.3']);
  }
}

/**
 * The 3-service test recipe as a kite app (`bench.kite.test`, or `<name>.kite.test`)
 * and, for docker, the same compose with the same environment: the app env +
 * abra.sh exports + STACK_NAME as process environment, which `docker stack
 * deploy` interpolates with.
 */
function deploySetup(name: string, ports: { kite?: string; docker: string }) {
  const abraDir = mkdtempSync(join(tmpdir(), 'kite-bench-'));
  mkdirSync(join(abraDir, 'servers', 'kite-test'), { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/recipes/kite-test-app'), join(abraDir, 'recipes', 'kite-test-app'), { recursive: true });
  const recipe = join(abraDir, 'recipes', 'kite-test-app');
  const kiteEnv = { ABRA_DIR: abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' };
  const kite = (...args: string[]) => sh(process.execPath, [join(ROOT, 'bin/kite.js'), ...args], kiteEnv);

  const kiteDomain = `${name}.kite.test`;
  const kiteStack = `${name}_kite_test`;
  const dockerStack = `${name}d_kite_test`;
  purge(kiteStack);
  purge(dockerStack);
  kite('app', 'new', 'kite-test-app', '-s', 'kite-test', '-D', kiteDomain, '--secrets');
  const envFile = join(abraDir, 'servers/kite-test', `${kiteDomain}.env`);
  if (ports.kite) writeFileSync(envFile, readFileSync(envFile, 'utf8').replace(/^APP_PORT=.*$/m, `APP_PORT=${ports.kite}`));

  const envText = readFileSync(envFile, 'utf8');
  const env = {
    ...parseEnvFile(envText, 'bench').env,
    ...readAbraShExports(readFileSync(join(recipe, 'abra.sh'), 'utf8')),
    STACK_NAME: dockerStack,
    DOMAIN: `${name}d.kite.test`,
    APP_PORT: ports.docker,
  };
  try {
    execFileSync('docker', ['secret', 'create', `${dockerStack}_db_password_v1`, '-'], { input: 'bench-password', stdio: ['pipe', 'ignore', 'ignore'] });
  } catch {
    /* exists from an earlier run */
  }
  const cleanup = () => {
    purge(kiteStack);
    purge(dockerStack);
    for (const n of [`${dockerStack}_db_password_v1`, `${kiteStack}_db_password_v1`]) spawnSync('docker', ['secret', 'rm', n]);
    for (const s of [kiteStack, dockerStack]) {
      const names = sh('docker', ['config', 'ls', '--format', '{{.Name}}']).split('\n').filter((n) => n.startsWith(`${s}_`) || n.startsWith(`kh-${s}-`) || n === `kite-lock-${s}`);
      if (names.length) spawnSync('docker', ['config', 'rm', ...names]);
      spawnSync('docker', ['volume', 'rm', `${s}_db-data`]);
    }
  };
  return { recipe, kiteEnv, kite, kiteDomain, kiteStack, dockerStack, env, cleanup };
}

async function benchDeploy(): Promise<Row> {
  const { recipe, kiteEnv, kiteDomain, kiteStack, dockerStack, env, cleanup } = deploySetup('bench', { docker: '18090' });

  const kiteTimes: number[] = [];
  const dockerTimes: number[] = [];
  const kiteRss: number[] = [];
  const dockerRss: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const k = measured(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'deploy', kiteDomain], kiteEnv);
    kiteTimes.push(k.ms);
    if (k.rssKb) kiteRss.push(k.rssKb);
    purge(kiteStack);
    const d = measured('docker', ['stack', 'deploy', '--detach=false', '-c', join(recipe, 'compose.yml'), dockerStack], { ...env });
    dockerTimes.push(d.ms);
    if (d.rssKb) dockerRss.push(d.rssKb);
    purge(dockerStack);
  }
  if (kiteRss.length && dockerRss.length) {
    memoryRows.push({ name: 'peak memory (RSS) of the deploy process: kite vs the docker CLI', kiteMs: median(kiteRss) / 1024, baselineMs: median(dockerRss) / 1024, ratio: median(kiteRss) / median(dockerRss), target: NaN });
  }
  cleanup();
  const k = median(kiteTimes);
  const d = median(dockerTimes);
  return { name: `deploy 3-service recipe until converged (${ROUNDS} rounds; kite over SSH)`, kiteMs: k, baselineMs: d, ratio: k / d, target: 1.2 };
}

const REDEPLOY_ROUNDS = 7;

/**
 * A redeploy where nothing changed, as an operator runs it: `kite app deploy
 * --force` of the deployed app, against `docker -H ssh://kite-test stack
 * deploy` of the same compose (docker's own ssh, through the rig's config;
 * detached, its default). Both stacks are deployed and converged first, then
 * one unmeasured round each (kite's SSH master is then warm, as in a session
 * of commands), then REDEPLOY_ROUNDS interleaved rounds.
 */
async function benchRedeploy(): Promise<Row> {
  const { recipe, kite, kiteDomain, dockerStack, env, cleanup } = deploySetup('benchre', { kite: '18191', docker: '18192' });
  const wrapper = sshWrapperDir();
  try {
    kite('app', 'deploy', kiteDomain);
    sh('docker', ['stack', 'deploy', '--detach=false', '-c', join(recipe, 'compose.yml'), dockerStack], env);
    const redeployKite = () => time(() => kite('app', 'deploy', kiteDomain, '--force'));
    const dockerEnv = { ...env, PATH: `${wrapper}:${process.env.PATH ?? ''}` };
    const redeployDocker = () => time(() => sh('docker', ['-H', 'ssh://kite-test', 'stack', 'deploy', '-c', join(recipe, 'compose.yml'), dockerStack], dockerEnv));
    redeployKite();
    redeployDocker();
    const kiteTimes: number[] = [];
    const dockerTimes: number[] = [];
    for (let i = 0; i < REDEPLOY_ROUNDS; i++) {
      kiteTimes.push(redeployKite());
      dockerTimes.push(redeployDocker());
    }
    const k = median(kiteTimes);
    const d = median(dockerTimes);
    return { name: `redeploy, nothing changed: \`kite app deploy --force\` vs \`docker -H ssh:// stack deploy\` of the same compose (median of ${REDEPLOY_ROUNDS})`, kiteMs: k, baselineMs: d, ratio: k / d, target: 0.8 };
  } finally {
    cleanup();
    rmSync(wrapper, { recursive: true, force: true });
  }
}

const CALLS_STACK = 'benchcalls';

const CALL_ROUNDS = 21;

/**
 * 50 calls of one kind over SSH and over the local socket, rounds
 * interleaved: median of CALL_ROUNDS rounds, ms per 50, after one unmeasured
 * round of each (JIT, connections, and the swarm settling after the setup).
 */
async function timeCalls(ssh: DockerPort, local: DockerPort, call: (d: DockerPort) => Promise<unknown>): Promise<{ s: number; l: number }> {
  for (let j = 0; j < 50; j++) await call(ssh);
  for (let j = 0; j < 50; j++) await call(local);
  const sshTimes: number[] = [];
  const localTimes: number[] = [];
  for (let i = 0; i < CALL_ROUNDS; i++) {
    sshTimes.push(await timeAsync(async () => { for (let j = 0; j < 50; j++) await call(ssh); }));
    localTimes.push(await timeAsync(async () => { for (let j = 0; j < 50; j++) await call(local); }));
  }
  return { s: median(sshTimes), l: median(localTimes) };
}

/**
 * What kite asks most: the services of one stack. The stack has 10
 * services (replicas 0, so nothing runs), a ~5 kB answer, as for a real
 * app. The transport floor (an empty answer) is reported beside it.
 */
async function benchCalls(): Promise<Row[]> {
  purge(CALLS_STACK);
  for (let i = 1; i <= 10; i++) {
    sh('docker', ['service', 'create', '--detach', '--quiet', '--replicas', '0', '--name', `${CALLS_STACK}_s${i}`,
      '--label', `com.docker.stack.namespace=${CALLS_STACK}`, '--env', `N=${i}`, 'kite-test/web:1.0']);
  }
  // through an SSH master, as kite's commands connect (kite.yml ssh.persist)
  const ssh = await connectDocker('kite-test', { sshConfig: SSH_CONFIG, persistSeconds: 60 });
  const local = await connectDocker('default');
  try {
    const stack = await timeCalls(ssh, local, (d) => d.listServices({ label: [`com.docker.stack.namespace=${CALLS_STACK}`] }));
    const empty = await timeCalls(ssh, local, (d) => d.listServices({ label: ['com.docker.stack.namespace=nothing-here'] }));
    return [
      { name: `50 API calls (list a 10-service stack, ~5 kB), SSH vs local socket (median of ${CALL_ROUNDS} rounds)`, kiteMs: stack.s, baselineMs: stack.l, ratio: stack.s / stack.l, target: 1.5 },
      { name: '50 API calls with an empty answer (transport floor), SSH vs local socket', kiteMs: empty.s, baselineMs: empty.l, ratio: empty.s / empty.l, target: NaN },
    ];
  } finally {
    await ssh.close();
    await local.close();
    purge(CALLS_STACK);
  }
}

/** `kite --version` is answered by bin/kite.js before the command tree loads */
function benchStartup(): Row {
  const kiteTimes: number[] = [];
  const nodeTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    kiteTimes.push(time(() => sh(process.execPath, [join(ROOT, 'bin/kite.js'), '--version'])));
    nodeTimes.push(time(() => sh(process.execPath, ['-e', '0'])));
  }
  const k = median(kiteTimes);
  const n = median(nodeTimes);
  return { name: '`kite --version` vs `node -e 0` (30 runs)', kiteMs: k, baselineMs: n, ratio: k / n, target: 1.2 };
}

const memoryRows: Row[] = [];
// `npm run bench -- calls deploy` runs only those; no names runs them all
const BENCHES: Record<string, () => Promise<Row[]>> = {
  startup: async () => [benchStartup()],
  calls: benchCalls,
  deploy: async () => [await benchDeploy()],
  redeploy: async () => [await benchRedeploy()],
  'app-ls': benchAppLs,
  // the 3-node lab (scripts/lab.sh): deploy and `server nodes` (bench/multinode.ts)
  multinode: benchMultinode,
  'recipe-test': benchRecipeTest,
  // `kite web`: the apps page of 50 apps on 2 servers in Chromium vs `kite app ls -S`, and the JS it ships (bench/web.ts)
  web: benchWeb,
  // backup create/restore of a few hundred MB vs restic in a container on the same data; an unchanged second backup (bench/backup.ts)
  backup: benchBackup,
};
const picked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of picked) if (!BENCHES[name]) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
const rows: Row[] = [];
for (const [name, run] of Object.entries(BENCHES)) if (picked.length === 0 || picked.includes(name)) rows.push(...(await run()));
if (process.argv.includes('--json')) {
  console.log(JSON.stringify([...rows, ...memoryRows], null, 2));
} else {
  console.log('| benchmark | kite (median ms) | baseline (median ms) | ratio | target |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.kiteMs.toFixed(1)} | ${r.baselineMs.toFixed(1)} | ${r.ratio.toFixed(2)}× | ${Number.isNaN(r.target) ? '(measured)' : `≤ ${r.target}×`} |`);
  for (const r of memoryRows) console.log(`| ${r.name} | ${r.kiteMs.toFixed(1)} MiB | ${r.baselineMs.toFixed(1)} MiB | ${r.ratio.toFixed(2)}× | (measured) |`);
}
