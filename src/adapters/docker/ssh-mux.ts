// SSH connection reuse across commands: ssh's own ControlMaster.
//
// The first command to a server starts a master connection that stays in
// the background for `ssh.persist` seconds (kite.yml, default 60) after its
// last user went away; the next command within that time connects through it
// and pays no handshake. `persist: 0` (or false) turns this off: every
// command then opens, and closes, its own connection as before.
//
// Where things live: a private directory of the user ($XDG_RUNTIME_DIR/kite,
// else /tmp/kite-<uid>), mode 0700 and owned by us, checked every time, never
// followed through a symlink. Unix socket paths are limited to ~104–108
// bytes, so the names are short:
//   m-<tag>-<%C>                     the control socket of a master: one per
//                                    ssh config file and server name (the
//                                    tag), and resolved host/port/user (%C,
//                                    ssh's hash of them). The server name
//                                    counts: two aliases of one address may
//                                    reach different machines (ProxyJump).
//   kite-ssh-<pid>-<random>/docker.sock
//                                    one command's forward of the server's
//                                    Docker socket, asked of the master
//
// A forward that a client asks of a master lives on in the master after the
// client exits. So each command cancels its forward when it ends (`ssh -O
// cancel`), Ctrl-C and SIGTERM included, and removes its directory. A command
// killed with SIGKILL cannot: its directory (named after its pid) is swept by
// the next command that connects, which cancels the forward in the masters
// and removes the directory. The path of a stale forward is never reused: each
// command makes a fresh random directory, and once the directory is gone
// nothing can connect to the old listener.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SSH_PERSIST_SECONDS } from '../../core/ssh-config.js';

/** ssh's temporary control socket name adds 17 bytes; sun_path is 104 bytes on BSDs, 108 on Linux */
const MAX_SOCKET_PATH = 100;
/** `m-` + 8 hex + `-` + 40 hex (%C) + `.` + 16 random (ssh's temporary name while binding) */
const CONTROL_NAME_LENGTH = 2 + 8 + 1 + 40 + 17;

export const FORWARD_DIR_PREFIX = 'kite-ssh-';

/**
 * kite's private control directory, created if missing; undefined when it
 * cannot be made safe (not ours, a symlink, not a directory) or is too long.
 */
export function controlDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const uid = process.getuid?.() ?? 0;
  const candidates = [env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'kite') : undefined, `/tmp/kite-${uid}`];
  for (const dir of candidates) {
    if (!dir || dir.length + 1 + CONTROL_NAME_LENGTH > MAX_SOCKET_PATH) continue;
    if (ensurePrivateDir(dir, uid)) return dir;
  }
  return undefined;
}

function ensurePrivateDir(dir: string, uid: number): boolean {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid) return false;
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return true;
  } catch {
    return false;
  }
}

/** the ControlPath of a server's master: per ssh config file and server name, then ssh's hash of host, port and user */
export function controlPath(dir: string, server: string, sshConfig?: string): string {
  const tag = createHash('sha256').update(`${sshConfig ?? '~/.ssh/config'}\0${server}`).digest('hex').slice(0, 8);
  return join(dir, `m-${tag}-%C`);
}

/** the options that make one ssh command use (or become) the master */
export function muxOptions(path: string, persistSeconds: number): string[] {
  return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${path}`, '-o', `ControlPersist=${persistSeconds}`];
}

/** reuse off: a connection of its own, whatever ~/.ssh/config says about masters */
export const NO_MUX_OPTIONS = ['-o', 'ControlMaster=no', '-o', 'ControlPath=none'];

/** `ssh -O cancel` of one forward in a master */
export function cancelArgs(path: string, destination: string, socketPath: string, remoteSocket: string, sshConfig?: string): string[] {
  const args = ['-o', `ControlPath=${path}`, '-O', 'cancel', '-L', `${socketPath}:${remoteSocket}`, '--', destination];
  return sshConfig ? ['-F', sshConfig, ...args] : args;
}

/** run ssh on its own, not waited for: it finishes even when kite is exiting */
export function spawnDetached(args: string[]): void {
  try {
    spawn('ssh', args, { stdio: 'ignore', detached: true }).unref();
  } catch {
    /* no ssh: nothing to cancel either */
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Forwards left by commands that were killed (SIGKILL): cancel them in every
 * master of the directory and remove their directories. Returns the
 * directories removed.
 */
export function sweepStaleForwards(dir: string, remoteSocket: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => {
    const m = new RegExp(`^${FORWARD_DIR_PREFIX}(\\d+)-`).exec(n);
    return m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]));
  });
  if (stale.length === 0) return [];
  const masters = names.filter((n) => /^m-[0-9a-f]{8}-[0-9a-f]+$/.test(n)).map((n) => join(dir, n));
  for (const name of stale) {
    const socketPath = join(dir, name, 'docker.sock');
    // -F none: the control socket is named literally, no config to read
    for (const master of masters) spawnDetached(['-F', 'none', '-S', master, '-O', 'cancel', '-L', `${socketPath}:${remoteSocket}`, 'kite-sweep']);
    rmSync(join(dir, name), { recursive: true, force: true });
  }
  return stale.map((n) => join(dir, n));
}

/**
 * `ssh.persist` from $ABRA_DIR/kite.yml: seconds an idle connection is kept
 * for the next command, 0 for none. The YAML parser is loaded only when the
 * file exists.
 */
export async function persistSetting(abraRoot: string): Promise<number> {
  const file = join(abraRoot, 'kite.yml');
  if (!existsSync(file)) return DEFAULT_SSH_PERSIST_SECONDS;
  const { parseSettings } = await import('../../core/settings.js');
  return parseSettings(readFileSync(file, 'utf8'), file).ssh.persist;
}
