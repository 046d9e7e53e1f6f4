// Benchmarks on the 3-node lab (scripts/lab.sh up; the manager is the SSH
// server `kite-lab`), kite against the raw docker operation in the same run:
//   1. first deploy of the 3-service test recipe until converged (kite over
//      SSH; its stateful db pinned after it runs) vs `docker -H ssh://kite-lab
//      stack deploy --detach=false` of the same compose (docker's own ssh,
//      waiting for convergence)
//   2. `kite server nodes kite-lab` vs `docker -H ssh://kite-lab node ls`

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnvFile } from '../src/core/env-file.js';
import { readAbraShExports } from '../src/core/abra-sh.js';
import { sshWrapperDir } from './app-ls.js';
import { median, type Row } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const SSH_CONFIG = process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NODE_ROUNDS = 11;
const LAB = 'kite-lab';
const KITE_STACK = 'benchmn_lab_test';
const DOCKER_STACK = 'benchmnd_lab_test';

function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** the docker CLI on lab node i's own socket (set-up and clean-up, not measured) */
function lab(i: number, ...args: string[]): string {
  return sh('docker', ['-H', `unix:///var/run/kite-lab-n${i}.sock`, ...args], { DOCKER_HOST: '', DOCKER_CONTEXT: '' });
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** services, their tasks on every node, networks and kite's pin record of a stack: gone */
function purge(stack: string): void {
  const services = lab(1, 'service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`).split('\n').filter(Boolean);
  if (services.length) lab(1, 'service', 'rm', ...services);
  for (let i = 0; i < 100; i++) {
    const tasks = [1, 2, 3].flatMap((n) => lab(n, 'ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`).split('\n').filter(Boolean));
    const nets = lab(1, 'network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`).split('\n').filter(Boolean);
    if (tasks.length === 0 && nets.length === 0) break;
    if (tasks.length === 0) spawnSync('docker', ['-H', 'unix:///var/run/kite-lab-n1.sock', 'network', 'rm', ...nets], { stdio: 'ignore' });
    spawnSync('sleep', ['0.3']);
  }
  const configs = lab(1, 'config', 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`kp-${stack}_`) || n.startsWith(`kh-${stack}-`) || n === `kite-lock-${stack}`);
  if (configs.length) lab(1, 'config', 'rm', ...configs);
}

function cleanupAll(): void {
  for (const stack of [KITE_STACK, DOCKER_STACK]) {
    purge(stack);
    const names = (kind: string, i = 1) => lab(i, kind, 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`${stack}_`));
    for (const kind of ['config', 'secret']) if (names(kind).length) lab(1, kind, 'rm', ...names(kind));
    for (const i of [1, 2, 3]) if (names('volume', i).length) spawnSync('docker', ['-H', `unix:///var/run/kite-lab-n${i}.sock`, 'volume', 'rm', ...names('volume', i)], { stdio: 'ignore' });
  }
}

export async function benchMultinode(): Promise<Row[]> {
  const abraDir = mkdtempSync(join(tmpdir(), 'kite-bench-mn-'));
  const wrapper = sshWrapperDir();
  const kiteEnv = { ABRA_DIR: abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' };
  const kite = (...args: string[]) => sh(process.execPath, [join(ROOT, 'bin/kite.js'), ...args], kiteEnv);
  const dockerSsh = { PATH: `${wrapper}:${process.env.PATH ?? ''}`, DOCKER_HOST: '', DOCKER_CONTEXT: '' };
  try {
    cleanupAll();
    const recipe = join(abraDir, 'recipes', 'kite-test-app');
    mkdirSync(join(abraDir, 'recipes'), { recursive: true });
    cpSync(join(ROOT, 'test/fixtures/recipes/kite-test-app'), recipe, { recursive: true });
    kite('server', 'add', LAB);
    const domain = 'benchmn.lab.test';
    kite('app', 'new', 'kite-test-app', '-s', LAB, '-D', domain, '--secrets');
    const envFile = join(abraDir, 'servers', LAB, `${domain}.env`);
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace(/^APP_PORT=.*$/m, 'APP_PORT=18290'));
    const env = {
      ...parseEnvFile(readFileSync(envFile, 'utf8'), 'bench').env,
      ...readAbraShExports(readFileSync(join(recipe, 'abra.sh'), 'utf8')),
      STACK_NAME: DOCKER_STACK,
      DOMAIN: 'benchmnd.lab.test',
      APP_PORT: '18291',
    };
    execFileSync('docker', ['-H', 'unix:///var/run/kite-lab-n1.sock', 'secret', 'create', `${DOCKER_STACK}_db_password_v1`, '-'], { input: 'bench-password', stdio: ['pipe', 'ignore', 'ignore'] });

    const kiteTimes: number[] = [];
    const dockerTimes: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      kiteTimes.push(time(() => kite('app', 'deploy', domain, '--no-input')));
      purge(KITE_STACK);
      dockerTimes.push(time(() => sh('docker', ['-H', `ssh://${LAB}`, 'stack', 'deploy', '--detach=false', '-c', join(recipe, 'compose.yml'), DOCKER_STACK], { ...env, ...dockerSsh })));
      purge(DOCKER_STACK);
    }

    // one unmeasured call each (kite's SSH master then warm, as in a session of commands)
    const nodesKite = () => time(() => kite('server', 'nodes', LAB));
    const nodesDocker = () => time(() => sh('docker', ['-H', `ssh://${LAB}`, 'node', 'ls'], dockerSsh));
    nodesKite();
    nodesDocker();
    const nk: number[] = [];
    const nd: number[] = [];
    for (let i = 0; i < NODE_ROUNDS; i++) {
      nk.push(nodesKite());
      nd.push(nodesDocker());
    }
    const k = median(kiteTimes);
    const d = median(dockerTimes);
    return [
      { name: `3-node lab: first deploy of the 3-service recipe until converged, kite vs \`docker -H ssh:// stack deploy --detach=false\` (${ROUNDS} rounds)`, kiteMs: k, baselineMs: d, ratio: k / d, target: 1.2 },
      { name: `3-node lab: \`kite server nodes\` vs \`docker -H ssh:// node ls\` (median of ${NODE_ROUNDS})`, kiteMs: median(nk), baselineMs: median(nd), ratio: median(nk) / median(nd), target: 1 },
    ];
  } finally {
    cleanupAll();
    rmSync(wrapper, { recursive: true, force: true });
    rmSync(abraDir, { recursive: true, force: true });
  }
}
