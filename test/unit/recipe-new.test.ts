import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECIPE_NAME, recipeTemplate } from '../../src/core/recipe-template.js';
import { criticalFailures, lintRecipe } from '../../src/core/lint/index.js';
import type { RecipeFiles } from '../../src/core/lint/types.js';

const TEMPLATE_OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/recipes-corpus/example-template-recipe-new-output-2025');

test('recipe new: for the name "gaseous" the files equal real `abra recipe new` output', () => {
  const files = recipeTemplate({ recipe: 'gaseous' });
  for (const f of ['compose.yml', '.env.sample', 'README.md', 'release/.git-keep-me']) {
    assert.equal(files[f], readFileSync(join(TEMPLATE_OUTPUT, f), 'utf8'), f);
  }
  assert.deepEqual(Object.keys(files).sort(), ['.drone.yml', '.env.sample', '.gitignore', 'README.md', 'abra.sh', 'compose.yml', 'release/.git-keep-me']);
  assert.equal(files['.gitignore'], '.envrc\n');
  assert.match(files['abra.sh'], /^# Set any config versions here/);
  assert.match(files['.drone.yml'], /toolshed\/auto-recipes-catalogue-json/);
});

test('recipe new: the recipe name is substituted, the human name titles the README', () => {
  const files = recipeTemplate({ recipe: 'my-app', title: 'My App' });
  assert.match(files['.env.sample'], /^TYPE=my-app\n\nDOMAIN=my-app\.example\.com\n/);
  assert.match(files['.env.sample'], /#EXTRA_DOMAINS=', `www\.my-app\.example\.com`'/);
  assert.match(files['README.md'], /^# My App\n/);
  assert.match(files['README.md'], /\[`my-app`\]\(https:\/\/hub\.docker\.com\/r\/my-app\)/);
  assert.match(files['README.md'], /`abra app new my-app --secrets`/);
  assert.ok(!/gaseous/.test(Object.values(files).join('\n')));
  assert.match(recipeTemplate({ recipe: 'my-app', title: '  ' })['README.md'], /^# my-app\n/);
});

test('recipe new: names', () => {
  for (const ok of ['gitea', 'my-app', 'n8n', 'backup_bot']) assert.ok(RECIPE_NAME.test(ok), ok);
  for (const bad of ['', 'My-App', '-x', 'x-', 'a/b', 'a.b', '../x', 'a b']) assert.ok(!RECIPE_NAME.test(bad), bad);
});

test('recipe new: the template passes every critical lint rule; only R006 (unreleased) fails', () => {
  const files = recipeTemplate({ recipe: 'my-app' });
  const recipe: RecipeFiles = {
    name: 'my-app',
    composeFiles: { 'compose.yml': files['compose.yml'] },
    envSample: files['.env.sample'],
    abraSh: files['abra.sh'],
    readme: files['README.md'],
    releaseNotes: {},
    files: Object.keys(files),
    git: { head: 'a'.repeat(40), dirty: false, tags: [] },
  };
  const results = lintRecipe(recipe);
  assert.deepEqual(criticalFailures(results), []);
  assert.deepEqual(results.filter((r) => !r.satisfied && !r.skipped).map((r) => r.ref), ['R006']);
});
