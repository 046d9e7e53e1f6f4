// A real terminal for end-to-end tests: tmux, one session per test file,
// one window per kite run. Keys go in with send-keys (C-c reaches the whole
// foreground process group, as an operator's Ctrl-C does); the screen comes
// back with capture-pane.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kiteShellLine } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

export interface TerminalRun {
  window: string;
  exitFile: string;
}

export class Terminal {
  private readonly session: string;
  private readonly scratch = mkdtempSync(join(tmpdir(), 'kite-terminal-'));
  private runs = 0;

  constructor(name: string) {
    this.session = `kite-${name}-${process.pid}`;
  }

  /** the session, 120x30; window 0 just keeps it open */
  open(): void {
    tmux('new-session', '-d', '-x', '120', '-y', '30', '-s', this.session, 'sleep 3600');
  }

  close(): void {
    try {
      tmux('kill-session', '-t', this.session);
    } catch {
      /* already gone */
    }
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** start `kite <args>` with this ABRA_DIR in a fresh window */
  start(abraDir: string, args: string[]): TerminalRun {
    const n = ++this.runs;
    const exitFile = join(this.scratch, `exit-${n}`);
    const window = `${this.session}:${n}`;
    tmux('new-window', '-d', '-t', window, kiteShellLine(abraDir, args, exitFile));
    return { window, exitFile };
  }

  keys(run: TerminalRun, ...keys: string[]): void {
    tmux('send-keys', '-t', run.window, ...keys);
  }

  type(run: TerminalRun, text: string): void {
    tmux('send-keys', '-t', run.window, '-l', text);
  }

  screen(run: TerminalRun): string {
    return tmux('capture-pane', '-p', '-t', run.window);
  }

  async waitForScreen(run: TerminalRun, pattern: RegExp, what: string, tries = 100): Promise<string> {
    for (let i = 0; i < tries; i++) {
      const text = this.screen(run);
      if (pattern.test(text)) return text;
      await sleep(100);
    }
    assert.fail(`timed out waiting for ${what}; the terminal shows:\n${this.screen(run)}`);
  }

  async waitForExit(run: TerminalRun, tries = 150): Promise<number> {
    for (let i = 0; i < tries; i++) {
      if (existsSync(run.exitFile)) {
        const m = /EXIT=(\d+)/.exec(readFileSync(run.exitFile, 'utf8'));
        if (m) return Number(m[1]);
      }
      await sleep(100);
    }
    assert.fail(`kite did not exit; the terminal shows:\n${this.screen(run)}`);
  }
}
