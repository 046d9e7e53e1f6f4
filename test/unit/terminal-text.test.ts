// Text from recipes, servers and containers cannot drive the terminal
// (src/core/terminal-text.ts): every class of control sequence is removed or
// shown, split and unterminated ones included; plain text is left alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeJson, safeText } from '../../src/core/terminal-text.js';

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

/** nothing a terminal would act on is left */
function assertInert(s: string): void {
  assert.doesNotMatch(s, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/, JSON.stringify(s));
}

test('plain text, tabs, newlines and non-ASCII letters are left as they are', () => {
  for (const s of ['', 'hello', 'a\tb\nc', 'café ☕ 日本語 עברית', '^[ is how ESC is written']) assert.equal(safeText(s), s);
});

test('CSI sequences are removed: colours, cursor moves, erase, private modes, C1 CSI', () => {
  assert.equal(safeText(`${ESC}[31mred${ESC}[0m`), 'red');
  assert.equal(safeText(`a${ESC}[2J${ESC}[H${ESC}[3Jb`), 'ab');
  assert.equal(safeText(`${ESC}[?1049h${ESC}[?25l${ESC}[1;1H${ESC}[38;5;196mx`), 'x');
  assert.equal(safeText(`${ESC}[5A${ESC}[2K${ESC}[ q`), '');
  assert.equal(safeText('\x9b2Jx'), 'x');
});

test('OSC sequences are removed with their payload, ended by BEL, ESC \\ or C1 ST', () => {
  assert.equal(safeText(`${ESC}]0;pwned title${BEL}ok`), 'ok');
  assert.equal(safeText(`${ESC}]2;title${ST}ok`), 'ok');
  assert.equal(safeText(`${ESC}]8;;https://evil.example${ST}link${ESC}]8;;${ST}`), 'link');
  assert.equal(safeText(`\x9d0;title\x9cok`), 'ok');
});

test('OSC 52 (write the clipboard) is removed', () => {
  const s = safeText(`before${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==${BEL}after`);
  assert.equal(s, 'beforeafter');
  assert.doesNotMatch(s, /52;c/);
});

test('DCS, SOS, PM and APC strings are removed, in ESC and C1 forms', () => {
  assert.equal(safeText(`${ESC}P1$r0m${ST}a`), 'a');
  assert.equal(safeText(`${ESC}Xsos${ST}${ESC}^pm${ST}${ESC}_Gapc${ST}b`), 'b');
  assert.equal(safeText(`\x90dcs\x9c\x98sos\x9c\x9epm\x9c\x9fapc\x9cc`), 'c');
});

test('short escapes are removed: reset, save/restore cursor, charset, line size', () => {
  assert.equal(safeText(`${ESC}c${ESC}7x${ESC}8${ESC}(0${ESC}#8${ESC}=${ESC}\\`), 'x');
});

test('unterminated and split sequences show up as text, never reach the terminal', () => {
  // an OSC 52 cut where a log line ends: its two halves are sanitised one at a time
  const first = safeText(`${ESC}]52;c;Y3VybC`);
  const second = safeText(`BldmlsLmV4YW1wbGU=${BEL}`);
  assert.equal(first, '^[]52;c;Y3VybC');
  assert.equal(second, 'BldmlsLmV4YW1wbGU=^G');
  assert.equal(safeText(`x${ESC}[1;`), 'x^[[1;');
  assert.equal(safeText(`x${ESC}`), 'x^[');
  assert.equal(safeText(`${ESC}]0;title${ESC}[31mred`), '^[]0;titlered');
  assert.equal(safeText(`${ESC}P no end`), '^[P no end');
  for (const s of [first, second]) assertInert(s);
});

test('C0 controls and DEL are shown in caret notation; C1 controls as <U+XXXX>', () => {
  assert.equal(safeText('bell\x07 back\x08space nul\x00 del\x7f'), 'bell^G back^Hspace nul^@ del^?');
  assert.equal(safeText('form\x0cfeed vt\x0b so\x0e'), 'form^Lfeed vt^K so^N');
  assert.equal(safeText('next\x85line \x9a'), 'next<U+0085>line <U+009A>');
});

test('a carriage return cannot overwrite a line; CRLF line endings are kept readable', () => {
  assert.equal(safeText('real text\rFORGED'), 'real text^MFORGED');
  assert.equal(safeText('windows line\r\nnext\r'), 'windows line\nnext');
});

test('a forged DEPLOY OVERVIEW (cursor up, erase line, CR) stays visibly part of the release note', () => {
  const note = [
    'Fixes a bug.',
    `${ESC}[8A${ESC}[2K\rDEPLOY OVERVIEW`,
    `${ESC}[2K\r  NEW DEPLOYMENT      1.0.0+1.0${ESC}[K`,
    `${ESC}[1;1H${ESC}[0J`,
  ].join('\n');
  const s = safeText(note);
  assertInert(s);
  assert.equal(s, 'Fixes a bug.\n^MDEPLOY OVERVIEW\n^M  NEW DEPLOYMENT      1.0.0+1.0\n');
});

test('bidi embeddings, overrides and isolates are shown, so text cannot be reordered', () => {
  // "version 1.0 \u202E0.9 noisrev" would read as a different version
  assert.equal(safeText('safe \u202Eexe.txt'), 'safe <U+202E>exe.txt');
  assert.equal(safeText('\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069'), '<U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069>');
});

test('oneLine shows newlines as ^J (a table cell stays on its row)', () => {
  assert.equal(safeText('a\nb\r\nc', { oneLine: true }), 'a^Jb^Jc');
  assert.equal(safeText('a\tb', { oneLine: true }), 'a\tb');
});

test('safeText is idempotent', () => {
  const inputs = [`${ESC}]52;c;x`, 'a\rb', '\u202E', '\x9b', `${ESC}[31m`, '\x00\x7f'];
  for (const s of inputs) assert.equal(safeText(safeText(s)), safeText(s));
});

test('safeJson escapes DEL, C1 and bidi characters too, and parses back to the same value', () => {
  const value = { text: `${ESC}]52;c;x${BEL} \x9b2J \u202Eabc \x7f`, n: 1 };
  const json = safeJson(value);
  assertInert(json);
  assert.deepEqual(JSON.parse(json), value);
});
