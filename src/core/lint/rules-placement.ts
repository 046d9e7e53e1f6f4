// K009: a stateful service (named local volumes) says where it should run.
// On a swarm of several nodes its data lives on one node; kite pins such a
// service to the node holding its volumes, but an operator setting up a new
// app needs the recipe's word on where it belongs: a placement constraint in
// the compose file, or a KITE_PLACEMENT_<SERVICE> line (commented out is
// enough) in .env.sample naming the conventional label. A warning.

import { placementKey } from '../placement.js';
import { analyse, NOT_LOADED, services } from './analysis.js';
import { findings, skip, type LintRule } from './types.js';

export const placementRules: LintRule[] = [
  {
    ref: 'K009',
    level: 'warn',
    description: 'stateful services have placement guidance (several nodes)',
    howToResolve: 'add deploy.placement.constraints, or a line such as `#KITE_PLACEMENT_DB=node.labels.database==true` to .env.sample (see the README on placement)',
    check(recipe) {
      const a = analyse(recipe);
      if (!a.complete) return skip(NOT_LOADED);
      const volumes = a.complete.volumes;
      const sample = recipe.envSample ?? '';
      const found: string[] = [];
      for (const s of services(a)) {
        const local = s.volumes.filter((v) => {
          if (v.type !== 'volume' || !v.source) return false;
          const top = volumes[v.source];
          return !top?.driver || top.driver === 'local';
        });
        if (local.length === 0) continue;
        if ((s.deploy.placement?.constraints ?? []).length > 0) continue;
        if (new RegExp(`^\\s*#?\\s*${placementKey(s.name)}=`, 'm').test(sample)) continue;
        found.push(`${s.name}: keeps data in ${local.map((v) => v.source).join(', ')} and says nothing about where it runs`);
      }
      return findings(found);
    },
  },
];
