import type { Context } from '../../cli/context.js';
import { flagOrAsk } from '../../cli/prompt.js';
import { domainProblem } from '../../core/domain.js';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { newApp } from '../../operations/app-new.js';
import { releaseLevelWarnings } from '../../operations/recipe-test-results.js';
import { printSecrets, showingPartial } from './secret-generate.js';
import { sameStackApps } from '../../core/stack-name.js';
import { commitEnvChange } from './env-commit.js';

export interface AppNewFlags {
  server?: string;
  domain?: string;
  secrets?: boolean;
  /** store the generated secrets in the operator's `pass` store too */
  pass?: boolean;
}

export async function run(ctx: Context, recipe: string, version: string | undefined, opts: AppNewFlags): Promise<void> {
  if (opts.pass && !opts.secrets) throw new UsageError('--pass stores the secrets --secrets generates', 'add -S/--secrets, or drop --pass');
  const server = await flagOrAsk(ctx, opts.server, '--server <server>', (p) => {
    const servers = ctx.dir.listServers();
    if (servers.length === 0) throw new NotFoundError(`no servers in ${ctx.dir.serversDir}`, 'add one first with `kite server add <host>`');
    return p.select('Which server should the app go on?', servers.map((s) => ({ value: s })));
  });
  const domain = await flagOrAsk(ctx, opts.domain, '--domain <domain>', (p) => {
    // abra suggests <recipe>.<server> [M]; not for the local server, whose name is not a domain
    const suggested = server === 'default' ? undefined : `${recipe}.${server}`;
    const apps = ctx.dir.listApps();
    const taken = new Map(apps.map((a) => [a.domain, a.server]));
    const sameStack = (d: string) => sameStackApps(apps, server, d)[0]?.domain;
    return p.text('What is the app domain?', {
      placeholder: suggested,
      defaultValue: suggested,
      validate: (d) =>
        domainProblem(d) ??
        (taken.has(d) ? `app ${d} already exists on server ${taken.get(d)}` : sameStack(d) ? `its stack name is already taken by ${sameStack(d)}: change its first 45 characters` : undefined),
    });
  });
  const store = opts.pass ? await ctx.ports.secretStore(server, domain) : undefined; // before anything is created
  const created = await showingPartial(ctx, newApp(ctx.ports, { recipe, version, server, domain, secrets: opts.secrets, offline: ctx.globals.offline, store }));
  for (const w of created.warnings) ctx.io.warn(w);
  // the release's recipe test level: a warning, never a refusal
  for (const w of await releaseLevelWarnings(ctx.ports, created.recipe, created.version)) ctx.io.warn(w);
  await commitEnvChange(ctx, { domain: created.domain, server: created.server, path: created.path }, `new app (${created.recipe}${created.version ? ` ${created.version}` : ''})`);
  if (ctx.io.json) return ctx.io.jsonData(created);
  ctx.io.info(`created ${created.path}${created.version ? ` at ${created.recipe} ${created.version}` : ''} (recipe from ${created.source})`);
  if (created.secrets.length > 0) printSecrets(ctx, created.secrets, store);
  ctx.io.info(`next: \`kite app config ${created.domain}\` to review it, then \`kite app deploy ${created.domain}\``);
}
