// `recipe fetch`: bring recipes' git clones in $ABRA_DIR/recipes up to date
// (tags included), cloning those that are missing, with the mirrors of
// kite.yml as fallbacks (operations/recipe-ensure.ts). With --all, every
// recipe already there; one that fails does not stop the others.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AbraDir } from '../adapters/abra-dir.js';
import { isGitRepo } from '../adapters/recipe-git.js';
import { ensureRecipe } from './recipe-ensure.js';

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
export function localRecipes(dir: AbraDir): { git: string[]; plain: string[] } {
  if (!existsSync(dir.recipesDir)) return { git: [], plain: [] };
  const names = readdirSync(dir.recipesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  return { git: names.filter((n) => isGitRepo(join(dir.recipesDir, n))), plain: names.filter((n) => !isGitRepo(join(dir.recipesDir, n))) };
}

export async function fetchRecipe(dir: AbraDir, recipe: string): Promise<FetchedRecipe> {
  const cloned = !existsSync(dir.recipeDir(recipe));
  const r = await ensureRecipe(dir, recipe, false);
  return { recipe, dir: r.dir, cloned, source: r.source, releases: r.versions.versions.length, latest: r.versions.versions.at(-1)?.tag, warnings: r.warnings };
}

/** Every recipe in turn; a failure is recorded in its result and the next one goes on. */
export async function fetchAll(dir: AbraDir, recipes: string[], progress: (r: FetchedRecipe) => void): Promise<FetchedRecipe[]> {
  const results: FetchedRecipe[] = [];
  for (const recipe of recipes) {
    let r: FetchedRecipe;
    try {
      r = await fetchRecipe(dir, recipe);
    } catch (e) {
      r = { recipe, dir: dir.recipeDir(recipe), cloned: false, releases: 0, warnings: [], error: (e as Error).message };
    }
    progress(r);
    results.push(r);
  }
  return results;
}
