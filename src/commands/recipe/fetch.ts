// kite recipe fetch [recipe] | --all: clone a missing recipe, or fetch new
// commits and tags into the clone (mirrors from kite.yml as fallbacks).
// --all: every git clone in $ABRA_DIR/recipes; one failing does not stop the
// rest, and the exit code says something failed.

import type { Context } from '../../cli/context.js';
import { fetchAll, fetchRecipe, localRecipes, type FetchedRecipe } from '../../operations/recipe-fetch.js';
import { RemoteError, UsageError } from '../../core/errors.js';

export interface FetchFlags {
  all?: boolean;
  /** clone over SSH (git@<host>:<path>/<recipe>.git from recipes.base), as abra's --ssh */
  ssh?: boolean;
}

export async function run(ctx: Context, recipe: string | undefined, flags: FetchFlags): Promise<void> {
  if (ctx.globals.offline) throw new UsageError('recipe fetch uses the network and cannot work offline', 'drop -o/--offline');
  if (recipe && flags.all) throw new UsageError('a recipe and --all given together', 'pass one recipe, or --all');
  if (!recipe && !flags.all) throw new UsageError('missing <recipe> (or --all)', 'kite recipe fetch <recipe>, or kite recipe fetch --all');
  if (recipe) {
    const r = await fetchRecipe(ctx.ports, recipe, { ssh: flags.ssh });
    report(ctx, r);
    if (ctx.io.json) ctx.io.jsonData([r]);
    else ctx.io.data(r.dir);
    return;
  }
  const local = localRecipes(ctx.ports);
  for (const p of local.plain) ctx.io.warn(`${p}: not a git repository; skipped`);
  if (local.git.length === 0) ctx.io.info(`no recipe clones in ${ctx.dir.recipesDir}`);
  const results = await fetchAll(ctx.ports, local.git, (r) => report(ctx, r));
  if (ctx.io.json) ctx.io.jsonData(results);
  else for (const r of results) if (!r.error) ctx.io.data(r.dir);
  const failed = results.filter((r) => r.error);
  if (failed.length) throw new RemoteError(`could not fetch ${failed.length} of ${results.length} recipes: ${failed.map((f) => f.recipe).join(', ')}`, 'see the errors above; the others were fetched');
}

function report(ctx: Context, r: FetchedRecipe): void {
  for (const w of r.warnings) ctx.io.warn(`${r.recipe}: ${w}`);
  if (r.error) {
    ctx.io.error(`${r.recipe}: ${r.error}`);
    return;
  }
  const releases = r.releases ? `${r.releases} release${r.releases > 1 ? 's' : ''}, latest ${r.latest}` : 'no releases';
  ctx.io.info(`${r.recipe}: ${r.cloned ? 'cloned' : 'fetched'} from ${r.source} (${releases})`);
}
