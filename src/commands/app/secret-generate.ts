import type { Context } from '../../cli/context.js';
import { withAppAtVersion } from '../../operations/app-at-version.js';
import { generateSecrets, SecretsPartlyGenerated, type GeneratedSecret } from '../../operations/secret-generate.js';
import { withAppLock, type LockFlags } from './app-lock.js';
import type { SecretStore } from '../../ports/secret-store.js';

export interface SecretGenerateFlags extends LockFlags {
  all?: boolean;
  /** also store the values in the operator's `pass` store */
  pass?: boolean;
}

export async function run(ctx: Context, domain: string, name: string | undefined, version: string | undefined, opts: SecretGenerateFlags): Promise<void> {
  // the recipe as the recorded version has it (kite never moves the shared clone)
  return withAppAtVersion(ctx.ports, domain, async (app) => {
    const store = opts.pass ? await ctx.ports.secretStore(app.server, app.domain) : undefined;
    const generated = await withAppLock(ctx, app, 'secret generate', opts, (docker) => showingPartial(ctx, generateSecrets(app, docker, { all: opts.all, name, version, store })));
    printSecrets(ctx, generated, store);
  });
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
export function printSecrets(ctx: Context, secrets: GeneratedSecret[], store?: SecretStore): void {
  if (ctx.io.json) return ctx.io.jsonData(secrets);
  if (secrets.length === 0) return ctx.io.info('no secrets to generate (all exist already)');
  if (store) ctx.io.info(`stored in pass: ${secrets.map((s) => store.entry(s.name)).join(', ')}`);
  else ctx.io.info('these values are shown only once; store them somewhere safe');
  ctx.io.table(['SECRET', 'VERSION', 'VALUE'], secrets.map((s) => [s.name, s.version, s.value]));
}
