import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainSshFailure, sshArgs, sshDestination } from '../../src/adapters/docker/ssh-tunnel.js';
import { negotiateVersion } from '../../src/adapters/docker/engine.js';
import { demuxLogs } from '../../src/adapters/docker/demux.js';

test('server names: aliases pass through, user@host:port becomes an ssh URL', () => {
  assert.equal(sshDestination('example.com'), 'example.com');
  assert.equal(sshDestination('my-alias'), 'my-alias');
  assert.equal(sshDestination('root@example.com:2222'), 'ssh://root@example.com:2222');
  assert.equal(sshDestination('example.com:2222'), 'ssh://example.com:2222');
});

test('ssh forwards a private socket to the Docker socket, never prompting', () => {
  const args = sshArgs('srv', '/tmp/x/docker.sock', '/cfg');
  assert.deepEqual(args.slice(0, 2), ['-F', '/cfg']);
  assert.ok(args.includes('BatchMode=yes'));
  assert.ok(args.includes('/tmp/x/docker.sock:/var/run/docker.sock'));
  assert.deepEqual(args.slice(-3), ['--', 'srv', 'cat']);
  assert.ok(!args.includes('-N'), 'a session keeps TCP_NODELAY on the server side');
});

test('ssh failures get a next step', () => {
  assert.match(explainSshFailure('ssh: Could not resolve hostname nope: Name or service not known').hint, /Host entry/);
  assert.match(explainSshFailure('ssh: connect to host 127.0.0.1 port 2299: Connection refused').hint, /sshd running/);
  assert.match(explainSshFailure('root@x: Permission denied (publickey).').hint, /IdentityFile/);
  assert.match(explainSshFailure('Host key verification failed.').hint, /host key/);
  assert.match(explainSshFailure('This account is currently not available.').hint, /login shell/);
});

test('API version: the lower of the daemon and ours', () => {
  assert.equal(negotiateVersion('1.41'), '1.41');
  assert.equal(negotiateVersion('1.52'), '1.47');
  assert.equal(negotiateVersion(undefined), '1.41');
});

test('multiplexed log frames are joined; raw TTY output passes through', () => {
  const frame = (type: number, s: string) => Buffer.concat([Buffer.from([type, 0, 0, 0, 0, 0, 0, s.length]), Buffer.from(s)]);
  assert.equal(demuxLogs(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])), 'out\nerr\n');
  assert.equal(demuxLogs(Buffer.from('plain text\n')), 'plain text\n');
});
