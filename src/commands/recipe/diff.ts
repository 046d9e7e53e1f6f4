// kite recipe diff <recipe>: the recipe clone's uncommitted changes, as
// `git diff HEAD`, and the untracked files a diff leaves out. The diff is
// recipe text: it goes through the terminal filter line by line, coloured
// by kite (not git) on a terminal.

import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { diffRecipe } from '../../operations/recipe-diff.js';
import { recipeLocation } from './maintain.js';

export async function run(ctx: Context, recipe: string, _options: NoOptions): Promise<void> {
  const { dir, name } = recipeLocation(ctx, recipe);
  const d = await diffRecipe(ctx.ports, dir, false);
  if (ctx.io.json) {
    ctx.io.jsonData({ recipe: name, changes: d.changes.map((c) => ({ path: c.path, status: c.code, ...(c.from ? { from: c.from } : {}) })), diff: d.diff });
    return;
  }
  if (d.changes.length === 0) {
    ctx.io.info(`${name}: no uncommitted changes`);
    return;
  }
  const color = Boolean(process.stdout.isTTY);
  if (d.diff) for (const line of d.diff.replace(/\n$/, '').split('\n')) ctx.io.data(color ? paintDiffLine(ctx, line) : line);
  for (const path of d.untracked) ctx.io.info(`untracked: ${path}`);
}

function paintDiffLine(ctx: Context, line: string): string {
  if (/^(diff |index |--- |\+\+\+ )/.test(line)) return ctx.io.paint('bold', line);
  if (line.startsWith('@@')) return ctx.io.paint('cyan', line);
  if (line.startsWith('+')) return ctx.io.paint('green', line);
  if (line.startsWith('-')) return ctx.io.paint('red', line);
  return line;
}
