// Create an app: copy the recipe's .env.sample to servers/<server>/<domain>.env
// with the domain filled in (abra's substitution), optionally generating its
// secrets. If secret generation fails, the env file is removed again.

import { rmSync, existsSync } from 'node:fs';
import type { AbraDir } from '../adapters/abra-dir.js';
import type { DockerPort } from '../ports/docker.js';
import { ConflictError, NotFoundError, RecipeError, UsageError } from '../core/errors.js';
import { domainProblem } from '../core/domain.js';
import { setEnvValue } from '../core/env-edit.js';
import { parseEnvFile } from '../core/env-file.js';
import { loadAppRef } from './load-app.js';
import { generateSecrets, type GeneratedSecret } from './secret-generate.js';

export interface AppNewInput {
  recipe: string;
  server: string;
  domain: string;
  secrets?: boolean;
}

export interface AppCreated {
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

export async function newApp(dir: AbraDir, input: AppNewInput, connect: (server: string) => Promise<DockerPort>): Promise<AppCreated> {
  const badDomain = domainProblem(input.domain);
  if (badDomain) throw new UsageError(badDomain, 'pass a domain such as cloud.example.com');
  const taken = dir.listApps().find((a) => a.domain === input.domain);
  if (taken) throw new ConflictError(`app ${input.domain} already exists on server ${taken.server}`, `edit it with \`kite app config ${input.domain}\``);
  if (!dir.hasServer(input.server)) throw new NotFoundError(`unknown server ${input.server}`, `add it first with \`kite server add ${input.server}\``);
  dir.requireRecipe(input.recipe);
  const sample = dir.readRecipeFile(input.recipe, '.env.sample');
  if (sample === undefined) throw new RecipeError('the recipe has no .env.sample', `${dir.recipeDir(input.recipe)}/.env.sample`, undefined, 'ask the recipe maintainer to add one (lint R008)');

  const path = dir.appPath(input.server, input.domain);
  const text = envFromSample(sample, input.recipe, input.domain);
  parseEnvFile(text, path); // refuse to write a file we could not read back
  dir.writeEnvFile(path, text);
  let secrets: GeneratedSecret[] = [];
  try {
    // loading validates the compose files (abra does this at `app new` too)
    const app = loadAppRef(dir, { domain: input.domain, server: input.server, path });
    if (input.secrets) {
      const docker = await connect(input.server);
      secrets = await generateSecrets(app, docker, { all: true });
    }
  } catch (e) {
    if (existsSync(path)) rmSync(path);
    throw e;
  }
  return { domain: input.domain, server: input.server, path, secrets };
}
