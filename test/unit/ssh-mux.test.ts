// SSH connection reuse: where the control sockets live, the options each
// command passes, kite.yml's ssh.persist, and the host-key error text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { controlDir, controlPath, forgetKeptForward, keptForwardPointer, muxOptions, newKeptForward, NO_MUX_OPTIONS, persistSetting, readKeptForward, recordKeptForward } from '../../src/adapters/docker/ssh-mux.js';
import { explainSshFailure, sshArgs } from '../../src/adapters/docker/ssh-tunnel.js';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/core/settings.js';

const scratch = () => mkdtempSync('/tmp/kite-mux-unit-');

test('the control directory is private: made 0700, an unsafe one is not used', () => {
  const base = scratch();
  const dir = controlDir({ XDG_RUNTIME_DIR: base });
  assert.equal(dir, join(base, 'kite'));
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  chmodSync(dir, 0o755);
  assert.equal(controlDir({ XDG_RUNTIME_DIR: base }), dir);
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'a loosened mode is put back');

  const evil = scratch();
  mkdirSync(join(evil, 'elsewhere'));
  symlinkSync(join(evil, 'elsewhere'), join(evil, 'kite'));
  assert.notEqual(controlDir({ XDG_RUNTIME_DIR: evil }), join(evil, 'kite'), 'a symlink is never followed');
});

test('a runtime directory too long for a unix socket path is not used', () => {
  const long = join(scratch(), 'x'.repeat(60));
  mkdirSync(long);
  assert.notEqual(controlDir({ XDG_RUNTIME_DIR: long }), join(long, 'kite'));
});

test('one control socket per ssh config, server name and resolved host/port/user, short enough with ssh\'s temporary suffix', () => {
  const a = controlPath('/tmp/kite-0', 'srv', '/a/ssh_config');
  const b = controlPath('/tmp/kite-0', 'srv', '/b/ssh_config');
  assert.match(a, /^\/tmp\/kite-0\/m-[0-9a-f]{8}-%C$/);
  assert.notEqual(a, b, 'a master authenticated under one config is never used under another');
  assert.notEqual(controlPath('/tmp/kite-0', 'srv-via-jump', '/a/ssh_config'), a, 'nor under another server name of the same address');
  assert.equal(controlPath('/tmp/kite-0', 'srv'), controlPath('/tmp/kite-0', 'srv'));
  assert.ok(a.replace('%C', 'f'.repeat(40)).length + 17 <= 100);
});

test('ssh args: a master reused or started with a bounded ControlPersist, or none at all', () => {
  const on = sshArgs('srv', '/tmp/kite-0/kite-ssh-1-x/docker.sock', undefined, muxOptions('/tmp/kite-0/m-1-%C', 60));
  assert.ok(on.includes('ControlMaster=auto'));
  assert.ok(on.includes('ControlPersist=60'));
  assert.ok(on.includes('ControlPath=/tmp/kite-0/m-1-%C'));
  assert.deepEqual(on.slice(-3), ['--', 'srv', 'cat'], 'the session still runs through the master');
  const off = sshArgs('srv', '/tmp/x/docker.sock', undefined, NO_MUX_OPTIONS);
  assert.ok(off.includes('ControlMaster=no') && off.includes('ControlPath=none'), 'a master of ~/.ssh/config is not used either');
});

test('a kept forward: named by a pointer per config and server, read only while its socket file is there, forgotten with it', () => {
  const dir = scratch();
  const config = join(dir, 'ssh_config');
  writeFileSync(config, 'Host srv\n');
  const pointer = keptForwardPointer(dir, 'srv', config);
  assert.match(pointer, /\/p-[0-9a-f]{8}-[0-9a-f]{8}$/);
  assert.notEqual(keptForwardPointer(dir, 'other', config), pointer, 'one per server name');
  assert.equal(readKeptForward(pointer), undefined, 'none yet');

  const forward = newKeptForward(dir);
  assert.match(forward, /\/f-[0-9a-f]{16}\.sock$/);
  assert.notEqual(newKeptForward(dir), forward, 'a path is never reused');
  recordKeptForward(pointer, forward);
  assert.equal(readKeptForward(pointer), undefined, 'a pointer to a socket that is not there names nothing');
  writeFileSync(forward, '');
  assert.equal(readKeptForward(pointer), forward);

  writeFileSync(pointer, '../../etc/passwd');
  assert.equal(readKeptForward(pointer), undefined, 'a pointer names a forward of this directory, nothing else');
  recordKeptForward(pointer, forward);

  utimesSync(config, new Date(), new Date(Date.now() + 5000));
  assert.notEqual(keptForwardPointer(dir, 'srv', config), pointer, 'after an edit of the ssh config the next command asks afresh');

  forgetKeptForward(pointer, forward);
  assert.equal(existsSync(forward), false);
  assert.equal(existsSync(pointer), false);
});

test('kite.yml ssh.persist: seconds, 0 or false for none, anything else refused naming the key', async () => {
  assert.equal(DEFAULT_SETTINGS.ssh.persist, 60);
  assert.equal(parseSettings('ssh:\n  persist: 5\n', 'kite.yml').ssh.persist, 5);
  assert.equal(parseSettings('ssh:\n  persist: false\n', 'kite.yml').ssh.persist, 0);
  assert.equal(parseSettings('ssh:\n  persist: 0\n', 'kite.yml').ssh.persist, 0);
  assert.equal(parseSettings('recipes:\n  mirrors: []\n', 'kite.yml').ssh.persist, 60);
  for (const bad of ['yes', 'true', '-1', '1.5', '"60s"', '999999']) {
    assert.throws(() => parseSettings(`ssh:\n  persist: ${bad}\n`, '/x/kite.yml'), /\/x\/kite\.yml \(ssh\.persist\): must be a whole number of seconds/, bad);
  }
  const abra = scratch();
  assert.equal(await persistSetting(abra), 60, 'no kite.yml: the default');
  writeFileSync(join(abra, 'kite.yml'), 'ssh:\n  persist: 0\n');
  assert.equal(await persistSetting(abra), 0);
});

const CHANGED = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the ED25519 key sent by the remote host is
SHA256:Yb0hG4xZloCwoyuxmh/tZHXql086OSwfhqdNV0HZHcY.
Please contact your system administrator.
Add correct host key in /home/op/.ssh/known_hosts to get rid of this message.
Offending ED25519 key in /home/op/.ssh/known_hosts:7
  remove with:
  ssh-keygen -f "/home/op/.ssh/known_hosts" -R "[example.com]:2222"
Host key for [example.com]:2222 has changed and you have requested strict checking.
Host key verification failed.
`;

test('a changed host key keeps ssh\'s key lines, one per line; the hint names known_hosts and ssh-keygen -R', () => {
  const { message, hint } = explainSshFailure(CHANGED);
  const lines = message.split('\n');
  assert.match(lines[0], /host key of the server has changed/);
  assert.ok(lines.includes('  The fingerprint for the ED25519 key sent by the remote host is'));
  assert.ok(lines.includes('  SHA256:Yb0hG4xZloCwoyuxmh/tZHXql086OSwfhqdNV0HZHcY.'));
  assert.ok(lines.includes('  Offending ED25519 key in /home/op/.ssh/known_hosts:7'));
  assert.ok(!message.includes('@@@'), 'the banner is left out');
  assert.match(hint, /\/home\/op\/\.ssh\/known_hosts \(line 7\)/);
  assert.ok(hint.includes('`ssh-keygen -f "/home/op/.ssh/known_hosts" -R "[example.com]:2222"`'));
});

test('an unknown host key says so and how to accept it', () => {
  const { message, hint } = explainSshFailure('No ED25519 host key is known for [example.com]:2222 and you have requested strict checking.\nHost key verification failed.\n');
  assert.match(message, /host key of the server is not known/);
  assert.match(message, /\n {2}No ED25519 host key is known for \[example\.com\]:2222/);
  assert.match(hint, /known_hosts/);
});
