import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { formatLabels, parseLabelEdits } from '../../core/nodes.js';
import { labelNode } from '../../operations/server-nodes.js';
import { requireServer } from './node-common.js';

export async function run(ctx: Context, server: string, node: string, labels: string[], _options: NoOptions): Promise<void> {
  requireServer(ctx, server);
  const edit = parseLabelEdits(labels);
  const r = await labelNode(await ctx.docker(server), node, edit);
  if (ctx.io.json) return ctx.io.jsonData(r);
  ctx.io.info(`${r.node}: labels now ${formatLabels(r.labels) || '(none)'}`);
}
