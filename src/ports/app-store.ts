// $ABRA_DIR as kite's operations see it: servers, one env file per app,
// recipe directories and kite.yml. One real adapter (src/adapters/abra-dir.ts,
// atomic 0600 env writes); unit tests use it on a temp directory.

import type { Settings } from '../core/settings.js';

export interface AppRef {
  domain: string;
  server: string;
  /** the env file, $ABRA_DIR/servers/<server>/<domain>.env */
  path: string;
}

export interface AppStore {
  readonly root: string;
  readonly serversDir: string;
  readonly recipesDir: string;

  listServers(): string[];
  hasServer(name: string): boolean;
  addServer(name: string): void;
  removeServerDir(name: string): void;

  listApps(server?: string): AppRef[];
  /** NotFoundError / ConflictError (several servers) / RecipeError (not a domain) */
  findApp(domain: string): AppRef;
  appPath(server: string, domain: string): string;
  /** an env file's text; a binary file is refused with a RecipeError naming it */
  readText(path: string): string;
  /** atomic (temp file, fsync, rename, directory fsync), 0600 when new; failures: LocalWriteError */
  writeEnvFile(path: string, text: string): void;
  /** LocalWriteError when the env file could not be rewritten; changes nothing */
  assertWritable(path: string): void;
  /** deletes an env file; failures (disk, permission): LocalWriteError */
  removeEnvFile(path: string): void;

  /** the directories in $ABRA_DIR/recipes (hidden ones left out), sorted */
  listRecipeDirs(): string[];
  /** $ABRA_DIR/recipes/<dir name> of a recipe (abra's naming) */
  recipeDir(recipe: string): string;
  /** the recipe directory, NotFoundError when there is none */
  requireRecipe(recipe: string): string;
  /** is there a directory (or file) at `path` */
  exists(path: string): boolean;
  /** kite.yml, parsed (defaults when there is none) */
  settings(): Promise<Settings>;
}
