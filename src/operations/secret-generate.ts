// Generate an app's secrets and store them on the server. Values are
// returned to the caller once (to show the operator) and never logged.

import { randomBytes } from 'node:crypto';
import type { DockerPort } from '../ports/docker.js';
import { appSecrets, checkSecretName, generateSecretValue, type AppSecret } from '../core/secrets.js';
import { ConflictError, NotFoundError, UsageError } from '../core/errors.js';
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
  for (const s of wanted) {
    if (existing.has(s.remoteName)) continue; // --all: keep what is there
    const value = generateSecretValue(s, (n) => randomBytes(n));
    await docker.createSecret({ Name: s.remoteName, Labels: {}, Data: Buffer.from(value).toString('base64') });
    out.push({ name: s.name, version: s.version, remoteName: s.remoteName, value });
  }
  return out;
}
