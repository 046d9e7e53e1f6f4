import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { removeServer } from '../../operations/server-rm.js';

export async function run(ctx: Context, name: string, _options: NoOptions): Promise<void> {
  removeServer(ctx.dir, name);
  if (ctx.io.json) return ctx.io.jsonData({ removed: name });
  ctx.io.info(`server ${name} removed from ${ctx.dir.serversDir} (nothing on the server was changed)`);
}
