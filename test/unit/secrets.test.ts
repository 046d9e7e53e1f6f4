import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appSecrets, checkSecretName, generateSecretValue, secretEnvKey } from '../../src/core/secrets.js';
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
  const v = generateSecretValue(api, (n) => randomBytes(n));
  assert.match(v, /^[0-9a-f]{64}$/);
  const plain = generateSecretValue({ ...api, length: undefined, charset: 'default' }, (n) => randomBytes(n));
  assert.match(plain, /^[A-Za-z0-9]{32}$/);
});

test('secret names over 64 characters are refused', () => {
  assert.throws(() => checkSecretName({ name: 'x', version: 'v1', envKey: 'SECRET_X_VERSION', remoteName: 'a'.repeat(65), charset: 'default', generate: true }), /65 characters; Docker allows 64/);
});
