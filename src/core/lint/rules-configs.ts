// Docker configs are immutable: a config whose file changes must get a new
// name, which recipes do with a version variable in the name
// (`${STACK_NAME}_entrypoint_${ENTRYPOINT_VERSION}`) bumped in abra.sh
// (spec §5.3). R012 (abra): those variables are vendored in abra.sh.
// K004: a config file changed since the last release, but its name did not.
// K006: a config with a fixed name can never change.

import { posix } from 'node:path';
import { parseEnvFile } from '../env-file.js';
import { readAbraShExports } from '../abra-sh.js';
import { interpolate, lookupIn } from '../interpolate.js';
import { parseYaml } from '../compose/yaml.js';
import { analyse, rawSection, templateVariables, type Analysis } from './analysis.js';
import { findings, ok, skip, type LintRule, type RecipeFiles } from './types.js';
import { byText } from '../text-order.js';

interface RawConfig {
  key: string;
  /** compose file declaring it */
  file: string;
  name?: string;
  /** the config's file, relative to the recipe */
  path?: string;
}

const BUILTIN = new Set(['STACK_NAME', 'DOMAIN']);

export const configRules: LintRule[] = [
  {
    ref: 'R012',
    level: 'critical',
    description: 'config version are vendored',
    howToResolve: 'vendor config versions in an abra.sh',
    check(recipe) {
      const a = analyse(recipe);
      const found: string[] = [];
      const notes: string[] = [];
      for (const c of recipeConfigs(a)) {
        for (const v of versionVariables(c)) {
          if (v in a.exports) continue;
          if (v in a.sample) notes.push(`config ${c.key}: ${v} is set in .env.sample, not exported in abra.sh (existing apps keep their old value)`);
          else found.push(`config ${c.key} (${c.file}): ${v} is not exported in abra.sh${recipe.abraSh === undefined ? ' (there is no abra.sh)' : ''}`);
        }
      }
      return findings(unique(found), unique(notes));
    },
  },
  {
    ref: 'K004',
    level: 'warn',
    description: 'changed config files have a new config version',
    howToResolve: 'bump the version variable of the config in abra.sh whenever its file changes (Docker configs are immutable)',
    check(recipe) {
      const release = recipe.git?.lastRelease;
      if (!recipe.git) return skip('not a git repository');
      if (!release) return skip('no release tag to compare with');
      const a = analyse(recipe);
      const then = analysisAt(recipe, a, release.filesAtTag);
      const found: string[] = [];
      for (const c of recipeConfigs(a)) {
        if (!c.path || !release.changed.includes(c.path)) continue;
        const before = then.configs.find((b) => b.key === c.key);
        if (!before) continue; // a new config
        const nameNow = resolveName(c, a.env);
        const nameThen = resolveName(before, then.env);
        if (nameNow !== undefined && nameNow === nameThen) {
          const vars = versionVariables(c);
          found.push(`config ${c.key}: ${c.path} changed since ${release.tag} but the config is still named ${nameNow}` + (vars.length ? `: bump ${vars.join(', ')}` : ''));
        }
      }
      return findings(unique(found));
    },
  },
  {
    ref: 'K006',
    level: 'warn',
    description: 'config names carry a version',
    howToResolve: 'name each config ${STACK_NAME}_<config>_${<CONFIG>_VERSION} and export the version in abra.sh',
    check(recipe) {
      const a = analyse(recipe);
      const found = recipeConfigs(a)
        .filter((c) => versionVariables(c).length === 0)
        .map((c) => `config ${c.key} (${c.file}): ${c.name ? `fixed name ${c.name}` : 'no name: Docker names it <stack>_' + c.key}`);
      return found.length ? findings(unique(found)) : ok();
    },
  },
];

/** Non-external top-level configs of every compose file, base file first. */
function recipeConfigs(a: Pick<Analysis, 'raw' | 'base'>): RawConfig[] {
  const files = Object.keys(a.raw).sort((x, y) => (x === a.base ? -1 : y === a.base ? 1 : byText(x, y)));
  const out: RawConfig[] = [];
  for (const file of files) {
    for (const [key, o] of rawSection(a.raw[file], 'configs')) {
      if (o.external === true) continue;
      const c: RawConfig = { key, file };
      if (typeof o.name === 'string') c.name = o.name;
      if (typeof o.file === 'string') c.path = posix.normalize(posix.join(posix.dirname(file), o.file));
      out.push(c);
    }
  }
  return out;
}

function versionVariables(c: RawConfig): string[] {
  return c.name ? templateVariables(c.name).filter((v) => !BUILTIN.has(v)) : [];
}

function resolveName(c: RawConfig, env: Record<string, string>): string | undefined {
  if (!c.name) return `${env.STACK_NAME}_${c.key}`;
  try {
    return interpolate(c.name, lookupIn(env));
  } catch {
    return undefined;
  }
}

/** The configs and env the recipe had at a release tag. */
function analysisAt(recipe: RecipeFiles, now: Analysis, files: Record<string, string>): { configs: RawConfig[]; env: Record<string, string> } {
  let sample: Record<string, string> = {};
  try {
    if (files['.env.sample'] !== undefined) sample = parseEnvFile(files['.env.sample'], '.env.sample').env;
  } catch {
    /* judged on what parses */
  }
  const exports = files['abra.sh'] !== undefined ? readAbraShExports(files['abra.sh']) : {};
  const raw: Record<string, unknown> = {};
  for (const path of Object.keys(recipe.composeFiles)) {
    if (files[path] === undefined) continue;
    try {
      raw[path] = parseYaml(files[path], path);
    } catch {
      raw[path] = undefined;
    }
  }
  return { configs: recipeConfigs({ raw, base: now.base }), env: { ...sample, ...exports, DOMAIN: now.env.DOMAIN, STACK_NAME: now.stack } };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
