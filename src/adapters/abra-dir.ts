// $ABRA_DIR on disk, as abra lays it out:
//   servers/<server>/<domain>.env   one env file per app (symlinks followed)
//   recipes/<recipe>/               recipe checkouts
// Env files are written atomically with mode 0600: a crash never leaves a
// half-written file, and secrets-bearing files are never world-readable.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, openSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { NotFoundError, ConflictError, UsageError } from '../core/errors.js';
import type { ComposeSource } from '../core/compose/types.js';

export function abraDir(): string {
  return process.env.ABRA_DIR || join(homedir(), '.abra');
}

export interface AppRef {
  domain: string;
  server: string;
  path: string;
}

export class AbraDir {
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
    return found[0];
  }

  appPath(server: string, domain: string): string {
    return join(this.serversDir, server, `${domain}.env`);
  }

  readText(path: string): string {
    return readFileSync(path, 'utf8');
  }

  /** Atomic write (temp file + fsync + rename), mode 0600. */
  writeEnvFile(path: string, text: string): void {
    writeAtomic(path, text, 0o600);
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

export function writeAtomic(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text, { mode });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Rewrite an existing file atomically, keeping its mode (recipe edits). */
export function replaceFileAtomic(path: string, text: string): void {
  let mode = 0o644;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    /* a new file */
  }
  writeAtomic(path, text, mode);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
