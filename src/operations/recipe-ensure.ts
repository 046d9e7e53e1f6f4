// Make sure a recipe is here and current: clone it when missing (from the
// git location given, or <recipes.base>/<name>.git, then each mirror), fetch
// it unless offline, and list its releases. Reports where the data came from.

import type { AppStore } from '../ports/app-store.js';
import type { Ports } from '../ports/index.js';
import type { RecipeRepo } from '../ports/recipe-repo.js';
import { NotFoundError } from '../core/errors.js';
import { recipeRemotes, type Settings } from '../core/settings.js';
import { releaseVersions, type VersionList } from '../core/versions.js';

export interface EnsuredRecipe {
  dir: string;
  /** undefined when the recipe directory is not a git repository (used as is) */
  repo?: RecipeRepo;
  versions: VersionList;
  /** remote (or local clone) the recipe data came from */
  source: string;
  warnings: string[];
}

export function readSettings(dir: Pick<AppStore, 'settings'>): Promise<Settings> {
  return dir.settings();
}

export async function ensureRecipe(ports: Pick<Ports, 'apps' | 'recipes'>, recipe: string, offline: boolean): Promise<EnsuredRecipe> {
  const { apps: dir, recipes } = ports;
  const settings = await readSettings(dir);
  const recipeDir = dir.recipeDir(recipe);
  const warnings: string[] = [];
  let source: string;
  if (!dir.exists(recipeDir)) {
    if (offline) throw new NotFoundError(`recipe ${recipe} is not in ${dir.recipesDir} and --offline forbids cloning it`);
    const cloned = await recipes.clone(recipeDir, recipeRemotes(recipe, settings));
    for (const f of cloned.failures) warnings.push(`could not clone from ${f.remote}: ${f.error}`);
    source = cloned.source;
  } else if (!recipes.isRepo(recipeDir)) {
    return { dir: recipeDir, versions: { versions: [], warnings: [] }, source: `${recipeDir} (not a git repository)`, warnings: [`recipe ${recipe} is not a git repository: using its files as they are`] };
  } else {
    const mirrors = recipeRemotes(recipe, settings).slice(1);
    const fetched = await (await recipes.open(recipeDir)).fetch(mirrors, offline);
    for (const f of fetched.failures) warnings.push(`could not fetch from ${f.remote}: ${f.error}`);
    source = fetched.source;
  }
  const repo = await recipes.open(recipeDir);
  const versions = releaseVersions(await repo.tags());
  return { dir: recipeDir, repo, versions, source, warnings: [...warnings, ...versions.warnings] };
}
