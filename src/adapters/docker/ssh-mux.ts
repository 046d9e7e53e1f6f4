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
//   m-<tag>-<%C>       the control socket of a master: one per ssh config file
//                      and server name (the tag), and resolved host/port/user
//                      (%C, ssh's hash of them). The server name counts: two
//                      aliases of one address may reach different machines
//                      (ProxyJump).
//   f-<random>.sock    a forward of the server's Docker socket, kept in the
//                      master: the first command asks the master for it, the
//                      commands after it connect to it directly and start no
//                      ssh at all
//   p-<tag>-<stamp>    which f-….sock is the kept forward of that server: its
//                      name, written once the forward listens. The stamp is a
//                      hash of the ssh config files' modification times, so
//                      after an edit of ~/.ssh/config (another HostName, say)
//                      the next command asks afresh, and ssh's %C then picks
//                      the master that fits the new config.
//
// A kept forward lives as long as its master: ssh counts a listening forward
// as idle, so the master still ends `ssh.persist` seconds after its last
// connection closed, and the forward with it. Its socket file may stay; the
// next command finds nothing listening there, removes it and asks afresh. A
// path is never reused: each forward gets a fresh random name, so a forward
// whose file was removed can never be confused with a live one.

import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_SSH_PERSIST_SECONDS } from '../../core/ssh-config.js';

/** ssh's temporary control socket name adds 17 bytes; sun_path is 104 bytes on BSDs, 108 on Linux */
const MAX_SOCKET_PATH = 100;
/** `m-` + 8 hex + `-` + 40 hex (%C) + `.` + 16 random (ssh's temporary name while binding) */
const CONTROL_NAME_LENGTH = 2 + 8 + 1 + 40 + 17;

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
  return join(dir, `m-${serverTag(server, sshConfig)}-%C`);
}

const hash8 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);
const serverTag = (server: string, sshConfig?: string) => hash8(`${sshConfig ?? '~/.ssh/config'}\0${server}`);

/** the modification times of the ssh config files that decide where a server name leads */
function configStamp(sshConfig?: string): string {
  const files = [sshConfig ?? join(homedir(), '.ssh', 'config'), '/etc/ssh/ssh_config'];
  return hash8(files.map((f) => { try { return String(statSync(f).mtimeMs); } catch { return '-'; } }).join('\0'));
}

/** the file naming a server's kept forward (see the top of this file) */
export function keptForwardPointer(dir: string, server: string, sshConfig?: string): string {
  return join(dir, `p-${serverTag(server, sshConfig)}-${configStamp(sshConfig)}`);
}

const KEPT_FORWARD = /^f-[0-9a-f]{16}\.sock$/;

/** a fresh path for a forward to keep in the master */
export function newKeptForward(dir: string): string {
  return join(dir, `f-${randomBytes(8).toString('hex')}.sock`);
}

/** the kept forward a pointer names, if its socket file is there */
export function readKeptForward(pointer: string): string | undefined {
  let name: string;
  try {
    name = readFileSync(pointer, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!KEPT_FORWARD.test(name)) return undefined;
  const path = join(dirname(pointer), name);
  return existsSync(path) ? path : undefined;
}

/** name a listening forward as the server's kept one (atomically: a reader sees the old name or the new) */
export function recordKeptForward(pointer: string, socketPath: string): void {
  const tmp = `${pointer}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, basename(socketPath), { mode: 0o600 });
    renameSync(tmp, pointer);
  } catch {
    rmSync(tmp, { force: true }); // the next command asks afresh
  }
}

/** a kept forward that did not answer: its file and the pointer to it go */
export function forgetKeptForward(pointer: string, socketPath: string): void {
  rmSync(socketPath, { force: true });
  if (readKeptForward(pointer) === undefined) rmSync(pointer, { force: true });
}

/** the options that make one ssh command use (or become) the master */
export function muxOptions(path: string, persistSeconds: number): string[] {
  return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${path}`, '-o', `ControlPersist=${persistSeconds}`];
}

/** reuse off: a connection of its own, whatever ~/.ssh/config says about masters */
export const NO_MUX_OPTIONS = ['-o', 'ControlMaster=no', '-o', 'ControlPath=none'];

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
