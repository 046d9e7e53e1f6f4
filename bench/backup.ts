// Backups: `kite app backup create` / `kite app restore` of a volume of a few
// hundred MB against restic run directly in a container on the same data
// (same image, same node, a repository of its own), and a second backup with
// nothing changed. kite's numbers include what it does beyond restic: the
// helper service's start, the repository check, the hooks, the verification
// (restic check and reading the whole snapshot back), and for a restore
// stopping the service, staging, starting it and waiting for convergence.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, type Row } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const SSH_CONFIG = process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MB = Number(process.env.BENCH_BACKUP_MB ?? 300);
const DOMAIN = 'benchbk.kite.test';
const STACK = 'benchbk_kite_test';
const VOLUME = `${STACK}_data`;
const REPO = '/var/lib/kite-backups-bench';
const RAW_REPO = '/var/lib/kite-backups-bench-raw';
const IMAGE = 'kite-test/restic:latest';

function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** restic in a plain container on the same volume (read-only for a backup), its own repository */
function raw(args: string[], readOnly: boolean): void {
  sh('docker', ['run', '--rm', '-e', 'RESTIC_PASSWORD=bench', '-e', `RESTIC_REPOSITORY=/repo`, '-v', `${RAW_REPO}:/repo`,
    '-v', `${VOLUME}:/var/lib/docker/volumes/${VOLUME}/_data${readOnly ? ':ro' : ''}`, IMAGE, 'restic', '--no-cache', ...args]);
}

function appContainer(): string {
  for (let i = 0; i < 120; i++) {
    const id = sh('docker', ['ps', '-q', '--filter', `name=${STACK}_app.`]).trim().split('\n')[0];
    if (id) return id;
    execFileSync('sleep', ['0.5']);
  }
  throw new Error('the bench app does not run');
}

function cleanup(): void {
  const helpers = sh('docker', ['service', 'ls', '-q', '--filter', `label=kite.backup-helper=${STACK}`]).split('\n').filter(Boolean);
  const services = sh('docker', ['service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${STACK}`]).split('\n').filter(Boolean);
  if (helpers.length || services.length) sh('docker', ['service', 'rm', ...helpers, ...services]);
  const secrets = sh('docker', ['secret', 'ls', '--format', '{{.Name}} {{.Labels}}']).split('\n').filter((l) => l.startsWith(`${STACK}_`) || l.includes(REPO)).map((l) => l.split(' ')[0]);
  for (const s of secrets) execFileSync('docker', ['secret', 'rm', s], { stdio: 'ignore' });
  for (let i = 0; i < 40; i++) {
    try {
      execFileSync('docker', ['volume', 'rm', '-f', VOLUME, `${STACK}_cache`], { stdio: 'ignore' });
      break;
    } catch {
      execFileSync('sleep', ['0.5']);
    }
  }
  rmSync(REPO, { recursive: true, force: true });
  rmSync(RAW_REPO, { recursive: true, force: true });
}

export async function benchBackup(): Promise<Row[]> {
  cleanup();
  const abraDir = mkdtempSync(join(tmpdir(), 'kite-bench-bk-'));
  mkdirSync(join(abraDir, 'servers', 'kite-test'), { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/recipes/kite-backup-app'), join(abraDir, 'recipes', 'kite-backup-app'), { recursive: true });
  writeFileSync(join(abraDir, 'kite.yml'), `backups:\n  image: ${IMAGE}\n  repository: ${REPO}\n`);
  const kite = (...args: string[]) => sh(process.execPath, [join(ROOT, 'bin/kite.js'), ...args], { ABRA_DIR: abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' });
  try {
    kite('app', 'new', 'kite-backup-app', '-s', 'kite-test', '-D', DOMAIN, '--secrets');
    kite('app', 'deploy', DOMAIN);
    sh('docker', ['exec', appContainer(), 'sh', '-c', `for i in $(seq 1 ${MB / 10}); do dd if=/dev/urandom of=/data/f$i bs=1M count=10 2>/dev/null; done`]);
    mkdirSync(RAW_REPO, { recursive: true });
    raw(['init'], true);

    const first = { kite: [] as number[], raw: [] as number[] };
    const again = { kite: [] as number[], raw: [] as number[] };
    const restore = { kite: [] as number[], raw: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      // a first backup each round: the data changes completely (new random files)
      sh('docker', ['exec', appContainer(), 'sh', '-c', `for i in $(seq 1 ${MB / 10}); do dd if=/dev/urandom of=/data/f$i bs=1M count=10 2>/dev/null; done`]);
      first.kite.push(time(() => kite('app', 'backup', 'create', DOMAIN)));
      first.raw.push(time(() => raw(['backup', '-q', `/var/lib/docker/volumes/${VOLUME}/_data`], true)));
      again.kite.push(time(() => kite('app', 'backup', 'create', DOMAIN)));
      again.raw.push(time(() => raw(['backup', '-q', `/var/lib/docker/volumes/${VOLUME}/_data`], true)));
      restore.kite.push(time(() => kite('app', 'restore', DOMAIN)));
      restore.raw.push(time(() => raw(['restore', 'latest', '--target', '/'], false)));
    }
    const row = (name: string, k: number[], b: number[], target: number): Row => ({ name, kiteMs: median(k), baselineMs: median(b), ratio: median(k) / median(b), target });
    return [
      row(`backup of a ${MB} MB volume: \`kite app backup create\` (hooks, verified) vs \`restic backup\` in a container (median of ${ROUNDS})`, first.kite, first.raw, 3),
      row(`second backup, nothing changed: kite vs \`restic backup\` in a container`, again.kite, again.raw, NaN),
      row('second backup, nothing changed, vs the first backup (kite)', again.kite, first.kite, 0.6),
      row(`restore of the ${MB} MB volume in place: \`kite app restore\` (stop, stage, swap, start, converge) vs \`restic restore\` in a container`, restore.kite, restore.raw, NaN),
    ];
  } finally {
    cleanup();
    rmSync(abraDir, { recursive: true, force: true });
  }
}
