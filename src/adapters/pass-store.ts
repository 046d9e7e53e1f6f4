// `--pass`: an app's secret values in the operator's `pass` store
// (passwordstore.org), as abra keeps them: entry hosts/<server>/<domain>/<secret>
// (the secret's short name, as in the recipe; abra-spec §5.2 [M]). A value
// goes to `pass insert -m -f <entry>` on stdin, never on argv, never logged;
// `pass rm -f <entry>` removes it. pass and gpg use the operator's
// environment (PASSWORD_STORE_DIR, GNUPGHOME, the gpg agent).
//
// openPassStore checks, before anything is created on a server, that the
// `pass` command exists and that the store is initialised (a .gpg-id).

import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ConflictError, KiteError, NotFoundError } from '../core/errors.js';
import type { SecretStore } from '../ports/secret-store.js';

export function passEntry(server: string, domain: string, secret: string): string {
  return `hosts/${server}/${domain}/${secret}`;
}

/** The path of an executable `name` on $PATH, if any. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const d of path.split(delimiter)) {
    if (!d) continue;
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export function passStoreDir(): string {
  return process.env.PASSWORD_STORE_DIR || join(homedir(), '.password-store');
}

export function openPassStore(server: string, domain: string): SecretStore {
  const bin = findOnPath('pass');
  if (!bin) {
    throw new NotFoundError('--pass needs the `pass` command (passwordstore.org), and it is not installed or not on PATH', 'install it (Debian: apt-get install pass), or drop --pass');
  }
  const root = passStoreDir();
  const appDir = join(root, passEntry(server, domain, 'x'), '..');
  let d = appDir;
  while (!existsSync(join(d, '.gpg-id'))) {
    if (d === root || dirname(d) === d) {
      throw new ConflictError(`the password store ${root} is not initialised (no .gpg-id)`, 'run `pass init <your gpg key id>` first, or drop --pass');
    }
    d = dirname(d);
  }
  return {
    entry: (secret) => passEntry(server, domain, secret),
    async insert(secret, value) {
      await runPass(bin, ['insert', '-m', '-f', passEntry(server, domain, secret)], value);
    },
    async remove(secret) {
      const entry = passEntry(server, domain, secret);
      if (!existsSync(join(root, `${entry}.gpg`))) return false;
      await runPass(bin, ['rm', '-f', entry]);
      return true;
    },
  };
}

export class PassError extends KiteError {
  readonly kind = 'error';
}

function runPass(bin: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', (e) => reject(new PassError(`pass ${args[0]} ${args.at(-1)}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      reject(new PassError(`pass ${args[0]} ${args.at(-1)} failed (exit ${code})${err.trim() ? `: ${err.trim().split('\n').at(-1)}` : ''}`, 'check the password store and your gpg key (`pass ls`)'));
    });
    child.stdin.on('error', () => {}); // pass may exit before reading; its exit code says why
    child.stdin.end(input ?? '');
  });
}
