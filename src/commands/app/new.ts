import type { Context } from '../../cli/context.js';
import { newApp } from '../../operations/app-new.js';
import { printSecrets } from './secret-generate.js';

export async function run(ctx: Context, recipe: string, opts: { server: string; domain: string; secrets?: boolean }): Promise<void> {
  const created = await newApp(ctx.dir, { recipe, server: opts.server, domain: opts.domain, secrets: opts.secrets }, ctx.docker);
  if (ctx.io.json) return ctx.io.jsonData(created);
  ctx.io.info(`created ${created.path}`);
  if (created.secrets.length > 0) printSecrets(ctx, created.secrets);
  ctx.io.info(`next: \`kite app config ${created.domain}\` to review it, then \`kite app deploy ${created.domain}\``);
}
