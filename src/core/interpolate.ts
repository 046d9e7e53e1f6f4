// Variable interpolation in compose files, as docker/cli does it
// (cli/compose/template): the syntax `docker stack deploy` and therefore abra
// accept. Written from the documented behaviour and checked against
// `docker stack config` (CLI 28.2.2).
//
//   $$            literal `$`
//   $VAR ${VAR}   value, or '' when unset
//   ${VAR:-def}   def when VAR is unset or empty
//   ${VAR-def}    def only when VAR is unset
//   ${VAR:?msg}   error when VAR is unset or empty
//   ${VAR?msg}    error only when VAR is unset
//                 (reported as docker compose does: "required variable VAR
//                 is missing a value: msg", not as an invalid format)
//
// Subtleties reproduced on purpose:
// - a default is NOT interpolated again: `${A:-${B}}` yields `${B` + `}` when
//   A is unset (the default stops at the first `}`);
// - the unbraced form accepts the same modifiers, so `$A-x` means `${A-x}`:
//   with A set, `$STACK_NAME-redirect` becomes just the value of STACK_NAME;
// - modifiers are tried in docker's order (`:-`, `-`, `:?`, `?`) and split at
//   the first occurrence, so `${A?x-y}` behaves as `${A?x` + `-y}`;
// - any other `$` (e.g. `$ ` or `${`) is an "Invalid template" error.

import { RecipeError } from './errors.js';

/** Returns the value of a variable, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

/** Where the template came from, for error messages. */
export interface TemplateLocation {
  file?: string;
  /** dotted key path, e.g. `services.app.image` */
  key?: string;
}

// docker/cli's pattern, case-insensitive: escaped `$$`, named `$NAME...`,
// braced `${NAME...}`, or (empty group) an invalid `$`.
const SUBST = '[_a-z][_a-z0-9]*(?::?[-?][^}]*)?';
const PATTERN = new RegExp(`\\$(?:(\\$)|(${SUBST})|\\{(${SUBST})\\}|())`, 'gi');

/** Builds a Lookup over a plain record (own keys only). */
export function lookupIn(env: Readonly<Record<string, string>>): Lookup {
  return (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
}

/**
 * Interpolates one string. Throws RecipeError for an invalid template or a
 * missing required variable.
 */
export function interpolate(template: string, lookup: Lookup, where: TemplateLocation = {}): string {
  if (!template.includes('$')) return template;
  return template.replace(
    PATTERN,
    (_match, escaped?: string, named?: string, braced?: string) => {
      if (escaped) return escaped;
      const substitution = named || braced;
      if (!substitution) fail(JSON.stringify(template), where);
      return substitute(substitution, lookup, where);
    },
  );
}

/** Applies one `NAME[modifier]` expression. */
function substitute(substitution: string, lookup: Lookup, where: TemplateLocation): string {
  // Soft default: unset or empty.
  let parts = partition(substitution, ':-');
  if (parts) {
    const value = lookup(parts[0]);
    return value === undefined || value === '' ? parts[1] : value;
  }
  // Hard default: unset only.
  parts = partition(substitution, '-');
  if (parts) {
    const value = lookup(parts[0]);
    return value === undefined ? parts[1] : value;
  }
  // Required, non-empty.
  parts = partition(substitution, ':?');
  if (parts) {
    const value = lookup(parts[0]);
    if (value === undefined || value === '') failRequired(parts[0], parts[1], where);
    return value;
  }
  // Required, may be empty.
  parts = partition(substitution, '?');
  if (parts) {
    const value = lookup(parts[0]);
    if (value === undefined) failRequired(parts[0], parts[1], where);
    return value;
  }
  return lookup(substitution) ?? '';
}

function partition(s: string, sep: string): [string, string] | undefined {
  const i = s.indexOf(sep);
  return i < 0 ? undefined : [s.slice(0, i), s.slice(i + sep.length)];
}

/** docker compose's wording, with the recipe's own message; not an "invalid interpolation format". */
function failRequired(name: string, message: string, where: TemplateLocation): never {
  throw new RecipeError(
    message ? `required variable ${name} is missing a value: ${message}` : `required variable ${name} is missing a value`,
    where.file,
    where.key ? { key: where.key } : undefined,
    `set ${name} in the app's env file (kite app config <domain>)`,
  );
}

function fail(detail: string, where: TemplateLocation): never {
  // RecipeError prints the location: `file (key): ...`, or `key: ...`.
  throw new RecipeError(
    `invalid interpolation format: ${detail}; you may need to escape any $ with another $`,
    where.file,
    where.key ? { key: where.key } : undefined,
  );
}
