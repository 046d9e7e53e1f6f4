// Crafted recipes for lint unit tests: a recipe that satisfies every rule,
// and a way to change one file of it.

import type { GitFacts, RecipeFiles } from '../../../src/core/lint/types.js';
import { lintRecipe } from '../../../src/core/lint/index.js';
import type { LintResult } from '../../../src/core/lint/types.js';

export const GOOD_COMPOSE = `services:
  app:
    image: nginx:1.27.5
    networks: [proxy]
    deploy:
      labels:
        - "traefik.enable=true"
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1.27.5"
    healthcheck:
      test: ["CMD", "true"]
networks:
  proxy:
    external: true
`;

export const GOOD_README = `# Demo

<!-- metadata -->
* **Category**: Apps
* **Status**: 1
* **Image**: [\`nginx\`](https://hub.docker.com/_/nginx), 4, upstream
* **Healthcheck**: Yes
* **Backups**: No
* **Email**: N/A
* **Tests**: 1
* **SSO**: N/A
<!-- endmetadata -->
`;

export function goodGit(over: Partial<GitFacts> = {}): GitFacts {
  return {
    head: 'a'.repeat(40),
    dirty: false,
    originUrl: 'https://git.coopcloud.tech/coop-cloud/demo.git',
    tags: [{ name: '1.0.0+1.27.5', type: 'annotated', commit: 'a'.repeat(40) }],
    lastRelease: { tag: '1.0.0+1.27.5', changed: [], filesAtTag: {} },
    ...over,
  };
}

/** A recipe satisfying every rule; `over` replaces fields, `compose` adds/replaces compose files. */
export function recipe(over: Partial<RecipeFiles> = {}, compose: Record<string, string> = {}): RecipeFiles {
  const composeFiles = over.composeFiles ?? { 'compose.yml': GOOD_COMPOSE, ...compose };
  const r: RecipeFiles = {
    name: 'demo',
    composeFiles,
    envSample: 'TYPE=demo\nDOMAIN=demo.example.com\nLETS_ENCRYPT_ENV=production\n',
    abraSh: '# versions\n',
    readme: GOOD_README,
    releaseNotes: {},
    files: [],
    git: goodGit(),
    ...over,
  };
  if (!('composeFiles' in over)) r.composeFiles = composeFiles;
  if (r.files.length === 0) {
    r.files = [...Object.keys(r.composeFiles), ...(r.envSample !== undefined ? ['.env.sample'] : []), ...(r.abraSh !== undefined ? ['abra.sh'] : []), ...(r.readme !== undefined ? ['README.md'] : [])];
  }
  return r;
}

/** The result of one rule. */
export function rule(r: RecipeFiles, ref: string): LintResult {
  const found = lintRecipe(r).find((x) => x.ref === ref);
  if (!found) throw new Error(`no rule ${ref}`);
  return found;
}

export const failed = (x: LintResult) => !x.satisfied && !x.skipped;
