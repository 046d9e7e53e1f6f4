// `recipe_test:` in kite.yml, and what the levels mean for operators:
//
//   recipe_test:
//     min_level: 3    # app new / deploy / upgrade warn (never stop) below this level or untested
//
// and where a release's level comes from: a result saved by `kite recipe
// test` here, else the catalogue's `levels` (the newer of the two wins).

import { RecipeError } from '../errors.js';
import type { ReleaseLevel } from '../catalogue.js';
import { LEVELS, levelProblem } from './levels.js';
import type { RecipeTestResult } from './result.js';
import { byText } from '../text-order.js';

export interface RecipeTestSettings {
  /** app new / deploy / upgrade warn below it */
  minLevel: number;
}

export const DEFAULT_MIN_LEVEL = 3;

export function parseRecipeTestSettings(v: unknown, file: string): { recipeTest?: RecipeTestSettings } {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new RecipeError('must be a mapping such as `recipe_test: { min_level: 3 }`', file, { key: 'recipe_test' });
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'min_level') throw new RecipeError('unknown key; known keys: min_level', file, { key: `recipe_test.${k}` });
  if (o.min_level === undefined || o.min_level === null) return {};
  const problem = levelProblem(o.min_level);
  if (problem) throw new RecipeError(problem, file, { key: 'recipe_test.min_level' });
  return { recipeTest: { minLevel: o.min_level as number } };
}

/** a release's level: the saved result or the catalogue's, whichever is newer */
export function releaseLevel(version: string, results: readonly RecipeTestResult[], published?: Record<string, ReleaseLevel>): ReleaseLevel | undefined {
  const local = results.filter((r) => r.version === version).map((r) => ({ level: r.level, date: r.date }));
  const candidates = [...local, ...(published?.[version] ? [published[version]] : [])];
  return candidates.sort((a, b) => byText(b.date, a.date))[0];
}

/** the catalogue's `levels` of a regenerated entry: the published ones still released, updated from saved results */
export function catalogueLevels(previous: Record<string, ReleaseLevel> | undefined, results: readonly RecipeTestResult[], versions: readonly string[]): Record<string, ReleaseLevel> {
  const out: Record<string, ReleaseLevel> = {};
  for (const v of versions) {
    const l = releaseLevel(v, results, previous);
    if (l) out[v] = l;
  }
  return out;
}

/** "show but don't stop": the warning for a release below `minLevel` or untested, else undefined */
export function levelWarning(recipe: string, version: string, known: ReleaseLevel | undefined, minLevel: number): string | undefined {
  if (!known) return minLevel > 0 ? `${recipe} ${version} has not been through \`kite recipe test\`: its stability is unknown (kite.yml recipe_test.min_level is ${minLevel})` : undefined;
  if (known.level >= minLevel) return undefined;
  const title = LEVELS.find((l) => l.level === known.level)?.title ?? '';
  return `${recipe} ${version} reached test level ${known.level} (${title}) on ${known.date.slice(0, 10)}, below level ${minLevel} (kite.yml recipe_test.min_level): expect trouble, and back up first`;
}
