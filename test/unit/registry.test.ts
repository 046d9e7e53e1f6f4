// The Registry HTTP API v2 client against small local HTTP servers: token
// challenge, Link pagination, digests, and every way a registry can fail
// (down, silent, garbage, wrong shape, 404, refused token).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRegistry, nextPage, parseChallenge } from '../../src/adapters/registry.js';
import { registryBaseUrl, registryRepo, isLoopbackRegistry } from '../../src/core/image-registry.js';
import { NotFoundError, RemoteError } from '../../src/core/errors.js';

const servers: Server[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, base: string) => void): Promise<string> {
  const server = createServer((req, res) => handler(req, res, `127.0.0.1:${(server.address() as AddressInfo).port}`));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function rejects(p: Promise<unknown>, type: new (...a: never[]) => Error, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e?.constructor?.name}: ${e?.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('image names map to registries like docker does', () => {
  assert.deepEqual(registryRepo('nginx'), { registry: 'docker.io', repository: 'library/nginx' });
  assert.deepEqual(registryRepo('gitea/gitea'), { registry: 'docker.io', repository: 'gitea/gitea' });
  assert.deepEqual(registryRepo('docker.io/nginx'), { registry: 'docker.io', repository: 'library/nginx' });
  assert.deepEqual(registryRepo('index.docker.io/library/nginx'), { registry: 'docker.io', repository: 'library/nginx' });
  assert.deepEqual(registryRepo('ghcr.io/org/app'), { registry: 'ghcr.io', repository: 'org/app' });
  assert.deepEqual(registryRepo('127.0.0.1:5000/kite-test/web'), { registry: '127.0.0.1:5000', repository: 'kite-test/web' });
  assert.deepEqual(registryRepo('localhost/app'), { registry: 'localhost', repository: 'app' });
  assert.equal(registryBaseUrl('docker.io'), 'https://registry-1.docker.io');
  assert.equal(registryBaseUrl('127.0.0.1:5000'), 'http://127.0.0.1:5000');
  assert.equal(registryBaseUrl('localhost:5000'), 'http://localhost:5000');
  assert.equal(registryBaseUrl('registry.example.org:5000'), 'https://registry.example.org:5000');
  assert.equal(isLoopbackRegistry('127.0.0.1.example.com'), false, 'plain HTTP only for real loopback names');
});

test('WWW-Authenticate and Link headers', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'), {
    scheme: 'bearer',
    params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
  });
  assert.equal(parseChallenge(null), undefined);
  assert.equal(parseChallenge('Basic realm="x"')?.scheme, 'basic');
  const cur = 'https://r.example/v2/a/tags/list?n=100';
  assert.equal(nextPage('</v2/a/tags/list?last=b&n=100>; rel="next"', cur), 'https://r.example/v2/a/tags/list?last=b&n=100');
  assert.equal(nextPage('<https://evil.example/v2/a/tags/list>; rel="next"', cur), undefined, 'never follows a page to another origin');
  assert.equal(nextPage('</x>; rel="prev"', cur), undefined);
  assert.equal(nextPage(null, cur), undefined);
});

test('tags: Bearer token challenge, then every Link page', async () => {
  let tokenRequests = 0;
  const seen: string[] = [];
  const host = await serve((req, res, self) => {
    const url = new URL(req.url!, `http://${self}`);
    seen.push(url.pathname + url.search);
    if (url.pathname === '/token') {
      tokenRequests++;
      assert.equal(url.searchParams.get('service'), 'test-registry');
      assert.equal(url.searchParams.get('scope'), 'repository:org/app:pull');
      return json(res, 200, { access_token: 'tok-123' });
    }
    if (req.headers.authorization !== 'Bearer tok-123') {
      return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'WWW-Authenticate': `Bearer realm="http://${self}/token",service="test-registry",scope="repository:org/app:pull"` });
    }
    if (url.searchParams.get('last') === null) return json(res, 200, { name: 'org/app', tags: ['1.0', '1.1'] }, { Link: '</v2/org/app/tags/list?last=1.1&n=2>; rel="next"' });
    if (url.searchParams.get('last') === '1.1') return json(res, 200, { name: 'org/app', tags: ['2.0', 'latest'] }, { Link: `<http://${self}/v2/org/app/tags/list?last=latest&n=2>; rel="next"` });
    return json(res, 200, { name: 'org/app', tags: null });
  });
  const reg = new HttpRegistry();
  assert.deepEqual(await reg.tags({ registry: host, repository: 'org/app' }), ['1.0', '1.1', '2.0', 'latest']);
  assert.equal(tokenRequests, 1, 'the token is fetched once and reused for the next pages');
  assert.ok(seen[0].startsWith('/v2/org/app/tags/list?n='));
});

test('digest: HEAD with the manifest Accept types; falls back to hashing the manifest', async () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const manifest = '{"schemaVersion":2}';
  const host = await serve((req, res) => {
    assert.match(String(req.headers.accept), /manifest\.list\.v2\+json/);
    assert.match(String(req.headers.accept), /oci\.image\.index/);
    if (req.url === '/v2/org/app/manifests/1.0') {
      res.writeHead(200, { 'Docker-Content-Digest': digest });
      return res.end(req.method === 'HEAD' ? undefined : manifest);
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(req.method === 'HEAD' ? undefined : manifest);
  });
  const reg = new HttpRegistry();
  assert.equal(await reg.digest({ registry: host, repository: 'org/app' }, '1.0'), digest);
  const { createHash } = await import('node:crypto');
  assert.equal(await reg.digest({ registry: host, repository: 'org/app' }, '2.0'), `sha256:${createHash('sha256').update(manifest).digest('hex')}`);
});

test('a registry that is down is a RemoteError naming it and the image', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  await rejects(new HttpRegistry().tags({ registry: `127.0.0.1:${port}`, repository: 'kite-test/web' }), RemoteError, new RegExp(`registry 127\\.0\\.0\\.1:${port} is unreachable for 127\\.0\\.0\\.1:${port}/kite-test/web: ECONNREFUSED`));
});

test('a registry that never answers times out', async () => {
  const host = await serve(() => undefined);
  await rejects(new HttpRegistry({ timeoutMs: 300 }).tags({ registry: host, repository: 'a/b' }), RemoteError, /is unreachable for .*a\/b: no answer within/);
});

test('garbage: not JSON, the wrong shape, tags that are not strings, its token request without a token', async () => {
  const host = await serve((req, res, self) => {
    if (req.url!.startsWith('/v2/html/')) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end('<html>hello</html>');
    }
    if (req.url!.startsWith('/v2/shape/')) return json(res, 200, { repositories: [] });
    if (req.url!.startsWith('/v2/numbers/')) return json(res, 200, { tags: [1, 2] });
    if (req.url!.startsWith('/v2/null/')) return json(res, 200, null);
    if (req.url!.startsWith('/token')) return json(res, 200, { nothing: true });
    return json(res, 401, {}, { 'WWW-Authenticate': `Bearer realm="http://${self}/token",service="x"` });
  });
  const reg = new HttpRegistry();
  await rejects(reg.tags({ registry: host, repository: 'html/x' }), RemoteError, new RegExp(`registry ${host} answered something that is not JSON .*"<html>hello</html>".* for ${host}/html/x`));
  await rejects(reg.tags({ registry: host, repository: 'shape/x' }), RemoteError, /answered JSON without a list of tags for/);
  await rejects(reg.tags({ registry: host, repository: 'numbers/x' }), RemoteError, /without a list of tags/);
  await rejects(reg.tags({ registry: host, repository: 'null/x' }), RemoteError, /without a list of tags/);
  await rejects(reg.tags({ registry: host, repository: 'auth/x' }), RemoteError, /its token request without a token/);
});

test('HTTP errors: 404 is not found, 401 after the token is a refusal, 500 is remote trouble', async () => {
  const host = await serve((req, res) => {
    if (req.url!.startsWith('/v2/missing/')) return json(res, 404, { errors: [{ code: 'NAME_UNKNOWN' }] });
    if (req.url!.startsWith('/v2/private/')) return json(res, 401, {}, { 'WWW-Authenticate': 'Basic realm="private"' });
    return json(res, 500, {});
  });
  const reg = new HttpRegistry();
  await rejects(reg.tags({ registry: host, repository: 'missing/x' }), NotFoundError, new RegExp(`image ${host}/missing/x not found in registry ${host}`));
  await rejects(reg.tags({ registry: host, repository: 'private/x' }), RemoteError, /refused anonymous access to .*private\/x \(HTTP 401\)/);
  await rejects(reg.tags({ registry: host, repository: 'broken/x' }), RemoteError, /answered HTTP 500 for .*broken\/x/);
});

test('a token realm over plain HTTP is refused for a non-loopback registry', async () => {
  const fake: typeof fetch = async () =>
    new Response('{}', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="http://auth.example.org/token",service="x"' } });
  await rejects(new HttpRegistry({ fetch: fake }).tags({ registry: 'registry.example.org', repository: 'a/b' }), RemoteError, /token realm over plain HTTP/);
});
