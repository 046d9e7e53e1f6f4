// `app secret insert|ls|rm`: the app's secrets (src/core/secrets.ts) against
// what the server holds. Values are passed in and stored, never returned or
// logged. With a SecretStore (`--pass`), insert stores the value there too,
// and rm removes the secret's entry from it.

import type { DockerPort } from '../ports/docker.js';
import type { SecretStore } from '../ports/secret-store.js';
import { appSecrets, checkSecretName, type AppSecret } from '../core/secrets.js';
import { ConflictError, DockerApiError, NotFoundError, UsageError } from '../core/errors.js';
import type { LoadedApp } from './load-app.js';
import { selectSecrets } from './secret-generate.js';

export interface SecretStatus {
  name: string;
  version: string;
  remoteName: string;
  /** the secret exists on the server */
  createdOnServer: boolean;
}

export async function secretStatuses(app: LoadedApp, docker: DockerPort): Promise<SecretStatus[]> {
  const secrets = appSecrets(app.compose, app.stack, app.env, app.modifiers);
  const remote = new Set((await docker.listSecrets()).map((s) => s.Spec.Name));
  return secrets.map((s) => ({ name: s.name, version: s.version, remoteName: s.remoteName, createdOnServer: remote.has(s.remoteName) }));
}

export interface InsertedSecret {
  name: string;
  version: string;
  remoteName: string;
  /** the store entry it was also put in (`--pass`) */
  stored?: string;
}

/** Store `value` as version `version` of the recipe's secret `name` (and in `store`, when given). */
export async function insertSecret(app: LoadedApp, docker: DockerPort, name: string, version: string, value: string, store?: SecretStore): Promise<InsertedSecret> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(version)) throw new UsageError(`invalid secret version "${version}"`, 'use something like v2');
  const [s] = selectSecrets(app, { name, version });
  checkSecretName(s);
  if (value.length === 0) throw new UsageError(`the value for ${s.name} is empty`, 'Docker does not store empty secrets');
  const exists = (await docker.listSecrets({ name: [s.remoteName] })).some((x) => x.Spec.Name === s.remoteName);
  if (exists) throw alreadyExists(s, app.server);
  try {
    await docker.createSecret({ Name: s.remoteName, Labels: {}, Data: Buffer.from(value, 'utf8').toString('base64') });
  } catch (e) {
    if (e instanceof DockerApiError && (e.statusCode === 409 || /already exists/i.test(e.message))) throw alreadyExists(s, app.server);
    throw e;
  }
  if (!store) return { name: s.name, version: s.version, remoteName: s.remoteName };
  try {
    await store.insert(s.name, value);
  } catch (e) {
    if (e instanceof Error) e.message = `secret ${s.remoteName} was stored on ${app.server}, but not in pass (${store.entry(s.name)}): ${e.message}`;
    throw e;
  }
  return { name: s.name, version: s.version, remoteName: s.remoteName, stored: store.entry(s.name) };
}

function alreadyExists(s: AppSecret, server: string): ConflictError {
  return new ConflictError(`secret ${s.remoteName} already exists on ${server}`, `Docker secrets cannot change: insert a new version (e.g. ${nextVersion(s.version)}) and set ${s.envKey} to it`);
}

function nextVersion(v: string): string {
  const m = /^(.*?)(\d+)$/.exec(v);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${v}2`;
}

export interface RemovedSecret {
  name: string;
  remoteName: string;
  /** `--pass`: the store entry removed, or null when it had none */
  unstored?: string | null;
}

/**
 * Remove one secret (its current version, from the env file) or, with `all`,
 * every secret of the app that exists on the server. A secret a running
 * service uses is refused by Docker; that becomes a conflict saying so.
 */
export async function removeSecrets(app: LoadedApp, docker: DockerPort, opts: { name?: string; all?: boolean; store?: SecretStore }): Promise<RemovedSecret[]> {
  if (opts.name && opts.all) throw new UsageError('name a secret or pass --all, not both');
  if (!opts.name && !opts.all) throw new UsageError('name the secret to remove, or pass --all (-a)');
  const statuses = await secretStatuses(app, docker);
  let chosen: SecretStatus[];
  if (opts.name) {
    const s = statuses.find((x) => x.name === opts.name);
    if (!s) throw new NotFoundError(`the recipe of ${app.domain} has no secret "${opts.name}"`, `known secrets: ${statuses.map((x) => x.name).join(', ') || 'none'}`);
    if (!s.createdOnServer) throw new NotFoundError(`secret ${s.remoteName} does not exist on ${app.server}`, `see \`kite app secret ls ${app.domain}\``);
    chosen = [s];
  } else {
    chosen = statuses.filter((s) => s.createdOnServer);
  }
  const remote = await docker.listSecrets();
  const removed: RemovedSecret[] = [];
  for (const s of chosen) {
    const obj = remote.find((r) => r.Spec.Name === s.remoteName);
    if (!obj) continue;
    await removeSecretObject(docker, obj.ID, s.remoteName, app.domain);
    if (!opts.store) {
      removed.push({ name: s.name, remoteName: s.remoteName });
      continue;
    }
    const had = await opts.store.remove(s.name);
    removed.push({ name: s.name, remoteName: s.remoteName, unstored: had ? opts.store.entry(s.name) : null });
  }
  return removed;
}

/** DELETE /secrets/{id}, with Docker's "in use" refusal made clear. */
export async function removeSecretObject(docker: DockerPort, id: string, name: string, domain: string): Promise<void> {
  try {
    await docker.removeSecret(id);
  } catch (e) {
    if (e instanceof DockerApiError && /in use/i.test(e.message)) {
      const by = /in use by the following services?: (.*)$/i.exec(e.message)?.[1];
      throw new ConflictError(`secret ${name} is in use${by ? ` by ${by}` : ''}`, `undeploy the app first with \`kite app undeploy ${domain}\``);
    }
    if (e instanceof DockerApiError && e.statusCode === 404) return; // already gone
    throw e;
  }
}
