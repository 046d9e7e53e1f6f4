// `kite web`: serve the web UI until Ctrl-C. Prints one line on stdout, the
// URL with this launch's token; everything else goes to stderr.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { Context } from '../../cli/context.js';
import { connectServer, createPorts } from '../../cli/ports.js';
import { UsageError } from '../../core/errors.js';
import type { DockerPort } from '../../ports/docker.js';
import { isLoopback } from '../../web/server/auth.js';
import { Jobs } from '../../web/server/jobs.js';
import { startWebServer } from '../../web/server/server.js';
import { DEFAULT_WEB_PORT } from '../../cli/tree/web.js';

interface Flags {
  port?: number;
  open?: boolean;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export async function run(ctx: Context, flags: Flags): Promise<void> {
  const address = flags.listen ?? '127.0.0.1';
  const loopback = isLoopback(address);
  if (!loopback && !(flags.tlsCert && flags.tlsKey)) {
    throw new UsageError(`--listen ${address} would serve the web UI unencrypted beyond this machine`, 'add --tls-cert <file> --tls-key <file>, or keep 127.0.0.1 and reach it with `ssh -L` (see the README)');
  }
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together', 'give both, or neither');
  const tls = flags.tlsCert && flags.tlsKey ? { cert: readPem(flags.tlsCert, '--tls-cert'), key: readPem(flags.tlsKey, '--tls-key') } : undefined;

  // one connection per server for the life of the server, dropped when it fails (the next request reconnects)
  const root = ctx.dir.root;
  const clients = new Map<string, Promise<DockerPort>>();
  const docker = (server: string) => {
    let c = clients.get(server);
    if (!c) {
      c = connectServer(server, root);
      clients.set(server, c);
      c.catch(() => clients.delete(server));
    }
    return c;
  };
  const forget = (server: string) => {
    const c = clients.get(server);
    clients.delete(server);
    void c?.then((d) => d.close()).catch(() => undefined);
  };
  const noPrompts = {
    select: () => Promise.reject(new UsageError('the web UI asks in the browser, not on the terminal')),
    text: () => Promise.reject(new UsageError('the web UI asks in the browser, not on the terminal')),
    confirm: () => Promise.reject(new UsageError('the web UI asks in the browser, not on the terminal')),
  };
  const ports = createPorts({ root }, { docker, prompter: noPrompts });
  const token = randomBytes(24).toString('base64url');
  let web;
  try {
    web = await startWebServer({ address, port: flags.port ?? DEFAULT_WEB_PORT, token, tls, state: { ports, jobs: new Jobs(), offline: Boolean(ctx.globals.offline), forget } });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${flags.port ?? DEFAULT_WEB_PORT} on ${address} is in use`, 'pick another with --port <port>');
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`this machine has no address ${address}`, 'pass one of its addresses to --listen');
    throw e;
  }
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `${tls ? 'https' : 'http'}://${host}:${web.port}/?token=${token}`;
  ctx.io.data(url);
  ctx.io.info(`kite web: serving ${ctx.dir.root} on ${host}:${web.port} (Ctrl-C stops it)`);
  if (flags.open) openBrowser(url, ctx);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  ctx.io.info('kite web: stopping');
  await web.close();
  for (const server of [...clients.keys()]) forget(server);
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(e as Error).message}`, 'give a readable PEM file');
  }
}

function openBrowser(url: string, ctx: Context): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => ctx.io.warn(`could not start ${cmd}: open the URL yourself`));
  child.unref();
}
