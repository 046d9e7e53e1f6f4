import type { Context } from '../../cli/context.js';
import { loadApp } from '../../operations/load-app.js';
import { generateSecrets, SecretsPartlyGenerated, type GeneratedSecret } from '../../operations/secret-generate.js';
import { withAppLock, type LockFlags } from './app-lock.js';

export async function run(ctx: Context, domain: string, name: string | undefined, version: string | undefined, opts: { all?: boolean } & LockFlags): Promise<void> {
  const app = loadApp(ctx.dir, domain);
  const generated = await withAppLock(ctx, app, 'secret generate', opts, (docker) => showingPartial(ctx, generateSecrets(app, docker, { all: opts.all, name, version })));
  printSecrets(ctx, generated);
}

/** a generation that failed half-way still shows the values it stored, then fails */
export async function showingPartial<T>(ctx: Context, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof SecretsPartlyGenerated) printSecrets(ctx, e.generated);
    throw e;
  }
}

/** This command exists to show the values: they go to stdout, once. */
export function printSecrets(ctx: Context, secrets: GeneratedSecret[]): void {
  if (ctx.io.json) return ctx.io.jsonData(secrets);
  if (secrets.length === 0) return ctx.io.info('no secrets to generate (all exist already)');
  ctx.io.info('these values are shown only once; store them somewhere safe');
  ctx.io.table(['SECRET', 'VERSION', 'VALUE'], secrets.map((s) => [s.name, s.version, s.value]));
}
