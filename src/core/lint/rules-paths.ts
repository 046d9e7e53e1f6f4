// K007: files the recipe names stay inside the recipe. A config's or
// secret's `file:` and a service's `env_file:` are read on the operator's
// machine and end up on the server; a path that is absolute, climbs out with
// `..`, or goes through a symlink of the recipe pointing outside would hand
// the operator's own files (~/.ssh, /etc…) to the server. `kite app deploy`
// refuses them (core/recipe-path.ts); this rule says so before a release.
// The recipe's own files (compose files, abra.sh, .env.sample, release notes)
// must not be symlinks out of it either.

import { interpolate, lookupIn } from '../interpolate.js';
import { resolveInRecipe } from '../recipe-path.js';
import { analyse, isObj, rawSection } from './analysis.js';
import { findings, type LintRule } from './types.js';

export const pathRules: LintRule[] = [
  {
    ref: 'K007',
    level: 'critical',
    description: 'files the recipe names stay inside it',
    howToResolve: 'copy the file into the recipe and name it with a relative path without `..`; no symlinks pointing out of the recipe',
    check(recipe) {
      const links = recipe.links ?? {};
      const a = analyse(recipe);
      const found: string[] = [];
      const judge = (what: string, written: string) => {
        let path = written;
        try {
          path = interpolate(written, lookupIn(a.env));
        } catch {
          /* judged as written */
        }
        const r = resolveInRecipe(path, links);
        if ('problem' in r) found.push(`${what}: ${written} ${r.problem}`);
      };
      for (const [file, raw] of Object.entries(a.raw)) {
        for (const section of ['configs', 'secrets'] as const) {
          for (const [key, o] of rawSection(raw, section)) {
            if (o.external !== true && typeof o.file === 'string') judge(`${section}.${key}.file (${file})`, o.file);
          }
        }
        for (const [service, s] of rawSection(raw, 'services')) {
          const envFiles = typeof s.env_file === 'string' ? [s.env_file] : Array.isArray(s.env_file) ? s.env_file : [];
          for (const e of envFiles) {
            const path = typeof e === 'string' ? e : isObj(e) && typeof e.path === 'string' ? e.path : undefined;
            if (path !== undefined) judge(`services.${service}.env_file (${file})`, path);
          }
        }
      }
      const own = [...Object.keys(recipe.composeFiles), 'abra.sh', '.env.sample', ...Object.keys(recipe.releaseNotes).map((v) => `release/${v}`)];
      for (const path of own) {
        const r = resolveInRecipe(path, links);
        if ('problem' in r) found.push(`${path} ${r.problem}`);
      }
      return findings([...new Set(found)]);
    },
  },
];
