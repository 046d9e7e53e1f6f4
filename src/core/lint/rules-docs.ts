// Files a recipe must ship: R007 (README metadata filled in) and R008
// (.env.sample present).

import { METADATA_KEYS, readmeMetadata } from './readme-metadata.js';
import { findings, ok, type LintRule } from './types.js';

export const docsRules: LintRule[] = [
  {
    ref: 'R007',
    level: 'warn',
    description: 'README.md metadata filled in',
    howToResolve: 'fill out all the metadata',
    check(recipe) {
      if (recipe.readme === undefined) return findings(['no README.md']);
      const meta = readmeMetadata(recipe.readme);
      if (!meta) return findings(['no <!-- metadata --> … <!-- endmetadata --> block in README.md']);
      return findings(METADATA_KEYS.filter((k) => !meta[k]).map((k) => `${k} is missing or empty`));
    },
  },
  {
    ref: 'R008',
    level: 'critical',
    description: '.env.sample provided',
    howToResolve: 'create an example .env.sample',
    check(recipe) {
      return recipe.envSample === undefined ? findings(['no .env.sample']) : ok();
    },
  },
];
