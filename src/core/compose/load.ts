// Loads a recipe's compose files the way `docker stack deploy -c a -c b`
// (and so abra) does: for each file parse YAML, interpolate every value with
// the app's variables, cast typed fields, expand short syntax; then merge the
// files left to right. Pure: file contents come in as strings, and files a
// config refers to (`configs: x: file:`) are not read here.

import { RecipeError } from '../errors.js';
import { lookupIn } from '../interpolate.js';
import { interpolateTree } from './interpolate-tree.js';
import { mergeConfigs } from './merge.js';
import { normaliseFile } from './normalise.js';
import { Reader } from './read.js';
import { validateComposeSchema } from './schema.js';
import type { ComposeConfig, ComposeSource } from './types.js';
import { parseYaml } from './yaml.js';

export interface LoadOptions {
  /**
   * Directory of the compose files. When given, relative bind-mount sources
   * and config/secret `file:` paths are made absolute against it, as docker
   * does. When absent they are kept as written.
   */
  workingDir?: string;
}

/**
 * @param sources compose files in COMPOSE_FILE order
 * @param env variables for interpolation: the app env (plus STACK_NAME,
 *   DOMAIN, abra.sh exports... as the caller decides). Only these are
 *   visible; the process environment is not consulted.
 */
export function loadCompose(
  sources: ComposeSource[],
  env: Record<string, string>,
  options: LoadOptions = {},
): ComposeConfig {
  if (sources.length === 0) throw new RecipeError('no compose files given');
  const lookup = lookupIn(env);
  const home = lookup('HOME');

  const configs = sources.map((source) => {
    const reader = new Reader(source.file);
    const parsed = parseYaml(source.text, source.file);
    const interpolated = interpolateTree(parsed, lookup, source.file);
    // docker/cli's order: interpolate (and cast), then the 3.x schema, then read
    validateComposeSchema(interpolated, source.file);
    return normaliseFile(interpolated, reader, { lookup, workingDir: options.workingDir, home });
  });

  // docker refuses to combine files declaring different versions.
  let version: string | undefined;
  configs.forEach((config, i) => {
    if (config.version === undefined) return;
    if (version !== undefined && version !== config.version) {
      throw new RecipeError(
        `version mismatch between compose files: ${JSON.stringify(version)} and ${JSON.stringify(config.version)}`,
        sources[i].file,
        { key: 'version' },
        'use the same `version:` in every compose file of the recipe (or none)',
      );
    }
    version = config.version;
  });

  return configs.slice(1).reduce(mergeConfigs, configs[0]);
}
