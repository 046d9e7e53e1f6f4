// What a recipe release runs: the compose files at the release tag, read
// with `git show <tag>:<file>` (the working tree is never checked out),
// interpolated with the tag's .env.sample (plus abra.sh exports, a DOMAIN
// and its STACK_NAME when the sample has none) → each service's image.

import type { RecipeRepo } from '../ports/recipe-repo.js';
import { readAbraShExports } from '../core/abra-sh.js';
import { serviceImage } from '../core/catalogue-entry.js';
import { composeFilesFor, DEFAULT_COMPOSE_FILE, LEGACY_COMPOSE_FILE } from '../core/compose-files.js';
import { loadCompose } from '../core/compose/load.js';
import { parseEnvFile } from '../core/env-file.js';
import { stackName } from '../core/stack-name.js';

export interface ReleaseService {
  /** image name as written, without tag or digest */
  image: string;
  tag: string;
  /** a digest written into the compose file (`image@sha256:…`) */
  pinned?: string;
}

export type ReleaseRead = { ok: true; services: Record<string, ReleaseService> } | { ok: false; problem: string };

/** The env compose files are interpolated with when there is no app: .env.sample's, plus abra.sh exports. */
export function sampleEnv(recipe: string, envSample: string | undefined, abraSh: string | undefined): Record<string, string> {
  const env = envSample === undefined ? {} : parseEnvFile(envSample, '.env.sample').env;
  Object.assign(env, abraSh ? readAbraShExports(abraSh) : {});
  if (!env.DOMAIN) env.DOMAIN = `${recipe}.example.com`;
  env.STACK_NAME = stackName(env.DOMAIN);
  return env;
}

export async function readRelease(repo: RecipeRepo, recipe: string, tag: string): Promise<ReleaseRead> {
  const ref = `refs/tags/${tag}`;
  try {
    const env = sampleEnv(recipe, await repo.readAt(ref, '.env.sample'), await repo.readAt(ref, 'abra.sh'));
    let files = composeFilesFor(env);
    if (!env.COMPOSE_FILE && (await repo.readAt(ref, DEFAULT_COMPOSE_FILE)) === undefined) files = [LEGACY_COMPOSE_FILE];
    const sources = [];
    for (const file of files) {
      const text = await repo.readAt(ref, file);
      if (text === undefined) return { ok: false, problem: `${file} (from COMPOSE_FILE) does not exist at tag ${tag}` };
      sources.push({ file, text });
    }
    const config = loadCompose(sources, env);
    const services: Record<string, ReleaseService> = {};
    for (const [name, s] of Object.entries(config.services)) if (s.image) services[name] = serviceImage(s.image);
    return { ok: true, services };
  } catch (e) {
    return { ok: false, problem: `tag ${tag}: ${(e as Error).message}` };
  }
}
