// kite recipe reset <recipe>: discard the recipe clone's uncommitted changes
// and untracked files (after confirming, or with --force).

import type { Context } from '../../cli/context.js';
import { confirm } from '../../cli/prompt.js';
import { resetRecipe } from '../../operations/recipe-reset.js';
import { recipeLocation } from './maintain.js';

export interface ResetFlags {
  force?: boolean;
}

export async function run(ctx: Context, recipe: string, flags: ResetFlags): Promise<void> {
  const { dir, name } = recipeLocation(ctx, recipe);
  const result = await resetRecipe(ctx.ports, dir, async (changes) => {
    for (const c of changes) ctx.io.info(`  ${c.code} ${c.from ? `${c.from} -> ` : ''}${c.path}`);
    await confirm(ctx, `discard ${changes.length} uncommitted change${changes.length > 1 ? 's' : ''} in ${dir}?`, flags);
  });
  if (ctx.io.json) ctx.io.jsonData({ recipe: name, discarded: result.discarded.map((c) => ({ path: c.path, status: c.code })) });
  if (result.discarded.length === 0) ctx.io.info(`${name}: no uncommitted changes`);
  else ctx.io.info(`${name}: discarded ${result.discarded.length} change${result.discarded.length > 1 ? 's' : ''}; the clone is at HEAD again`);
}
