import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { checkApp, checkPlacement } from '../../operations/app-check.js';
import { RecipeError } from '../../core/errors.js';

export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  const r = checkApp(ctx.ports, domain);
  if (ctx.io.json) ctx.io.jsonData(r.keys);
  else ctx.io.table(['KEY', 'PRESENT'], r.keys.map((k) => [k.key, k.present ? 'yes' : 'no']));
  // kite's own placement keys (abra ignores them): shown, and checked as a deploy checks them
  if (!ctx.io.json) for (const p of checkPlacement(ctx.ports, domain)) ctx.io.info(`placement: ${p.service} runs where ${p.constraints.join(', ')} (${p.key})`);
  const missing = r.keys.filter((k) => !k.present).map((k) => k.key);
  if (missing.length === 0) {
    if (!ctx.io.json) ctx.io.info(`all ${r.keys.length} keys of ${r.recipe}'s .env.sample are in ${r.envPath}`);
    return;
  }
  // An env file lacking keys the recipe expects is an incomplete app config:
  // a RecipeError (exit 7) names the file and the keys.
  throw new RecipeError(
    `${missing.length} key${missing.length === 1 ? '' : 's'} of ${r.recipe}'s .env.sample missing: ${missing.join(', ')}`,
    r.envPath,
    undefined,
    `add ${missing.length === 1 ? 'it' : 'them'} with \`kite app config ${domain}\` (see ${r.samplePath} for defaults)`,
  );
}
