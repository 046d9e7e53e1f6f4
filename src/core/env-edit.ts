// In-place edits of env files, as abra makes them (e.g. writing
// `TYPE=recipe:version` after a deploy): only the value of the LAST
// assignment of the key changes; its quoting style, `export ` prefix,
// trailing comment (and modifiers) and every other byte of the file stay.

import { scanEnvFile, type EnvStatement } from './env-file.js';

/**
 * Sets `key` to `value`. When the key is not assigned anywhere, `KEY=value`
 * is appended as a new last line. Throws RecipeError if `text` is not a
 * valid env file.
 */
export function setEnvValue(text: string, key: string, value: string, file = 'env file'): string {
  const statements = scanEnvFile(text, file).filter((st) => st.key === key);
  const last = statements[statements.length - 1];
  if (!last) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${sep}${key}=${quoteValue(value, '')}\n`;
  }
  return text.slice(0, last.valueStart) + quoteValue(value, last.quote) + text.slice(last.valueEnd);
}

/**
 * Writes `value` so that parsing gives it back exactly, keeping `style` when
 * it can: single quotes cannot hold `'` or a newline, and an unquoted value
 * cannot hold `$`, `#` after a space, quotes at the start, or surrounding
 * spaces. Such values fall back to single, then double quotes.
 */
function quoteValue(value: string, style: EnvStatement['quote']): string {
  const singleOk = !value.includes("'");
  if (style === '' && isSafeUnquoted(value)) return value;
  if (style === "'" && singleOk) return `'${value}'`;
  if (style === '' && singleOk && !value.includes('\n')) return `'${value}'`;
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

function isSafeUnquoted(value: string): boolean {
  if (value === '') return true;
  if (/^[\s'"]/.test(value) || /\s$/.test(value)) return false;
  return !/[\n\r$]|\s#/.test(value);
}
