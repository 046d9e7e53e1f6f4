// kite recipe diff <recipe>: the recipe clone's uncommitted changes, as
// `git diff HEAD` (coloured on a terminal), and the untracked files a diff
// leaves out.

import type { Context } from '../../cli/context.js';
import { diffRecipe } from '../../operations/recipe-diff.js';
import { recipeLocation } from './maintain.js';

export async function run(ctx: Context, recipe: string): Promise<void> {
  const { dir, name } = recipeLocation(ctx, recipe);
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !ctx.io.json;
  const d = await diffRecipe(dir, color);
  if (ctx.io.json) {
    ctx.io.jsonData({ recipe: name, changes: d.changes.map((c) => ({ path: c.path, status: c.code, ...(c.from ? { from: c.from } : {}) })), diff: d.diff });
    return;
  }
  if (d.changes.length === 0) {
    ctx.io.info(`${name}: no uncommitted changes`);
    return;
  }
  if (d.diff) process.stdout.write(d.diff.endsWith('\n') ? d.diff : `${d.diff}\n`);
  for (const path of d.untracked) ctx.io.info(`untracked: ${path}`);
}
