// Recipe-supplied paths stay inside the recipe: the pure check (lexical and
// through a map of the recipe's symlinks), the realpath check at read time,
// and lint K007.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInside, recipePathProblem, resolveInRecipe } from '../../src/core/recipe-path.js';
import { readInsideRecipe, readRecipeText, recipeLinks } from '../../src/adapters/recipe-read.js';
import { RecipeError } from '../../src/core/errors.js';
import { GOOD_COMPOSE, failed, recipe, rule } from './helpers/lint-recipe.js';

test('recipePathProblem: relative paths inside are fine; `..` above the root and absolute paths are not', () => {
  for (const ok of ['entrypoint.sh', './conf/nginx.conf', 'a/../b.txt', 'a/b/../../c', '..dotted']) assert.equal(recipePathProblem(ok), undefined, ok);
  assert.equal(recipePathProblem('../../secret.txt'), 'leaves the recipe directory');
  assert.equal(recipePathProblem('conf/../../x'), 'leaves the recipe directory');
  assert.equal(recipePathProblem('..'), 'leaves the recipe directory');
  assert.equal(recipePathProblem('../../../home/op/.ssh/id_ed25519'), 'leaves the recipe directory');
  assert.equal(recipePathProblem('/etc/hostname'), 'is absolute');
  assert.equal(recipePathProblem(''), 'is empty');
});

test('isInside: the root and below it, nothing beside or above it', () => {
  assert.ok(isInside('/r/app', '/r/app'));
  assert.ok(isInside('/r/app', '/r/app/conf/x'));
  assert.ok(!isInside('/r/app', '/r/app2/x'));
  assert.ok(!isInside('/r/app', '/r'));
  assert.ok(!isInside('/r/app', '/etc/hostname'));
});

test('resolveInRecipe: symlinks staying inside are followed; ones escaping are refused', () => {
  const links = { 'conf/current': 'v2', 'shared': '../other-recipe', 'key': '/home/op/.ssh/id_ed25519', 'up': 'conf/../..', 'loop': 'loop', 'dir': 'conf' };
  assert.deepEqual(resolveInRecipe('conf/current/nginx.conf', links), { path: 'conf/v2/nginx.conf' });
  assert.deepEqual(resolveInRecipe('dir/current/x', links), { path: 'conf/v2/x' });
  assert.deepEqual(resolveInRecipe('dir/../abra.sh', links), { path: 'abra.sh' });
  assert.deepEqual(resolveInRecipe('shared/x', links), { problem: 'goes through the symlink shared → ../other-recipe, outside the recipe' });
  assert.deepEqual(resolveInRecipe('key', links), { problem: 'goes through the symlink key → /home/op/.ssh/id_ed25519, outside the recipe' });
  assert.match(String((resolveInRecipe('up/x', links) as { problem: string }).problem), /symlink up → conf\/\.\.\/\.\./);
  assert.match(String((resolveInRecipe('loop', links) as { problem: string }).problem), /too many levels of symlinks/);
  assert.deepEqual(resolveInRecipe('../x', {}), { problem: 'leaves the recipe directory' });
});

function recipeOnDisk(): string {
  const root = mkdtempSync(join(tmpdir(), 'kite-recipe-path-'));
  const dir = join(root, 'demo');
  mkdirSync(join(dir, 'conf'), { recursive: true });
  writeFileSync(join(root, 'secret.txt'), 'operator secret\n');
  writeFileSync(join(dir, 'conf', 'nginx.conf'), 'server {}\n');
  symlinkSync('conf/nginx.conf', join(dir, 'inside.conf'));
  symlinkSync('../secret.txt', join(dir, 'escape.conf'));
  symlinkSync('/etc/hostname', join(dir, 'hostname'));
  symlinkSync('..', join(dir, 'conf', 'parent'));
  return dir;
}

test('readInsideRecipe: reads files and symlinks inside, refuses escapes after resolving symlinks', () => {
  const dir = recipeOnDisk();
  assert.equal(String((readInsideRecipe(dir, 'conf/nginx.conf') as { data: Buffer }).data), 'server {}\n');
  assert.equal(String((readInsideRecipe(dir, 'inside.conf') as { data: Buffer }).data), 'server {}\n');
  assert.equal(String((readInsideRecipe(dir, 'conf/parent/conf/nginx.conf') as { data: Buffer }).data), 'server {}\n');
  assert.deepEqual(readInsideRecipe(dir, '../secret.txt'), { problem: 'leaves the recipe directory' });
  assert.deepEqual(readInsideRecipe(dir, '/etc/hostname'), { problem: 'is absolute' });
  assert.match((readInsideRecipe(dir, 'escape.conf') as { problem: string }).problem, /resolves \(through a symlink\) to .*secret\.txt, outside the recipe/);
  assert.match((readInsideRecipe(dir, 'hostname') as { problem: string }).problem, /to \/etc\/hostname, outside the recipe/);
  assert.deepEqual(readInsideRecipe(dir, 'missing.conf'), { missing: true });
  assert.equal(readRecipeText(dir, 'abra.sh'), undefined);
  assert.throws(() => readRecipeText(dir, 'escape.conf'), (e: unknown) => e instanceof RecipeError && /escape\.conf resolves .* it must stay inside the recipe/.test(e.message));
});

test('recipeLinks: every symlink of the recipe, with its target as written', () => {
  assert.deepEqual(recipeLinks(recipeOnDisk()), { 'inside.conf': 'conf/nginx.conf', 'escape.conf': '../secret.txt', hostname: '/etc/hostname', 'conf/parent': '..' });
});

const withFile = (file: string, section = 'configs') =>
  GOOD_COMPOSE.replace('    healthcheck:', `    ${section}:\n      - source: entry\n        target: /entry\n    healthcheck:`) +
  `${section}:\n  entry:\n    name: \${STACK_NAME}_entry_\${ENTRY_VERSION}\n    file: ${file}\n`;

test('K007: config and secret files, env_file and the recipe\'s own files must stay inside the recipe', () => {
  const clean = rule(recipe({ abraSh: 'export ENTRY_VERSION=v1\n', links: { 'inside.conf': 'conf/nginx.conf' } }, { 'compose.yml': withFile('inside.conf') }), 'K007');
  assert.ok(clean.satisfied, clean.details.join());
  assert.equal(clean.level, 'critical');
  const up = rule(recipe({}, { 'compose.yml': withFile('../../secret.txt') }), 'K007');
  assert.ok(failed(up));
  assert.deepEqual(up.details, ['configs.entry.file (compose.yml): ../../secret.txt leaves the recipe directory']);
  const abs = rule(recipe({}, { 'compose.yml': withFile('/home/op/.ssh/id_ed25519', 'secrets') }), 'K007');
  assert.deepEqual(abs.details, ['secrets.entry.file (compose.yml): /home/op/.ssh/id_ed25519 is absolute']);
  const link = rule(recipe({ links: { hostname: '/etc/hostname' } }, { 'compose.yml': withFile('hostname') }), 'K007');
  assert.deepEqual(link.details, ['configs.entry.file (compose.yml): hostname goes through the symlink hostname → /etc/hostname, outside the recipe']);
  const envFile = rule(recipe({}, { 'compose.yml': GOOD_COMPOSE.replace('    healthcheck:', '    env_file: [../op.env]\n    healthcheck:') }), 'K007');
  assert.deepEqual(envFile.details, ['services.app.env_file (compose.yml): ../op.env leaves the recipe directory']);
  const ownLink = rule(recipe({ links: { 'abra.sh': '/home/op/.bashrc' } }), 'K007');
  assert.deepEqual(ownLink.details, ['abra.sh goes through the symlink abra.sh → /home/op/.bashrc, outside the recipe']);
  const interpolated = rule(recipe({ envSample: 'TYPE=demo\nDOMAIN=demo.example.com\nLETS_ENCRYPT_ENV=production\nCONF_DIR=../..\n' }, { 'compose.yml': withFile('${CONF_DIR}/x') }), 'K007');
  assert.deepEqual(interpolated.details, ['configs.entry.file (compose.yml): ${CONF_DIR}/x leaves the recipe directory']);
});
