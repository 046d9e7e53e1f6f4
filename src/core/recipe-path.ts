// Paths a recipe supplies — a config's or secret's `file:`, a service's
// `env_file:`, and the recipe's own files (abra.sh, .env.sample, release
// notes, compose files) — are read on the OPERATOR's machine, and what is
// read may end up on the server (a Docker config, a container's env). So
// they must stay inside the recipe directory: not absolute, no `..` above
// the recipe root, and no symlink of the recipe pointing out of it.
// Pure: symlinks come in as a map (link path → its target as readlink gives
// it); src/adapters/recipe-read.ts does the same with realpath at read time.

import { posix } from 'node:path';

export const INSIDE_RECIPE_HINT = "a recipe's files must stay inside the recipe directory: copy the file into the recipe and refer to it with a relative path";

/** Why `path` (relative to the recipe root) leaves the recipe without following symlinks, or undefined. */
export function recipePathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'is empty';
  if (posix.isAbsolute(path)) return 'is absolute';
  const n = posix.normalize(path);
  if (n === '..' || n.startsWith('../')) return 'leaves the recipe directory';
  return undefined;
}

/** `target` is `root` or below it (both absolute, already resolved). */
export function isInside(root: string, target: string): boolean {
  const rel = posix.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !posix.isAbsolute(rel));
}

export type Resolved = { path: string } | { problem: string };

/**
 * Follow the recipe's symlinks through `path` as the kernel would: the
 * recipe-relative path it ends at, or why it leaves the recipe (a `..` above
 * the root, an absolute path, or a link pointing outside).
 */
export function resolveInRecipe(path: string, links: Record<string, string>, maxLinks = 40): Resolved {
  const lexical = recipePathProblem(path);
  if (lexical) return { problem: lexical };
  const done: string[] = [];
  const todo = path.split('/');
  let followed = 0;
  let via: string | undefined;
  const outside = (link: string) => ({ problem: `goes through the symlink ${link}, outside the recipe` });
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (done.length === 0) return via ? outside(via) : { problem: 'leaves the recipe directory' };
      done.pop();
      continue;
    }
    done.push(part);
    const here = done.join('/');
    const target = links[here];
    if (target === undefined) continue;
    if (++followed > maxLinks) return { problem: `has too many levels of symlinks (at ${here})` };
    via = `${here} → ${target}`;
    if (posix.isAbsolute(target)) return outside(via);
    done.pop();
    todo.unshift(...target.split('/'));
  }
  return { path: done.join('/') || '.' };
}
