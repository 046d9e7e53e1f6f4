// SSH connections reused across commands (ssh's ControlMaster, kite.yml
// `ssh.persist`), against the rig's real sshd: a second command goes through
// the master the first one left, each command's forward is cancelled in the
// master when it ends (SIGTERM included), a SIGKILLed command's forward is
// swept by the next one, the master ends at its idle bound, reuse can be
// turned off, and a master authenticated under one ssh config is never used
// under another (a changed host key is still refused, with ssh's key lines).
//
// Every test here has its own runtime directory (XDG_RUNTIME_DIR), so its
// masters are its own, whatever else runs on the rig.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectDocker } from '../../src/adapters/docker/engine.js';
import { SshError } from '../../src/core/errors.js';
import { ROOT, SERVER, Sandbox, pgrep, type Run } from './harness.js';
import { sshConfigWith, wrongHostKeySshConfig } from './ssh-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (ok()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting until ${what}`);
}

/** a private runtime directory: kite's control directory is <it>/kite */
function runtimeDir(): { runtime: string; control: string } {
  const runtime = mkdtempSync('/tmp/kite-rt-');
  return { runtime, control: join(runtime, 'kite') };
}

/** master processes of a control directory (ssh names itself `ssh: <control path> [mux]`) */
const masters = (control: string) => pgrep('-f', `^ssh: ${control}/m-`);

/** unix sockets still bound (listening or connected) on a forward path of the control directory */
function forwardSockets(control: string): string[] {
  return readFileSync('/proc/net/unix', 'utf8').split('\n').filter((l) => l.includes(`${control}/kite-ssh-`));
}

const forwardDirs = (control: string) => (existsSync(control) ? readdirSync(control).filter((n) => n.startsWith('kite-ssh-')) : []);

/** a sandbox with one app on kite-test (undeployed: `app ls -S` must ask the server to say so) */
function sandbox(): Sandbox {
  const sb = new Sandbox();
  mkdirSync(join(sb.abraDir, 'servers', SERVER), { recursive: true });
  writeFileSync(sb.envPath('reuse.kite.test'), 'TYPE=kite-test-app\nDOMAIN=reuse.kite.test\n');
  return sb;
}

/** `app ls -S -m` answered by the server: the app's status is known */
function assertAsked(r: Run): void {
  assert.equal(r.code, 0, r.stderr);
  const apps = JSON.parse(r.stdout)[SERVER].apps as { status: string }[];
  assert.equal(apps[0].status, 'undeployed', r.stderr);
}

test('a second command goes through the master the first one left: no new login, its forward cancelled', async () => {
  const { runtime, control } = runtimeDir();
  const config = sshConfigWith('# a copy of the rig config');
  const sb = sandbox();
  const env = { XDG_RUNTIME_DIR: runtime, KITE_SSH_CONFIG: config };
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], env));
  const [master, ...more] = masters(control);
  assert.ok(master, 'a master connection stays after the command');
  assert.deepEqual(more, []);
  await until('the forward is cancelled in the master', () => forwardSockets(control).length === 0);
  assert.deepEqual(forwardDirs(control), [], 'the forward directory is removed');

  // a new login would now fail (no such key, BatchMode): only the master can answer
  writeFileSync(config, readFileSync(config, 'utf8').replaceAll(/IdentityFile .*/g, `IdentityFile ${join(runtime, 'no-such-key')}`));
  const second = await sb.kite(['app', 'ls', '-S', '-m'], env);
  assertAsked(second);
  assert.deepEqual(masters(control), [master], 'the same master served the second command');
  await until('the second forward is cancelled too', () => forwardSockets(control).length === 0);
});

test('with ssh.persist: 0 in kite.yml every command has a connection of its own, gone with it', async () => {
  const { runtime, control } = runtimeDir();
  const sb = sandbox();
  writeFileSync(join(sb.abraDir, 'kite.yml'), 'ssh:\n  persist: 0\n');
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime }));
  assert.deepEqual(masters(control), []);
  assert.ok(!existsSync(control) || !readdirSync(control).some((n) => n.startsWith('m-')), 'no control socket');
});

test('the master ends once idle for ssh.persist seconds', async () => {
  const { runtime, control } = runtimeDir();
  const sb = sandbox();
  writeFileSync(join(sb.abraDir, 'kite.yml'), 'ssh:\n  persist: 1\n');
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime }));
  const [master] = masters(control);
  assert.ok(master, 'a master was left for the next command');
  await until('the idle master exits', () => !masters(control).includes(master), 400);
  await until('its control socket is removed', () => !readdirSync(control).some((n) => n.startsWith('m-')));
});

/** a process that holds a reused connection until killed, with kite's SIGTERM handling */
async function holder(runtime: string): Promise<ChildProcess> {
  const engine = JSON.stringify(join(ROOT, 'src/adapters/docker/engine.ts'));
  const code = `
    import { connectDocker } from ${engine};
    process.on('SIGTERM', () => process.exit(143));
    const d = await connectDocker(${JSON.stringify(SERVER)}, { sshConfig: process.env.KITE_SSH_CONFIG, persistSeconds: 60 });
    await d.info();
    console.log('ready');
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, XDG_RUNTIME_DIR: runtime },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before it was ready`)));
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

test('SIGTERM: the command cancels its forward in the master and removes its directory', async () => {
  const { runtime, control } = runtimeDir();
  const child = await holder(runtime);
  assert.equal(forwardDirs(control).length, 1);
  assert.ok(forwardSockets(control).length > 0, 'the forward listens in the master');
  child.kill('SIGTERM');
  assert.equal(await exited(child), 143);
  assert.deepEqual(forwardDirs(control), []);
  await until('the forward is cancelled in the master', () => forwardSockets(control).length === 0);
  assert.equal(masters(control).length, 1, 'the master stays for the next command');
});

test('SIGKILL: the forward left in the master is swept by the next command, its path never reused', async () => {
  const { runtime, control } = runtimeDir();
  const child = await holder(runtime);
  const [left] = forwardDirs(control);
  child.kill('SIGKILL');
  await exited(child);
  await sleep(300);
  assert.deepEqual(forwardDirs(control), [left], 'a killed command cannot clean up after itself');
  assert.ok(forwardSockets(control).some((l) => l.includes(left)), 'and its forward still listens in the master');

  const sb = sandbox();
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime }));
  assert.ok(!forwardDirs(control).includes(left), 'the next command removed the dead one\'s directory');
  await until('the dead forward is cancelled in the master', () => forwardSockets(control).length === 0);
});

test('a reused connection lost (its master killed) fails the next call with an SshError', async () => {
  const { runtime, control } = runtimeDir();
  const before = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = runtime;
  try {
    const docker = await connectDocker(SERVER, { sshConfig: process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config'), persistSeconds: 60 });
    try {
      await docker.info();
      const [master] = masters(control);
      assert.ok(master);
      process.kill(master, 'SIGKILL');
      await sleep(300);
      await assert.rejects(docker.listServices(), (e: unknown) => e instanceof SshError && /connection lost/.test(e.message));
    } finally {
      await docker.close();
    }
  } finally {
    if (before === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = before;
  }
});

test('a changed host key is refused with ssh\'s key lines and a hint naming known_hosts, even with a master of another config up', async () => {
  const { runtime } = runtimeDir();
  const sb = sandbox();
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime })); // a master for the rig's config
  const { config, knownHosts } = wrongHostKeySshConfig();
  const fresh = new Sandbox();
  const r = await fresh.kite(['server', 'add', SERVER], { XDG_RUNTIME_DIR: runtime, KITE_SSH_CONFIG: config });
  assert.equal(r.code, 4, r.stderr);
  assert.equal(existsSync(join(fresh.abraDir, 'servers', SERVER)), false);
  const lines = r.stderr.split('\n');
  assert.match(lines[0], /^ERROR server kite-test: the host key of the server has changed/);
  assert.ok(lines.some((l) => /^ {2}The fingerprint for the ED25519 key sent by the remote host is$/.test(l)), r.stderr);
  assert.ok(lines.some((l) => /^ {2}SHA256:\S+$/.test(l)), r.stderr);
  assert.ok(lines.includes(`  Offending ED25519 key in ${knownHosts}:1`), r.stderr);
  assert.ok(r.stderr.includes(`\`ssh-keygen -f "${knownHosts}" -R "[127.0.0.1]:2222"\``), r.stderr);
  assert.ok(!r.stderr.includes('@@@'), 'ssh\'s banner is left out');
});

test('a server reached through ProxyJump gets its own master, even when another alias of its address has one', async () => {
  const { runtime, control } = runtimeDir();
  assertAsked(await sandbox().kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime }));
  assert.equal(masters(control).length, 1);
  const r = await new Sandbox().kite(['server', 'add', 'kite-jump'], { XDG_RUNTIME_DIR: runtime });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(masters(control).length, 2, 'kite-jump did not borrow kite-test\'s connection (same address, another route)');
});

/** remote `cat` sessions (the server is this machine) */
const remoteSessions = () => pgrep('-x', 'cat');

test('through a master too, the session kept beside the forward ends with the command', async () => {
  const { runtime } = runtimeDir();
  const before = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = runtime;
  try {
    const sessionsBefore = remoteSessions();
    const fresh = () => remoteSessions().filter((p) => !sessionsBefore.includes(p));
    const docker = await connectDocker(SERVER, { sshConfig: process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config'), persistSeconds: 60 });
    await until('the remote session starts', () => fresh().length > 0);
    const during = fresh();
    await docker.close();
    assert.equal(during.length, 1, 'one remote session per command');
    await until('the remote session ends', () => !remoteSessions().includes(during[0]));
  } finally {
    if (before === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = before;
  }
});
