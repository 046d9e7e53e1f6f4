// Every recipe of the compatibility corpus (../shared/recipes-corpus, real
// public recipes) must load: .env.sample parses, and compose.yml loads alone,
// with each overlay, with all overlays at once, and with the sample's own
// COMPOSE_FILE — and converts to Swarm specs with abra's labels applied.
// Files referenced by `configs:` need not exist.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from '../../src/core/env-file.js';
import { composeFilesFor } from '../../src/core/compose-files.js';
import { loadCompose } from '../../src/core/compose/load.js';
import { stackName } from '../../src/core/stack-name.js';
import { convertStack } from '../../src/core/convert/stack.js';
import { applyAbraConventions } from '../../src/core/abra-labels.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = join(REPO_ROOT, '../shared/recipes-corpus');
// every developer and CI run has ../shared: a missing corpus is a failure, not a skip
assert.ok(existsSync(CORPUS), `recipe corpus not found at ${CORPUS}`);
const recipes = readdirSync(CORPUS).filter((name) => statSync(join(CORPUS, name)).isDirectory());

/** Upstream recipe bugs that make a combination undeployable (docker refuses it as well). */
const KNOWN_DEFECTS = [
  {
    recipe: 'bonfire',
    file: 'compose.auth.github.yml',
    error: /services\.app\.secrets: secret "github_client_secret" is not declared/,
    why: 'the overlay declares oauth_client_secret but mounts github_client_secret',
  },
];

/** compose*.yml files anywhere in the recipe, as paths relative to it. */
function composeFiles(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((entry) => {
    const path = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return composeFiles(dir, path);
    return /^compose.*\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

function sampleEnv(dir: string, recipe: string): { env: Record<string, string>; sample: string } {
  const sample = ['.env.sample', 'deploy/.env.sample'].map((p) => join(dir, p)).find((p) => existsSync(p));
  assert.ok(sample, `${recipe} has no .env.sample`);
  const parsed = parseEnvFile(readFileSync(sample, 'utf8'), relative(CORPUS, sample));
  const domain = `${recipe}.example.com`;
  return { env: { ...parsed.env, DOMAIN: domain, STACK_NAME: stackName(domain) }, sample };
}

test('the corpus is there', () => {
  assert.ok(recipes.length >= 10, `expected at least 10 recipes, found ${recipes.length}`);
});

for (const recipe of recipes) {
  test(`corpus: ${recipe} loads alone and with every overlay`, () => {
    const dir = join(CORPUS, recipe);
    const { env } = sampleEnv(dir, recipe);
    const files = composeFiles(dir);
    assert.ok(files.includes('compose.yml'), `${recipe} has no compose.yml`);
    const overlays = files.filter((f) => f !== 'compose.yml');
    // An overlay may only make sense on top of another one (bonfire's
    // postgres/compose.postgres.tune.yml extends compose.postgres.yml's db),
    // so images are only required of complete combinations.
    const combos: [string[], boolean][] = [
      [['compose.yml'], true],
      ...overlays.map((overlay): [string[], boolean] => [['compose.yml', overlay], false]),
      [['compose.yml', ...overlays], true],
      // and everything that is not known to be broken, so conversion covers it all
      [['compose.yml', ...overlays.filter((o) => !KNOWN_DEFECTS.some((d) => d.recipe === recipe && d.file === o))], true],
      [composeFilesFor(env, readdirSync(dir)), true],
    ];
    for (const [combo, complete] of combos) {
      const sources = combo.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
      const config = loadCompose(sources, env);
      const services = Object.entries(config.services);
      assert.ok(services.length > 0, `${combo.join(':')}: no services`);
      for (const [key, service] of services) {
        assert.equal(service.name, key, `${combo.join(':')}: service ${key} is named`);
        if (complete) assert.ok(service.image, `${combo.join(':')}: service ${key} has an image`);
      }
      if (!complete) continue;
      const stack = env.STACK_NAME;
      const convert = () => convertStack(stack, applyAbraConventions(config, { stack, recipe, version: '1.0.0+test', chaos: false }, env));
      const defect = KNOWN_DEFECTS.find((d) => d.recipe === recipe && combo.includes(d.file));
      if (defect) {
        // docker stack deploy refuses these too: the error must name the defect
        assert.throws(convert, defect.error, `${combo.join(':')}: ${defect.why}`);
        continue;
      }
      const spec = convert();
      assert.equal(spec.services.length, services.length, `${combo.join(':')}: every service converts`);
      for (const s of spec.services) {
        assert.equal(s.spec.Labels?.['com.docker.stack.namespace'], stack);
        assert.ok(s.spec.TaskTemplate.ContainerSpec.Image, `${combo.join(':')}: ${s.name} has an image`);
      }
    }
  });
}

test('corpus: bonfire accumulates COMPOSE_FILE and names its secrets', () => {
  const dir = join(CORPUS, 'bonfire');
  const { env } = sampleEnv(dir, 'bonfire');
  const files = composeFilesFor(env);
  assert.deepEqual(files, ['compose.yml', 'compose.postgres.yml']);
  const config = loadCompose(files.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') })), env);
  assert.equal(config.secrets.secret_key_base.name, 'bonfire_example_com_secret_key_base_v1');
  assert.equal(config.secrets.postgres_password.external, true);
  assert.equal(config.configs.app_entrypoint.template_driver, 'golang');
  const app = config.services.app;
  assert.equal(app.environment.POSTGRES_HOST, 'bonfire_example_com_db');
  assert.equal(app.environment.POSTGRES_DB, 'bonfire_db', 'from the <<: *postgres-env merge key');
  assert.equal(app.environment.UPLOAD_LIMIT, '20000000', 'bare entry takes the env value');
  assert.equal(app.environment.SENTRY_DSN, null, 'bare entry without env value stays null');
  assert.equal(app.deploy.labels['coop-cloud.bonfire_example_com.timeout'], '300');
  assert.deepEqual(app.configs, [{ source: 'app_entrypoint', target: '/docker-entrypoint.sh', mode: 0o555 }]);
  assert.deepEqual(config.services.db.healthcheck?.test, ['CMD-SHELL', 'pg_isready -h localhost -U $POSTGRES_USER']);
  assert.equal(config.services.db.deploy.labels['backupbot.backup'], 'true');
  assert.deepEqual(app.ignored, ['depends_on']);
});

test('corpus: traefik host-mode overlay replaces the published ports', () => {
  const dir = join(CORPUS, 'traefik-2021');
  const { env } = sampleEnv(dir, 'traefik-2021');
  const files = ['compose.yml', 'compose.host.yml'];
  const config = loadCompose(files.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') })), env);
  assert.deepEqual(
    config.services.app.ports.map((p) => `${p.mode}:${p.published}:${p.target}`),
    ['host:80:80', 'host:443:443', 'host:2222:2222'],
  );
});

test('corpus: llamenos secret modifiers', () => {
  const text = readFileSync(join(CORPUS, 'llamenos/.env.sample'), 'utf8');
  const parsed = parseEnvFile(text, '.env.sample');
  assert.deepEqual(parsed.modifiers.SECRET_HMAC_SECRET_VERSION, { length: '64', charset: 'hex' });
  assert.equal(parsed.env.SECRET_DB_PASSWORD_VERSION, 'v1');
});
