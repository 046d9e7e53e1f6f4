// Which compose files make up an app: COMPOSE_FILE from the app env, a
// colon-separated list of paths relative to the recipe directory
// (`compose.yml:compose.smtp.yml`), defaulting to `compose.yml`. Recipes from
// before the rename only have `docker-compose.yml`, which abra used as the
// default then.

export const DEFAULT_COMPOSE_FILE = 'compose.yml';
export const LEGACY_COMPOSE_FILE = 'docker-compose.yml';

/**
 * @param env the app env (COMPOSE_FILE already expanded by the env parser)
 * @param existing file names present in the recipe directory, if known; used
 *   only to pick the legacy default when COMPOSE_FILE is unset
 */
export function composeFilesFor(env: Record<string, string>, existing?: readonly string[]): string[] {
  const files = (env.COMPOSE_FILE ?? '')
    .split(':')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  if (files.length > 0) return files;
  if (existing && !existing.includes(DEFAULT_COMPOSE_FILE) && existing.includes(LEGACY_COMPOSE_FILE)) {
    return [LEGACY_COMPOSE_FILE];
  }
  return [DEFAULT_COMPOSE_FILE];
}
