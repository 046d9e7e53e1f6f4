import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, parseSettings, recipeRemotes } from '../../src/core/settings.js';

test('no kite.yml: abra defaults', () => {
  assert.deepEqual(parseSettings(undefined, 'kite.yml'), DEFAULT_SETTINGS);
  assert.deepEqual(recipeRemotes('nextcloud', DEFAULT_SETTINGS), ['https://git.coopcloud.tech/coop-cloud/nextcloud.git']);
});

test('mirrors are tried after the base, in order', () => {
  const s = parseSettings('recipes:\n  base: https://a.example/cc/\n  mirrors:\n    - https://b.example/cc\n    - https://c.example/cc\n', 'kite.yml');
  assert.deepEqual(recipeRemotes('wiki', s), ['https://a.example/cc/wiki.git', 'https://b.example/cc/wiki.git', 'https://c.example/cc/wiki.git']);
});

test('git locations are used as given', () => {
  assert.deepEqual(recipeRemotes('https://example.org/me/recipe.git', DEFAULT_SETTINGS), ['https://example.org/me/recipe.git']);
  assert.deepEqual(recipeRemotes('mygit.org/myorg/cool-recipe', DEFAULT_SETTINGS), ['https://mygit.org/myorg/cool-recipe.git']);
});

test('a malformed kite.yml names the key', () => {
  assert.throws(() => parseSettings('recipes:\n  mirrors: nope\n', '/x/kite.yml'), /\/x\/kite\.yml \(recipes\.mirrors\): must be a list of URLs/);
  assert.throws(() => parseSettings('recipes: [\n', '/x/kite.yml'), /\/x\/kite\.yml: invalid YAML/);
});
