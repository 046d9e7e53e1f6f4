// Registry credentials as the docker CLI keeps them in `$DOCKER_CONFIG/config.json`
// (default `~/.docker/config.json`), and the `X-Registry-Auth` header that
// carries them to the daemon: pure parts only (the file and the credential
// helpers are read in adapters/docker-credentials.ts).
//
// The docker CLI's rules, ported:
// - an image's registry is the first path component when it looks like a
//   host (`.`, `:` or `localhost`), else Docker Hub, whose credentials are
//   stored under `https://index.docker.io/v1/`;
// - `auths.<key>.auth` is base64 of `user:password`; a key written as a URL
//   (`https://ghcr.io/v1/`) also matches its host;
// - `credHelpers.<key>` names the helper for one registry, `credsStore` the
//   one for all others; a helper's Username `<token>` means its Secret is an
//   identity token;
// - the header is base64url (with padding) of the JSON
//   {username, password, serveraddress, identitytoken, registrytoken}.
//
// Nothing here ever formats a credential into a message.

import { registryRepo } from './image-registry.js';
import { UsageError } from './errors.js';

/** Docker Hub's key in config.json and in credential helpers */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface DockerConfigFile {
  auths: Record<string, AuthConfig>;
  credsStore?: string;
  credHelpers: Record<string, string>;
}

/** config.json or a credential helper could not be read; the message never holds a credential */
export class DockerConfigError extends UsageError {
  constructor(message: string) {
    super(`registry credentials: ${message}`, 'fix the docker config ($DOCKER_CONFIG/config.json, default ~/.docker/config.json) or its credential helper');
  }
}

/** The key an image's credentials are stored under: `nginx` → Docker Hub's key, `ghcr.io/a/b:1` → `ghcr.io`. */
export function authKeyOfImage(image: string): string {
  const { registry } = registryRepo(image.split('@')[0]);
  return registry === 'docker.io' || registry === 'index.docker.io' ? DOCKER_HUB_AUTH_KEY : registry;
}

/** `https://host:port/v1/` → `host:port`; `host/path` → `host` (docker's ConvertToHostname) */
export function hostOfAuthKey(key: string): string {
  let rest = key;
  const scheme = rest.indexOf('://');
  if (scheme >= 0) rest = rest.slice(scheme + 3);
  const slash = rest.indexOf('/');
  return slash >= 0 ? rest.slice(0, slash) : rest;
}

/** Parse config.json's text; `auth` is decoded to username and password. */
export function parseDockerConfig(text: string, file = 'config.json'): DockerConfigFile {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    throw new DockerConfigError(`${file} is not valid JSON: ${(e as Error).message.replace(/ in JSON at.*$/, '')}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DockerConfigError(`${file} is not a JSON object`);
  const o = raw as Record<string, unknown>;
  const auths: Record<string, AuthConfig> = {};
  const rawAuths = isRecord(o.auths) ? o.auths : {};
  for (const [key, value] of Object.entries(rawAuths)) {
    if (!isRecord(value)) continue;
    const a: AuthConfig = { serveraddress: key };
    if (typeof value.username === 'string' && value.username) a.username = value.username;
    if (typeof value.password === 'string' && value.password) a.password = value.password;
    if (typeof value.auth === 'string' && value.auth) {
      const decoded = decodeBasicAuth(value.auth);
      if (!decoded) throw new DockerConfigError(`${file}: the auth of ${key} is not base64 of user:password`);
      a.username = decoded.username;
      a.password = decoded.password;
    }
    if (typeof value.identitytoken === 'string' && value.identitytoken) a.identitytoken = value.identitytoken;
    if (typeof value.registrytoken === 'string' && value.registrytoken) a.registrytoken = value.registrytoken;
    auths[key] = a;
  }
  const credHelpers: Record<string, string> = {};
  if (isRecord(o.credHelpers)) for (const [k, v] of Object.entries(o.credHelpers)) if (typeof v === 'string' && v) credHelpers[k] = v;
  return { auths, credHelpers, ...(typeof o.credsStore === 'string' && o.credsStore ? { credsStore: o.credsStore } : {}) };
}

function decodeBasicAuth(b64: string): { username: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64.trim())) return undefined;
  const text = Buffer.from(b64.trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The credential helper to ask for a key: its own `credHelpers` entry, else `credsStore`. */
export function helperFor(config: DockerConfigFile, key: string): string | undefined {
  return config.credHelpers[key] ?? config.credsStore;
}

/** The credentials config.json itself holds for a key: the exact key, else a key whose host is it. */
export function fileAuthFor(config: DockerConfigFile, key: string): AuthConfig | undefined {
  const exact = config.auths[key];
  if (exact) return exact;
  for (const [k, a] of Object.entries(config.auths)) if (hostOfAuthKey(k) === key) return a;
  return undefined;
}

/** A helper's `get` answer ({ServerURL, Username, Secret}) as credentials; undefined when it has none. */
export function helperAnswerToAuth(stdout: string, key: string): AuthConfig | undefined {
  let o: unknown;
  try {
    o = JSON.parse(stdout);
  } catch {
    throw new DockerConfigError('the credential helper did not answer with JSON');
  }
  if (!isRecord(o)) throw new DockerConfigError('the credential helper did not answer with a JSON object');
  const username = typeof o.Username === 'string' ? o.Username : '';
  const secret = typeof o.Secret === 'string' ? o.Secret : '';
  if (!username && !secret) return undefined;
  if (username === '<token>') return { identitytoken: secret, serveraddress: key };
  return { username, password: secret, serveraddress: key };
}

/** True when the credentials say nothing (no header is sent then). */
export function isEmptyAuth(a: AuthConfig | undefined): boolean {
  return !a || !(a.username || a.password || a.identitytoken || a.registrytoken);
}

/** The `X-Registry-Auth` value: base64url of the JSON, fields in the Engine's order, empty ones left out. */
export function encodeRegistryAuth(a: AuthConfig): string {
  const json: AuthConfig = {};
  if (a.username) json.username = a.username;
  if (a.password) json.password = a.password;
  if (a.serveraddress) json.serveraddress = a.serveraddress;
  if (a.identitytoken) json.identitytoken = a.identitytoken;
  if (a.registrytoken) json.registrytoken = a.registrytoken;
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
