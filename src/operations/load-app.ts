// Read an app as abra does before a deploy: its env file (with modifiers),
// the recipe's abra.sh exports merged in, STACK_NAME, the compose files
// chosen by COMPOSE_FILE, loaded, interpolated and merged.

import type { AppRef } from '../ports/app-store.js';
import type { Ports } from '../ports/index.js';
import { checkAppDomain } from '../core/domain.js';
import { parseEnvFile, appRecipe } from '../core/env-file.js';
import { readAbraShExports } from '../core/abra-sh.js';
import { stackName } from '../core/stack-name.js';
import { composeFilesFor } from '../core/compose-files.js';
import { loadCompose } from '../core/compose/load.js';
import type { ComposeConfig } from '../core/compose/types.js';
import { RecipeError } from '../core/errors.js';

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

/** what reading an app needs: the env file and the recipe's files */
export type AppReadPorts = Pick<Ports, 'apps' | 'recipeFiles'>;

export function loadApp(ports: AppReadPorts, domain: string): LoadedApp {
  return loadAppRef(ports, ports.apps.findApp(domain));
}

/** `from`: read the recipe from this directory (a snapshot of one version) instead of $ABRA_DIR/recipes/<recipe>. */
export function loadAppRef(ports: AppReadPorts, ref: AppRef, from?: string): LoadedApp {
  const { apps, recipeFiles } = ports;
  checkAppDomain(ref);
  const envText = apps.readText(ref.path);
  const parsed = parseEnvFile(envText, ref.path);
  const typeValue = appRecipe(parsed.env);
  if (!typeValue) {
    throw new RecipeError('no TYPE= (or RECIPE=) line naming the recipe', ref.path, { key: 'TYPE' }, 'add TYPE=<recipe> to the env file');
  }
  const recipeDir = from ?? apps.requireRecipe(typeValue.recipe);
  const stack = stackName(ref.domain);
  // abra merges abra.sh's exports over the app env (MergeAbraShEnv)
  const abraSh = recipeFiles.readText(recipeDir, 'abra.sh');
  const exports = abraSh ? readAbraShExports(abraSh) : {};
  const env: Record<string, string> = { ...parsed.env, ...exports, STACK_NAME: stack };
  if (!env.DOMAIN) env.DOMAIN = ref.domain;
  const composeFiles = composeFilesFor(env, recipeFiles.names(recipeDir));
  const sources = recipeFiles.readComposeSources(recipeDir, composeFiles);
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
