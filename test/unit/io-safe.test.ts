// The output boundary (src/cli/io.ts): whatever a command prints through IO
// is made safe for a terminal, kite's own colours survive, and raw output
// reaches only a stream that is not a terminal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IO } from '../../src/cli/io.js';

const ESC = '\x1b';
const OSC52 = `${ESC}]52;c;ZXZpbA==\x07`;

function stream(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  let text = '';
  return { isTTY, write: (s: string) => ((text += s), true), text: () => text } as unknown as NodeJS.WriteStream & { text: () => string };
}

function io(opts: { tty?: boolean; json?: boolean; color?: boolean } = {}) {
  const out = stream(Boolean(opts.tty));
  const err = stream(Boolean(opts.tty));
  const saved = process.env.NO_COLOR;
  if (opts.color) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = '1';
  try {
    return { io: new IO(Boolean(opts.json), true, false, out, err), out, err };
  } finally {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  }
}

test('data, info, warn, error, debug and table show no escape sequence from the text given', () => {
  const { io: o, out, err } = io();
  o.data(`log ${OSC52}line`);
  o.info(`note ${ESC}[2J${ESC}[Hcleared`);
  o.warn(`label \u202Ereversed`);
  o.error(`server said \rforged`);
  o.debug(`debug ${ESC}]0;title\x07`);
  o.table(['LABEL', 'VALUE'], [[`k${ESC}[31m`, `v\nsecond line ${OSC52}`]]);
  assert.doesNotMatch(out.text() + err.text(), /[\x1b\x07\r\u202e]/);
  assert.equal(out.text(), 'log line\nLABEL  VALUE\nk      v^Jsecond line \n');
  assert.equal(err.text(), 'note cleared\nWARN label <U+202E>reversed\nERROR server said ^Mforged\nDEBUG debug \n');
});

test("kite's own colours survive on a terminal; escape sequences around and inside them do not", () => {
  const { io: o, err } = io({ tty: true, color: true });
  o.info(o.paint('green', 'app: converged'));
  o.info(`${ESC}[2J` + o.paint('bold', `RELEASE NOTES 1.0${ESC}[H`) + ` ${OSC52}`);
  o.warn('careful');
  const lines = err.text().split('\n');
  assert.equal(lines[0], `${ESC}[32mapp: converged${ESC}[39m`);
  assert.equal(lines[1], `${ESC}[1mRELEASE NOTES 1.0${ESC}[22m `);
  assert.equal(lines[2], `${ESC}[33mWARN ${ESC}[39mcareful`);
});

test("text that copies one of kite's painted strings gains nothing beyond that colour", () => {
  const { io: o, err } = io({ tty: true, color: true });
  const painted = o.paint('green', 'ok');
  o.info(`${painted}${ESC}]52;c;x\x07${ESC}[2J`);
  assert.equal(err.text(), `${painted}\n`);
});

test('rawData and rawInfo write bytes untouched only to a stream that is not a terminal', () => {
  const piped = io({ tty: false });
  piped.io.rawData(`a${OSC52}`);
  piped.io.rawInfo(`b${ESC}[31m`);
  assert.equal(piped.out.text(), `a${OSC52}\n`);
  assert.equal(piped.err.text(), `b${ESC}[31m\n`);
  assert.equal(piped.io.isTerminal('out'), false);

  const tty = io({ tty: true });
  tty.io.rawData(`a${OSC52}`);
  tty.io.rawInfo(`b${ESC}[31m`);
  assert.equal(tty.out.text(), 'a\n');
  assert.equal(tty.err.text(), 'b\n');
  assert.equal(tty.io.isTerminal('out'), true);
});

test('JSON output escapes every control and bidi character and parses back unchanged', () => {
  const { io: o, out, err } = io({ json: true });
  const value = { text: `${OSC52} \x9b2J \u202E` };
  o.jsonData(value);
  o.jsonError({ error: { message: `${ESC}[2J` } });
  assert.doesNotMatch(out.text() + err.text(), /[\x1b\x07\x9b\u202e]/);
  assert.deepEqual(JSON.parse(out.text()), value);
});
