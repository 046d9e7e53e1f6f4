// An edited app env file checked against its recipe's .env.sample before it
// is saved (the web UI's env editor): it must parse, name its recipe, assign
// every key the sample assigns, and assign no key the recipe does not know.
// Known keys: the sample's assignments, the keys it shows commented out
// (`#EXTRA_DOMAINS=…`: optional), the keys abra itself reads, and kite's
// placement keys (KITE_PLACEMENT_<SERVICE>, src/core/placement.ts). The text is
// saved as written, so its comments and order are the operator's own.

import { appRecipe, parseEnvFile } from './env-file.js';
import { checkEnvKeys } from './env-check.js';
import { RecipeError } from './errors.js';
import { PLACEMENT_PREFIX } from './placement.js';

export type EnvProblem =
  | { kind: 'parse'; message: string; line?: number }
  | { kind: 'no-type'; key: 'TYPE' }
  | { kind: 'missing'; key: string }
  | { kind: 'unknown'; key: string; line: number };

/** keys abra and kite read from every app env file, whatever the recipe */
export const ABRA_KEYS = new Set(['TYPE', 'RECIPE', 'DOMAIN', 'TIMEOUT', 'CHAOS', 'ENABLE_AUTO_UPDATE', 'POST_DEPLOY_CMDS', 'POST_UPGRADE_CMDS', 'COMPOSE_FILE', 'LETS_ENCRYPT_ENV', 'STACK_NAME']);

/** the keys a sample assigns or shows commented out */
export function sampleKeys(sampleText: string): Set<string> {
  const keys = new Set<string>();
  for (const m of sampleText.matchAll(/^[ \t]*(?:#[ \t]*)?(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/gm)) keys.add(m[1]);
  return keys;
}

export function validateEnvEdit(sampleText: string, samplePath: string, text: string, path: string): EnvProblem[] {
  let parsed;
  try {
    parsed = parseEnvFile(text, path);
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    return [{ kind: 'parse', message: e.message, ...(e.location?.line ? { line: e.location.line } : {}) }];
  }
  const problems: EnvProblem[] = [];
  if (!appRecipe(parsed.env)) problems.push({ kind: 'no-type', key: 'TYPE' });
  for (const k of checkEnvKeys(sampleText, samplePath, text, path)) if (!k.present) problems.push({ kind: 'missing', key: k.key });
  const known = sampleKeys(sampleText);
  const seen = new Set<string>();
  for (const e of parsed.entries) {
    if (known.has(e.key) || ABRA_KEYS.has(e.key) || e.key.startsWith(PLACEMENT_PREFIX) || seen.has(e.key)) continue;
    seen.add(e.key);
    problems.push({ kind: 'unknown', key: e.key, line: e.line });
  }
  return problems;
}

/** which keys' values differ (added, changed or removed), for a change message; values are never part of it */
export function changedKeys(before: string, after: string, file: string): string[] {
  const a = parseEnvFile(before, file).env;
  const b = parseEnvFile(after, file).env;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}
