// What the rules share, computed once per recipe: the lint env, the compose
// file sets loaded the way an app would load them, and each compose file's
// raw YAML (for rules that need names before interpolation).
//
// The env is the recipe's .env.sample plus abra.sh's exports (as deploy
// merges them) plus DOMAIN/STACK_NAME. File sets:
//   main      COMPOSE_FILE from .env.sample (default compose.yml)
//   overlays  compose.yml + each other compose file alone
//   complete  every compose file together; if that does not load (overlays
//             may exclude each other), main. Service rules look at this one.
// A set that fails to load is a finding (K001), never an exception.

import { parseEnvFile } from '../env-file.js';
import { readAbraShExports } from '../abra-sh.js';
import { stackName } from '../stack-name.js';
import { composeFilesFor, DEFAULT_COMPOSE_FILE, LEGACY_COMPOSE_FILE } from '../compose-files.js';
import { loadCompose } from '../compose/load.js';
import { convertStack } from '../convert/stack.js';
import { parseYaml } from '../compose/yaml.js';
import type { ComposeConfig, ServiceConfig } from '../compose/types.js';
import type { RecipeFiles } from './types.js';

export interface FileSet {
  /** how findings name the set: `compose.yml:compose.smtp.yml` */
  label: string;
  files: string[];
  config?: ComposeConfig;
  /** it does not load */
  error?: string;
  /** it loads, but `docker stack deploy` would refuse it (an undeclared secret...) */
  convertError?: string;
}

export interface Analysis {
  /** .env.sample values (empty when absent or unparsable) */
  sample: Record<string, string>;
  sampleError?: string;
  exports: Record<string, string>;
  /** what compose files are interpolated with */
  env: Record<string, string>;
  stack: string;
  /** compose.yml, or docker-compose.yml in old recipes; undefined when neither exists */
  base?: string;
  main: FileSet;
  /** base + one overlay, for each overlay */
  overlays: FileSet[];
  /** the widest configuration that loads, or undefined when nothing loads */
  complete?: ComposeConfig;
  /** raw YAML of each compose file; undefined when it does not parse */
  raw: Record<string, unknown>;
}

const cache = new WeakMap<RecipeFiles, Analysis>();

export function analyse(recipe: RecipeFiles): Analysis {
  let a = cache.get(recipe);
  if (!a) {
    a = compute(recipe);
    cache.set(recipe, a);
  }
  return a;
}

function compute(recipe: RecipeFiles): Analysis {
  let sample: Record<string, string> = {};
  let sampleError: string | undefined;
  if (recipe.envSample !== undefined) {
    try {
      sample = parseEnvFile(recipe.envSample, '.env.sample').env;
    } catch (e) {
      sampleError = message(e);
    }
  }
  const exports = recipe.abraSh ? readAbraShExports(recipe.abraSh) : {};
  const domain = sample.DOMAIN || `${recipe.name}.example.com`;
  const stack = stackName(domain);
  const env = { ...sample, ...exports, DOMAIN: domain, STACK_NAME: stack };

  const paths = Object.keys(recipe.composeFiles);
  const base = paths.includes(DEFAULT_COMPOSE_FILE) ? DEFAULT_COMPOSE_FILE : paths.includes(LEGACY_COMPOSE_FILE) ? LEGACY_COMPOSE_FILE : undefined;
  const mainFiles = composeFilesFor(env, recipe.files.length > 0 ? recipe.files : paths);
  const main = loadSet(recipe, mainFiles, env);

  const overlayPaths = paths.filter((p) => p !== base && p !== DEFAULT_COMPOSE_FILE && p !== LEGACY_COMPOSE_FILE).sort();
  const overlays = base ? overlayPaths.map((o) => loadSet(recipe, [base, o], env)) : [];

  let complete = main.config;
  if (base) {
    const all = unique([base, ...mainFiles.filter((f) => f in recipe.composeFiles), ...overlayPaths]);
    if (all.length > mainFiles.length || main.error) complete = loadSet(recipe, all, env).config ?? complete;
  }

  const raw: Record<string, unknown> = {};
  for (const p of paths) {
    try {
      raw[p] = parseYaml(recipe.composeFiles[p], p);
    } catch {
      raw[p] = undefined;
    }
  }
  return { sample, sampleError, exports, env, stack, base, main, overlays, complete, raw };
}

export function loadSet(recipe: RecipeFiles, files: string[], env: Record<string, string>): FileSet {
  const label = files.join(':');
  const missing = files.filter((f) => !(f in recipe.composeFiles));
  if (missing.length > 0) return { label, files, error: `${missing.join(', ')} does not exist` };
  try {
    const config = loadCompose(files.map((file) => ({ file, text: recipe.composeFiles[file] })), env);
    return { label, files, config, convertError: convertProblem(config, env) };
  } catch (e) {
    return { label, files, error: message(e) };
  }
}

/**
 * What `docker stack deploy` would refuse in a loaded configuration (an
 * undeclared secret, a bad duration...). A service without an image is
 * R011's finding, so it is not reported twice.
 */
function convertProblem(config: ComposeConfig, env: Record<string, string>): string | undefined {
  const withImages = Object.values(config.services).every((s) => s.image);
  if (!withImages) return undefined;
  try {
    convertStack(env.STACK_NAME ?? 'lint_example_com', config);
    return undefined;
  } catch (e) {
    return message(e);
  }
}

/** Services of the complete configuration, in file order. */
export function services(a: Analysis): ServiceConfig[] {
  return a.complete ? Object.values(a.complete.services) : [];
}

export const NOT_LOADED = 'the compose files do not load (see K001)';

/** `traefik.enable=true` among the service's deploy labels */
export function traefikEnabled(s: ServiceConfig): boolean {
  return s.deploy.labels['traefik.enable']?.trim().toLowerCase() === 'true';
}

/** Top-level mapping `key` of a raw compose file, as entries. */
export function rawSection(raw: unknown, key: string): [string, Record<string, unknown>][] {
  if (!isObj(raw)) return [];
  const section = raw[key];
  if (!isObj(section)) return [];
  return Object.entries(section).map(([k, v]) => [k, isObj(v) ? v : {}]);
}

/** Variable names a compose template refers to (`$X`, `${X}`, `${X:-d}`…), `$$` excluded. */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(/\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g)) {
    const name = m[1] ?? m[2];
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
