// Ask the system ssh what a server name resolves to (`ssh -G`): no
// connection is made, ssh only evaluates its config for that name.

import { execFile } from 'node:child_process';
import { parseSshG, type SshTarget } from '../core/ssh-config.js';
import { sshDestination } from './docker/ssh-tunnel.js';

/** The resolved host/user/port, or `undefined` when ssh is missing or rejects the name. */
export function resolveSshTarget(server: string, sshConfig?: string): Promise<Partial<SshTarget> | undefined> {
  const args = ['-G'];
  if (sshConfig) args.push('-F', sshConfig);
  args.push('--', sshDestination(server));
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 5000, encoding: 'utf8' }, (err, stdout) => resolve(err ? undefined : parseSshG(stdout)));
  });
}
