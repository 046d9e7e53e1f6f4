// RegistryPort over the Registry HTTP API v2 with plain fetch:
//   - GET /v2/<repo>/tags/list, following `Link: <…>; rel="next"` pages
//     (Docker Hub pages; Debian's docker-registry 2.8 answers in one go);
//   - HEAD /v2/<repo>/manifests/<tag> for the digest (Docker-Content-Digest);
//   - a 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` fetches
//     an anonymous token from the realm and retries once with it.
// Plain HTTP only for loopback registries (as dockerd allows), HTTPS for the
// rest. Every request has a timeout. A registry that cannot be reached, or
// answers something that is not what the API promises, is a RemoteError
// naming the registry and the image; a missing repository is NotFoundError.

import { createHash } from 'node:crypto';
import type { RegistryPort, RegistryRepo } from '../ports/registry.js';
import { describeRepo, isLoopbackRegistry, registryBaseUrl } from '../core/image-registry.js';
import { NotFoundError, RemoteError } from '../core/errors.js';

const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_PAGES = 200;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const PAGE_SIZE = 1000;

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

export interface HttpRegistryOptions {
  /** per request (token, each page, digest) */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class HttpRegistry implements RegistryPort {
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  /** anonymous pull tokens, per registry and repository */
  private readonly tokens = new Map<string, string>();

  constructor(options: HttpRegistryOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchFn = options.fetch ?? fetch;
  }

  async tags(repo: RegistryRepo): Promise<string[]> {
    const base = registryBaseUrl(repo.registry);
    let url: string | undefined = `${base}/v2/${repo.repository}/tags/list?n=${PAGE_SIZE}`;
    const tags: string[] = [];
    for (let page = 0; url; page++) {
      if (page >= MAX_PAGES) throw this.garbage(repo, `more than ${MAX_PAGES} pages of tags`);
      const res = await this.request(repo, url, {});
      const body = await this.readJson(repo, res, 'a tag list');
      // a repository without tags may say `"tags": null`
      const list = isRecord(body) ? body.tags : undefined;
      if (!isRecord(body) || !('tags' in body) || (list !== null && !(Array.isArray(list) && list.every((t) => typeof t === 'string')))) {
        throw this.garbage(repo, 'JSON without a list of tags');
      }
      if (Array.isArray(list)) tags.push(...(list as string[]));
      url = nextPage(res.headers.get('link'), url);
    }
    return [...new Set(tags)];
  }

  async digest(repo: RegistryRepo, tag: string): Promise<string> {
    const url = `${registryBaseUrl(repo.registry)}/v2/${repo.repository}/manifests/${encodeURIComponent(tag)}`;
    const head = await this.request(repo, url, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES } }, `${describeRepo(repo)}:${tag}`);
    const fromHeader = head.headers.get('docker-content-digest');
    if (fromHeader && /^sha256:[0-9a-f]{64}$/.test(fromHeader)) return fromHeader;
    // some registries leave the header off a HEAD: hash the manifest itself
    const res = await this.request(repo, url, { headers: { Accept: MANIFEST_TYPES } }, `${describeRepo(repo)}:${tag}`);
    const header = res.headers.get('docker-content-digest');
    const bytes = await this.readBody(repo, res);
    if (header && /^sha256:[0-9a-f]{64}$/.test(header)) return header;
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  /** One request, with the token dance on a 401; refusals and HTTP errors become typed errors. */
  private async request(repo: RegistryRepo, url: string, init: RequestInit, what = describeRepo(repo)): Promise<Response> {
    const key = `${repo.registry} ${repo.repository}`;
    let res = await this.send(repo, url, init, this.tokens.get(key));
    if (res.status === 401) {
      const challenge = parseChallenge(res.headers.get('www-authenticate'));
      await res.body?.cancel().catch(() => undefined);
      if (challenge?.scheme === 'bearer' && challenge.params.realm) {
        const token = await this.token(repo, challenge.params);
        this.tokens.set(key, token);
        res = await this.send(repo, url, init, token);
      }
    }
    if (res.ok) return res;
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 401 || res.status === 403) {
      throw new RemoteError(`registry ${repo.registry} refused anonymous access to ${what} (HTTP ${res.status})`, 'kite reads public images only; check the image name, or whether the image is private');
    }
    if (res.status === 404) {
      throw new NotFoundError(`image ${what} not found in registry ${repo.registry} (HTTP 404)`, 'check the image name in the compose file');
    }
    throw new RemoteError(`registry ${repo.registry} answered HTTP ${res.status} for ${what}`, 'try again later');
  }

  private async send(repo: RegistryRepo, url: string, init: RequestInit, token: string | undefined): Promise<Response> {
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    try {
      return await this.fetchFn(url, { ...init, headers, redirect: 'follow', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new RemoteError(`registry ${repo.registry} is unreachable for ${describeRepo(repo)}: ${networkReason(e, this.timeoutMs)}`, `check that ${registryBaseUrl(repo.registry)} is up and reachable from here`);
    }
  }

  private async token(repo: RegistryRepo, params: Record<string, string>): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(params.realm);
    } catch {
      throw this.garbage(repo, `a token realm that is not a URL (${params.realm})`);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopbackRegistry(realm.host))) {
      throw new RemoteError(`registry ${repo.registry} sent a token realm over plain HTTP (${realm.origin}); refused`);
    }
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? `repository:${repo.repository}:pull`);
    let res: Response;
    try {
      res = await this.fetchFn(realm, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new RemoteError(`the token service of registry ${repo.registry} (${realm.origin}) is unreachable for ${describeRepo(repo)}: ${networkReason(e, this.timeoutMs)}`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new RemoteError(`the token service of registry ${repo.registry} answered HTTP ${res.status} for ${describeRepo(repo)}`, 'kite reads public images only');
    }
    const body = await this.readJson(repo, res, 'a token');
    const token = isRecord(body) ? (body.token ?? body.access_token) : undefined;
    if (typeof token !== 'string' || token === '') throw this.garbage(repo, 'its token request without a token');
    return token;
  }

  private async readJson(repo: RegistryRepo, res: Response, expected: string): Promise<unknown> {
    const text = new TextDecoder().decode(await this.readBody(repo, res));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw this.garbage(repo, `something that is not JSON where ${expected} was expected (${preview(text)})`);
    }
  }

  /** The body, refusing past MAX_BODY_BYTES (a registry is not a download server). */
  private async readBody(repo: RegistryRepo, res: Response): Promise<Uint8Array> {
    if (!res.body) return new Uint8Array();
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_BODY_BYTES) {
          await reader.cancel().catch(() => undefined);
          throw this.garbage(repo, `an answer larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
        }
        chunks.push(value);
      }
    } catch (e) {
      if (e instanceof RemoteError) throw e;
      throw new RemoteError(`registry ${repo.registry} broke off its answer for ${describeRepo(repo)}: ${networkReason(e, this.timeoutMs)}`);
    }
    return Buffer.concat(chunks);
  }

  private garbage(repo: RegistryRepo, what: string): RemoteError {
    return new RemoteError(`registry ${repo.registry} answered ${what} for ${describeRepo(repo)}`, 'is that address really an image registry (Registry HTTP API v2)?');
  }
}

export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="…",service="…",scope="…"` → {scheme: 'bearer', params}. */
export function parseChallenge(header: string | null): AuthChallenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  }
  return { scheme: m[1].toLowerCase(), params };
}

/** The `rel="next"` target of a Link header, resolved against `current`; only on the same origin. */
export function nextPage(link: string | null, current: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(m[2])) continue;
    const next = new URL(m[1], current);
    return next.origin === new URL(current).origin ? next.href : undefined;
  }
  return undefined;
}

function networkReason(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line === '' ? 'an empty body' : `"${line.length > 60 ? line.slice(0, 60) + '…' : line}"`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
