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
//
// Connections are reused across commands through ssh's ControlMaster (see
// ssh-mux.ts): the first command starts a master, kept in the background for
// `ssh.persist` seconds, and asks it for a forward that stays in the master;
// the commands after it connect to that forward's socket directly, with no
// ssh process of their own (no handshake, no process started: a warm command
// pays only its API calls). The first command's `cat` session set
// TCP_NODELAY on the master's connection once and for all, and each open API
// connection through the forward keeps the master busy (not idle).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshError } from '../../core/errors.js';
import { controlDir, controlPath, forgetKeptForward, keptForwardPointer, muxOptions, newKeptForward, NO_MUX_OPTIONS, readKeptForward, recordKeptForward } from './ssh-mux.js';

const FORWARD_DIR_PREFIX = 'kite-ssh-';

export const REMOTE_DOCKER_SOCKET = '/var/run/docker.sock';
/** the session kept open beside the forward, see above */
const REMOTE_SESSION_COMMAND = 'cat';

export interface Tunnel {
  socketPath: string;
  /** set once ssh has exited; requests after that fail with this error */
  lost(): SshError | undefined;
  close(): void;
  /** a master's kept forward, connected to directly; forget() it when it does not answer */
  reused?: { forget(): void };
}

/** `user@host:port` (abra's older form) becomes an ssh URL; aliases pass as is. */
export function sshDestination(server: string): string {
  const m = /^(?:([^@\s]+)@)?([^:@\s]+):(\d+)$/.exec(server);
  if (!m) return server;
  return `ssh://${m[1] ? m[1] + '@' : ''}${m[2]}:${m[3]}`;
}

export function sshArgs(server: string, socketPath: string, sshConfig?: string, mux: string[] = []): string[] {
  const args = [
    '-T',
    ...mux,
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
  const lines = stderr.trim().split('\n').map((l) => l.trimEnd()).filter((l) => l && !/^Warning: Permanently added|^ControlSocket .* already exists, disabling multiplexing/.test(l));
  const hostKey = explainHostKey(lines);
  if (hostKey) return hostKey;
  const text = lines.join(' ');
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

/**
 * A host key that changed, or that is not known: ssh's key lines are kept
 * (fingerprint, offending entry, the known_hosts file), its banner and
 * prose are not; the hint names the file and how to remove the old key.
 */
function explainHostKey(lines: string[]): { message: string; hint: string } | undefined {
  const text = lines.join('\n');
  const changed = /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(text);
  if (!changed && !/Host key verification failed|No \S+ host key is known for/i.test(text)) return undefined;
  const kept = lines.filter((l) => /^The fingerprint for|^(SHA256|MD5):|^Offending |^Host key for |^Host key verification failed|^No \S+ host key is known for|^Matching host key in /.test(l.trim()));
  const offending = /Offending \S+ key in (.+):(\d+)/.exec(text);
  const host = /Host key for (\S+) has changed/.exec(text)?.[1] ?? /host key is known for (\S+)/.exec(text)?.[1];
  const file = offending?.[1] ?? /Add correct host key in (.+?) to get rid/.exec(text)?.[1];
  if (changed) {
    const where = file ? `${file}${offending ? ` (line ${offending[2]})` : ''}` : 'your known_hosts file';
    const remove = file && host ? `ssh-keygen -f "${file}" -R "${host}"` : `ssh-keygen -R <host>`;
    return {
      message: ['the host key of the server has changed (REMOTE HOST IDENTIFICATION HAS CHANGED): ssh refused to connect', ...kept.map((l) => `  ${l.trim()}`)].join('\n'),
      hint: `the key in ${where} is not the one the server sent. If the server was reinstalled or its key rotated, remove the old key with \`${remove}\` and connect once with \`ssh <server>\` to check and accept the new one; otherwise someone may be intercepting the connection`,
    };
  }
  return {
    message: ['the host key of the server is not known: ssh refused to connect', ...kept.map((l) => `  ${l.trim()}`)].join('\n'),
    hint: `connect once with \`ssh <server>\` to check the server's host key and add it to your known_hosts file (~/.ssh/known_hosts, or the UserKnownHostsFile of the Host entry)`,
  };
}

export interface TunnelOptions {
  sshConfig?: string;
  timeoutMs?: number;
  /** reuse a master connection kept this many seconds after its last use; 0 or unset: a connection of its own */
  persistSeconds?: number;
  /** ask the master for a new forward even when one is kept (the kept one did not answer) */
  fresh?: boolean;
}

export async function openTunnel(server: string, opts: TunnelOptions = {}): Promise<Tunnel> {
  const muxDir = opts.persistSeconds ? controlDir() : undefined;
  const pointer = muxDir ? keptForwardPointer(muxDir, server, opts.sshConfig) : undefined;
  const kept = pointer && !opts.fresh ? readKeptForward(pointer) : undefined;
  if (pointer && kept) {
    return { socketPath: kept, lost: () => undefined, close: () => undefined, reused: { forget: () => forgetKeptForward(pointer, kept) } };
  }
  const master = muxDir ? controlPath(muxDir, server, opts.sshConfig) : undefined;
  // through a master, the forward is kept there for the next commands; without one it is this command's own
  const dir = muxDir ? undefined : mkdtempSync(join(tmpdir(), FORWARD_DIR_PREFIX));
  const socketPath = muxDir ? newKeptForward(muxDir) : join(dir!, 'docker.sock');
  const mux = master ? muxOptions(master, opts.persistSeconds ?? 0) : NO_MUX_OPTIONS;
  const child: ChildProcess = spawn('ssh', sshArgs(server, socketPath, opts.sshConfig, mux), {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
  });
  child.stdin?.on('error', () => undefined); // EPIPE once ssh is gone; `lost()` reports it
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  let lostError: SshError | undefined;
  let closing = false;
  const cleanup = () => { if (dir) rmSync(dir, { recursive: true, force: true }); };
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
    await new Promise((r) => setTimeout(r, 3));
  }
  if (pointer) recordKeptForward(pointer, socketPath);

  return {
    socketPath,
    lost: () => lostError,
    close() {
      closing = true;
      child.kill(); // ends the session; a kept forward stays in the master
      cleanup();
      process.removeListener('exit', onProcessExit);
      // a mux client handed its stdio to the master, which holds it until the
      // remote session has ended: kite does not wait for that to exit
      child.stdin?.destroy();
      child.stderr?.destroy();
      child.unref();
    },
  };
}
