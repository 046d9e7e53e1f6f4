// R015: Docker object names are at most 64 characters. A secret is named
// `${STACK_NAME}_<secret>_<version>` (or its compose `name:`), and
// STACK_NAME is the domain cut to 45 characters, so the worst case is a
// 45-character stack name. Versions default to v1, as `secret generate` does.

import { interpolate, lookupIn } from '../interpolate.js';
import { MAX_DOCKER_NAME, secretEnvKey } from '../secrets.js';
import { MAX_SANITISED_APP_NAME_LENGTH } from '../stack-name.js';
import { analyse, rawSection } from './analysis.js';
import { findings, type LintRule } from './types.js';

export const LONGEST_STACK_NAME = 'x'.repeat(MAX_SANITISED_APP_NAME_LENGTH);

export const secretRules: LintRule[] = [
  {
    ref: 'R015',
    level: 'warn',
    description: 'long secret names',
    howToResolve: 'reduce length of secret names to 12 chars',
    check(recipe) {
      const a = analyse(recipe);
      const env: Record<string, string> = { ...a.env, STACK_NAME: LONGEST_STACK_NAME };
      const found = new Set<string>();
      for (const [file, raw] of Object.entries(a.raw)) {
        for (const [key, o] of rawSection(raw, 'secrets')) {
          const versionKey = secretEnvKey(key);
          const withDefaults = { ...env, [versionKey]: env[versionKey] || 'v1' };
          for (const m of (typeof o.name === 'string' ? o.name : '').matchAll(/SECRET_[A-Z0-9_]+_VERSION/g)) withDefaults[m[0]] ||= 'v1';
          let name: string;
          try {
            name = typeof o.name === 'string' ? interpolate(o.name, lookupIn(withDefaults)) : `${LONGEST_STACK_NAME}_${key}_${withDefaults[versionKey]}`;
          } catch {
            continue; // K001 reports templates that do not interpolate
          }
          if (name.length > MAX_DOCKER_NAME) {
            found.add(`secret ${key} (${file}): ${name.length} characters with a ${MAX_SANITISED_APP_NAME_LENGTH}-character STACK_NAME (Docker allows ${MAX_DOCKER_NAME})`);
          }
        }
      }
      return findings([...found]);
    },
  },
];
