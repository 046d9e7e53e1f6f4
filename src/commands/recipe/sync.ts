// kite recipe sync <recipe> [version]: write the next recipe version into
// the app service's coop-cloud.${STACK_NAME}.version label. The bump is
// -x/-y/-z, else asked on a terminal (the kind the image changes call for
// offered first), else (-n) that inferred kind.

import type { Context } from '../../cli/context.js';
import { syncRecipe } from '../../operations/recipe-sync.js';
import { UsageError } from '../../core/errors.js';
import { askBump, bumpFlag, recipeLocation, type BumpFlags } from './maintain.js';

export interface SyncFlags extends BumpFlags {
  dryRun?: boolean;
}

export async function run(ctx: Context, recipe: string, version: string | undefined, flags: SyncFlags): Promise<void> {
  const bump = bumpFlag(flags);
  if (version !== undefined && bump) throw new UsageError(`a version and --${bump} given together`, 'pass either the version or one of -x/-y/-z');
  const { dir, name } = recipeLocation(ctx, recipe);
  const result = await syncRecipe(ctx.ports, dir, name, { version, bump, chooseBump: (inferred, last) => askBump(ctx, inferred, last), dryRun: Boolean(flags.dryRun) });

  if (ctx.io.json) ctx.io.jsonData(result);
  else ctx.io.data(result.version);
  if (result.kind) ctx.io.info(`${result.lastRelease ? `last release ${result.lastRelease}` : 'no release yet'}; ${result.kind} bump${result.reasons.length ? `: ${result.reasons.join('; ')}` : ''}`);
  const where = result.files.map((f) => `${f.file}:${f.line}`).join(', ');
  if (!result.changed) ctx.io.info(`${name}: the version label already says ${result.version} (${where})`);
  else if (result.dryRun) ctx.io.info(`dry run: would set the version label (${where}) from "${result.previous}" to ${result.version}`);
  else {
    ctx.io.info(`${name}: version label ${result.previous || '(empty)'} → ${result.version} (${where})`);
    ctx.io.info(`next: kite recipe release ${recipe}`);
  }
}
