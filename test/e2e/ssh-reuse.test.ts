// SSH connections reused across commands (ssh's ControlMaster, kite.yml
// `ssh.persist`), against the rig's real sshd: the first command leaves a
// master with a forward kept in it, the next ones connect to that forward and
// start no ssh at all; an edited ssh config makes the next command ask
// afresh; the master and its forward end at the idle bound, and the command
// after that starts a new one; a killed command or master leaves nothing that
// stops the next; reuse can be turned off; a master authenticated under one
// ssh config is never used under another (a changed host key is still
// refused, with ssh's key lines).
//
// Every test here has its own runtime directory (XDG_RUNTIME_DIR), so its
// masters are its own, whatever else runs on the rig.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { sshWrapperCounting } from './ssh-count.js';
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

/** unix sockets bound (listening or connected) on a kept forward's path of the control directory */
function forwardSockets(control: string): string[] {
  return readFileSync('/proc/net/unix', 'utf8').split('\n').filter((l) => l.includes(`${control}/f-`));
}

const forwardFiles = (control: string) => (existsSync(control) ? readdirSync(control).filter((n) => /^f-.*\.sock$/.test(n)) : []);

/** remote `cat` sessions (the server is this machine) */
const remoteSessions = () => pgrep('-x', 'cat');

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

test('the next commands connect to the forward kept in the master the first one left: no ssh started, no new login', async () => {
  const { runtime, control } = runtimeDir();
  const config = sshConfigWith('# a copy of the rig config');
  const ssh = sshWrapperCounting();
  const sb = sandbox();
  const env = { XDG_RUNTIME_DIR: runtime, KITE_SSH_CONFIG: config, PATH: ssh.path };
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], env));
  assert.equal(ssh.count(), 1, 'the first command starts ssh');
  const [master, ...more] = masters(control);
  assert.ok(master, 'a master connection stays after the command');
  assert.deepEqual(more, []);
  assert.equal(forwardFiles(control).length, 1);
  assert.ok(forwardSockets(control).length > 0, 'its forward listens in the master');

  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], env));
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], env));
  assert.equal(ssh.count(), 1, 'the next commands start no ssh');

  // an edited ssh config: the next command asks afresh; a new login would now
  // fail (no such key, BatchMode), so only the same master can answer
  writeFileSync(config, readFileSync(config, 'utf8').replaceAll(/IdentityFile .*/g, `IdentityFile ${join(runtime, 'no-such-key')}`));
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], env));
  assert.equal(ssh.count(), 2, 'after the edit, ssh was asked again');
  assert.deepEqual(masters(control), [master], 'and the same master served it (%C unchanged)');
});

test('with ssh.persist: 0 in kite.yml every command has a connection of its own, gone with it', async () => {
  const { runtime, control } = runtimeDir();
  const sb = sandbox();
  writeFileSync(join(sb.abraDir, 'kite.yml'), 'ssh:\n  persist: 0\n');
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime }));
  assert.deepEqual(masters(control), []);
  assert.ok(!existsSync(control) || !readdirSync(control).some((n) => n.startsWith('m-')), 'no control socket');
});

test('the master ends once idle for ssh.persist seconds, its kept forward with it; the next command starts anew', async () => {
  const { runtime, control } = runtimeDir();
  const sb = sandbox();
  writeFileSync(join(sb.abraDir, 'kite.yml'), 'ssh:\n  persist: 1\n');
  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime }));
  const [master] = masters(control);
  assert.ok(master, 'a master was left for the next command');
  const [forward] = forwardFiles(control);
  await until('the idle master exits', () => !masters(control).includes(master), 400);
  await until('its control socket is removed', () => !readdirSync(control).some((n) => n.startsWith('m-')));
  assert.deepEqual(forwardSockets(control), [], 'nothing listens on the kept forward any more');

  assertAsked(await sb.kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime }));
  assert.equal(masters(control).length, 1, 'a new master');
  assert.ok(!forwardFiles(control).includes(forward), 'the dead forward\'s file is gone, its path not reused');
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

test('SIGTERM: the command ends its session; its forward stays kept in the master and serves the next command', async () => {
  const { runtime, control } = runtimeDir();
  const child = await holder(runtime);
  // its ssh: the mux client that asked for the forward and runs the session
  const client = () => pgrep('-f', `^ssh .*-L ${control}/f-`);
  assert.equal(client().length, 1);
  child.kill('SIGTERM');
  assert.equal(await exited(child), 143);
  await until('its ssh (and with it the session) ends', () => client().length === 0);
  assert.equal(masters(control).length, 1, 'the master stays for the next command');
  assert.equal(forwardFiles(control).length, 1);
  const ssh = sshWrapperCounting();
  assertAsked(await sandbox().kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime, PATH: ssh.path }));
  assert.equal(ssh.count(), 0, 'the next command used the kept forward');
});

test('SIGKILL: a killed command leaves only the kept forward, which the next command uses', async () => {
  const { runtime, control } = runtimeDir();
  const child = await holder(runtime);
  child.kill('SIGKILL');
  await exited(child);
  const ssh = sshWrapperCounting();
  assertAsked(await sandbox().kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime, PATH: ssh.path }));
  assert.equal(ssh.count(), 0);
  assert.equal(masters(control).length, 1);
  await until('no ssh of the killed command is left', () => pgrep('-f', `^ssh .*-L ${control}/f-`).length === 0);
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
    const [dead] = forwardFiles(control);
    assertAsked(await sandbox().kite(['app', 'ls', '-S', '-m'], { XDG_RUNTIME_DIR: runtime }));
    assert.ok(!forwardFiles(control).includes(dead), 'the next command found nothing listening, removed the file and asked afresh');
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
