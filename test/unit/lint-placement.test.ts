// K009: a stateful service says where it should run on a swarm of several
// nodes (a placement constraint, or a KITE_PLACEMENT_* line in .env.sample).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintRecipe } from '../../src/core/lint/index.js';
import { readRecipeFiles } from '../../src/adapters/recipe-files.js';
import { recipe } from './helpers/lint-recipe.js';

const DB = `  db:
    image: postgres:16.4
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD", "true"]
`;
const withDb = (extra = '', volumes = 'volumes:\n  db-data:\n') => (c: string) => c.replace('networks:\n  proxy:', `${DB}${extra}networks:\n  proxy:`) + volumes;

function k009(compose: (c: string) => string, envSample?: string) {
  const base = recipe();
  const files = recipe({ composeFiles: { 'compose.yml': compose(base.composeFiles['compose.yml']) }, ...(envSample !== undefined ? { envSample: base.envSample + envSample } : {}) });
  return lintRecipe(files).find((r) => r.ref === 'K009')!;
}

test('K009: a service with a named local volume and no placement guidance is a warning naming it and its volume', () => {
  const r = k009(withDb());
  assert.equal(r.satisfied, false);
  assert.deepEqual(r.details, ['db: keeps data in db-data and says nothing about where it runs']);
  assert.equal(r.level, 'warn');
});

test('K009: a placement constraint, a KITE_PLACEMENT_DB line (commented out too) or a non-local volume driver satisfies it', () => {
  assert.ok(k009(withDb('    deploy:\n      placement:\n        constraints: [node.labels.database==true]\n')).satisfied);
  assert.ok(k009(withDb(), '\n#KITE_PLACEMENT_DB=node.labels.database==true\n').satisfied);
  assert.ok(k009(withDb(), '\nKITE_PLACEMENT_DB=node.role==manager\n').satisfied);
  assert.ok(k009(withDb('', 'volumes:\n  db-data:\n    driver: rexray/ebs\n')).satisfied);
  assert.ok(k009((c) => c).satisfied, 'no volumes: nothing to place');
});

test('K009 over the corpus: gaseous keeps its database in gsdb without guidance', async () => {
  const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/recipes-corpus');
  const r = lintRecipe(await readRecipeFiles(join(corpus, 'gaseous'), 'gaseous')).find((x) => x.ref === 'K009')!;
  assert.equal(r.satisfied, false);
  assert.ok(r.details.includes('db: keeps data in gsdb and says nothing about where it runs'), `${r.details}`);
});
