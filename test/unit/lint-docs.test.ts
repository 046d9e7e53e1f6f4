import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readmeMetadata } from '../../src/core/lint/readme-metadata.js';
import { GOOD_README, failed, recipe, rule } from './helpers/lint-recipe.js';

test('README metadata block: keys and values as written, emoji scores included', () => {
  const meta = readmeMetadata('x\n<!-- metadata -->\n* **Category**: Apps\n* **Status**: ❷💛\n- **SSO**: No\n<!-- endmetadata -->\n* **Tests**: 3\n');
  assert.deepEqual(meta, { Category: 'Apps', Status: '❷💛', SSO: 'No' });
  assert.equal(readmeMetadata('# no block'), undefined);
});

test('R007: every metadata key present and filled', () => {
  assert.ok(rule(recipe(), 'R007').satisfied);
  const r = rule(recipe({ readme: GOOD_README.replace('* **Email**: N/A\n', '').replace('* **SSO**: N/A', '* **SSO**:') }), 'R007');
  assert.ok(failed(r));
  assert.deepEqual(r.details, ['Email is missing or empty', 'SSO is missing or empty']);
  assert.deepEqual(rule(recipe({ readme: '# Demo\n' }), 'R007').details, ['no <!-- metadata --> … <!-- endmetadata --> block in README.md']);
  assert.deepEqual(rule(recipe({ readme: undefined }), 'R007').details, ['no README.md']);
});

test('R008: .env.sample is required (critical)', () => {
  assert.ok(rule(recipe(), 'R008').satisfied);
  const r = rule(recipe({ envSample: undefined }), 'R008');
  assert.ok(failed(r));
  assert.equal(r.level, 'critical');
});
