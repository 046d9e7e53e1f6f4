import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOOD_COMPOSE, failed, goodGit, recipe, rule } from './helpers/lint-recipe.js';

const withConfig = (name: string | undefined, extra = '') =>
  GOOD_COMPOSE.replace('    healthcheck:', '    configs:\n      - source: entrypoint\n        target: /entrypoint.sh\n    healthcheck:') +
  `configs:\n  entrypoint:\n${name === undefined ? '' : `    name: ${name}\n`}    file: entrypoint.sh.tmpl\n${extra}`;

const VERSIONED = withConfig('${STACK_NAME}_entrypoint_${ENTRYPOINT_VERSION}');

test('R012: config version variables are exported in abra.sh', () => {
  assert.ok(rule(recipe({ abraSh: 'export ENTRYPOINT_VERSION=v2\n' }, { 'compose.yml': VERSIONED }), 'R012').satisfied);
  const missing = rule(recipe({ abraSh: '# nothing\n' }, { 'compose.yml': VERSIONED }), 'R012');
  assert.ok(failed(missing));
  assert.equal(missing.level, 'critical');
  assert.deepEqual(missing.details, ['config entrypoint (compose.yml): ENTRYPOINT_VERSION is not exported in abra.sh']);
  const noAbraSh = rule(recipe({ abraSh: undefined }, { 'compose.yml': VERSIONED }), 'R012');
  assert.match(noAbraSh.details[0], /\(there is no abra\.sh\)$/);
  // a default in the name does not vendor the version
  assert.ok(failed(rule(recipe({}, { 'compose.yml': withConfig('${STACK_NAME}_entrypoint_${ENTRYPOINT_VERSION:-v3}') }), 'R012')));
});

test('R012: a version set in .env.sample passes, with a note saying so', () => {
  const r = rule(recipe({ envSample: 'TYPE=demo\nDOMAIN=demo.example.com\nENTRYPOINT_VERSION=v1\n' }, { 'compose.yml': VERSIONED }), 'R012');
  assert.ok(r.satisfied);
  assert.match(r.details[0], /ENTRYPOINT_VERSION is set in \.env\.sample, not exported in abra\.sh/);
});

test('R012: external configs and STACK_NAME/DOMAIN are not version variables', () => {
  const external = GOOD_COMPOSE + 'configs:\n  shared:\n    external: true\n    name: ${SHARED_NAME}\n';
  assert.ok(rule(recipe({}, { 'compose.yml': external }), 'R012').satisfied);
  assert.ok(rule(recipe({}, { 'compose.yml': withConfig('${STACK_NAME}_${DOMAIN}_entrypoint') }), 'R012').satisfied);
});

test('K006: a config without a version variable in its name warns', () => {
  const fixed = rule(recipe({}, { 'compose.yml': withConfig('${STACK_NAME}_entrypoint') }), 'K006');
  assert.ok(failed(fixed));
  assert.deepEqual(fixed.details, ['config entrypoint (compose.yml): fixed name ${STACK_NAME}_entrypoint']);
  const unnamed = rule(recipe({}, { 'compose.yml': withConfig(undefined) }), 'K006');
  assert.match(unnamed.details[0], /no name: Docker names it <stack>_entrypoint/);
  assert.ok(rule(recipe({ abraSh: 'export ENTRYPOINT_VERSION=v1\n' }, { 'compose.yml': VERSIONED }), 'K006').satisfied);
});

test('K004: a config file changed since the last release needs a new config version', () => {
  const release = (changed: string[], abraShThen: string) => ({ tag: '1.0.0+1.27.5', changed, filesAtTag: { 'compose.yml': VERSIONED, 'abra.sh': abraShThen } });
  const stale = rule(recipe({ abraSh: 'export ENTRYPOINT_VERSION=v1\n', git: goodGit({ lastRelease: release(['entrypoint.sh.tmpl'], 'export ENTRYPOINT_VERSION=v1\n') }) }, { 'compose.yml': VERSIONED }), 'K004');
  assert.ok(failed(stale));
  assert.deepEqual(stale.details, ['config entrypoint: entrypoint.sh.tmpl changed since 1.0.0+1.27.5 but the config is still named demo_example_com_entrypoint_v1: bump ENTRYPOINT_VERSION']);

  const bumped = rule(recipe({ abraSh: 'export ENTRYPOINT_VERSION=v2\n', git: goodGit({ lastRelease: release(['entrypoint.sh.tmpl', 'abra.sh'], 'export ENTRYPOINT_VERSION=v1\n') }) }, { 'compose.yml': VERSIONED }), 'K004');
  assert.ok(bumped.satisfied);
  const unchanged = rule(recipe({ abraSh: 'export ENTRYPOINT_VERSION=v1\n', git: goodGit({ lastRelease: release(['README.md'], 'export ENTRYPOINT_VERSION=v1\n') }) }, { 'compose.yml': VERSIONED }), 'K004');
  assert.ok(unchanged.satisfied);
  // a config that did not exist at the tag is new, not stale
  const fresh = rule(recipe({ abraSh: 'export ENTRYPOINT_VERSION=v1\n', git: goodGit({ lastRelease: { tag: '1.0.0+1.27.5', changed: ['entrypoint.sh.tmpl', 'compose.yml'], filesAtTag: { 'compose.yml': GOOD_COMPOSE } } }) }, { 'compose.yml': VERSIONED }), 'K004');
  assert.ok(fresh.satisfied);
});

test('K004: skipped without git or without a release tag', () => {
  assert.deepEqual(rule(recipe({ git: undefined }), 'K004').details, ['not a git repository']);
  const noTag = rule(recipe({ git: goodGit({ tags: [], lastRelease: undefined }) }), 'K004');
  assert.ok(noTag.skipped);
  assert.deepEqual(noTag.details, ['no release tag to compare with']);
});
