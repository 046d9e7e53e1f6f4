// Saved recipe test results ($ABRA_DIR/tests/<recipe>/<version>.json) read
// back: for the catalogue's levels, `recipe ls` and the warning app new,
// deploy and upgrade show for a release below kite.yml's recipe_test.min_level.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import { CATALOGUE_FILE, parseCatalogue, type ReleaseLevel } from '../core/catalogue.js';
import { parseResult, TESTS_DIR, type RecipeTestResult } from '../core/recipe-test/result.js';
import { DEFAULT_MIN_LEVEL, levelWarning, releaseLevel } from '../core/recipe-test/settings.js';

type ResultPorts = Pick<Ports, 'apps' | 'recipeFiles'>;

/** every saved result of `recipe`; a file that cannot be read is a problem named by its path */
export function readTestResults(ports: ResultPorts, recipe: string): { results: RecipeTestResult[]; problems: string[] } {
  const dir = join(ports.apps.root, TESTS_DIR, recipe);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(recipe) || !ports.recipeFiles.exists(dir)) return { results: [], problems: [] };
  const results: RecipeTestResult[] = [];
  const problems: string[] = [];
  for (const name of ports.recipeFiles.names(dir).filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, name);
    try {
      results.push(parseResult(ports.recipeFiles.readFile(path) ?? '', path));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { results, problems };
}

/** the catalogue's published levels of `recipe`, from the local copy as it is (no fetch); none when it cannot be read */
function publishedLevels(ports: ResultPorts, recipe: string): Record<string, ReleaseLevel> | undefined {
  const path = join(ports.apps.root, 'catalogue', CATALOGUE_FILE);
  try {
    const text = ports.recipeFiles.readFile(path);
    return text === undefined ? undefined : parseCatalogue(text, path)[recipe]?.levels;
  } catch {
    return undefined;
  }
}

/** a release's level as known here: a saved result or the local catalogue's, the newer */
export function knownLevel(ports: ResultPorts, recipe: string, version: string): ReleaseLevel | undefined {
  return releaseLevel(version, readTestResults(ports, recipe).results, publishedLevels(ports, recipe));
}

/** "show but don't stop": warnings for a release below recipe_test.min_level or untested; never throws */
export async function releaseLevelWarnings(ports: ResultPorts, recipe: string, version: string | undefined): Promise<string[]> {
  if (!version) return [];
  try {
    const settings = await ports.apps.settings();
    const { results, problems } = readTestResults(ports, recipe);
    const warning = levelWarning(recipe, version, releaseLevel(version, results, publishedLevels(ports, recipe)), settings.recipeTest?.minLevel ?? DEFAULT_MIN_LEVEL);
    return [...problems.map((p) => `recipe test result ignored: ${p}`), ...(warning ? [warning] : [])];
  } catch (e) {
    return [`could not check the test level of ${recipe} ${version}: ${(e as Error).message}`];
  }
}
