import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvFile, parseTypeValue, appRecipe } from '../../src/core/env-file.js';
import { RecipeError } from '../../src/core/errors.js';

const env = (text: string) => parseEnvFile(text, 'app.env').env;

test('values: unquoted, double-quoted, single-quoted', () => {
  const cases: [string, string][] = [
    ['A=plain', 'plain'],
    ['A=  spaced  ', 'spaced'],
    ['A=', ''],
    ['A=with spaces inside', 'with spaces inside'],
    ['A=a#b', 'a#b'],
    ['A=#notacomment', '#notacomment'],
    ['A="quoted # not a comment"', 'quoted # not a comment'],
    ['A="line\\nbreak"', 'line\nbreak'],
    ['A="say \\"hi\\""', 'say "hi"'],
    ['A="back\\\\slash"', 'back\\slash'],
    ["A='single $HOME \\n'", 'single $HOME \\n'],
    ["A='*/5 * * * *'", '*/5 * * * *'],
    ['A=*', '*'],
    ['A=/ /var/lib/docker', '/ /var/lib/docker'],
    ['A=tcp://socket-proxy:2375', 'tcp://socket-proxy:2375'],
    ["EXTRA_DOMAINS=', `www.example.com`'", ', `www.example.com`'],
    ['A=Host(`a`) || Host(`b`)', 'Host(`a`) || Host(`b`)'],
    ['export A=exported', 'exported'],
    ['  A = spaced key', 'spaced key'],
    ['A=crlf\r', 'crlf'],
  ];
  for (const [line, value] of cases) assert.equal(env(line).A ?? env(line).EXTRA_DOMAINS, value, line);
});

test('blank lines and comments are skipped; later assignments win', () => {
  const parsed = parseEnvFile('# heading\n\nA=1\n   # indented comment\n#A=commented\nB=2\nA=3\n', 'app.env');
  assert.deepEqual(parsed.env, { A: '3', B: '2' });
  assert.deepEqual(parsed.entries, [
    { key: 'A', value: '1', line: 3 },
    { key: 'B', value: '2', line: 6 },
    { key: 'A', value: '3', line: 7 },
  ]);
});

test('expansion refers to keys defined earlier in the file', () => {
  const e = env(
    [
      'COMPOSE_FILE="compose.yml"',
      'COMPOSE_FILE="$COMPOSE_FILE:compose.postgres.yml"',
      'COMPOSE_FILE=${COMPOSE_FILE}:compose.smtp.yml',
      'URL=https://${DOMAIN}/x',
      'DOMAIN=example.com',
      'LATER=$DOMAIN',
      'UNKNOWN=[$NOPE]',
      'LITERAL=\'$DOMAIN\'',
      'ESCAPED="\\$DOMAIN"',
      'NOTAVAR=price $5 and $',
      'HASH=$apr1$Mixed$2y$05$x',
      'MIXED=$Domain ${lower}',
    ].join('\n'),
  );
  assert.equal(e.COMPOSE_FILE, 'compose.yml:compose.postgres.yml:compose.smtp.yml');
  assert.equal(e.URL, 'https:///x', 'DOMAIN was not defined yet');
  assert.equal(e.LATER, 'example.com');
  assert.equal(e.UNKNOWN, '[]');
  assert.equal(e.LITERAL, '$DOMAIN');
  assert.equal(e.ESCAPED, '$DOMAIN');
  assert.equal(e.NOTAVAR, 'price $5 and $');
  assert.equal(e.HASH, '$apr1$Mixed$2y$05$x', 'only upper-case names are variables');
  assert.equal(e.MIXED, '$Domain ${lower}');
});

test('trailing comments: stripped, and their key=value words become modifiers', () => {
  const parsed = parseEnvFile(
    [
      'SECRET_KEY_BASE_VERSION=v1 # length=128',
      'SECRET_HMAC_VERSION=v1       # length=64 charset=hex',
      'SECRET_SMTP_VERSION=v2 # generate=false',
      'SECRET_QUOTED_VERSION="v3" # length=12',
      'PLAIN=value # just a comment',
      'TABBED=value\t# length=5',
    ].join('\n'),
    'app.env',
  );
  assert.deepEqual(parsed.env, {
    SECRET_KEY_BASE_VERSION: 'v1',
    SECRET_HMAC_VERSION: 'v1',
    SECRET_SMTP_VERSION: 'v2',
    SECRET_QUOTED_VERSION: 'v3',
    PLAIN: 'value',
    TABBED: 'value',
  });
  assert.deepEqual(parsed.modifiers, {
    SECRET_KEY_BASE_VERSION: { length: '128' },
    SECRET_HMAC_VERSION: { length: '64', charset: 'hex' },
    SECRET_SMTP_VERSION: { generate: 'false' },
    SECRET_QUOTED_VERSION: { length: '12' },
    TABBED: { length: '5' },
  });
});

test('modifiers follow the last assignment of a key', () => {
  const parsed = parseEnvFile('S=v1 # length=10\nS=v2\nT=v1\nT=v2 # length=3\n', 'app.env');
  assert.deepEqual(parsed.modifiers, { T: { length: '3' } });
});

test('double-quoted values may span lines', () => {
  const parsed = parseEnvFile('KEY="line1\nline2"\nNEXT=1\n', 'app.env');
  assert.deepEqual(parsed.env, { KEY: 'line1\nline2', NEXT: '1' });
  assert.equal(parsed.entries[1].line, 3);
});

test('malformed lines throw RecipeError naming file and line', () => {
  const cases: [string, number, RegExp][] = [
    ['A=1\nNOEQUALS\n', 2, /no "="/],
    ['A=1\n\nBAD-KEY=1\n', 3, /invalid variable name "BAD-KEY"/],
    ['KEY NAME=1', 1, /invalid variable name/],
    ['A="unterminated\n', 1, /unterminated double-quoted value for A/],
    ["A='unterminated", 1, /unterminated single-quoted/],
    ['A="x" trailing', 1, /unexpected text after the closing quote/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(
      () => parseEnvFile(text, 'servers/s/app.env'),
      (e: unknown) => {
        assert.ok(e instanceof RecipeError, text);
        assert.match(e.message, new RegExp(`^servers/s/app\\.env:${line}: `), text);
        assert.match(e.message, message, text);
        return true;
      },
    );
  }
});

test('a byte-order mark is ignored', () => {
  assert.deepEqual(env('\uFEFFTYPE=x\n'), { TYPE: 'x' });
});

test('parseTypeValue splits a trailing version only', () => {
  const cases: [string, { recipe: string; version?: string }][] = [
    ['custom-html', { recipe: 'custom-html' }],
    ['custom-html:1.7.1+1.27.2', { recipe: 'custom-html', version: '1.7.1+1.27.2' }],
    ['bonfire:2.0.1+1.0.6-social-amd64', { recipe: 'bonfire', version: '2.0.1+1.0.6-social-amd64' }],
    ['nextcloud:a1b2c3d4+U', { recipe: 'nextcloud', version: 'a1b2c3d4+U' }],
    ['mygit.org/myorg/cool-recipe', { recipe: 'mygit.org/myorg/cool-recipe' }],
    ['mygit.org/myorg/cool-recipe:1.0.0', { recipe: 'mygit.org/myorg/cool-recipe', version: '1.0.0' }],
    ['mygit.org:2222/myorg/cool-recipe', { recipe: 'mygit.org:2222/myorg/cool-recipe' }],
    ['mygit.org:2222', { recipe: 'mygit.org:2222' }],
    ['https://git.example.com/recipe', { recipe: 'https://git.example.com/recipe' }],
    ['ssh://git@host:22/org/recipe:0.3.0+1.2', { recipe: 'ssh://git@host:22/org/recipe', version: '0.3.0+1.2' }],
    ['recipe:', { recipe: 'recipe:' }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseTypeValue(input), expected, input);
});

test('appRecipe prefers RECIPE over TYPE', () => {
  assert.deepEqual(appRecipe({ TYPE: 'a:1.0.0', RECIPE: 'b:2.0.0' }), { recipe: 'b', version: '2.0.0' });
  assert.deepEqual(appRecipe({ TYPE: 'a' }), { recipe: 'a' });
  assert.deepEqual(appRecipe({ RECIPE: '', TYPE: 'a' }), { recipe: 'a' });
  assert.equal(appRecipe({ DOMAIN: 'x' }), undefined);
});
