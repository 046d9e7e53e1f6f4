import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate, lookupIn } from '../../src/core/interpolate.js';
import { RecipeError } from '../../src/core/errors.js';

// Expected values were checked against `docker stack config` (CLI 28.2.2).
const vars = lookupIn({ SET: 'value', EMPTY: '', STACK_NAME: 'app_example_com', DOMAIN: 'app.example.com' });
const run = (template: string) => interpolate(template, vars, { file: 'compose.yml', key: 'services.app.image' });

test('substitution forms', () => {
  const cases: [string, string][] = [
    ['no variables', 'no variables'],
    ['$$', '$'],
    ['$$SET', '$SET'],
    ['pg_isready -U $$POSTGRES_USER', 'pg_isready -U $POSTGRES_USER'],
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a${SET}b', 'avalueb'],
    ['$UNSET', ''],
    ['${UNSET}', ''],
    ['${UNSET:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${SET:-def}', 'value'],
    ['${UNSET-def}', 'def'],
    ['${EMPTY-def}', ''],
    ['${SET-def}', 'value'],
    ['${UNSET:-}', ''],
    ['${UNSET:-a b:c/d}', 'a b:c/d'],
    ['${SET?msg}', 'value'],
    ['${EMPTY?msg}', ''],
    ['${SET:?msg}', 'value'],
    ['${set}', ''],
    ['Host(`${DOMAIN}`${EXTRA_DOMAINS})', 'Host(`app.example.com`)'],
    ['traefik.http.routers.${STACK_NAME}.rule', 'traefik.http.routers.app_example_com.rule'],
    ['${STACK_NAME}_secret_${SECRET_X_VERSION:-v1}', 'app_example_com_secret_v1'],
  ];
  for (const [template, expected] of cases) assert.equal(run(template), expected, template);
});

test('docker quirks: defaults are not re-interpolated, unbraced names take modifiers', () => {
  // the default ends at the first `}`; the rest is literal
  assert.equal(run('${UNSET:-${SET}}'), '${SET}');
  assert.equal(run('${SET:-x}y}'), 'valuey}');
  // `$NAME-text` is `${NAME-text}`
  assert.equal(run('$SET-redirect'), 'value');
  assert.equal(run('$UNSET-redirect'), 'redirect');
  assert.equal(run('${SET}-redirect'), 'value-redirect');
  // `-` is tried before `?`, each split at its first occurrence
  assert.equal(run('${UNSET?a-b}'), 'b');
});

test('required variables report the recipe\'s own message, as docker compose does', () => {
  assert.throws(() => run('${UNSET:?set it please}'), (e: unknown) => {
    assert.ok(e instanceof RecipeError);
    assert.equal(e.message, 'compose.yml (services.app.image): required variable UNSET is missing a value: set it please');
    assert.doesNotMatch(e.message, /invalid interpolation format/);
    assert.match(e.hint ?? '', /set UNSET in the app's env file/);
    return true;
  });
  assert.throws(() => run('${EMPTY:?no}'), { message: 'compose.yml (services.app.image): required variable EMPTY is missing a value: no' });
  assert.throws(() => run('x-${UNSET?need it}'), { message: 'compose.yml (services.app.image): required variable UNSET is missing a value: need it' });
  // no message: docker compose's short form
  assert.throws(() => run('${UNSET?}'), { message: 'compose.yml (services.app.image): required variable UNSET is missing a value' });
  assert.throws(() => run('${EMPTY:?}'), { message: 'compose.yml (services.app.image): required variable EMPTY is missing a value' });
});

test('invalid templates', () => {
  for (const template of ['a$ b', '$', '${', '${SET', '${1X}', '$-', 'price: 5$']) {
    assert.throws(() => run(template), /invalid interpolation format: ".*"; you may need to escape any \$ with another \$/, template);
  }
});

test('without a file, the key is named in the message', () => {
  assert.throws(() => interpolate('$', vars, { key: 'services.app.user' }), {
    message: 'services.app.user: invalid interpolation format: "$"; you may need to escape any $ with another $',
  });
});
