// What the maintainer commands (lint, upgrade, sync, release, diff, reset) share:
// where the recipe is — a name in $ABRA_DIR/recipes, or a path to a recipe
// directory (contains `/`, or is `.`), as for lint — and the -x/-y/-z bump,
// given as a flag or asked for.

import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Context } from '../../cli/context.js';
import type { UpgradeKind } from '../../core/tag-compare.js';
import { nextRecipeVersion, type BumpInference } from '../../core/recipe-sync.js';
import { UsageError } from '../../core/errors.js';

export function recipeLocation(ctx: Context, recipe: string): { dir: string; name: string } {
  if (recipe === '.' || recipe === '..' || recipe.includes('/')) {
    const dir = resolve(recipe);
    if (existsSync(dir) && statSync(dir).isDirectory()) return { dir, name: basename(dir) };
  }
  return { dir: ctx.dir.requireRecipe(recipe), name: recipe };
}

export interface BumpFlags {
  major?: boolean;
  minor?: boolean;
  patch?: boolean;
}

/** -x/-y/-z: at most one. */
export function bumpFlag(flags: BumpFlags): UpgradeKind | undefined {
  const given = (['major', 'minor', 'patch'] as const).filter((k) => flags[k]);
  if (given.length > 1) throw new UsageError(`--${given.join(' and --')} given together`, 'pass one of -x/--major, -y/--minor, -z/--patch');
  return given[0];
}

/** Why kite is not asking (for error messages). */
export function noPromptReason(ctx: Context): string {
  return ctx.globals.input === false ? '-n/--no-input given' : 'no terminal to ask on';
}

/**
 * The bump when no -x/-y/-z was given: with -n the kind the image changes
 * call for; on a terminal a choice with that kind first; otherwise a usage
 * error naming the flags.
 */
export async function askBump(ctx: Context, inferred: BumpInference, last: string | undefined): Promise<UpgradeKind> {
  if (ctx.globals.input === false) return inferred.kind;
  if (!ctx.io.interactive) {
    throw new UsageError(`missing -x/-y/-z (${noPromptReason(ctx)})`, `pass -x (major), -y (minor) or -z (patch), or -n to take the ${inferred.kind} bump the image changes call for`);
  }
  for (const r of inferred.reasons) ctx.io.info(`  ${r}`);
  const kinds: UpgradeKind[] = [inferred.kind, ...(['major', 'minor', 'patch'] as const).filter((k) => k !== inferred.kind)];
  return ctx.prompter.select(
    `what kind of release is this${last ? ` (last: ${last})` : ''}?`,
    kinds.map((k) => ({ value: k, label: k, hint: `${nextRecipeVersion(last, k, undefined)}${k === inferred.kind ? ', what the image changes call for' : ''}` })),
  );
}
