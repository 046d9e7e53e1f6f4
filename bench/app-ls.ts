// `kite app ls -S -m` over 50 deployed apps vs one `docker service ls` over
// the same SSH transport (`docker -H ssh://kite-test`, the rig's ssh config
// applied through an `ssh` wrapper first in PATH), in the same run:
//   1. 50 apps on one server (kite-test)
//   2. the same 50 apps spread over kite-test and kite-test-2 (two aliases
//      of the same daemon: two SSH connections, queried in parallel)
//   3. the same, with connection reuse off (kite.yml `ssh.persist: 0`): every
//      run pays its SSH handshake, as docker's does
// kite's connections are warm in 1 and 2: its unmeasured first run leaves an
// SSH master (kept 60 s) that the measured runs go through. docker -H ssh://
// opens its own ssh each time; that is what an operator waits for with it.
// The apps are stacks made directly through the Engine API with abra's names
// and labels (`<stack>_app`, com.docker.stack.namespace, coop-cloud.*), one
// sleeping task each, and env files in a throwaway $ABRA_DIR. Everything is
// removed at the end. Standalone: `node --import tsx bench/app-ls.ts [--json]`.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectDocker } from '../src/adapters/docker/engine.js';
import type { DockerPort } from '../src/ports/docker.js';
import { median, type Row } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const SSH_CONFIG = process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config');
export const APPS = 50;
const RUNS = 5;
const PREFIX = 'bench-ls-';



function timed(cmd: string, args: string[], env: Record<string, string> = {}): { ms: number; out: string } {
  const t = process.hrtime.bigint();
  const out = execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out };
}

export const domain = (i: number) => `${PREFIX}${String(i).padStart(2, '0')}.kite.test`;
const stackOf = (d: string) => d.replaceAll('.', '_');

async function benchStacks(local: DockerPort): Promise<string[]> {
  return (await local.listServices({ label: ['com.docker.stack.namespace'] }))
    .filter((s) => s.Spec.Name.startsWith(PREFIX) && s.Spec.Name.endsWith('_kite_test_app'))
    .map((s) => s.ID);
}

export async function removeBenchStacks(local: DockerPort): Promise<void> {
  await Promise.all((await benchStacks(local)).map((id) => local.removeService(id).catch(() => undefined)));
}

export async function createApps(local: DockerPort): Promise<void> {
  await Promise.all(
    Array.from({ length: APPS }, (_, i) => {
      const stack = stackOf(domain(i));
      return local.createService({
        Name: `${stack}_app`,
        Labels: {
          'com.docker.stack.namespace': stack,
          'com.docker.stack.image': 'kite-test/web:1.0',
          [`coop-cloud.${stack}.version`]: '1.0.0+1.0',
          [`coop-cloud.${stack}.recipe`]: 'kite-test-app',
          [`coop-cloud.${stack}.chaos`]: 'false',
          [`coop-cloud.${stack}.autoupdate`]: 'false',
        },
        TaskTemplate: {
          ContainerSpec: { Image: 'kite-test/web:1.0', Command: ['sleep', '3600'], Labels: { 'com.docker.stack.namespace': stack }, StopGracePeriod: 1e9 },
          RestartPolicy: { Condition: 'any', Delay: 1e9 },
        },
        Mode: { Replicated: { Replicas: 1 } },
      });
    }),
  );
  // measure a settled swarm, not one busy starting 50 containers
  const deadline = Date.now() + 180_000;
  for (;;) {
    const services = await local.listServices({ label: ['com.docker.stack.namespace'] }, true);
    const running = services.filter((s) => s.Spec.Name.startsWith(PREFIX) && s.ServiceStatus?.RunningTasks === 1).length;
    if (running >= APPS) return;
    if (Date.now() > deadline) throw new Error(`only ${running}/${APPS} bench services running after 180 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** a PATH directory whose `ssh` uses the rig's config, for docker's ssh:// helper */
export function sshWrapperDir(): string {
  const real = (process.env.PATH ?? '').split(':').map((d) => join(d || '.', 'ssh')).find((p) => existsSync(p));
  if (!real) throw new Error('no ssh in PATH');
  const dir = mkdtempSync(join(tmpdir(), 'kite-bench-ssh-'));
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\nexec '${real}' -F '${SSH_CONFIG}' "$@"\n`, { mode: 0o755 });
  return dir;
}

/** if the bench is interrupted, its 50 services must not stay behind */
export function removeOnSignal(): () => void {
  const handler = (sig: NodeJS.Signals) => {
    const ids = execFileSync('docker', ['service', 'ls', '--filter', 'label=com.docker.stack.namespace', '--format', '{{.ID}} {{.Name}}'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(` ${PREFIX}`))
      .map((l) => l.split(' ')[0]);
    if (ids.length) execFileSync('docker', ['service', 'rm', ...ids], { stdio: 'ignore' });
    process.kill(process.pid, sig);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
}

function measure(abraDir: string, servers: number, wrapper: string, target: number, how = 'warm'): Row {
  const env = { ABRA_DIR: abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' };
  const kite = () => timed(process.execPath, [join(ROOT, 'bin/kite.js'), 'app', 'ls', '-S', '-m'], env);
  // one warm-up each (file cache, ssh known_hosts), and a check that kite saw every app deployed
  const listing = JSON.parse(kite().out) as Record<string, { apps: { status: string; version: string }[] }>;
  const deployed = Object.values(listing).flatMap((s) => s.apps).filter((a) => a.status === 'deployed' && a.version === '1.0.0+1.0').length;
  if (deployed !== APPS) throw new Error(`kite app ls -S saw ${deployed}/${APPS} bench apps deployed`);
  const sshPath = { PATH: `${wrapper}:${process.env.PATH ?? ''}` };
  const dockerSsh = () => timed('docker', ['-H', 'ssh://kite-test', 'service', 'ls'], sshPath);
  const dockerLocal = () => timed('docker', ['service', 'ls']);
  if (dockerSsh().out.split('\n').filter((l) => l.includes(PREFIX)).length !== APPS) throw new Error('docker service ls over ssh did not list the bench apps');
  dockerLocal();
  const kiteTimes: number[] = [];
  const sshTimes: number[] = [];
  const localTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    kiteTimes.push(kite().ms);
    sshTimes.push(dockerSsh().ms);
    localTimes.push(dockerLocal().ms);
  }
  const k = median(kiteTimes);
  const d = median(sshTimes);
  const where = servers === 1 ? 'one server' : `${servers} servers`;
  return {
    name: `\`kite app ls -S -m\`, ${APPS} apps on ${where} (${how}) vs one \`docker -H ssh:// service ls\` (median of ${RUNS}; local \`docker service ls\`: ${median(localTimes).toFixed(0)} ms)`,
    kiteMs: k,
    baselineMs: d,
    ratio: k / d,
    target,
  };
}

export async function benchAppLs(): Promise<Row[]> {
  const abraDir = mkdtempSync(join(tmpdir(), 'kite-bench-ls-'));
  const local = await connectDocker('default');
  const wrapper = sshWrapperDir();
  const unhook = removeOnSignal();
  try {
    await removeBenchStacks(local);
    for (const s of ['kite-test', 'kite-test-2']) mkdirSync(join(abraDir, 'servers', s), { recursive: true });
    for (let i = 0; i < APPS; i++) {
      writeFileSync(join(abraDir, 'servers', 'kite-test', `${domain(i)}.env`), `TYPE=kite-test-app:1.0.0+1.0\nDOMAIN=${domain(i)}\n`, { mode: 0o600 });
    }
    await createApps(local);
    const one = measure(abraDir, 1, wrapper, 2);
    // every other app moves to kite-test-2
    for (let i = 1; i < APPS; i += 2) {
      renameSync(join(abraDir, 'servers', 'kite-test', `${domain(i)}.env`), join(abraDir, 'servers', 'kite-test-2', `${domain(i)}.env`));
    }
    const two = measure(abraDir, 2, wrapper, 0.6);
    writeFileSync(join(abraDir, 'kite.yml'), 'ssh:\n  persist: 0\n');
    const cold = measure(abraDir, 2, wrapper, NaN, 'cold: ssh.persist 0');
    return [one, two, cold];
  } finally {
    await removeBenchStacks(local);
    await local.close();
    rmSync(abraDir, { recursive: true, force: true });
    rmSync(wrapper, { recursive: true, force: true });
    unhook();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchAppLs();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log('| benchmark | kite (median ms) | baseline (median ms) | ratio | target |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(`| ${r.name} | ${r.kiteMs.toFixed(1)} | ${r.baselineMs.toFixed(1)} | ${r.ratio.toFixed(2)}× | ${Number.isNaN(r.target) ? '(measured)' : `≤ ${r.target}×`} |`);
  }
}
