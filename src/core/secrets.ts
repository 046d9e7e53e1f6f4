// An app's secrets as abra sees them: every top-level compose secret, its
// version from SECRET_<NAME>_VERSION (default v1), its Docker name (the
// compose `name:`, normally ${STACK_NAME}_<name>_<version>) and the
// generation modifiers on the env line (`# length=64 charset=hex`,
// `# generate=false`).

import type { ComposeConfig } from './compose/types.js';
import { RecipeError } from './errors.js';

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
    .sort((a, b) => a.name.localeCompare(b.name));
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
 * A random value for a secret. `randomBytes` is injected so this stays pure.
 * Rejection sampling keeps every character equally likely.
 */
export function generateSecretValue(secret: AppSecret, randomBytes: (n: number) => Uint8Array): string {
  const alphabet = CHARSETS[secret.charset] ?? CHARSETS.default;
  const length = secret.length ?? DEFAULT_SECRET_LENGTH;
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
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
