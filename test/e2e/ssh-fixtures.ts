// ssh configs for end-to-end tests that need the rig's sshd seen differently:
// a server on a port known to be closed, or with a host key that is not the
// one in known_hosts. Each is a copy of the rig's config with a Host block in
// front (ssh takes the first value it finds), in a file of its own.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSH_CONFIG } from './harness.js';

/** a loopback port that nothing listens on: bound by us, then closed */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** the rig's ssh config with `block` in front of it, in a fresh file */
export function sshConfigWith(block: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kite-sshcfg-')), 'ssh_config');
  writeFileSync(file, `${block.trim()}\n\n${readFileSync(SSH_CONFIG, 'utf8')}`);
  return file;
}

/** the value of a keyword in the rig's Host block for `host` (as `ssh -G` resolves it) */
function rigValue(host: string, keyword: string): string {
  const out = execFileSync('ssh', ['-G', '-F', SSH_CONFIG, host], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith(`${keyword} `));
  if (!line) throw new Error(`ssh -G ${host} has no ${keyword}`);
  return line.slice(keyword.length + 1).trim();
}

/** `host` as the rig's kite-test, but on a loopback port that is closed */
export async function unreachableSshConfig(host = 'kite-unreachable'): Promise<string> {
  const port = await closedPort();
  return sshConfigWith(`Host ${host}
  HostName 127.0.0.1
  Port ${port}
  User root
  IdentityFile ${rigValue('kite-test', 'identityfile')}
  IdentitiesOnly yes
  StrictHostKeyChecking yes
  ConnectTimeout 3`);
}

/**
 * kite-test with a known_hosts file that holds another key for the rig's
 * sshd, as if the server had been reinstalled (or someone sits in between).
 */
export function wrongHostKeySshConfig(): { config: string; knownHosts: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kite-hostkey-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
  const knownHosts = join(dir, 'known_hosts');
  const [type, key] = readFileSync(join(dir, 'other.pub'), 'utf8').split(' ');
  writeFileSync(knownHosts, `[127.0.0.1]:${rigValue('kite-test', 'port')} ${type} ${key}\n`);
  const config = sshConfigWith(`Host kite-test
  UserKnownHostsFile ${knownHosts}`);
  return { config, knownHosts };
}
