// Generate an app's secrets and store them on the server. Values are
// returned to the caller once (to show the operator) and never logged.
// When storing one fails after others were stored, the error carries the
// values already stored (SecretsPartlyGenerated), so the caller still shows
// them: they exist on the server and are not shown anywhere else. They stay
// there; `--all` again keeps them and generates the rest.
// With a SecretStore (`--pass`), each value is also stored there once it is
// on the server; a store that fails keeps the values shown, and says which.

import { randomInt } from 'node:crypto';
import type { DockerPort } from '../ports/docker.js';
import type { SecretStore } from '../ports/secret-store.js';
import { appSecrets, checkSecretName, generateSecretValue, type AppSecret } from '../core/secrets.js';
import { ConflictError, KiteError, NotFoundError, UsageError } from '../core/errors.js';
import type { LoadedApp } from './load-app.js';

export interface GeneratedSecret {
  name: string;
  version: string;
  remoteName: string;
  value: string;
}

export interface GenerateOptions {
  all?: boolean;
  /** one secret by short name, with an explicit version */
  name?: string;
  version?: string;
  /** also store each value here (`--pass`) */
  store?: SecretStore;
}

export function selectSecrets(app: LoadedApp, opts: GenerateOptions): AppSecret[] {
  const secrets = appSecrets(app.compose, app.stack, app.env, app.modifiers);
  if (opts.name) {
    const s = secrets.find((x) => x.name === opts.name);
    if (!s) throw new NotFoundError(`the recipe of ${app.domain} has no secret "${opts.name}"`, `known secrets: ${secrets.map((x) => x.name).join(', ') || 'none'}`);
    if (opts.version && opts.version !== s.version) {
      return [{ ...s, version: opts.version, remoteName: s.remoteName.endsWith(`_${s.version}`) ? s.remoteName.slice(0, -s.version.length) + opts.version : s.remoteName }];
    }
    return [s];
  }
  if (!opts.all) throw new UsageError('name a secret and its version, or pass --all');
  return secrets.filter((s) => s.generate);
}

export async function generateSecrets(app: LoadedApp, docker: DockerPort, opts: GenerateOptions): Promise<GeneratedSecret[]> {
  const wanted = selectSecrets(app, opts);
  wanted.forEach(checkSecretName);
  const existing = new Set((await docker.listSecrets()).map((s) => s.Spec.Name));
  const clash = wanted.filter((s) => existing.has(s.remoteName));
  if (opts.name && clash.length > 0) {
    throw new ConflictError(`secret ${clash[0].remoteName} already exists on ${app.server}`, `bump ${clash[0].envKey} to a new version to rotate it`);
  }
  const out: GeneratedSecret[] = [];
  const todo = wanted.filter((s) => !existing.has(s.remoteName)); // --all: keep what is there
  for (const s of todo) {
    const value = generateSecretValue(s, (max) => randomInt(max));
    try {
      await docker.createSecret({ Name: s.remoteName, Labels: {}, Data: Buffer.from(value).toString('base64') });
    } catch (e) {
      if (out.length > 0) {
        if (opts.store) await storeAll(opts.store, out, app).catch(() => undefined); // best effort: the values are shown anyway
        throw new SecretsPartlyGenerated(out, todo.length, e, app.domain);
      }
      throw e;
    }
    out.push({ name: s.name, version: s.version, remoteName: s.remoteName, value });
  }
  if (opts.store) await storeAll(opts.store, out, app);
  return out;
}

/** Each value into the store; one that fails fails the run with every value shown. */
async function storeAll(store: SecretStore, generated: GeneratedSecret[], app: LoadedApp): Promise<void> {
  for (const [i, g] of generated.entries()) {
    try {
      await store.insert(g.name, g.value);
    } catch (e) {
      const err = new SecretsPartlyGenerated(generated, generated.length, e, app.domain);
      const missing = generated.slice(i).map((x) => store.entry(x.name));
      err.message = `${(e as Error)?.message ?? String(e)} (the ${generated.length} secrets are on ${app.server}; not in pass: ${missing.join(', ')}; their values are shown above, store them now)`;
      err.hint = `store them with \`pass insert -m ${missing[0]}\``;
      throw err;
    }
  }
}

/** Storing a secret failed after `generated` were stored: the cause's message and exit code, and those values. */
export class SecretsPartlyGenerated extends KiteError {
  readonly kind: string;
  constructor(
    readonly generated: GeneratedSecret[],
    wanted: number,
    override readonly cause: unknown,
    domain: string,
  ) {
    super(
      `${(cause as Error)?.message ?? String(cause)} (after storing ${generated.length} of ${wanted} secrets: ${generated.map((g) => g.remoteName).join(', ')}; their values are shown above, store them now)`,
      `run \`kite app secret generate ${domain} --all\` again to generate the rest: the secrets already stored are kept`,
    );
    this.kind = cause instanceof KiteError ? cause.kind : 'error';
  }
}
