import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { stackName } from '../../core/stack-name.js';
import { readHistory } from '../../operations/deploy-history.js';

export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const entries = await readHistory(await ctx.docker(ref.server), stackName(domain));
  if (ctx.io.json) return ctx.io.jsonData(entries);
  if (entries.length === 0) return ctx.io.info(`no deploys of ${domain} recorded on ${ref.server}`);
  ctx.io.table(
    ['WHEN', 'WHO', 'ACTION', 'FROM', 'TO', 'RESULT'],
    entries.map((e) => [e.at, e.who, e.action, e.from ?? '', e.to ?? '', e.dataRestoredFrom ? `${e.result}, data restored from ${e.dataRestoredFrom}` : e.result]),
  );
}
