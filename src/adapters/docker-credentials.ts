// The operator's registry credentials, read as the docker CLI reads them:
// `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`) and the
// credential helpers it names (`docker-credential-<name> get`, the server
// key on stdin, {ServerURL, Username, Secret} on stdout). Read once per
// command, on the first image that needs it; each key asked once.
// A credential is never put into an error message or a log line.

import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  authKeyOfImage,
  DockerConfigError,
  encodeRegistryAuth,
  fileAuthFor,
  helperAnswerToAuth,
  helperFor,
  isEmptyAuth,
  parseDockerConfig,
  type AuthConfig,
  type DockerConfigFile,
} from '../core/registry-auth.js';

/** image reference → the `X-Registry-Auth` value to send for it, or undefined when there are no credentials */
export type RegistryAuthSource = (image: string) => Promise<string | undefined>;

export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

export async function readDockerConfig(dir = dockerConfigDir()): Promise<DockerConfigFile> {
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return { auths: {}, credHelpers: {} };
    throw new DockerConfigError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseDockerConfig(text, file);
}

/** `docker-credential-<helper> get` for one key; undefined when the helper has nothing for it. */
export function runCredentialHelper(helper: string, key: string, timeoutMs = 30_000): Promise<AuthConfig | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      reject(new DockerConfigError(`cannot run ${program}: ${(e as Error).message}`));
      return;
    }
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new DockerConfigError(e.code === 'ENOENT' ? `${program} is not installed (named by the docker config's credsStore/credHelpers)` : `cannot run ${program}: ${e.code ?? e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8').trim();
      if (code === 0) {
        try {
          resolve(helperAnswerToAuth(stdout, key));
        } catch (e) {
          reject(new DockerConfigError(`${program} get: ${(e as Error).message}`));
        }
        return;
      }
      // the helpers' protocol: "credentials not found in native keychain" on stdout
      if (/credentials not found/i.test(stdout)) return resolve(undefined);
      // the helper's own message is not echoed: it may hold what it was asked to keep
      reject(new DockerConfigError(`${program} get failed for ${key} (${signal ? `killed by ${signal}` : `exit code ${code}`})`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(key);
  });
}

export interface RegistryAuthOptions {
  dir?: string;
  /** for tests: how a helper is asked */
  helper?: (helper: string, key: string) => Promise<AuthConfig | undefined>;
}

/** The credentials source the Docker adapter uses: config.json read on first use, one answer per registry. */
export function dockerConfigAuth(opts: RegistryAuthOptions = {}): RegistryAuthSource {
  let config: Promise<DockerConfigFile> | undefined;
  const byKey = new Map<string, Promise<string | undefined>>();
  const ask = opts.helper ?? ((h, k) => runCredentialHelper(h, k));
  return (image) => {
    const key = authKeyOfImage(image);
    let found = byKey.get(key);
    if (!found) {
      config ??= readDockerConfig(opts.dir);
      found = config.then(async (c) => {
        const helper = helperFor(c, key);
        const auth = helper ? await ask(helper, key) : fileAuthFor(c, key);
        return isEmptyAuth(auth) ? undefined : encodeRegistryAuth({ serveraddress: key, ...auth });
      });
      byKey.set(key, found);
    }
    return found;
  };
}
