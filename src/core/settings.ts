// kite's own settings, in $ABRA_DIR/kite.yml (abra ignores the file):
//
//   recipes:
//     base: https://git.coopcloud.tech/coop-cloud   # <base>/<recipe>.git
//     mirrors:                                       # tried in order when the base is down
//       - https://mirror.example.org/coop-cloud
//   catalogue:
//     url: https://git.coopcloud.tech/toolshed/recipes-catalogue-json.git
//     mirrors: []

import { parse } from 'yaml';
import { RecipeError } from './errors.js';

export interface Settings {
  recipes: { base: string; mirrors: string[] };
  catalogue: { url: string; mirrors: string[] };
}

export const DEFAULT_SETTINGS: Settings = {
  recipes: { base: 'https://git.coopcloud.tech/coop-cloud', mirrors: [] },
  catalogue: { url: 'https://git.coopcloud.tech/toolshed/recipes-catalogue-json.git', mirrors: [] },
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
  return {
    recipes: { base: str(o.recipes?.base, 'recipes.base', DEFAULT_SETTINGS.recipes.base), mirrors: list(o.recipes?.mirrors, 'recipes.mirrors') },
    catalogue: { url: str(o.catalogue?.url, 'catalogue.url', DEFAULT_SETTINGS.catalogue.url), mirrors: list(o.catalogue?.mirrors, 'catalogue.mirrors') },
  };
}

/** Where a recipe is cloned from: a git location as given, or <base>/<name>.git, then each mirror. */
export function recipeRemotes(recipe: string, s: Settings, catalogueRepo?: string): string[] {
  if (/^(https?|ssh|git|file):\/\/|^[^/]+@[^/]+:|^\//.test(recipe)) return [recipe];
  if (recipe.includes('/')) return [`https://${recipe}.git`];
  const primary = catalogueRepo ?? `${s.recipes.base}/${recipe}.git`;
  return [primary, ...s.recipes.mirrors.map((m) => `${m.replace(/\/+$/, '')}/${recipe}.git`)];
}
