// End-to-end harness: runs the built `kite` binary against the rig's real
// swarm over real SSH (scripts/rig.sh), with a throwaway $ABRA_DIR.

import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:http';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SERVER = 'kite-test';
export const SSH_CONFIG = process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export class Sandbox {
  readonly abraDir: string;
  constructor() {
    this.abraDir = mkdtempSync(join(tmpdir(), 'kite-e2e-'));
    mkdirSync(join(this.abraDir, 'servers'), { recursive: true });
    mkdirSync(join(this.abraDir, 'recipes'), { recursive: true });
  }

  /** copy a fixture recipe into $ABRA_DIR/recipes/<name> */
  addRecipe(fixture: string, name = fixture): string {
    const dest = join(this.abraDir, 'recipes', name);
    cpSync(join(ROOT, 'test/fixtures/recipes', fixture), dest, { recursive: true });
    return dest;
  }

  envPath(domain: string, server = SERVER): string {
    return join(this.abraDir, 'servers', server, `${domain}.env`);
  }

  readEnv(domain: string, server = SERVER): string {
    return readFileSync(this.envPath(domain, server), 'utf8');
  }

  /** set KEY=value in an app env file (replacing the line, or appending) */
  setEnv(domain: string, key: string, value: string, server = SERVER): void {
    const lines = this.readEnv(domain, server).split('\n');
    const i = lines.findIndex((l) => l.startsWith(`${key}=`));
    if (i >= 0) lines[i] = `${key}=${value}`;
    else lines.splice(lines.length - 1, 0, `${key}=${value}`);
    writeFileSync(this.envPath(domain, server), lines.join('\n'));
  }

  kite(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), ...args], {
        env: { ...process.env, ABRA_DIR: this.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1', ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    });
  }
}

/** the docker CLI as an independent observer of the swarm */
export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

export function stackObjects(stack: string): { services: string[]; networks: string[]; configs: string[] } {
  const list = (kind: string) => docker(kind, 'ls', '--filter', `label=com.docker.stack.namespace=${stack}`, '--format', '{{.Name}}').split('\n').filter(Boolean);
  return { services: list('service'), networks: list('network'), configs: list('config') };
}

export function removeStack(stack: string): void {
  const { services, networks } = stackObjects(stack);
  if (services.length) execFileSync('docker', ['service', 'rm', ...services], { stdio: 'ignore' });
  for (let i = 0; i < 50 && networks.length; i++) {
    try {
      execFileSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore' });
      break;
    } catch {
      execFileSync('sleep', ['0.3']);
    }
  }
}

export function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** retry an HTTP GET until it answers (a host-mode port opens when the task runs) */
export async function waitForHttp(port: number, path: string, tries = 40): Promise<{ status: number; body: string }> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await httpGet(port, path);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw last;
}

export function serviceTaskIds(service: string): string[] {
  return docker('service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.ID}}').split('\n').filter(Boolean).sort();
}

/**
 * remove everything a test stack may have left: services, networks, configs,
 * secrets, volumes, and kite's deploy lock and history for it
 */
export function purgeStack(stack: string): void {
  removeStack(stack);
  const ours = (n: string) => n.startsWith(`${stack}_`) || n.startsWith(`kh-${stack}-`) || n === `kite-lock-${stack}`;
  const named = (kind: string) => docker(kind, 'ls', '--format', '{{.Name}}').split('\n').filter(ours);
  for (const kind of ['config', 'secret', 'volume']) {
    const names = named(kind);
    for (let i = 0; i < 30 && names.length; i++) {
      try {
        execFileSync('docker', [kind, 'rm', ...names], { stdio: 'ignore' });
        break;
      } catch {
        execFileSync('sleep', ['0.5']); // volumes stay busy until containers are gone
      }
    }
  }
}

/** pids that `pgrep <args>` finds (none: an empty list) */
export function pgrep(...args: string[]): number[] {
  try {
    return execFileSync('pgrep', args, { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** pids of kite's ssh processes: they forward a socket in a private kite-ssh-* dir */
export function kiteTunnels(): number[] {
  return pgrep('-f', 'kite-ssh-.*/docker.sock:/var/run/docker.sock');
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A shell line running kite in a terminal (tmux) for this sandbox; the exit
 * status goes to `exitFile` and the window stays open to be read.
 */
export function kiteShellLine(abraDir: string, args: string[], exitFile: string): string {
  return [
    'env',
    `ABRA_DIR=${shellQuote(abraDir)}`,
    `KITE_SSH_CONFIG=${shellQuote(SSH_CONFIG)}`,
    'NO_COLOR=1',
    shellQuote(process.execPath),
    shellQuote(join(ROOT, 'bin/kite.js')),
    ...args.map(shellQuote),
    `; echo EXIT=$? > ${shellQuote(exitFile)}; sleep 600`,
  ].join(' ');
}
