// Read an app as abra does before a deploy: its env file (with modifiers),
// the recipe's abra.sh exports merged in, STACK_NAME, the compose files
// chosen by COMPOSE_FILE, loaded, interpolated and merged.

import { readdirSync } from 'node:fs';
import { checkAppDomain, type AbraDir, type AppRef } from '../adapters/abra-dir.js';
import { parseEnvFile, appRecipe } from '../core/env-file.js';
import { readAbraShExports } from '../core/abra-sh.js';
import { stackName } from '../core/stack-name.js';
import { composeFilesFor } from '../core/compose-files.js';
import { loadCompose } from '../core/compose/load.js';
import type { ComposeConfig } from '../core/compose/types.js';
import { RecipeError } from '../core/errors.js';
import { readComposeSourcesIn, readRecipeText } from '../adapters/recipe-read.js';

export interface LoadedApp extends AppRef {
  recipe: string;
  /** version recorded in TYPE=recipe:version, if any */
  envVersion?: string;
  recipeDir: string;
  stack: string;
  envText: string;
  /** app env + abra.sh exports + STACK_NAME: what compose files are interpolated with */
  env: Record<string, string>;
  /** the app env file alone (what gets exposed to the app container) */
  appEnv: Record<string, string>;
  modifiers: Record<string, Record<string, string>>;
  composeFiles: string[];
  compose: ComposeConfig;
}

export function loadApp(dir: AbraDir, domain: string): LoadedApp {
  return loadAppRef(dir, dir.findApp(domain));
}

/** `from`: read the recipe from this directory (a snapshot of one version) instead of $ABRA_DIR/recipes/<recipe>. */
export function loadAppRef(dir: AbraDir, ref: AppRef, from?: string): LoadedApp {
  checkAppDomain(ref);
  const envText = dir.readText(ref.path);
  const parsed = parseEnvFile(envText, ref.path);
  const typeValue = appRecipe(parsed.env);
  if (!typeValue) {
    throw new RecipeError('no TYPE= (or RECIPE=) line naming the recipe', ref.path, { key: 'TYPE' }, 'add TYPE=<recipe> to the env file');
  }
  const recipeDir = from ?? dir.requireRecipe(typeValue.recipe);
  const stack = stackName(ref.domain);
  // abra merges abra.sh's exports over the app env (MergeAbraShEnv)
  const abraSh = readRecipeText(recipeDir, 'abra.sh');
  const exports = abraSh ? readAbraShExports(abraSh) : {};
  const env: Record<string, string> = { ...parsed.env, ...exports, STACK_NAME: stack };
  if (!env.DOMAIN) env.DOMAIN = ref.domain;
  const composeFiles = composeFilesFor(env, readdirSync(recipeDir));
  const sources = readComposeSourcesIn(recipeDir, composeFiles);
  const compose = loadCompose(sources, env);
  return {
    ...ref,
    recipe: typeValue.recipe,
    envVersion: typeValue.version,
    recipeDir,
    stack,
    envText,
    env,
    appEnv: parsed.env,
    modifiers: parsed.modifiers,
    composeFiles,
    compose,
  };
}
