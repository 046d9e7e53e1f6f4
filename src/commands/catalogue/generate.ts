// kite catalogue generate [recipe...]: regenerate entries of
// $ABRA_DIR/catalogue/recipes.json from the recipes' git repositories and the
// image registries; --publish commits and pushes the catalogue repository.

import type { Context } from '../../cli/context.js';
import { generateCatalogue } from '../../operations/catalogue-generate.js';

export interface GenerateFlags {
  publish?: boolean;
  dryRun?: boolean;
  skipUpdates?: boolean;
  chaos?: boolean;
}

export async function run(ctx: Context, recipes: string[], flags: GenerateFlags): Promise<void> {
  const offline = Boolean(ctx.globals.offline);
  if (offline) ctx.io.info('offline: using the local clones of the recipes and the catalogue as they are');
  const result = await generateCatalogue(
    ctx.ports,
    { recipes, offline, skipUpdates: Boolean(flags.skipUpdates), dryRun: Boolean(flags.dryRun), publish: Boolean(flags.publish), chaos: Boolean(flags.chaos) },
    (e) => (e.type === 'warning' ? ctx.io.warn(e.message) : ctx.io.info(e.message)),
  );
  if (result.written) ctx.io.info(`wrote ${result.path} (${result.regenerated.length} recipe${result.regenerated.length === 1 ? '' : 's'} regenerated, ${Object.keys(result.catalogue).length} in the catalogue)`);
  if (result.published) {
    ctx.io.info(result.published.commit ? `published ${result.published.commit.slice(0, 8)} to ${result.published.url} (${result.published.branch})` : `nothing to publish: ${result.published.url} already has this catalogue`);
  }
  if (flags.dryRun) {
    ctx.io.info(`dry run: nothing written; ${result.path} would be:`);
    ctx.io.data(result.text);
  } else if (ctx.io.json) {
    ctx.io.jsonData({ path: result.path, regenerated: result.regenerated, recipes: Object.keys(result.catalogue).length, published: result.published ?? null });
  }
}
