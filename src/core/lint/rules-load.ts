// K001: the recipe's files load at all. A compose file that does not parse,
// interpolate, merge or convert to Swarm specs is a finding here, not a crash
// of the linter.

import { analyse } from './analysis.js';
import { findings, type LintRule } from './types.js';

export const loadRules: LintRule[] = [
  {
    ref: 'K001',
    level: 'critical',
    description: 'compose files and .env.sample load',
    howToResolve: 'fix the reported file; COMPOSE_FILE from .env.sample and each overlay on top of compose.yml must load',
    check(recipe) {
      const a = analyse(recipe);
      const found: string[] = [];
      if (a.sampleError) found.push(a.sampleError);
      if (!a.base) found.push('no compose.yml');
      for (const set of [a.main, ...a.overlays]) {
        if (set.error) found.push(`${set.label}: ${set.error}`);
        if (set.convertError) found.push(`${set.label}: ${set.convertError}`);
      }
      return findings([...new Set(found)]);
    },
  },
];
