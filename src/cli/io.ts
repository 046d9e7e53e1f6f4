// Data on stdout, decoration on stderr. Colour only on a TTY and without NO_COLOR.
//
// Everything printed here passes through safeText() (src/core/terminal-text.ts):
// messages carry names, labels, release notes and log lines from recipes,
// servers and containers, and none of them may drive the terminal. kite's own
// colours survive: paint() makes its text safe and styles it, and the exact
// strings it returned are let through as they are. JSON output is escaped by
// safeJson(). Only rawData()/rawInfo() pass text untouched, and only to a
// stream that is not a terminal (`kite app logs --raw > file`).

import { styleText } from 'node:util';
import { safeJson, safeText } from '../core/terminal-text.js';

type Style = Parameters<typeof styleText>[0];

/** how many of paint()'s results are remembered: a command paints a handful */
const PAINTED_KEPT = 64;

export class IO {
  readonly color: boolean;
  /** paint()'s recent results, which clean() keeps as they are */
  private readonly painted = new Set<string>();
  constructor(
    readonly json: boolean,
    readonly debugEnabled: boolean,
    readonly interactive: boolean,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {
    this.color = Boolean(err.isTTY) && !process.env.NO_COLOR;
  }

  /** kite's own style around text that is made safe first */
  paint(style: Style, text: string): string {
    if (!this.color) return safeText(text);
    // this.color already asked stderr and NO_COLOR; styleText would ask stdout
    const s = styleText(style, safeText(text), { validateStream: false });
    this.painted.delete(s);
    this.painted.add(s);
    if (this.painted.size > PAINTED_KEPT) this.painted.delete(this.painted.values().next().value!);
    return s;
  }

  /** a line of data for scripts */
  data(line: string): void {
    this.out.write(this.clean(line) + '\n');
  }

  /** a line of data exactly as given when stdout is not a terminal; made safe when it is */
  rawData(line: string): void {
    this.out.write((this.out.isTTY ? this.clean(line) : line) + '\n');
  }

  /** whether stdout/stderr is a terminal (where raw output is never written) */
  isTerminal(stream: 'out' | 'err'): boolean {
    return Boolean((stream === 'out' ? this.out : this.err).isTTY);
  }

  jsonData(value: unknown): void {
    this.out.write(safeJson(value) + '\n');
  }

  /** a JSON value on stderr: the error object of a failing command run with --json */
  jsonError(value: unknown): void {
    this.err.write(safeJson(value) + '\n');
  }

  info(line: string): void {
    this.err.write(this.clean(line) + '\n');
  }

  /** a line on stderr exactly as given when stderr is not a terminal; made safe when it is */
  rawInfo(line: string): void {
    this.err.write((this.err.isTTY ? this.clean(line) : line) + '\n');
  }

  warn(line: string): void {
    this.err.write(this.paint('yellow', 'WARN ') + this.clean(line) + '\n');
  }

  error(line: string): void {
    this.err.write(this.paint('red', 'ERROR ') + this.clean(line) + '\n');
  }

  debug(line: string): void {
    if (this.debugEnabled) this.err.write(this.paint('gray', 'DEBUG ' + line) + '\n');
  }

  /** a table on stdout: plain columns, no colour, so it pipes cleanly; a cell stays on its line */
  table(headers: string[], rows: string[][]): void {
    const cells = rows.map((r) => r.map((c) => safeText(c ?? '', { oneLine: true })));
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
    const fmt = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
    this.data(fmt(headers));
    for (const r of cells) this.data(fmt(r));
  }

  /** the line made safe, except the parts paint() produced */
  private clean(line: string): string {
    if (this.painted.size > 0 && line.includes('\x1b')) {
      for (const p of this.painted) {
        const at = line.indexOf(p);
        if (at >= 0) return this.clean(line.slice(0, at)) + p + this.clean(line.slice(at + p.length));
      }
    }
    return safeText(line);
  }
}
