// `recipe fetch`: bring recipes' git clones in $ABRA_DIR/recipes up to date
// (tags included), cloning those that are missing, with the mirrors of
// kite.yml as fallbacks (operations/recipe-ensure.ts). With --all, every
// recipe already there; one that fails does not stop the others.
// With --ssh a missing recipe is cloned over SSH as abra does: from
// git@<host>:<path>/<recipe>.git, derived from the https recipes.base of
// kite.yml (an ssh:// or user@host: base is used as it is), mirrors not
// tried; a clone that exists is fetched from its origin as it is.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import { UsageError } from '../core/errors.js';
import { ensureRecipe, readSettings } from './recipe-ensure.js';

export interface FetchedRecipe {
  recipe: string;
  dir: string;
  cloned: boolean;
  /** the remote the data came from */
  source?: string;
  releases: number;
  latest?: string;
  warnings: string[];
  error?: string;
}

/** Recipe directories that are git clones (the others cannot be fetched). */
export function localRecipes(ports: Pick<Ports, 'apps' | 'recipes'>): { git: string[]; plain: string[] } {
  const { apps: dir, recipes } = ports;
  const names = dir.listRecipeDirs();
  return { git: names.filter((n) => recipes.isRepo(join(dir.recipesDir, n))), plain: names.filter((n) => !recipes.isRepo(join(dir.recipesDir, n))) };
}

/**
 * abra's SSH clone URL of a recipe: `git@<host>:<path>/<recipe>.git` from an
 * http(s) base (its user and port dropped: they are the web server's); an
 * ssh:// or scp-like (user@host:path) base is used as it is.
 */
export function sshRecipeUrl(recipe: string, base: string): string {
  const b = base.replace(/\/+$/, '');
  if (/^ssh:\/\//.test(b) || /^[^/:@]+@[^/:]+:/.test(b)) return `${b}/${recipe}.git`;
  const m = /^https?:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?(?:\/(.*))?$/.exec(b);
  if (!m) throw new UsageError(`cannot derive an SSH URL from recipes.base ${base}`, 'set recipes.base in $ABRA_DIR/kite.yml to an https:// or ssh:// URL, or fetch without --ssh');
  return `git@${m[1]}:${m[2] ? `${m[2]}/` : ''}${recipe}.git`;
}

export async function fetchRecipe(ports: Pick<Ports, 'apps' | 'recipes'>, recipe: string, opts: { ssh?: boolean } = {}): Promise<FetchedRecipe> {
  const dir = ports.apps;
  const cloned = !dir.exists(dir.recipeDir(recipe));
  let source: string | undefined;
  if (opts.ssh && cloned) {
    if (/[/:@]/.test(recipe)) throw new UsageError(`--ssh derives the clone URL from recipes.base, and ${recipe} is not a recipe name`, 'pass the recipe name, or the SSH URL itself without --ssh');
    source = (await ports.recipes.clone(dir.recipeDir(recipe), [sshRecipeUrl(recipe, (await readSettings(dir)).recipes.base)])).source;
  }
  // after an SSH clone: only read its releases (fetching again would try the https mirrors)
  const r = await ensureRecipe(ports, recipe, source !== undefined);
  return { recipe, dir: r.dir, cloned, source: source ?? r.source, releases: r.versions.versions.length, latest: r.versions.versions.at(-1)?.tag, warnings: r.warnings };
}

/** Every recipe in turn; a failure is recorded in its result and the next one goes on. */
export async function fetchAll(ports: Pick<Ports, 'apps' | 'recipes'>, recipes: string[], progress: (r: FetchedRecipe) => void): Promise<FetchedRecipe[]> {
  const results: FetchedRecipe[] = [];
  for (const recipe of recipes) {
    let r: FetchedRecipe;
    try {
      r = await fetchRecipe(ports, recipe);
    } catch (e) {
      r = { recipe, dir: ports.apps.recipeDir(recipe), cloned: false, releases: 0, warnings: [], error: (e as Error).message };
    }
    progress(r);
    results.push(r);
  }
  return results;
}
