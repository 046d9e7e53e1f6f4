// Release rules: R006 (a published version), R013 (the repository lives on
// git.coopcloud.tech), R014 (release tags are annotated). They read the git
// facts; without a git repository R006 falls back to the version label and
// the others are skipped.

import { analyse } from './analysis.js';
import { findings, ok, skip, type LintRule, type RecipeFiles } from './types.js';

/** `X.Y.Z+upstream`: a published recipe version (spec §6.1) */
export const RELEASE_TAG = /^\d+\.\d+\.\d+\+[0-9A-Za-z._-]+$/;

const NOT_GIT = 'not a git repository';

export const releaseRules: LintRule[] = [
  {
    ref: 'R006',
    level: 'warn',
    description: 'has published recipe version',
    howToResolve: 'publish a recipe version to the catalogue',
    check(recipe) {
      if (recipe.git) {
        const releases = recipe.git.tags.filter((t) => RELEASE_TAG.test(t.name));
        if (releases.some((t) => t.type === 'annotated')) return ok();
        if (releases.length > 0) return findings([`only lightweight release tags: ${releases.map((t) => t.name).join(', ')} (see R014)`]);
        return findings(['no X.Y.Z+upstream release tag']);
      }
      const label = versionLabel(recipe);
      if (label && RELEASE_TAG.test(label)) return ok(`${NOT_GIT}: judged from the version label ${label}`);
      return findings([`${NOT_GIT}, and the version label is ${label ? JSON.stringify(label) : 'empty'}`]);
    },
  },
  {
    ref: 'R013',
    level: 'critical',
    description: 'git.coopcloud.tech repo exists',
    howToResolve: 'upload your recipe to git.coopcloud.tech/coop-cloud/...',
    // kite never goes on the network to lint: only an origin on the forge proves it
    check(recipe) {
      const url = recipe.git?.originUrl;
      if (url && remoteHost(url) === 'git.coopcloud.tech') return ok(`origin is ${url}`);
      return skip('offline check not possible');
    },
  },
  {
    ref: 'R014',
    level: 'critical',
    description: 'only annotated tags used for recipe version',
    howToResolve: 'replace lightweight tag with annotated tag',
    check(recipe) {
      if (!recipe.git) return skip(NOT_GIT);
      return findings(
        recipe.git.tags
          .filter((t) => t.type === 'lightweight')
          .map((t) => `${t.name} is a lightweight tag: git tag -d ${t.name} && git tag -a ${t.name} -m "chore: publish ${t.name} release" ${t.commit.slice(0, 8)}`),
      );
    },
  },
];

/** The app service's `coop-cloud.${STACK_NAME}.version` label, if any. */
export function versionLabel(recipe: RecipeFiles): string | undefined {
  const a = analyse(recipe);
  const app = (a.main.config ?? a.complete)?.services.app;
  return app?.deploy.labels[`coop-cloud.${a.stack}.version`]?.trim() || undefined;
}

/** Host of a git remote URL: https://h/…, ssh://u@h:p/…, or scp-like u@h:path. */
export function remoteHost(url: string): string | undefined {
  const m = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/:]+)/i.exec(url) ?? /^(?:[^@/]+@)?([^/:]+):/.exec(url);
  return m?.[1].toLowerCase();
}
