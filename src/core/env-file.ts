// App env files and `.env.sample`: the godotenv-style syntax abra reads.
//
//   # comment                      whole-line comment
//   KEY=value                      unquoted: trimmed, `$VAR`/`${VAR}` expanded
//   KEY="a\n$VAR"                  double quotes: escapes + expansion, may span lines
//   KEY='literal $VAR'             single quotes: taken as is
//   export KEY=value               `export ` prefix is accepted
//   KEY=v1 # length=64 charset=hex trailing comment; its `k=v` words are
//                                  the line's MODIFIERS (abra's secret options)
//
// Expansion only sees keys assigned EARLIER in the same file (not the process
// environment); unknown names expand to ''. That is what makes
// `COMPOSE_FILE="$COMPOSE_FILE:compose.x.yml"` accumulate overlays. Names are
// upper-case words (`[A-Z_][A-Z0-9_]*`, like godotenv's, and like every env
// key in practice); any other `$` is kept, so hashes such as
// `$apr1$x$y` or `$2y$05$...` survive unquoted. In double quotes `\$` is a literal
// `$`, `\n`/`\r` are newline/CR, and any other `\x` is `x`.
// An unquoted value ends at the first whitespace-preceded `#` (a `#` inside
// a word, as in `a#b`, is kept). Later assignments of a key win.

import { RecipeError } from './errors.js';

export interface EnvEntry {
  key: string;
  value: string;
  /** 1-based line of the assignment */
  line: number;
}

export interface EnvFile {
  /** final value of every key (later assignments win) */
  env: Record<string, string>;
  /** key → modifiers from the trailing comment of its (last) assignment */
  modifiers: Record<string, Record<string, string>>;
  /** every assignment, in file order */
  entries: EnvEntry[];
}

/** One assignment, with the offsets env-edit needs to rewrite it in place. */
export interface EnvStatement extends EnvEntry {
  /** offset of the raw value (including its quotes) in the text */
  valueStart: number;
  /** offset just after the raw value */
  valueEnd: number;
  quote: '"' | "'" | '';
  modifiers: Record<string, string>;
}

const KEY = /^[A-Za-z0-9_.]+$/;

const SNIFF_BYTES = 1024;
// a line that assigns a key: a NUL on it is a bad value, reported by the parser
const ASSIGNMENT = /^\s*(export[ \t]+)?[A-Za-z0-9_.]+[ \t]*=/;

/**
 * What makes `bytes` a binary file rather than an env file, judged on its
 * first KB: invalid UTF-8, or a NUL byte on a line that is not a `KEY=`
 * assignment (a NUL inside a value is left to the parser, which names the
 * key). Undefined for text.
 */
export function binaryProblem(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, SNIFF_BYTES);
  let text: string;
  try {
    // stream: a character cut at the 1 KB boundary is not an error
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length < bytes.length });
  } catch {
    return 'invalid UTF-8 in its first KB';
  }
  if (text.split('\n').some((line) => line.includes('\0') && !ASSIGNMENT.test(line))) return 'NUL bytes in its first KB';
  return undefined;
}

/** An env file's bytes as text; a binary file is refused with a RecipeError naming it (never printed). */
export function decodeEnvFile(bytes: Uint8Array, file: string): string {
  const problem = binaryProblem(bytes);
  if (problem) {
    throw new RecipeError(
      `not an env file: binary content (${problem})`,
      file,
      undefined,
      'an app env file holds KEY=value lines of text; restore it from a backup, or recreate the app with `kite app new`',
    );
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes); // a BOM is kept, as written
}

export function parseEnvFile(text: string, file: string): EnvFile {
  const env: Record<string, string> = {};
  const modifiers: Record<string, Record<string, string>> = {};
  const entries: EnvEntry[] = [];
  for (const st of scanEnvFile(text, file)) {
    env[st.key] = st.value;
    if (Object.keys(st.modifiers).length > 0) modifiers[st.key] = st.modifiers;
    else delete modifiers[st.key];
    entries.push({ key: st.key, value: st.value, line: st.line });
  }
  return { env, modifiers, entries };
}

/** Parses every assignment. Throws RecipeError naming the file and line. */
export function scanEnvFile(text: string, file: string): EnvStatement[] {
  const statements: EnvStatement[] = [];
  const vars: Record<string, string> = {};
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;

  const fail = (message: string, at: number): never => {
    throw new RecipeError(message, file, { line: at }, 'expected KEY=value, KEY="value" or KEY=\'value\'');
  };

  while (pos < text.length) {
    const eol = lineEnd(text, pos);
    const raw = text.slice(pos, eol);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      pos = eol + 1;
      line++;
      continue;
    }

    // KEY= (optionally after `export `)
    let start = pos + (raw.length - raw.trimStart().length);
    const exportPrefix = /^export[ \t]+/.exec(text.slice(start, eol));
    if (exportPrefix) start += exportPrefix[0].length;
    const eq = text.indexOf('=', start);
    if (eq < 0 || eq > eol) fail(`invalid line ${JSON.stringify(trimmed)}: no "="`, line);
    const key = text.slice(start, eq).trim();
    if (!KEY.test(key)) fail(`invalid variable name ${JSON.stringify(key)}`, line);

    let valueStart = eq + 1;
    while (text[valueStart] === ' ' || text[valueStart] === '\t') valueStart++;
    const first = text[valueStart];
    const statementLine = line;
    let value: string;
    let valueEnd: number;
    let rest: string; // what follows the value on its last line
    let quote: EnvStatement['quote'] = '';

    if (first === '"' || first === "'") {
      quote = first;
      const close = findClosingQuote(text, valueStart, first);
      if (close < 0) fail(`unterminated ${first === '"' ? 'double' : 'single'}-quoted value for ${key}`, statementLine);
      const inner = text.slice(valueStart + 1, close);
      value = first === '"' ? expandDoubleQuoted(inner, vars) : inner;
      for (const ch of inner) if (ch === '\n') line++;
      valueEnd = close + 1;
      const restEnd = lineEnd(text, valueEnd);
      rest = text.slice(valueEnd, restEnd);
      if (rest.trim() !== '' && !/^\s+#|^#/.test(rest)) {
        fail(`unexpected text after the closing quote of ${key}: ${JSON.stringify(rest.trim())}`, line);
      }
      pos = restEnd + 1;
    } else {
      const lineText = text.slice(valueStart, eol);
      const comment = /[ \t]#/.exec(lineText);
      const rawValue = comment ? lineText.slice(0, comment.index) : lineText;
      const trimmedValue = rawValue.replace(/[ \t\r]+$/, '');
      value = expandVariables(trimmedValue, vars);
      valueEnd = valueStart + trimmedValue.length;
      rest = lineText.slice(trimmedValue.length);
      pos = eol + 1;
    }

    if (value.includes('\0')) {
      throw new RecipeError('the value contains a NUL byte, which no container environment can hold', file, { line: statementLine, key }, `remove the NUL byte from the value of ${key}`);
    }
    vars[key] = value;
    statements.push({
      key,
      value,
      line: statementLine,
      valueStart,
      valueEnd,
      quote,
      modifiers: parseModifiers(rest),
    });
    line++;
  }
  return statements;
}

function lineEnd(text: string, from: number): number {
  const i = text.indexOf('\n', from);
  return i < 0 ? text.length : i;
}

/** Index of the quote closing the one at `open`, or -1. `\"` does not close. */
function findClosingQuote(text: string, open: number, quote: string): number {
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

/** `# length=64 charset=hex` → {length:'64', charset:'hex'} (other words ignored). */
function parseModifiers(rest: string): Record<string, string> {
  const mods: Record<string, string> = {};
  const hash = rest.indexOf('#');
  if (hash < 0) return mods;
  for (const word of rest.slice(hash + 1).trim().split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq > 0) mods[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return mods;
}

/** `$NAME` / `${NAME}` → earlier value or ''; other `$` kept. */
function expandVariables(s: string, vars: Record<string, string>): string {
  const names = /\$(?:\{([A-Z_][A-Z0-9_]*)\}|([A-Z_][A-Z0-9_]*)(?![A-Za-z0-9_]))/g;
  return s.replace(names, (_m, braced?: string, bare?: string) => {
    const name = (braced ?? bare) as string;
    return Object.hasOwn(vars, name) ? vars[name] : '';
  });
}

/** Escapes and expansion inside "...": `\$` stays a literal `$`. */
function expandDoubleQuoted(inner: string, vars: Record<string, string>): string {
  let out = '';
  let plain = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '\\' && i + 1 < inner.length) {
      const next = inner[++i];
      out += expandVariables(plain, vars);
      plain = '';
      out += next === 'n' ? '\n' : next === 'r' ? '\r' : next;
    } else plain += ch;
  }
  return out + expandVariables(plain, vars);
}

export interface TypeValue {
  /** recipe name or git location, e.g. `custom-html`, `mygit.org/myorg/cool-recipe` */
  recipe: string;
  /** deployed version recorded by abra (`TYPE=recipe:version`) */
  version?: string;
}

/**
 * Splits `TYPE=`/`RECIPE=` values: `custom-html:1.7.1+1.27.2` →
 * {recipe:'custom-html', version:'1.7.1+1.27.2'}. Only the LAST `:` splits,
 * and only when what follows looks like a version (no `/`, not a bare port
 * number), so `mygit.org:2222/org/recipe` and `https://host/x` stay whole.
 */
export function parseTypeValue(v: string): TypeValue {
  const value = v.trim();
  const colon = value.lastIndexOf(':');
  if (colon > 0) {
    const suffix = value.slice(colon + 1);
    if (/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(suffix) && !/^\d+$/.test(suffix)) {
      return { recipe: value.slice(0, colon), version: suffix };
    }
  }
  return { recipe: value };
}

/** The app's recipe: RECIPE= wins over TYPE=; undefined when neither is set. */
export function appRecipe(env: Record<string, string>): TypeValue | undefined {
  const raw = env.RECIPE || env.TYPE;
  return raw ? parseTypeValue(raw) : undefined;
}
