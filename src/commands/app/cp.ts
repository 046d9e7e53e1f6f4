import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { stackName } from '../../core/stack-name.js';
import { copy } from '../../operations/app-copy.js';

/** `app cp <domain> <src> <dst>`: one side is `<service>:/path`, the other local. */
export async function run(ctx: Context, domain: string, src: string, dst: string, _options: NoOptions): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const docker = await ctx.docker(ref.server);
  const r = await copy(docker, stackName(domain), domain, src, dst);
  if (ctx.io.json) return ctx.io.jsonData(r);
  const what = [`${r.files} file${r.files === 1 ? '' : 's'}`, r.directories ? `${r.directories} director${r.directories === 1 ? 'y' : 'ies'}` : ''].filter(Boolean).join(', ');
  ctx.io.info(`copied ${what} (${r.bytes} bytes) from ${r.from} to ${r.to}`);
}
