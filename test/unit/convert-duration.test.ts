import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../src/core/duration.js';
import { RecipeError } from '../../src/core/errors.js';

const KEY = 'services.app.healthcheck.interval';

test('parseDuration reads Go durations into nanoseconds', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['0s', 0],
    ['10s', 10e9],
    ['500ms', 500e6],
    ['1m30s', 90e9],
    ['1h', 3600e9],
    ['1h2m3s4ms5us6ns', 3600e9 + 120e9 + 3e9 + 4e6 + 5e3 + 6],
    ['1.5s', 1.5e9],
    ['.5m', 30e9],
    ['1.s', 1e9],
    ['0.1s', 100e6],
    ['2µs', 2000],
    ['2μs', 2000],
    ['-5s', -5e9],
    ['+5s', 5e9],
    ['2500h', 2500 * 3600e9],
  ];
  for (const [input, expected] of cases) {
    assert.equal(parseDuration(input, KEY), expected, input);
  }
});

test('parseDuration truncates sub-nanosecond fractions as Go does', () => {
  assert.equal(parseDuration('1.0000000009s', KEY), 1e9);
  assert.equal(parseDuration('0.5ns', KEY), 0);
});

test('parseDuration rejects bad input and names the key', () => {
  for (const bad of ['', '10', 'abc', '1d', 's', '.s', '1..5s', '10 s', ' 10s', '1m30', '--1s']) {
    assert.throws(
      () => parseDuration(bad, KEY),
      (err: unknown) => {
        assert.ok(err instanceof RecipeError, `${bad}: RecipeError`);
        assert.match(err.message, /services\.app\.healthcheck\.interval/);
        assert.ok(err.message.includes(`"${bad}"`), `${bad}: quotes the value`);
        assert.deepEqual(err.location, { key: KEY });
        return true;
      },
      bad,
    );
  }
});

test('parseDuration names a wrong unit', () => {
  assert.throws(() => parseDuration('3d', KEY), /unknown unit "d"/);
  assert.throws(() => parseDuration('10', KEY), /expected a number followed by a unit/);
});

test('parseDuration refuses values beyond exact JavaScript integers', () => {
  assert.throws(() => parseDuration('9999999h', KEY), /too large/);
});
