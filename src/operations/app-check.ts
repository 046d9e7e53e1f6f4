// `app check`: the recipe's .env.sample against the app env file.

import { join } from 'node:path';
import type { AbraDir } from '../adapters/abra-dir.js';
import { appRecipe, parseEnvFile } from '../core/env-file.js';
import { checkEnvKeys, type EnvKeyCheck } from '../core/env-check.js';
import { RecipeError } from '../core/errors.js';
import { readRecipeText } from '../adapters/recipe-read.js';

export interface AppCheck {
  recipe: string;
  envPath: string;
  samplePath: string;
  keys: EnvKeyCheck[];
}

export function checkApp(dir: AbraDir, domain: string): AppCheck {
  const ref = dir.findApp(domain);
  const appText = dir.readText(ref.path);
  const recipe = appRecipe(parseEnvFile(appText, ref.path).env)?.recipe;
  if (!recipe) throw new RecipeError('no TYPE= (or RECIPE=) line naming the recipe', ref.path, { key: 'TYPE' }, 'add TYPE=<recipe> to the env file');
  const recipeDir = dir.requireRecipe(recipe);
  const samplePath = join(recipeDir, '.env.sample');
  const sampleText = readRecipeText(recipeDir, '.env.sample');
  if (sampleText === undefined) throw new RecipeError('the recipe has no .env.sample (every recipe needs one)', samplePath);
  return { recipe, envPath: ref.path, samplePath, keys: checkEnvKeys(sampleText, samplePath, appText, ref.path) };
}
