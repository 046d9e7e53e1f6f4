// The compose 3.x schema check (src/core/compose/schema.ts), run by
// loadCompose after interpolation as docker/cli's loader (and abra) run it:
// an unknown key or a wrong type names the file and the key path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCompose } from '../../src/core/compose/load.js';
import { validateComposeSchema } from '../../src/core/compose/schema.js';
import { RecipeError } from '../../src/core/errors.js';

const load = (text: string, env: Record<string, string> = {}) => loadCompose([{ file: 'compose.yml', text }], env);
const svc = (body: string) => `version: "3.8"\nservices:\n  app:\n    image: nginx\n${body.replace(/^/gm, '    ')}\n`;

function refused(text: string, message: RegExp, env: Record<string, string> = {}): void {
  assert.throws(
    () => load(text, env),
    (e: unknown) => {
      assert.ok(e instanceof RecipeError, String(e));
      assert.match(e.message, message);
      return true;
    },
  );
}

test('an unknown key is refused with its path, wherever it is', () => {
  refused(svc('imagee: nginx'), /^compose\.yml \(services\.app\.imagee\): Additional property imagee is not allowed$/);
  refused(svc('deploy:\n  replica: 2'), /\(services\.app\.deploy\.replica\): Additional property replica is not allowed/);
  refused(svc('deploy:\n  update_config:\n    orderr: start-first'), /\(services\.app\.deploy\.update_config\.orderr\): Additional property orderr/);
  refused(svc('ports:\n  - target: 80\n    publishd: 8080'), /\(services\.app\.ports\.0\.publishd\): Additional property publishd/);
  refused(svc('healthcheck:\n  intervl: 10s'), /\(services\.app\.healthcheck\.intervl\)/);
  refused(svc('profiles: [debug]'), /Additional property profiles is not allowed/);
  refused('version: "3.8"\nservices: {}\nvolumes:\n  data:\n    drivr: local\n', /\(volumes\.data\.drivr\): Additional property drivr/);
  refused('version: "3.8"\nservices: {}\nsecretz: {}\n', /\(secretz\): Additional property secretz is not allowed/);
});

test('a wrong type is refused in docker\'s words', () => {
  refused(svc('deploy:\n  replicas: many'), /\(services\.app\.deploy\.replicas\): (must be a integer|failed to cast)/);
  refused(svc('deploy:\n  replicas: 1.5'), /\(services\.app\.deploy\.replicas\): must be a integer/);
  refused(svc('command: 5'), /\(services\.app\.command\): must be a string or list/);
  refused(svc('read_only: "yes please"'), /read_only/);
  refused(svc('environment:\n  A: [1]'), /\(services\.app\.environment\.A\): must be a string, number or null/);
  refused(svc('entrypoint: ["/e.sh", 1]'), /\(services\.app\.entrypoint\.1\): must be a string/);
  refused(svc('deploy:\n  resources:\n    limits:\n      memory: 512'), /limits\.memory\): must be a string/);
  refused(svc('networks: proxy'), /\(services\.app\.networks\): must be a list or mapping/);
  refused('version: 3.8\nservices: {}\n', /\(version\): must be a string/);
});

test('a version docker has no schema for is refused; 3, 3.0 to 3.13 and none are read', () => {
  refused('version: "2.4"\nservices: {}\n', /^compose\.yml \(version\): unsupported Compose file version: 2\.4$/);
  refused('version: "3.14"\nservices: {}\n', /unsupported Compose file version: 3\.14/);
  for (const v of ['"3"', '"3.0"', '"3.8"', '"3.13"']) load(`version: ${v}\nservices: {}\n`);
  load('services: {}\n');
});

test('enums and durations are checked', () => {
  refused(svc('deploy:\n  update_config:\n    order: first'), /\(services\.app\.deploy\.update_config\.order\): must be one of the following: "start-first", "stop-first"/);
  refused(svc('stop_grace_period: 10 seconds'), /\(services\.app\.stop_grace_period\): must be a duration/);
  refused(svc('healthcheck:\n  interval: 1m30'), /must be a duration/);
});

test('a service name docker does not accept is refused', () => {
  refused('version: "3.8"\nservices:\n  "my app":\n    image: x\n', /\(services\.my app\): Additional property my app is not allowed/);
});

test('interpolated values are checked after casting, as docker does: placeholders in typed fields pass', () => {
  const c = load(svc('deploy:\n  replicas: ${REPLICAS}\n  update_config:\n    parallelism: ${P:-2}\nports:\n  - target: 80\n    published: ${PORT}\n'), { REPLICAS: '3', PORT: '8080' });
  assert.equal(c.services.app.deploy.replicas, 3);
  // a key kite never models, spelled with a placeholder value, still passes
  load(svc('healthcheck:\n  interval: ${HC:-10s}\n  retries: ${R:-3}'), {});
});

test('x-* extensions are allowed where docker allows them', () => {
  load('version: "3.8"\nx-common: &c {a: 1}\nservices:\n  app:\n    image: x\n    x-note: hi\nnetworks:\n  n:\n    x-n: 1\nvolumes:\n  v:\n    x-v: 1\nsecrets:\n  s:\n    file: ./s\n    x-s: 1\nconfigs:\n  c:\n    file: ./c\n    x-c: 1\n');
  refused(svc('deploy:\n  x-note: hi'), /\(services\.app\.deploy\.x-note\): Additional property x-note/);
});

test('the check names the file it read, and leaves a non-mapping top level to the loader', () => {
  assert.throws(() => validateComposeSchema({ services: { app: { imagee: 'x' } } }, 'compose.prod.yml'), /^RecipeError: compose\.prod\.yml \(services\.app\.imagee\)/);
  assert.doesNotThrow(() => validateComposeSchema(['a'], 'c.yml'));
  assert.throws(() => load('- a\n'), /top-level object must be a mapping/);
});

test('the generated validator is the compiled schema-v3.ts (run scripts/gen-compose-schema.ts after changing it)', async () => {
  const { generate, GENERATED } = await import('../../scripts/gen-compose-schema.js');
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(GENERATED, 'utf8'), generate());
});
