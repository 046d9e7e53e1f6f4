// The HTTP layer of `kite web`: node's http (or https with --listen
// elsewhere), every request through authorize() first (Host, token cookie,
// same-origin for changes), then the page shell, the UI bundle (served by
// kite: no external requests) or the JSON/SSE API (api.ts).

import { createServer as createHttp, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { authorize, listenNames, type AuthConfig } from './auth.js';
import { answerJob, errorBody, getApp, getApps, getBackups, getNodes, getEnv, getRecipes, getSecrets, getServers, HttpError, postApp, postSecrets, putEnv, startAction, statusFor, streamLogs, type WebState } from './api.js';

export interface WebServerOptions {
  address: string;
  /** 0: any free port */
  port: number;
  /** the per-launch token */
  token: string;
  tls?: { cert: Buffer; key: Buffer };
  state: WebState;
  /** where app.js and app.css are (default: the built dist/web/ui) */
  assetsDir?: string;
}

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
}

/** dist/web/ui beside the bundled chunk, or from the source tree (tests under tsx) */
export function findAssets(): string {
  const candidates = ['../web/ui/', '../../../dist/web/ui/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((d) => existsSync(`${d}app.js`));
  if (!found) throw new Error(`the web UI is not built (no app.js in ${candidates.join(' or ')}): run \`npm run build\``);
  return found;
}

function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const [name, type] of [['app.js', 'text/javascript; charset=utf-8'], ['app.css', 'text/css; charset=utf-8']] as const) {
    const body = readFileSync(`${dir}${name}`);
    out.set(`/ui/${name}`, { type, body, gzip: gzipSync(body, { level: 9 }) });
  }
  return out;
}

const SHELL = Buffer.from(
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>kite</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/app.css"><script type="module" src="/ui/app.js"></script></head>' +
    '<body><div id="app"></div></body></html>',
);

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

const MAX_BODY = 256 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send JSON (Content-Type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large');
    chunks.push(c as Buffer);
  }
  try {
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
}

export async function startWebServer(opts: WebServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const assets = loadAssets(opts.assetsDir ?? findAssets());
  const { state } = opts;
  // known once listening (the port may be chosen by the system)
  let auth: AuthConfig | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    if (!auth) return send(res, 503, 'text/plain; charset=utf-8', 'starting\n');
    const decision = authorize({ method, url: req.url ?? '/', headers: req.headers }, auth);
    if (decision.kind === 'deny') return send(res, decision.status, 'text/plain; charset=utf-8', `${decision.reason}\n`);
    if (decision.kind === 'login') return send(res, 303, 'text/plain; charset=utf-8', 'signed in\n', { 'set-cookie': decision.setCookie, location: decision.location });

    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', SHELL);
    const asset = assets.get(path);
    if (asset && method === 'GET') {
      const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      return send(res, 200, asset.type, gz ? asset.gzip : asset.body, { ...(gz ? { 'content-encoding': 'gzip' } : {}), vary: 'accept-encoding' });
    }
    if (!path.startsWith('/api/')) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');

    let parts: string[];
    try {
      parts = path.slice('/api/'.length).split('/').map(decodeURIComponent);
    } catch {
      throw new HttpError(400, `a malformed path: ${path}`);
    }
    const route = `${method} ${parts.map((p, i) => (i % 2 === 1 ? ':' : p)).join('/')}`;
    switch (route) {
      case 'GET apps':
        return sendJson(res, 200, await getApps(state));
      case 'POST apps':
        return sendJson(res, 201, await postApp(state, await readJson(req)));
      case 'GET apps/:':
        return sendJson(res, 200, await getApp(state, parts[1]));
      case 'GET apps/:/logs':
        return streamLogs(state, parts[1], res);
      case 'GET apps/:/env':
        return sendJson(res, 200, getEnv(state, parts[1]));
      case 'PUT apps/:/env':
        return sendJson(res, 200, await putEnv(state, parts[1], await readJson(req)));
      case 'GET apps/:/secrets':
        return sendJson(res, 200, await getSecrets(state, parts[1]));
      case 'POST apps/:/secrets':
        return sendJson(res, 200, await postSecrets(state, parts[1], await readJson(req)));
      case 'POST apps/:/actions/:':
        return sendJson(res, 202, startAction(state, parts[1], parts[3], await readJson(req)));
      case 'GET jobs/:':
        if (!state.jobs.follow(parts[1], res)) sendJson(res, 404, { error: { message: `no job ${parts[1]}` } });
        return;
      case 'POST jobs/:/confirm':
        return sendJson(res, 200, answerJob(state, parts[1], await readJson(req)));
      case 'GET servers/:/nodes':
        return sendJson(res, 200, await getNodes(state, parts[1]));
      case 'GET apps/:/backups': {
        const gone = new AbortController();
        res.on('close', () => gone.abort());
        return sendJson(res, 200, await getBackups(state, parts[1], gone.signal));
      }
      case 'GET servers':
        return sendJson(res, 200, await getServers(state));
      case 'GET recipes':
        return sendJson(res, 200, await getRecipes(state));
    }
    return sendJson(res, 404, { error: { message: `no such API: ${method} ${path}` } });
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      const status = statusFor(e);
      if (status === 502) {
        const server = /^server (\S+)/.exec((e as Error).message)?.[1];
        if (server) state.forget(server);
      }
      if (res.headersSent) return res.end();
      sendJson(res, status, errorBody(e));
    });
  };
  const server = opts.tls ? createHttps({ cert: opts.tls.cert, key: opts.tls.key }, listener) : createHttp(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.address, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  auth = { token: opts.token, secure: Boolean(opts.tls), ...listenNames(opts.address, port, opts.tls ? 'https' : 'http') };
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        state.jobs.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
