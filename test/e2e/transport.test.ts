// The SSH transport against the rig's real sshd and daemon: one connection
// per server, reused; ProxyJump honoured; a dropped connection is a clear
// error, not a hang.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectDocker } from '../../src/adapters/docker/engine.js';
import { SshError } from '../../src/core/errors.js';
import { SSH_CONFIG, Sandbox, SERVER, kiteTunnels, pgrep } from './harness.js';

test('every call of a command goes over one SSH connection', async () => {
  const before = kiteTunnels();
  const docker = await connectDocker(SERVER, { sshConfig: SSH_CONFIG });
  try {
    const opened = kiteTunnels().filter((p) => !before.includes(p));
    assert.equal(opened.length, 1);
    await Promise.all(Array.from({ length: 20 }, () => docker.listServices()));
    for (let i = 0; i < 10; i++) await docker.info();
    assert.deepEqual(kiteTunnels().filter((p) => !before.includes(p)), opened);
    assert.match(docker.apiVersion, /^1\.\d+$/);
  } finally {
    await docker.close();
  }
  assert.deepEqual(kiteTunnels().filter((p) => !before.includes(p)), [], 'the tunnel is closed with the command');
});

/** remote `cat` sessions (the server is this machine) */
const remoteSessions = () => pgrep('-x', 'cat');

test('the session kept beside the forward ends with the command', async () => {
  const before = remoteSessions();
  const fresh = () => remoteSessions().filter((p) => !before.includes(p));
  const docker = await connectDocker(SERVER, { sshConfig: SSH_CONFIG });
  // the session's command starts after the login shell's rc files
  for (let i = 0; i < 200 && fresh().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  const during = fresh();
  await docker.close();
  assert.equal(during.length, 1, 'one remote session per connection (it keeps TCP_NODELAY on in sshd)');
  for (let i = 0; i < 200 && remoteSessions().includes(during[0]); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(!remoteSessions().includes(during[0]), 'the remote session ends when kite closes the connection');
});

test('a dropped connection fails the next call with an SshError', async () => {
  const before = kiteTunnels();
  const docker = await connectDocker(SERVER, { sshConfig: SSH_CONFIG });
  try {
    await docker.info();
    const [pid] = kiteTunnels().filter((p) => !before.includes(p));
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(docker.listServices(), (e: unknown) => e instanceof SshError && /connection lost/.test(e.message));
  } finally {
    await docker.close();
  }
});

test('ProxyJump from the ssh config is honoured', async () => {
  const sb = new Sandbox();
  const r = await sb.kite(['server', 'add', 'kite-jump']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /server kite-jump added/);
});
