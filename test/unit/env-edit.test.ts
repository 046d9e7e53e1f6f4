import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setEnvValue } from '../../src/core/env-edit.js';
import { parseEnvFile } from '../../src/core/env-file.js';

const SAMPLE = [
  'TYPE=custom-html',
  '',
  '# the domain',
  'DOMAIN=custom-html.example.com',
  '## Domain aliases',
  "#EXTRA_DOMAINS=', `www.custom-html.example.com`'",
  'LETS_ENCRYPT_ENV=production',
  'SECRET_DB_VERSION=v1 # length=32',
  'QUOTED="a value"   # keep me',
  "SINGLE='literal'",
  'export EXPORTED=1',
  '',
].join('\n');

test('rewrites only the value of the assignment, byte for byte elsewhere', () => {
  const out = setEnvValue(SAMPLE, 'TYPE', 'custom-html:1.7.1+1.27.2');
  assert.equal(out, SAMPLE.replace('TYPE=custom-html\n', 'TYPE=custom-html:1.7.1+1.27.2\n'));
});

test('keeps trailing comments, modifiers, quoting style and export prefix', () => {
  let out = setEnvValue(SAMPLE, 'SECRET_DB_VERSION', 'v2');
  assert.ok(out.includes('SECRET_DB_VERSION=v2 # length=32\n'));
  assert.deepEqual(parseEnvFile(out, 'x').modifiers.SECRET_DB_VERSION, { length: '32' });
  out = setEnvValue(SAMPLE, 'QUOTED', 'new value');
  assert.ok(out.includes('QUOTED="new value"   # keep me\n'));
  out = setEnvValue(SAMPLE, 'SINGLE', '$not expanded');
  assert.ok(out.includes("SINGLE='$not expanded'\n"));
  out = setEnvValue(SAMPLE, 'EXPORTED', '2');
  assert.ok(out.includes('export EXPORTED=2\n'));
});

test('only the last assignment changes; commented lines are not assignments', () => {
  const text = 'COMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"\n#TYPE=old\n';
  const out = setEnvValue(text, 'COMPOSE_FILE', 'compose.yml');
  assert.equal(out, 'COMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="compose.yml"\n#TYPE=old\n');
  assert.equal(setEnvValue(text, 'TYPE', 'x'), `${text}TYPE=x\n`);
});

test('appends KEY=value when absent, adding a newline if needed', () => {
  assert.equal(setEnvValue('A=1\n', 'B', '2'), 'A=1\nB=2\n');
  assert.equal(setEnvValue('A=1', 'B', '2'), 'A=1\nB=2\n');
  assert.equal(setEnvValue('', 'B', '2'), 'B=2\n');
});

test('values that need quoting read back exactly', () => {
  const values = [
    '',
    'with space',
    ', `www.example.com`',
    '$HOME',
    "it's",
    'a # b',
    ' padded ',
    'multi\nline',
    'back\\slash "and quotes"',
    'Host(`a`) || Host(`b`)',
  ];
  for (const style of ['K=x\n', 'K="x"\n', "K='x'\n"]) {
    for (const value of values) {
      const out = setEnvValue(`A=1\n${style}Z=2\n`, 'K', value);
      assert.deepEqual(parseEnvFile(out, 'x').env, { A: '1', K: value, Z: '2' }, `${style.trim()} ← ${JSON.stringify(value)}`);
    }
  }
});

test('the multi-line value of a quoted assignment is replaced whole', () => {
  const out = setEnvValue('A="one\ntwo" # note\nB=1\n', 'A', 'x');
  assert.equal(out, 'A="x" # note\nB=1\n');
});
