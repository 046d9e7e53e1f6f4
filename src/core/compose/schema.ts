// The compose file's shape, checked as docker/cli's loader (and so abra, which
// vendors it) checks it: after interpolation and the casting of typed fields,
// before anything is read, against the schema of compose file format 3.x
// (schema-v3.ts, compiled ahead of time by scripts/gen-compose-schema.ts).
// An unknown key or a wrong type is reported with its path, in docker's words:
// `compose.yml (services.app.deploy.replicas): must be a integer`,
// `compose.yml (services.app.imagee): Additional property imagee is not allowed`.

import type { ErrorObject } from 'ajv';
import { RecipeError } from '../errors.js';
import { isObj } from './read.js';
import { GO_DURATION } from './schema-v3.js';
import { validate } from './schema-v3.generated.js';

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * Check one parsed, interpolated compose file against the 3.x schema; throws
 * a RecipeError naming the file and the key path of the most specific error.
 * A file whose top level is not a mapping is left to the loader's own message.
 */
export function validateComposeSchema(tree: unknown, file: string): void {
  if (!isObj(tree)) return;
  // docker/cli has a schema for 3.0 to 3.13 ("3" and none mean the newest) and refuses any other
  const version = tree.version;
  if (typeof version === 'string' && version !== '' && !/^3(?:\.(?:[0-9]|1[0-3]))?$/.test(version)) {
    throw new RecipeError(`unsupported Compose file version: ${version}`, file, { key: 'version' }, 'docker stack deploy and abra read compose files of version 3.x: set version: "3.8"');
  }
  const check = validate as Validate;
  if (check(tree)) return;
  const { path, message } = mostSpecific(check.errors ?? []);
  throw new RecipeError(message, file, path ? { key: path } : undefined, hintFor(message));
}

function hintFor(message: string): string | undefined {
  if (message.startsWith('Additional property')) return 'check the spelling against the compose file reference (version 3): docker stack deploy and abra refuse it too';
  return undefined;
}

/** `/services/app/deploy/replicas` → `services.app.deploy.replicas` */
function dotted(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** docker's words for JSON types */
function human(t: string): string {
  return t === 'object' ? 'mapping' : t === 'array' ? 'list' : t;
}

function humanTypes(list: string[]): string {
  const h = [...new Set(list.map(human))];
  return h.length === 1 ? h[0] : `${h.slice(0, -1).join(', ')} or ${h[h.length - 1]}`;
}

/**
 * Like docker/cli's getMostSpecificError: the error deepest in the document
 * wins; at the same depth a type error is preferred; the alternatives of a
 * `oneOf` that all failed on their type are named together.
 */
function mostSpecific(errors: ErrorObject[]): { path: string; message: string } {
  const depth = (e: ErrorObject) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length - 1) + (e.keyword === 'additionalProperties' ? 1 : 0);
  let best = errors[0];
  for (const e of errors) {
    if (depth(e) > depth(best) || (depth(e) === depth(best) && e.keyword === 'type' && best.keyword !== 'type')) best = e;
  }
  const path = dotted(best.instancePath);
  switch (best.keyword) {
    case 'additionalProperties': {
      // named by the key itself, where docker names its parent ("services.app Additional property imagee ...")
      const key = (best.params as { additionalProperty: string }).additionalProperty;
      return { path: path ? `${path}.${key}` : key, message: `Additional property ${key} is not allowed` };
    }
    case 'type': {
      // every alternative at this path that failed on its type: "must be a string or list"
      const alternatives = errors.filter((e) => e.instancePath === best.instancePath && e.keyword === 'type').flatMap((e) => [(e.params as { type: string | string[] }).type].flat());
      return { path, message: `must be a ${humanTypes(alternatives)}` };
    }
    case 'enum':
      return { path, message: `must be one of the following: ${((best.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
      return { path, message: (best.params as { pattern: string }).pattern === GO_DURATION ? 'must be a duration (like 10s or 1m30s)' : `must match ${(best.params as { pattern: string }).pattern}` };
    case 'required':
      return { path, message: `${(best.params as { missingProperty: string }).missingProperty} is required` };
    case 'uniqueItems':
      return { path, message: 'must contain unique items' };
    case 'minimum':
      return { path, message: `must be greater than or equal to ${(best.params as { limit: number }).limit}` };
    default:
      return { path, message: best.message ?? 'is not valid' };
  }
}
