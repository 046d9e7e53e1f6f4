// Lint over the compatibility corpus (../shared/recipes-corpus: real public
// recipes, plain directories without git): every recipe lints without an
// internal error, git-based rules are skipped, and the findings below are
// ones a recipe maintainer would agree with:
//   - traefik-2021 publishes 80/443 (and more in overlays, host mode too) → K002
//   - the 2025 template's version label is empty → R006; no critical failure
//   - gaseous: label 0.1.0+4.3.1 → R006 ok; `mariadb` untagged → R003; `:latest` → R004/R005
//   - bore's label `0.0.1` is not a recipe version → R006
//   - nodex-next keeps .env.sample under deploy/ → R008 (critical)
//   - healthcheck-abramon has no DOMAIN → R010 skipped; its config version
//     lives in .env.sample → R012 satisfied with a note
//   - bonfire: `search` has no healthcheck → R002; s3 secret names too long → R015
//   - traefik-2021 config versions are not in an abra.sh (the corpus has none) → R012
//   - foodsharing-cms has no README metadata block → R007

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecipeFiles } from '../../src/adapters/recipe-files.js';
import { lintRecipe, criticalFailures } from '../../src/core/lint/index.js';
import type { LintResult } from '../../src/core/lint/types.js';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/recipes-corpus');

async function lint(name: string): Promise<Map<string, LintResult>> {
  const results = lintRecipe(await readRecipeFiles(join(CORPUS, name), name));
  return new Map(results.map((r) => [r.ref, r]));
}
const failed = (r: LintResult | undefined) => Boolean(r && !r.satisfied && !r.skipped);

test('corpus: every recipe lints, loads (K001) and skips the git rules', async () => {
  assert.ok(existsSync(CORPUS), `recipe corpus not found at ${CORPUS}`);
  const names = readdirSync(CORPUS).filter((n) => statSync(join(CORPUS, n)).isDirectory());
  assert.ok(names.length >= 10, `only ${names.length} recipes`);
  for (const name of names) {
    const files = await readRecipeFiles(join(CORPUS, name), name);
    assert.equal(files.git, undefined, `${name} is not a git repository`);
    const results = lintRecipe(files);
    assert.equal(results.length, 24, name);
    for (const r of results) assert.ok(!r.details.some((d) => d.startsWith('could not check')), `${name} ${r.ref}: ${r.details}`);
    const by = new Map(results.map((r) => [r.ref, r]));
    assert.ok(by.get('K007')!.satisfied, `${name}: ${by.get('K007')!.details}`);
    // real recipes pass abra's schema check as written (they get past abra app new)
    assert.ok(by.get('K008')!.satisfied, `${name}: ${by.get('K008')!.details}`);
    if (name === 'bonfire') {
      // a real defect: compose.auth.github.yml declares oauth_client_secret but mounts github_client_secret
      assert.ok(failed(by.get('K001')), 'bonfire: K001 names the github overlay');
      assert.ok(by.get('K001')!.details.every((d) => d.includes('compose.auth.github.yml') && d.includes('github_client_secret')), `${by.get('K001')!.details}`);
    } else {
      assert.ok(by.get('K001')!.satisfied, `${name}: ${by.get('K001')!.details}`);
    }
    for (const ref of ['R013', 'R014', 'K004']) assert.ok(by.get(ref)!.skipped, `${name} ${ref} skipped`);
  }
});

test('corpus: traefik-2021 publishes ports (K002), in compose.yml and in overlays, host mode included', async () => {
  const k002 = (await lint('traefik-2021')).get('K002');
  assert.ok(failed(k002));
  assert.ok(k002!.details.includes('app: port 80 → 80/tcp (ingress mode) in compose.yml'));
  assert.ok(k002!.details.includes('app: port 443 → 443/tcp (ingress mode) in compose.yml'));
  assert.ok(k002!.details.includes('app: port 443 → 443/tcp (host mode) in compose.host.yml'));
  assert.ok(k002!.details.includes('app: port 587 → 587/tcp (ingress mode) in compose.smtp.yml'));
});

test('corpus: traefik-2021 config versions are not vendored in abra.sh (R012)', async () => {
  const r012 = (await lint('traefik-2021')).get('R012');
  assert.ok(failed(r012));
  assert.ok(r012!.details.some((d) => d.startsWith('config traefik_yml (compose.yml): TRAEFIK_YML_VERSION is not exported')));
});

test('corpus: the 2025 template has an empty version label (R006) and no critical failure', async () => {
  const by = await lint('example-template-recipe-new-output-2025');
  assert.ok(failed(by.get('R006')));
  assert.match(by.get('R006')!.details[0], /version label is empty/);
  assert.deepEqual(criticalFailures([...by.values()]), []);
  for (const ref of ['R002', 'R003', 'R004', 'R005', 'R007', 'R009', 'R010', 'R011', 'K002', 'K003', 'K005']) assert.ok(by.get(ref)!.satisfied, ref);
});

test('corpus: gaseous is released (R006) but has an untagged and a latest image', async () => {
  const by = await lint('gaseous');
  assert.ok(by.get('R006')!.satisfied);
  assert.deepEqual(by.get('R003')!.details, ['db: mariadb has no tag']);
  assert.deepEqual(by.get('R004')!.details, ['app: gaseousgames/gaseousserver:latest']);
  assert.ok(failed(by.get('R005')));
});

test("corpus: bore's version label 0.0.1 is not a published recipe version (R006)", async () => {
  const r006 = (await lint('bore')).get('R006');
  assert.ok(failed(r006));
  assert.match(r006!.details[0], /"0\.0\.1"/);
});

test('corpus: nodex-next has no .env.sample at the recipe root (R008, critical)', async () => {
  const by = await lint('nodex-next');
  assert.ok(failed(by.get('R008')));
  assert.deepEqual(criticalFailures([...by.values()]).map((r) => r.ref), ['R008']);
});

test('corpus: healthcheck-abramon is not a web app (R010 skipped), keeps its config version in .env.sample (R012 note)', async () => {
  const by = await lint('healthcheck-abramon');
  assert.ok(by.get('R010')!.skipped);
  assert.ok(by.get('R012')!.satisfied);
  assert.match(by.get('R012')!.details[0], /HEALTHCHECK_VERSION is set in \.env\.sample/);
});

test('corpus: bonfire — search has no healthcheck (R002), long s3 secret names (R015)', async () => {
  const by = await lint('bonfire');
  assert.deepEqual(by.get('R002')!.details, ['search: no healthcheck']);
  assert.ok(by.get('R015')!.details.some((d) => d.startsWith('secret uploads_s3_secret_access_key (compose.s3.yml): 77 characters')));
  assert.ok(by.get('R006')!.satisfied);
  assert.ok(by.get('K005')!.satisfied);
});

test('corpus: foodsharing-cms README has no metadata block (R007)', async () => {
  const r007 = (await lint('foodsharing-cms')).get('R007');
  assert.ok(failed(r007));
});
