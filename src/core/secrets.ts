// An app's secrets as abra sees them: every top-level compose secret, its
// version from SECRET_<NAME>_VERSION (default v1), its Docker name (the
// compose `name:`, normally ${STACK_NAME}_<name>_<version>) and the
// generation modifiers on the env line (`# length=64 charset=hex`,
// `# generate=false`). Values: see generateSecretValue.

import type { ComposeConfig } from './compose/types.js';
import { RecipeError } from './errors.js';
import { generatePassphrase, type RandomInt } from './passphrase.js';
import { byText } from './text-order.js';

export const MAX_DOCKER_NAME = 64;

export interface AppSecret {
  /** short name, as in the compose file (`db_password`) */
  name: string;
  version: string;
  /** the Docker secret's name on the server */
  remoteName: string;
  envKey: string;
  length?: number;
  charset: string;
  generate: boolean;
}

export function secretEnvKey(name: string): string {
  return `SECRET_${name.toUpperCase()}_VERSION`;
}

export function appSecrets(
  cfg: ComposeConfig,
  stack: string,
  env: Record<string, string>,
  modifiers: Record<string, Record<string, string>>,
): AppSecret[] {
  return Object.entries(cfg.secrets)
    .filter(([, s]) => s.external || !s.file)
    .map(([name, s]) => {
      const envKey = secretEnvKey(name);
      const version = env[envKey] || 'v1';
      const mods = modifiers[envKey] ?? {};
      const length = mods.length !== undefined ? Number(mods.length) : undefined;
      if (length !== undefined && (!Number.isInteger(length) || length <= 0)) {
        throw new RecipeError(`invalid length=${mods.length} modifier`, undefined, { key: envKey }, 'use a positive whole number, e.g. `# length=32`');
      }
      return {
        name,
        version,
        remoteName: s.name ?? `${stack}_${name}_${version}`,
        envKey,
        length,
        charset: mods.charset ?? 'default',
        generate: mods.generate !== 'false',
      };
    })
    .sort((a, b) => byText(a.name, b.name));
}

const CHARSETS: Record<string, string> = {
  default: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  safespecial: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#%^*_-+=',
  special: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()_-+={}[]:;<>,.?/',
};

export const DEFAULT_SECRET_LENGTH = 32;

/**
 * A random value for a secret, as abra generates it: without `length=`, a
 * passphrase of words (core/passphrase.ts); with `length=N`, a password of
 * N characters of the charset. A known `charset=` other than `default`
 * without `length=` still gets that charset (a DEFAULT_SECRET_LENGTH password): the
 * recipe asked for those characters. `randomInt` is injected so this stays
 * pure; it must draw uniformly (crypto.randomInt does, without modulo bias).
 */
export function generateSecretValue(secret: AppSecret, randomInt: RandomInt): string {
  const charset = CHARSETS[secret.charset] ? secret.charset : 'default';
  if (secret.length === undefined && charset === 'default') return generatePassphrase(randomInt);
  const alphabet = CHARSETS[charset];
  const length = secret.length ?? DEFAULT_SECRET_LENGTH;
  let out = '';
  while (out.length < length) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function checkSecretName(s: AppSecret): void {
  if (s.remoteName.length > MAX_DOCKER_NAME) {
    throw new RecipeError(
      `secret name ${s.remoteName} is ${s.remoteName.length} characters; Docker allows ${MAX_DOCKER_NAME}`,
      undefined,
      { key: s.envKey },
      'use a shorter domain or ask the recipe maintainer for a shorter secret name',
    );
  }
}
