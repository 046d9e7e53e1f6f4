import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../src/core/compose/yaml.js';
import { splitShellWords } from '../../src/core/compose/shell-words.js';
import { RecipeError } from '../../src/core/errors.js';

test('scalars resolve as Go yaml.v3 does', () => {
  const doc = parseYaml(
    [
      'octal: 0444', 'octal_new: 0o17', 'hex: 0x1F', 'binary: 0b101', 'underscore: 1_000', 'neg_octal: -012',
      'not_octal: 09', 'float: 3.10', 'exp: 1e3', 'colons: 22:22', 'yes: yes', 'on: on', 'nothing: ~', 'empty:',
      'bool: true', 'quoted: "0444"', 'date: 2024-01-02', 'inf: .inf',
    ].join('\n'),
    'x.yml',
  );
  assert.deepEqual(doc, {
    octal: 292, octal_new: 15, hex: 31, binary: 5, underscore: 1000, neg_octal: -10,
    not_octal: 9, float: 3.1, exp: 1000, colons: '22:22', yes: 'yes', on: 'on', nothing: null, empty: null,
    bool: true, quoted: '0444', date: '2024-01-02', inf: Infinity,
  });
});

test('anchors and merge keys', () => {
  const doc = parseYaml('x-env: &env\n  A: "1"\n  B: "2"\nenv:\n  <<: *env\n  B: "3"\n', 'x.yml');
  assert.deepEqual(doc, { 'x-env': { A: '1', B: '2' }, env: { A: '1', B: '3' } });
});

test('errors name the file and line', () => {
  assert.throws(() => parseYaml('a: 1\nb: [\n', 'compose.yml'), (e: unknown) => e instanceof RecipeError && /^compose\.yml:\d+: invalid YAML/.test(e.message));
  assert.throws(() => parseYaml('a: 1\na: 2\n', 'compose.yml'), /compose\.yml:2: invalid YAML: Map keys must be unique/);
});

test('splitShellWords follows google/shlex', () => {
  const cases: [string, string[]][] = [
    ['a b  c', ['a', 'b', 'c']],
    ['sh -c "echo \\"hi\\" $x"', ['sh', '-c', 'echo "hi" $x']],
    ["'single \\ quoted' x", ['single \\ quoted', 'x']],
    ['a\\ b c\\\\d', ['a b', 'c\\d']],
    ['"a\\nb"', ['anb']],
    ['"" x', ['', 'x']],
    ['x#y #rest of line\nz', ['x#y', 'z']],
    ['pre"mid"post', ['premidpost']],
    ['  ', []],
  ];
  for (const [input, words] of cases) assert.deepEqual(splitShellWords(input), words, input);
  assert.throws(() => splitShellWords('"open'), /closing quote/);
  assert.throws(() => splitShellWords('trailing\\'), /escape character/);
});

test('only the first document of a stream is read, as Go does', () => {
  assert.deepEqual(parseYaml('---\na: 1\n---\nb: 2\n', 'x.yml'), { a: 1 });
  assert.equal(parseYaml('', 'x.yml'), null);
  assert.equal(parseYaml('# only a comment\n', 'x.yml'), null);
});
