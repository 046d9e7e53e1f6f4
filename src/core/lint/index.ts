// Lint a recipe: abra's rules R001–R015 (spec §11; refs, levels and texts
// as abra has them) and kite's K001–K009. Pure: the recipe comes in as
// RecipeFiles, results go out in ref order (abra's R rules first).

import { loadRules } from './rules-load.js';
import { serviceRules } from './rules-services.js';
import { imageRules } from './rules-images.js';
import { releaseRules } from './rules-release.js';
import { docsRules } from './rules-docs.js';
import { configRules } from './rules-configs.js';
import { secretRules } from './rules-secrets.js';
import { networkRules } from './rules-network.js';
import { pathRules } from './rules-paths.js';
import { schemaRules } from './rules-schema.js';
import { placementRules } from './rules-placement.js';
import { message } from './analysis.js';
import type { LintResult, LintRule, RecipeFiles } from './types.js';
import { byText } from '../text-order.js';

export type { LintResult, LintRule, RecipeFiles, GitFacts, GitTag } from './types.js';

export const LINT_RULES: LintRule[] = [
  ...serviceRules,
  ...imageRules,
  ...releaseRules,
  ...docsRules,
  ...configRules,
  ...secretRules,
  ...loadRules,
  ...networkRules,
  ...pathRules,
  ...schemaRules,
  ...placementRules,
].sort((x, y) => Number(x.ref.startsWith('K')) - Number(y.ref.startsWith('K')) || byText(x.ref, y.ref));

export function lintRecipe(recipe: RecipeFiles, rules: LintRule[] = LINT_RULES): LintResult[] {
  return rules.map((rule) => {
    const base = { ref: rule.ref, level: rule.level, description: rule.description, howToResolve: rule.howToResolve };
    try {
      const o = rule.check(recipe);
      return { ...base, satisfied: o.satisfied, skipped: Boolean(o.skipped), details: o.details ?? [] };
    } catch (e) {
      // a rule that breaks on odd input says so instead of hiding the others
      return { ...base, satisfied: false, skipped: false, details: [`could not check: ${message(e)}`] };
    }
  });
}

/** Critical rules that are neither satisfied nor skipped. */
export function criticalFailures(results: LintResult[]): LintResult[] {
  return results.filter((r) => r.level === 'critical' && !r.satisfied && !r.skipped);
}
