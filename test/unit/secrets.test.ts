import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { appSecrets, checkSecretName, generateSecretValue, secretEnvKey } from '../../src/core/secrets.js';
import { generatePassphrase, passphraseEntropyBits, PASSPHRASE_LIST, PASSPHRASE_WORDS } from '../../src/core/passphrase.js';
import type { ComposeConfig } from '../../src/core/compose/types.js';

const cfg = {
  services: {},
  networks: {},
  volumes: {},
  configs: {},
  secrets: {
    db_password: { external: true, name: 'app_example_com_db_password_v2', labels: {} },
    api_key: { external: true, name: 'app_example_com_api_key_v1', labels: {} },
    smtp: { external: true, name: 'app_example_com_smtp_v1', labels: {} },
  },
} as unknown as ComposeConfig;

test('secrets come from the compose file with versions and modifiers from the env', () => {
  const s = appSecrets(cfg, 'app_example_com', { SECRET_DB_PASSWORD_VERSION: 'v2' }, {
    SECRET_API_KEY_VERSION: { length: '64', charset: 'hex' },
    SECRET_SMTP_VERSION: { generate: 'false' },
  });
  assert.deepEqual(s.map((x) => [x.name, x.version, x.remoteName, x.length, x.charset, x.generate]), [
    ['api_key', 'v1', 'app_example_com_api_key_v1', 64, 'hex', true],
    ['db_password', 'v2', 'app_example_com_db_password_v2', undefined, 'default', true],
    ['smtp', 'v1', 'app_example_com_smtp_v1', undefined, 'default', false],
  ]);
  assert.equal(secretEnvKey('db_password'), 'SECRET_DB_PASSWORD_VERSION');
});

test('a bad length modifier names the env key', () => {
  assert.throws(() => appSecrets(cfg, 's', {}, { SECRET_API_KEY_VERSION: { length: 'many' } }), /SECRET_API_KEY_VERSION.*invalid length=many/);
});

test('generated values honour length and charset', () => {
  const [api] = appSecrets(cfg, 's', {}, { SECRET_API_KEY_VERSION: { length: '64', charset: 'hex' } });
  assert.match(generateSecretValue(api, randomInt), /^[0-9a-f]{64}$/);
  assert.match(generateSecretValue({ ...api, length: 20, charset: 'default' }, randomInt), /^[A-Za-z0-9]{20}$/);
  assert.match(generateSecretValue({ ...api, length: 40, charset: 'alnum' }, randomInt), /^[A-Za-z0-9]{40}$/);
  assert.match(generateSecretValue({ ...api, length: 200, charset: 'safespecial' }, randomInt), /^[A-Za-z0-9!@#%^*_\-+=]{200}$/);
  // a charset without length= still gets that charset, at the default length
  assert.match(generateSecretValue({ ...api, length: undefined, charset: 'hex' }, randomInt), /^[0-9a-f]{32}$/);
});

test('without length= a secret is a passphrase of words (abra: GeneratePassphrases), not alphanumeric', () => {
  const [, db] = appSecrets(cfg, 's', {}, {});
  assert.equal(db.length, undefined);
  const words = new Set(PASSPHRASE_LIST);
  for (let i = 0; i < 200; i++) {
    const v = generateSecretValue(db, randomInt);
    const parts = v.split('-');
    assert.equal(parts.length, PASSPHRASE_WORDS, v);
    assert.ok(PASSPHRASE_WORDS >= 6);
    for (const w of parts) assert.ok(words.has(w), `${w} is a list word`);
  }
  // an unknown charset without length= is the default: a passphrase too
  assert.equal(generateSecretValue({ ...db, charset: 'nonsense' }, randomInt).split('-').length, PASSPHRASE_WORDS);
});

test('the word list: at least 2048 distinct lowercase words, so the passphrase carries at least 64 bits', () => {
  assert.ok(PASSPHRASE_LIST.length >= 2048);
  assert.equal(new Set(PASSPHRASE_LIST).size, PASSPHRASE_LIST.length);
  for (const w of PASSPHRASE_LIST) assert.match(w, /^[a-z]{3,8}$/); // no separator inside a word
  assert.ok(passphraseEntropyBits() >= 64, `${passphraseEntropyBits()} bits`);
  assert.equal(passphraseEntropyBits(6, 2048), 66);
});

test('words are drawn uniformly from the whole list with the injected randomInt', () => {
  // the generator asks for indices below the list size and uses each as given
  const asked: number[] = [];
  const seq = [0, PASSPHRASE_LIST.length - 1, 1, 2, 3, 4];
  let i = 0;
  const v = generatePassphrase((max) => (asked.push(max), seq[i++]));
  assert.deepEqual(asked, Array(PASSPHRASE_WORDS).fill(PASSPHRASE_LIST.length));
  assert.equal(v, seq.map((n) => PASSPHRASE_LIST[n]).join('-'));
  // distribution sanity with crypto.randomInt: first word over 8 buckets, chi-square well below the 0.1% critical value
  const buckets = new Array(8).fill(0);
  const n = 16000;
  const index = new Map(PASSPHRASE_LIST.map((w, k) => [w, k]));
  for (let k = 0; k < n; k++) buckets[Math.floor((index.get(generatePassphrase(randomInt).split('-')[0])! * 8) / PASSPHRASE_LIST.length)]++;
  const chi = buckets.reduce((a, b) => a + (b - n / 8) ** 2 / (n / 8), 0);
  assert.ok(chi < 24.3, `chi-square ${chi.toFixed(1)} over ${buckets}`);
  // no two of 2000 passphrases are equal
  assert.equal(new Set(Array.from({ length: 2000 }, () => generatePassphrase(randomInt))).size, 2000);
});

test('secret names over 64 characters are refused', () => {
  assert.throws(() => checkSecretName({ name: 'x', version: 'v1', envKey: 'SECRET_X_VERSION', remoteName: 'a'.repeat(65), charset: 'default', generate: true }), /65 characters; Docker allows 64/);
});
