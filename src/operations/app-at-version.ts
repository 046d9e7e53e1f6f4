// An app as its recorded version has it. kite never checks the shared recipe
// clone out (deploys read a private snapshot), so the clone may sit on any
// version: what runs after a deploy (POST_DEPLOY_CMDS / POST_UPGRADE_CMDS)
// reads the recipe at TYPE=<recipe>:<version> from a snapshot of that tag or
// commit. Unversioned apps, chaos versions with uncommitted changes
// (<hash>+U), recipes that are not git repositories and versions the clone
// does not have are read from the clone as it is.

import type { Ports } from '../ports/index.js';
import type { RecipeSnapshot } from '../ports/recipe-repo.js';
import { appRecipe, parseEnvFile } from '../core/env-file.js';
import { loadAppRef, type LoadedApp } from './load-app.js';

/** run `fn` on the app as its recorded version has it; the snapshot is removed after */
export async function withAppAtVersion<T>(ports: Pick<Ports, 'apps' | 'recipeFiles' | 'recipes'>, domain: string, fn: (app: LoadedApp) => Promise<T>): Promise<T> {
  const { app, dispose } = await loadAppAtVersion(ports, domain);
  try {
    return await fn(app);
  } finally {
    dispose();
  }
}

export async function loadAppAtVersion(ports: Pick<Ports, 'apps' | 'recipeFiles' | 'recipes'>, domain: string): Promise<{ app: LoadedApp; dispose(): void }> {
  const { apps, recipes } = ports;
  const ref = apps.findApp(domain);
  const typeValue = appRecipe(parseEnvFile(apps.readText(ref.path), ref.path).env);
  const recipeDir = typeValue ? apps.recipeDir(typeValue.recipe) : undefined;
  let snapshot: RecipeSnapshot | undefined;
  if (typeValue?.version && recipeDir && recipes.isRepo(recipeDir)) {
    const repo = await recipes.open(recipeDir);
    if (await repo.isCommit(typeValue.version)) snapshot = await repo.snapshot(typeValue.version);
  }
  try {
    return { app: loadAppRef(ports, ref, snapshot?.dir), dispose: () => snapshot?.dispose() };
  } catch (e) {
    snapshot?.dispose();
    throw e;
  }
}
