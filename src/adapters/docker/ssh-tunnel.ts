// One SSH connection per server per command: the system `ssh` forwards a
// private unix socket to the server's Docker socket (`ssh -L`). Every API
// call then goes over that one connection, and everything the operator's
// ~/.ssh/config says (aliases, User, Port, IdentityFile, ProxyJump,
// known_hosts, agent) applies, exactly as with the docker CLI.
//
// The connection also runs a session (`cat`, reading a stdin we never
// write): sshd sets TCP_NODELAY only on connections with a session. With
// `ssh -N`, every response larger than one segment waits for a delayed ACK
// (~10 ms per API call instead of ~0.5 ms). The session also ties ssh's life
// to kite's: if kite dies, its end of the stdin pipe closes, `cat` ends and
// so does ssh.
//
// ssh runs in its own process group, so an operator's Ctrl-C reaches kite
// alone: kite then still has the connection to release its deploy lock and
// record the interruption, and closes it itself.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshError } from '../../core/errors.js';

export const REMOTE_DOCKER_SOCKET = '/var/run/docker.sock';
/** the session kept open beside the forward, see above */
const REMOTE_SESSION_COMMAND = 'cat';

export interface Tunnel {
  socketPath: string;
  /** set once ssh has exited; requests after that fail with this error */
  lost(): SshError | undefined;
  close(): void;
}

/** `user@host:port` (abra's older form) becomes an ssh URL; aliases pass as is. */
export function sshDestination(server: string): string {
  const m = /^(?:([^@\s]+)@)?([^:@\s]+):(\d+)$/.exec(server);
  if (!m) return server;
  return `ssh://${m[1] ? m[1] + '@' : ''}${m[2]}:${m[3]}`;
}

export function sshArgs(server: string, socketPath: string, sshConfig?: string): string[] {
  const args = [
    '-T',
    '-o', 'BatchMode=yes',
    '-o', 'ExitOnForwardFailure=yes',
    '-o', 'StreamLocalBindUnlink=yes',
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-L', `${socketPath}:${REMOTE_DOCKER_SOCKET}`,
  ];
  if (sshConfig) args.unshift('-F', sshConfig);
  args.push('--', sshDestination(server), REMOTE_SESSION_COMMAND);
  return args;
}

/** Turn ssh's stderr into a message and a next step. */
export function explainSshFailure(stderr: string): { message: string; hint: string } {
  const text = stderr.trim().split('\n').filter((l) => !/^Warning: Permanently added/.test(l)).join(' ');
  const hints: [RegExp, string][] = [
    [/Could not resolve hostname/i, 'check the server name, or add a Host entry for it in ~/.ssh/config'],
    [/Connection refused/i, 'is sshd running on the server, and is the Port in ~/.ssh/config right?'],
    [/timed out|No route to host|Network is unreachable/i, 'the server is not reachable from here; check the network or the HostName'],
    [/Permission denied/i, 'ssh refused our key: check User and IdentityFile in ~/.ssh/config, or ssh-add your key'],
    [/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i, 'the host key is unknown or changed: connect once with `ssh <server>` to verify it'],
    [/account is currently not available|only sftp|not allowed to execute|This service allows/i, 'the server account cannot run commands: kite keeps `cat` running beside its forward (abra needs `docker` there); give the SSH user a login shell'],
    [/forwarding|open failed|administratively prohibited/i, 'the server refused to forward the Docker socket: is Docker running there, and does sshd allow AllowStreamLocalForwarding?'],
  ];
  const hint = hints.find(([re]) => re.test(text))?.[1] ?? 'try `ssh <server>` by hand to see what fails';
  return { message: text || 'ssh exited without saying why', hint };
}

export async function openTunnel(server: string, opts: { sshConfig?: string; timeoutMs?: number } = {}): Promise<Tunnel> {
  const dir = mkdtempSync(join(tmpdir(), 'kite-ssh-'));
  const socketPath = join(dir, 'docker.sock');
  const child: ChildProcess = spawn('ssh', sshArgs(server, socketPath, opts.sshConfig), {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
  });
  child.stdin?.on('error', () => undefined); // EPIPE once ssh is gone; `lost()` reports it
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  let lostError: SshError | undefined;
  let closing = false;
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const onProcessExit = () => { child.kill(); cleanup(); };
  process.once('exit', onProcessExit);

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      if (!closing) {
        const { message, hint } = explainSshFailure(stderr);
        lostError = new SshError(server, `connection lost (${message})`, hint);
      }
      resolve(code);
    });
    child.once('error', (e) => {
      lostError = new SshError(server, `cannot run ssh: ${e.message}`, 'install an OpenSSH client');
      resolve(null);
    });
  });

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let gone = false;
  void exited.then(() => { gone = true; });
  while (!existsSync(socketPath)) {
    if (gone) {
      cleanup();
      process.removeListener('exit', onProcessExit);
      const { message, hint } = explainSshFailure(stderr);
      throw lostError?.message.includes('cannot run ssh') ? lostError : new SshError(server, message, hint);
    }
    if (Date.now() > deadline) {
      child.kill();
      cleanup();
      throw new SshError(server, 'timed out opening the SSH connection', 'check that `ssh <server>` works without a prompt');
    }
    await new Promise((r) => setTimeout(r, 10));
  }

  return {
    socketPath,
    lost: () => lostError,
    close() {
      closing = true;
      child.kill();
      cleanup();
      process.removeListener('exit', onProcessExit);
    },
  };
}
