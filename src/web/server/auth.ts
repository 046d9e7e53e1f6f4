// Who may talk to `kite web`: pure decisions over a request's method, URL and
// headers, so they are unit-tested without a socket.
//
// 1. Host: only the address the server listens on (DNS rebinding: a page on
//    evil.example resolving to 127.0.0.1 sends `Host: evil.example`).
// 2. The per-launch token: `/?token=<token>` once, which becomes a cookie
//    (HttpOnly, SameSite=Strict) and a redirect that drops it from the URL;
//    every other request without the cookie gets 401.
// 3. State-changing requests (anything but GET/HEAD) also need a same-origin
//    check: Origin equal to the server's own origin, else Sec-Fetch-Site
//    same-origin; a request with neither is refused.

import { timingSafeEqual } from 'node:crypto';

export const COOKIE = 'kite_web';

export interface AuthConfig {
  token: string;
  /** `127.0.0.1:8777`: the Host values accepted (one per name the listen address has) */
  hosts: string[];
  /** `http://127.0.0.1:8777`: the origins accepted on state-changing requests */
  origins: string[];
  /** mark the cookie Secure (served over TLS) */
  secure?: boolean;
}

export interface RequestFacts {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export type AuthDecision =
  | { kind: 'allow' }
  | { kind: 'login'; setCookie: string; location: string }
  | { kind: 'deny'; status: 401 | 403 | 421; reason: string };

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function header(facts: RequestFacts, name: string): string | undefined {
  const v = facts.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** the cookies of a Cookie header (later duplicates do not override earlier ones) */
export function parseCookies(headerValue: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (headerValue ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (name && !out.has(name)) out.set(name, part.slice(i + 1).trim());
  }
  return out;
}

/** constant-time comparison of a presented token with the real one */
export function sameToken(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieFor(config: Pick<AuthConfig, 'token' | 'secure'>): string {
  return `${COOKIE}=${config.token}; HttpOnly; SameSite=Strict; Path=/${config.secure ? '; Secure' : ''}`;
}

export function authorize(facts: RequestFacts, config: AuthConfig): AuthDecision {
  const host = header(facts, 'host')?.toLowerCase();
  if (!host || !config.hosts.includes(host)) {
    return { kind: 'deny', status: 421, reason: 'unknown Host: open kite web by the address it printed' };
  }
  const url = new URL(facts.url, 'http://x');
  const presented = url.searchParams.get('token');
  if (presented !== null && SAFE_METHODS.has(facts.method) && url.pathname === '/') {
    if (!sameToken(presented, config.token)) return { kind: 'deny', status: 401, reason: 'wrong token: use the URL kite web printed' };
    url.searchParams.delete('token');
    const rest = url.searchParams.toString();
    return { kind: 'login', setCookie: cookieFor(config), location: `/${rest ? `?${rest}` : ''}${url.hash}` };
  }
  if (!sameToken(parseCookies(header(facts, 'cookie')).get(COOKIE), config.token)) {
    return { kind: 'deny', status: 401, reason: 'not signed in: open the URL kite web printed' };
  }
  if (!SAFE_METHODS.has(facts.method)) {
    const origin = header(facts, 'origin');
    const site = header(facts, 'sec-fetch-site');
    if (origin !== undefined ? !config.origins.includes(origin.toLowerCase()) : site !== 'same-origin') {
      return { kind: 'deny', status: 403, reason: 'cross-site request refused' };
    }
  }
  return { kind: 'allow' };
}

/** Host values and origins for a listen address and port */
export function listenNames(address: string, port: number, scheme: 'http' | 'https'): Pick<AuthConfig, 'hosts' | 'origins'> {
  const names = address === '127.0.0.1' ? ['127.0.0.1', 'localhost'] : address === '::1' ? ['[::1]', 'localhost'] : [address.includes(':') ? `[${address}]` : address];
  const hosts = names.map((n) => `${n}:${port}`.toLowerCase());
  return { hosts, origins: hosts.map((h) => `${scheme}://${h}`) };
}

/** loopback addresses: the only ones served without TLS */
export function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === 'localhost';
}
