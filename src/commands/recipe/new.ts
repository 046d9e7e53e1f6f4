// kite recipe new <recipe>: a new recipe from the Co-op Cloud template in
// $ABRA_DIR/recipes/<recipe>, as a git repository (branch main) with one
// commit, like `abra recipe new`.

import { existsSync } from 'node:fs';
import type { Context } from '../../cli/context.js';
import { RECIPE_NAME, recipeTemplate } from '../../core/recipe-template.js';
import { ConflictError, UsageError } from '../../core/errors.js';

export interface NewFlags {
  name?: string;
  gitName?: string;
  gitEmail?: string;
}

/** abra's commit message for the first commit of a new recipe [M] */
export const INITIAL_COMMIT_MESSAGE = 'init';

export async function run(ctx: Context, recipe: string, flags: NewFlags): Promise<void> {
  if (!RECIPE_NAME.test(recipe)) {
    throw new UsageError(`invalid recipe name "${recipe}"`, 'use lower-case letters, digits, "-" and "_", e.g. `kite recipe new my-app`');
  }
  const dir = ctx.dir.recipeDir(recipe);
  if (existsSync(dir)) {
    throw new ConflictError(`recipe "${recipe}" already exists in ${dir}`, 'pick another name, or remove that directory first');
  }
  const files = recipeTemplate({ recipe, title: flags.name });
  const commit = await ctx.ports.recipeFiles.create(dir, files, { name: flags.gitName, email: flags.gitEmail }, INITIAL_COMMIT_MESSAGE);
  if (ctx.io.json) return ctx.io.jsonData({ recipe, path: dir, commit, files: Object.keys(files).sort() });
  ctx.io.data(dir);
  ctx.io.info(`created recipe ${recipe} (git repository, first commit ${commit.slice(0, 8)})`);
  ctx.io.info(`next: edit ${dir}/compose.yml and .env.sample, then \`kite recipe lint ${recipe}\``);
}
