// YAML parsing with the scalar rules of Go's yaml.v3, which docker/cli (and
// so abra) uses to read compose files.
//
// yaml.v3 is YAML 1.2 for booleans and nulls (`yes`/`on` stay strings,
// `22:22` is a string, not sexagesimal) but resolves numbers its own way:
// underscores are dropped, then Go's strconv.ParseInt(s, 0) is tried, which
// reads `0444` as OCTAL (= 292; file modes in `configs: mode:` depend on it),
// `0x1F` as hex, `0o17`/`0b101` too; what ParseInt rejects (`09`) is tried as
// a float. The `yaml` package's core schema would read `0444` as 444, so we
// prepend two number tags. `customTags` must be a function: an array would be
// appended after the core tags and never win.

import { parseAllDocuments, type ScalarTag, type Tags } from 'yaml';
import { RecipeError } from '../errors.js';

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';

/** Integers as yaml.v3 reads them (sign, base prefix, `_` separators). */
const goInt: ScalarTag = {
  tag: INT_TAG,
  default: true,
  identify: (value) => typeof value === 'number' && Number.isInteger(value),
  test: /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/,
  resolve: (source) => parseGoInt(source.replaceAll('_', '')),
};

/** Floats with `_` separators (yaml.v3 drops them; the core tag would not). */
const goFloat: ScalarTag = {
  tag: FLOAT_TAG,
  default: true,
  identify: (value) => typeof value === 'number',
  test: /^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$/,
  resolve: (source) => Number(source.replaceAll('_', '')),
};

function parseGoInt(s: string): number {
  const negative = s.startsWith('-');
  const body = s.replace(/^[-+]/, '');
  let value: number;
  if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
  else if (/^0[0-7]+$/.test(body)) value = parseInt(body, 8); // legacy octal
  else value = Number(body); // decimal, or `09` which Go falls back to float 9
  return negative ? -value : value;
}

const withGoNumbers = (tags: Tags): Tags => [goInt, goFloat, ...tags];

/**
 * Parses one compose file. Anchors, aliases and `<<` merge keys are
 * supported; duplicate keys are an error (as in yaml.v3). Like Go's
 * yaml.Unmarshal, only the first document of a `---`-separated stream is
 * read. Syntax errors become RecipeError naming the file and line.
 */
export function parseYaml(text: string, file: string): unknown {
  const docs = parseAllDocuments(text, {
    version: '1.2',
    schema: 'core',
    customTags: withGoNumbers,
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  if (!Array.isArray(docs)) return null; // empty stream
  const doc = docs[0];
  if (!doc) return null;
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line ?? lineOf(text, error.pos[0]);
    throw new RecipeError(`invalid YAML: ${firstLine(error.message)}`, file, { line });
  }
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
