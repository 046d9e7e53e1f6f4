// `app check`: the recipe's .env.sample against the app env file.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import { appRecipe, parseEnvFile } from '../core/env-file.js';
import { checkEnvKeys, type EnvKeyCheck } from '../core/env-check.js';
import { RecipeError } from '../core/errors.js';
import { PLACEMENT_PREFIX, placementFromEnv, placementKey } from '../core/placement.js';
import { loadApp, type AppReadPorts } from './load-app.js';

export interface AppCheck {
  recipe: string;
  envPath: string;
  samplePath: string;
  keys: EnvKeyCheck[];
}

export function checkApp(ports: Pick<Ports, 'apps' | 'recipeFiles'>, domain: string): AppCheck {
  const { apps, recipeFiles } = ports;
  const ref = apps.findApp(domain);
  const appText = apps.readText(ref.path);
  const recipe = appRecipe(parseEnvFile(appText, ref.path).env)?.recipe;
  if (!recipe) throw new RecipeError('no TYPE= (or RECIPE=) line naming the recipe', ref.path, { key: 'TYPE' }, 'add TYPE=<recipe> to the env file');
  const recipeDir = apps.requireRecipe(recipe);
  const samplePath = join(recipeDir, '.env.sample');
  const sampleText = recipeFiles.readText(recipeDir, '.env.sample');
  if (sampleText === undefined) throw new RecipeError('the recipe has no .env.sample (every recipe needs one)', samplePath);
  return { recipe, envPath: ref.path, samplePath, keys: checkEnvKeys(sampleText, samplePath, appText, ref.path) };
}

export interface PlacementSetting {
  service: string;
  key: string;
  constraints: string[];
}

/**
 * The app's KITE_PLACEMENT_* keys (kite only; abra ignores them), checked
 * against the recipe's services: an unknown key or a malformed constraint is
 * refused as a deploy would refuse it. Without such keys the recipe is not read.
 */
export function checkPlacement(ports: AppReadPorts, domain: string): PlacementSetting[] {
  const ref = ports.apps.findApp(domain);
  const env = parseEnvFile(ports.apps.readText(ref.path), ref.path).env;
  if (!Object.keys(env).some((k) => k.startsWith(PLACEMENT_PREFIX))) return [];
  const app = loadApp(ports, domain);
  return [...placementFromEnv(app.appEnv, Object.keys(app.compose.services), ref.path)].map(([service, constraints]) => ({ service, key: placementKey(service), constraints }));
}
