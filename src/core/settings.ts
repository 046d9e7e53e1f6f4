// kite's own settings, in $ABRA_DIR/kite.yml (abra ignores the file):
//
//   recipes:
//     base: https://git.coopcloud.tech/coop-cloud   # <base>/<recipe>.git
//     mirrors:                                       # tried in order when the base is down
//       - https://mirror.example.org/coop-cloud
//   catalogue:
//     url: https://git.coopcloud.tech/toolshed/recipes-catalogue-json.git
//     mirrors: []
//   ssh:
//     persist: 60     # seconds an idle SSH connection is kept for the next
//                     # command (ssh's ControlPersist); 0 or false: none

import { parse } from 'yaml';
import { RecipeError } from './errors.js';
import { DEFAULT_SSH_PERSIST_SECONDS } from './ssh-config.js';
import { parseBackupSettings, type BackupSettings } from './backup-settings.js';
import { parseRecipeTestSettings, type RecipeTestSettings } from './recipe-test/settings.js';

export interface Settings {
  /** `backups:` (src/core/backup-settings.ts); absent: the defaults */
  backups?: BackupSettings;
  recipes: { base: string; mirrors: string[] };
  catalogue: { url: string; mirrors: string[] };
  ssh: { persist: number };
  /** `recipe_test: { min_level: 3 }` (src/core/recipe-test/settings.ts); absent: 3 */
  recipeTest?: RecipeTestSettings;
  /** `git: { commit: true }`: commit each env change kite makes when servers/<server> is a git repository (off by default) */
  git?: { commit: boolean };
}

export const DEFAULT_SETTINGS: Settings = {
  recipes: { base: 'https://git.coopcloud.tech/coop-cloud', mirrors: [] },
  catalogue: { url: 'https://git.coopcloud.tech/toolshed/recipes-catalogue-json.git', mirrors: [] },
  ssh: { persist: DEFAULT_SSH_PERSIST_SECONDS },
};

export function parseSettings(text: string | undefined, file: string): Settings {
  if (!text?.trim()) return DEFAULT_SETTINGS;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new RecipeError(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, file);
  }
  const o = (doc ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const list = (v: unknown, key: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new RecipeError('must be a list of URLs', file, { key });
    return v as string[];
  };
  const str = (v: unknown, key: string, d: string): string => {
    if (v === undefined) return d;
    if (typeof v !== 'string') throw new RecipeError('must be a URL', file, { key });
    return v.replace(/\/+$/, '');
  };
  const seconds = (v: unknown, key: string, d: number): number => {
    if (v === undefined || v === null) return d;
    if (v === false) return 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 86_400) throw new RecipeError('must be a whole number of seconds (0 to 86400), or false', file, { key });
    return v;
  };
  return {
    ...parseBackupSettings(o.backups, file),
    recipes: { base: str(o.recipes?.base, 'recipes.base', DEFAULT_SETTINGS.recipes.base), mirrors: list(o.recipes?.mirrors, 'recipes.mirrors') },
    catalogue: { url: str(o.catalogue?.url, 'catalogue.url', DEFAULT_SETTINGS.catalogue.url), mirrors: list(o.catalogue?.mirrors, 'catalogue.mirrors') },
    ssh: { persist: seconds(o.ssh?.persist, 'ssh.persist', DEFAULT_SETTINGS.ssh.persist) },
    ...gitSetting(o.git, file),
    ...parseRecipeTestSettings(o.recipe_test, file),
  };
}

/** `git: { commit: true|false }` (issue 13); absent: off */
function gitSetting(v: Record<string, unknown> | undefined, file: string): Pick<Settings, 'git'> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new RecipeError('must be a mapping such as `git: { commit: true }`', file, { key: 'git' });
  if (v.commit !== undefined && typeof v.commit !== 'boolean') throw new RecipeError('must be true or false', file, { key: 'git.commit' });
  return { git: { commit: v.commit === true } };
}

/** Where a recipe is cloned from: a git location as given, or <base>/<name>.git, then each mirror. */
export function recipeRemotes(recipe: string, s: Settings, catalogueRepo?: string): string[] {
  if (/^(https?|ssh|git|file):\/\/|^[^/]+@[^/]+:|^\//.test(recipe)) return [recipe];
  if (recipe.includes('/')) return [`https://${recipe}.git`];
  const primary = catalogueRepo ?? `${s.recipes.base}/${recipe}.git`;
  return [primary, ...s.recipes.mirrors.map((m) => `${m.replace(/\/+$/, '')}/${recipe}.git`)];
}
