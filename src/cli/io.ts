// Data on stdout, decoration on stderr. Colour only on a TTY and without NO_COLOR.

import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

export class IO {
  readonly color: boolean;
  constructor(
    readonly json: boolean,
    readonly debugEnabled: boolean,
    readonly interactive: boolean,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {
    this.color = Boolean(err.isTTY) && !process.env.NO_COLOR;
  }

  paint(style: Style, text: string): string {
    return this.color ? styleText(style, text) : text;
  }

  /** a line of data for scripts */
  data(line: string): void {
    this.out.write(line + '\n');
  }

  jsonData(value: unknown): void {
    this.out.write(JSON.stringify(value) + '\n');
  }

  info(line: string): void {
    this.err.write(line + '\n');
  }

  warn(line: string): void {
    this.err.write(this.paint('yellow', 'WARN ') + line + '\n');
  }

  error(line: string): void {
    this.err.write(this.paint('red', 'ERROR ') + line + '\n');
  }

  debug(line: string): void {
    if (this.debugEnabled) this.err.write(this.paint('gray', 'DEBUG ' + line) + '\n');
  }

  /** a table on stdout: plain columns, no colour, so it pipes cleanly */
  table(headers: string[], rows: string[][]): void {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
    this.data(fmt(headers));
    for (const r of rows) this.data(fmt(r));
  }
}
