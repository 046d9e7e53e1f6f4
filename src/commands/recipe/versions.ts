// kite recipe versions <recipe>: each release's services with image:tag and
// digest, newest first, from the catalogue; from the local clone's release
// tags when the catalogue does not list the recipe (digests unknown then).

import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { shortDigest } from '../../core/catalogue.js';
import { recipeVersions } from '../../operations/catalogue-read.js';

export async function run(ctx: Context, recipe: string, _options: NoOptions): Promise<void> {
  const offline = Boolean(ctx.globals.offline);
  const result = await recipeVersions(ctx.ports, recipe, offline);
  for (const w of result.warnings) ctx.io.warn(w);
  ctx.io.info(
    result.from === 'catalogue'
      ? `${recipe}: versions from the catalogue ${result.source}`
      : `${recipe}: not in the catalogue; versions from the release tags of the local clone ${result.source}${offline ? ' (offline)' : ''}, digests unknown`,
  );
  if (ctx.io.json) {
    ctx.io.jsonData(result.rows.map((r) => ({ ...r, source: result.from })));
    return;
  }
  ctx.io.table(
    ['VERSION', 'SERVICE', 'IMAGE', 'DIGEST'],
    result.rows.map((r) => [r.version, r.service, `${r.image}${r.tag ? `:${r.tag}` : ''}`, r.digest ? shortDigest(r.digest) : '-']),
  );
  const versions = new Set(result.rows.map((r) => r.version)).size;
  ctx.io.info(`${versions} version${versions === 1 ? '' : 's'}`);
}
