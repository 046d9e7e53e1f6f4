// Reading files a recipe names, from a recipe directory (the shared clone,
// or a private snapshot of one version), only when they are inside it: the
// path rule of core/recipe-path.ts first, then realpath at read time, so a
// symlink of the recipe pointing out of it (to ~/.ssh, /etc…) is refused
// rather than read on the operator's machine and sent to the server.

import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { INSIDE_RECIPE_HINT, isInside, recipePathProblem } from '../core/recipe-path.js';
import { NotFoundError, RecipeError } from '../core/errors.js';
import type { ComposeSource } from '../core/compose/types.js';
import type { InsideRead } from '../ports/recipe-files.js';

const MAX_ENTRIES = 5000;

export type { InsideRead } from '../ports/recipe-files.js';

/** `path` (relative to `recipeDir`) read when it resolves inside the recipe. */
export function readInsideRecipe(recipeDir: string, path: string): InsideRead {
  const lexical = recipePathProblem(path);
  if (lexical) return { problem: lexical };
  let real: string;
  let root: string;
  try {
    root = realpathSync(recipeDir);
    real = realpathSync(join(recipeDir, path));
  } catch {
    return { missing: true };
  }
  if (!isInside(root, real)) return { problem: `resolves (through a symlink) to ${real}, outside the recipe` };
  try {
    return { data: readFileSync(real) };
  } catch {
    return { missing: true };
  }
}

/** A file of the recipe itself (abra.sh, .env.sample, release/<version>); undefined when it does not exist. */
export function readRecipeText(recipeDir: string, path: string): string | undefined {
  const r = readInsideRecipe(recipeDir, path);
  if ('problem' in r) throw new RecipeError(`${path} ${r.problem}: it must stay inside the recipe`, join(recipeDir, path), undefined, INSIDE_RECIPE_HINT);
  return 'data' in r ? r.data.toString('utf8') : undefined;
}

/** The compose files COMPOSE_FILE names, read from `recipeDir`. */
export function readComposeSourcesIn(recipeDir: string, files: string[]): ComposeSource[] {
  return files.map((file) => {
    const text = readRecipeText(recipeDir, file);
    if (text === undefined) {
      throw new NotFoundError(`compose file ${file} (from COMPOSE_FILE) does not exist in ${recipeDir}`, 'fix COMPOSE_FILE in the app env file with `kite app config`');
    }
    return { file, text };
  });
}

/** Every symlink of the recipe (not under .git): its recipe-relative path → its target as written. */
export function recipeLinks(recipeDir: string): Record<string, string> {
  const links: Record<string, string> = {};
  let seen = 0;
  const walk = (sub: string): void => {
    let entries;
    try {
      entries = readdirSync(join(recipeDir, sub), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return;
      const path = sub ? `${sub}/${e.name}` : e.name;
      if (e.isSymbolicLink()) {
        try {
          links[path] = readlinkSync(join(recipeDir, path));
        } catch {
          /* gone meanwhile */
        }
      } else if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') walk(path);
    }
  };
  if (lstatSync(recipeDir, { throwIfNoEntry: false })?.isDirectory()) walk('');
  return links;
}
