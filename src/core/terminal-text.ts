// Text from a recipe, a server or a container, made safe to print on a
// terminal. Such text must not be able to move the cursor, clear the screen,
// rewrite what kite printed (a forged DEPLOY OVERVIEW just before `proceed?`),
// set the window title, write the clipboard (OSC 52) or reorder what is shown
// with bidi overrides. safeText() is applied at the output boundary
// (src/cli/io.ts), so no caller has to remember it.
//
// What it does, in this order:
//   1. complete escape sequences are removed, payload included: CSI
//      (`ESC [` or U+009B … final byte, e.g. colours and cursor moves), OSC
//      (`ESC ]` or U+009D … ended by BEL, `ESC \` or U+009C), DCS/SOS/PM/APC
//      (`ESC P`, `ESC X`, `ESC ^`, `ESC _` or U+0090/98/9E/9F … ended the same
//      way), and the short escapes (`ESC c`, `ESC 7`, `ESC ( B`, …);
//   2. what is left that a terminal would act on is made visible: C0 controls
//      and DEL in caret notation as `cat -v` shows them (ESC → `^[`, CR → `^M`,
//      BEL → `^G`, DEL → `^?`), C1 controls (U+0080–U+009F) and the bidi
//      embedding, override and isolate characters (U+202A–U+202E,
//      U+2066–U+2069) as `<U+XXXX>`. So an unterminated or split sequence
//      shows up as text (`^[]52;c;…`), never reaches the terminal as one.
// Tab and newline are kept (newline can be shown as `^J` with oneLine); a
// CR right before a newline or at the very end (CRLF line endings) is dropped,
// as it cannot overwrite anything there. The result is idempotent:
// safeText(safeText(s)) === safeText(s).

const SEQUENCE = new RegExp(
  [
    // CSI: parameter bytes, intermediate bytes, one final byte
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]',
    // OSC, DCS, SOS, PM, APC: a string ended by BEL or ST
    '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)',
    // the other escapes: intermediates, then a final byte that does not open one of the above
    '\\x1b[\\x20-\\x2f]*[\\x30-\\x4f\\x51-\\x57\\x59-\\x5a\\x5c\\x60-\\x7e]',
  ].join('|'),
  'g',
);

/** anything safeText would change; most lines have none and are returned as they are */
const SUSPECT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const SUSPECT_ONE_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const VISIBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const VISIBLE_ONE_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

export interface SafeTextOptions {
  /** also show newlines as `^J` (a table cell, a log line that must stay one line) */
  oneLine?: boolean;
}

export function safeText(s: string, opts: SafeTextOptions = {}): string {
  if (!(opts.oneLine ? SUSPECT_ONE_LINE : SUSPECT).test(s)) return s;
  return s
    .replace(SEQUENCE, '')
    .replace(/\r+(?=\n|$)/g, '')
    .replace(opts.oneLine ? VISIBLE_ONE_LINE : VISIBLE, visible);
}

/** how one control or bidi character is shown */
export function visible(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return '^' + String.fromCharCode(code + 0x40);
  if (code === 0x7f) return '^?';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * JSON text that is also safe on a terminal: JSON.stringify escapes C0
 * controls but not DEL, C1 controls or bidi characters; these are written
 * as \uXXXX escapes instead, so the value parses back unchanged.
 */
export function safeJson(value: unknown): string {
  return String(JSON.stringify(value)).replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
