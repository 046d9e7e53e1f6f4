// Create an app: copy the recipe's .env.sample to servers/<server>/<domain>.env
// with the domain filled in (abra's substitution), optionally generating its
// secrets. If loading the app or secret generation fails, the env file is
// removed again, unless some secrets were stored for it already: then it is
// kept with them (their values travel with the error, to be shown).
// A domain whose stack name another app of the server has is refused.

import type { Ports } from '../ports/index.js';
import type { SecretStore } from '../ports/secret-store.js';
import { ConflictError, NotFoundError, RecipeError, UsageError } from '../core/errors.js';
import { domainProblem } from '../core/domain.js';
import { setEnvValue } from '../core/env-edit.js';
import { parseEnvFile } from '../core/env-file.js';
import { loadAppRef } from './load-app.js';
import { ensureRecipe } from './recipe-ensure.js';
import type { RecipeSnapshot } from '../ports/recipe-repo.js';
import { latestVersion } from '../core/versions.js';
import { generateSecrets, SecretsPartlyGenerated, type GeneratedSecret } from './secret-generate.js';
import { assertStackFree, lockApp } from './stack-owner.js';

export interface AppNewInput {
  recipe: string;
  server: string;
  domain: string;
  secrets?: boolean;
  /** release to use (default: the latest release) */
  version?: string;
  offline?: boolean;
  /** `--pass`: also store the generated secrets here */
  store?: SecretStore;
}

export interface AppCreated {
  recipe: string;
  /** the release the env file records (TYPE=recipe:version), if the recipe has releases */
  version?: string;
  /** where the recipe came from (remote, or the local clone offline) */
  source: string;
  warnings: string[];
  domain: string;
  server: string;
  path: string;
  secrets: GeneratedSecret[];
}

/** `.env.sample` with the domain substituted: DOMAIN=, then `<recipe>.example.com` anywhere. */
export function envFromSample(sample: string, recipe: string, domain: string): string {
  let text = sample.split(`${recipe}.example.com`).join(domain);
  const parsed = parseEnvFile(text, '.env.sample');
  if ('DOMAIN' in parsed.env) text = setEnvValue(text, 'DOMAIN', domain);
  return text;
}

export async function newApp(ports: Pick<Ports, 'apps' | 'recipes' | 'recipeFiles' | 'docker' | 'host' | 'clock'>, input: AppNewInput): Promise<AppCreated> {
  const dir = ports.apps;
  const badDomain = domainProblem(input.domain);
  if (badDomain) throw new UsageError(badDomain, 'pass a domain such as cloud.example.com');
  const taken = dir.listApps().find((a) => a.domain === input.domain);
  if (taken) throw new ConflictError(`app ${input.domain} already exists on server ${taken.server}`, `edit it with \`kite app config ${input.domain}\``);
  if (!dir.hasServer(input.server)) throw new NotFoundError(`unknown server ${input.server}`, `add it first with \`kite server add ${input.server}\``);
  assertStackFree(dir, input.server, input.domain);
  // like abra: fetch the recipe, and read the release the app starts from (from a
  // private snapshot: unlike abra, kite never checks the shared clone out)
  const recipe = await ensureRecipe(ports, input.recipe, Boolean(input.offline));
  let version: string | undefined;
  let snapshot: RecipeSnapshot | undefined;
  if (recipe.repo) {
    if (input.version && !recipe.versions.versions.some((v) => v.tag === input.version)) {
      throw new NotFoundError(`recipe ${input.recipe} has no release ${input.version}`, `known releases: ${recipe.versions.versions.map((v) => v.tag).join(', ') || 'none'}`);
    }
    version = input.version ?? latestVersion(recipe.versions)?.tag;
    if (version) {
      if (await recipe.repo.isDirty()) throw new ConflictError(`recipe ${input.recipe} has locally unstaged changes`, 'commit or reset them before creating an app from a release');
      snapshot = await recipe.repo.snapshot(version);
    }
  } else if (input.version) {
    throw new ConflictError(`recipe ${input.recipe} is not a git repository, so it has no release ${input.version}`);
  }
  const from = snapshot?.dir ?? recipe.dir;
  try {
    const sample = ports.recipeFiles.readText(from, '.env.sample');
    if (sample === undefined) throw new RecipeError('the recipe has no .env.sample', `${recipe.dir}/.env.sample`, undefined, 'ask the recipe maintainer to add one (lint R008)');

    const path = dir.appPath(input.server, input.domain);
    let text = envFromSample(sample, input.recipe, input.domain);
    if (version) {
      const env = parseEnvFile(text, '.env.sample').env;
      text = setEnvValue(text, 'RECIPE' in env && !('TYPE' in env) ? 'RECIPE' : 'TYPE', `${input.recipe}:${version}`);
    }
    parseEnvFile(text, path); // refuse to write a file we could not read back
    dir.writeEnvFile(path, text);
    let secrets: GeneratedSecret[] = [];
    const lockWarnings: string[] = [];
    try {
      // loading validates the compose files (abra does this at `app new` too)
      const ref = { domain: input.domain, server: input.server, path };
      const app = loadAppRef(ports, ref, from);
      if (input.secrets) {
        // creating secrets changes the app on the server: under its lock, as every mutation
        const docker = await ports.docker(input.server);
        const lock = await lockApp(ports, ref, docker, 'new --secrets', { onWarning: (m) => lockWarnings.push(m) });
        try {
          secrets = await generateSecrets(app, docker, { all: true, store: input.store });
        } finally {
          await lock.release();
        }
      }
    } catch (e) {
      if (e instanceof SecretsPartlyGenerated) {
        e.hint = `${path} was kept: the secrets above belong to it; ${e.hint}`;
        throw e;
      }
      if (dir.exists(path)) dir.removeEnvFile(path);
      throw e;
    }
    return { recipe: input.recipe, version, source: recipe.source, warnings: [...recipe.warnings, ...lockWarnings], domain: input.domain, server: input.server, path, secrets };
  } finally {
    snapshot?.dispose();
  }
}
