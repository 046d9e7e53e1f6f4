// $ABRA_DIR on disk, as abra lays it out:
//   servers/<server>/<domain>.env   one env file per app (symlinks followed)
//   recipes/<recipe>/               recipe checkouts
// Env files are written atomically with mode 0600: a crash never leaves a
// half-written file, and secrets-bearing files are never world-readable.

import { existsSync, unlinkSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, openSync, fsyncSync, closeSync, rmSync, fchmodSync, fchownSync, lstatSync, readlinkSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { NotFoundError, ConflictError, UsageError } from '../core/errors.js';
import { checkAppDomain } from '../core/domain.js';
import type { Settings } from '../core/settings.js';
import { decodeEnvFile } from '../core/env-file.js';
import { localWriteError } from './local-write-error.js';
import type { ComposeSource } from '../core/compose/types.js';
import type { AppRef, AppStore } from '../ports/app-store.js';

export type { AppRef } from '../ports/app-store.js';
export { checkAppDomain } from '../core/domain.js';

export function abraDir(): string {
  return process.env.ABRA_DIR || join(homedir(), '.abra');
}

export class AbraDir implements AppStore {
  constructor(readonly root: string = abraDir()) {}

  get serversDir(): string {
    return join(this.root, 'servers');
  }
  get recipesDir(): string {
    return join(this.root, 'recipes');
  }

  listServers(): string[] {
    if (!existsSync(this.serversDir)) return [];
    return readdirSync(this.serversDir)
      .filter((n) => !n.startsWith('.') && isDir(join(this.serversDir, n)))
      .sort();
  }

  hasServer(name: string): boolean {
    return isDir(join(this.serversDir, name));
  }

  addServer(name: string): void {
    if (!/^[A-Za-z0-9][A-Za-z0-9._@:-]*$/.test(name)) throw new UsageError(`invalid server name "${name}"`);
    mkdirSync(join(this.serversDir, name), { recursive: true });
  }

  removeServerDir(name: string): void {
    rmSync(join(this.serversDir, name), { recursive: true, force: true });
  }

  listApps(server?: string): AppRef[] {
    const servers = server ? [server] : this.listServers();
    const apps: AppRef[] = [];
    for (const s of servers) {
      const dir = join(this.serversDir, s);
      if (!isDir(dir)) continue;
      for (const f of readdirSync(dir).sort()) {
        if (f.endsWith('.env') && !f.startsWith('.')) apps.push({ domain: f.slice(0, -4), server: s, path: join(dir, f) });
      }
    }
    return apps;
  }

  findApp(domain: string): AppRef {
    const found = this.listApps().filter((a) => a.domain === domain);
    if (found.length === 0) {
      throw new NotFoundError(`no app "${domain}" in ${this.serversDir}`, 'list apps with `kite app ls`, or create one with `kite app new`');
    }
    if (found.length > 1) {
      throw new ConflictError(`app "${domain}" exists on several servers: ${found.map((a) => a.server).join(', ')}`, 'remove the stale env file');
    }
    checkAppDomain(found[0]);
    return found[0];
  }

  appPath(server: string, domain: string): string {
    return join(this.serversDir, server, `${domain}.env`);
  }

  /** An app env file's text; a binary file (NUL bytes, invalid UTF-8) is refused with a RecipeError naming it. */
  readText(path: string): string {
    return decodeEnvFile(readFileSync(path), path);
  }

  /**
   * Atomic write (short temp file + fsync + rename + directory fsync); a
   * symlink stays a link (its target is replaced); an existing file keeps its
   * mode, a new one is 0600. Write failures: LocalWriteError.
   */
  writeEnvFile(path: string, text: string): void {
    writeAtomic(path, text, 0o600);
  }

  /**
   * Throws a LocalWriteError (disk full, read-only, permission denied) when
   * the env file at `path` could not be rewritten: a temp file is created,
   * filled and removed beside it (beside its real target when a symlink).
   * Call before changing the server, so a later write does not fail after it.
   */
  assertWritable(path: string): void {
    assertWritable(path);
  }

  /** Deletes an env file; a failure (disk, permission) is a LocalWriteError naming it. */
  removeEnvFile(path: string): void {
    try {
      unlinkSync(path);
    } catch (e) {
      throw localWriteError(e, path);
    }
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  /**
   * $ABRA_DIR/kite.yml, parsed (defaults when there is none). The parser (and
   * the YAML library, ~260 kB) loads only when asked: `app ls` never is.
   */
  async settings(): Promise<Settings> {
    const file = join(this.root, 'kite.yml');
    const { parseSettings } = await import('../core/settings.js');
    return parseSettings(existsSync(file) ? readFileSync(file, 'utf8') : undefined, file);
  }

  listRecipeDirs(): string[] {
    if (!existsSync(this.recipesDir)) return [];
    return readdirSync(this.recipesDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  }

  /** Directory of a recipe: plain names as is, git locations with `.` and `/` → `_` (abra's naming). */
  recipeDir(recipe: string): string {
    return join(this.recipesDir, recipeDirName(recipe));
  }

  readRecipeFile(recipe: string, file: string): string | undefined {
    const p = join(this.recipeDir(recipe), file);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  }

  requireRecipe(recipe: string): string {
    const dir = this.recipeDir(recipe);
    if (!isDir(dir)) {
      throw new NotFoundError(`recipe "${recipe}" not found in ${this.recipesDir}`, `put the recipe in ${dir} (or fetch it with \`kite recipe fetch ${recipe}\`)`);
    }
    return dir;
  }

  readComposeSources(recipe: string, files: string[]): ComposeSource[] {
    const dir = this.requireRecipe(recipe);
    return files.map((file) => {
      const p = join(dir, file);
      if (!existsSync(p)) {
        throw new NotFoundError(`compose file ${file} (from COMPOSE_FILE) does not exist in ${dir}`, 'fix COMPOSE_FILE in the app env file with `kite app config`');
      }
      return { file, text: readFileSync(p, 'utf8') };
    });
  }
}

export function recipeDirName(recipe: string): string {
  const plain = recipe.replace(/^(https?|ssh):\/\//, '').replace(/^git@/, '').replace(/\.git$/, '');
  return /[./:]/.test(plain) ? plain.replace(/[./:]/g, '_') : plain;
}

/**
 * Atomic write: a short-named temp file beside the file (`.kite-<random>.tmp`,
 * so a 253-character domain still fits in a file name), written, chmod-ed and
 * fsync-ed, renamed over the file, then the directory fsync-ed so the rename
 * survives a crash. A symlink is followed: the real target is replaced and the
 * link stays a link. An existing file keeps its mode (and owner); a new one
 * gets `mode`. On any failure the temp file is removed; a full disk, a
 * read-only file system or a denied permission become a LocalWriteError
 * naming `path`.
 */
export function writeAtomic(path: string, text: string, mode: number): void {
  const target = resolveLinks(path);
  let tmp: string | undefined;
  try {
    const existing = statOrUndefined(target);
    ensureDir(dirname(target));
    tmp = tempPath(target);
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeFileSync(fd, text);
      fchmodSync(fd, existing ? existing.mode & 0o7777 : mode);
      if (existing && (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.())) {
        try {
          fchownSync(fd, existing.uid, existing.gid); // only root may; others keep their own
        } catch {
          /* not permitted: the file becomes ours, with its mode kept */
        }
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    tmp = undefined;
    syncDir(dirname(target));
  } catch (e) {
    if (tmp) removeQuietly(tmp);
    throw localWriteError(e, path);
  }
}

/**
 * Throws a LocalWriteError when a file cannot be written beside `path` (its
 * real target, symlinks resolved): creates, fills and fsyncs a temp file the
 * size of the current file plus 4 KiB, then removes it. Changes nothing.
 */
export function assertWritable(path: string): void {
  const target = resolveLinks(path);
  let tmp: string | undefined;
  try {
    ensureDir(dirname(target));
    tmp = tempPath(target);
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeFileSync(fd, Buffer.alloc((statOrUndefined(target)?.size ?? 0) + 4096, 0x0a));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw localWriteError(e, path);
  } finally {
    if (tmp) removeQuietly(tmp);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    /* nothing more can be done; the caller's error says why */
  }
}

/** mkdir -p one level at a time: Node's recursive mkdir reports EROFS as ENOENT. */
function ensureDir(dir: string): void {
  if (isDir(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

function tempPath(target: string): string {
  return join(dirname(target), `.kite-${randomBytes(6).toString('hex')}.tmp`);
}

/** Follows symlinks (also a dangling one) to the path that is really written. */
export function resolveLinks(path: string): string {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = lstatSync(current);
    } catch {
      return current; // does not exist (yet): written as is
    }
    if (!st.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw Object.assign(new Error(`too many levels of symbolic links: ${path}`), { code: 'ELOOP' });
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    // some file systems cannot fsync a directory; the rename is done anyway
    if (!['EINVAL', 'EISDIR', 'EBADF', 'ENOTSUP'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Rewrite an existing file atomically, keeping its mode (recipe edits). */
export function replaceFileAtomic(path: string, text: string): void {
  writeAtomic(path, text, 0o644);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
