// Helpers for the app-exec, app-secret and app-remove end-to-end tests:
// running kite with something piped into its stdin, and running it in a real
// terminal (a tmux window) to type into it and read the screen.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SSH_CONFIG, kiteShellLine, type Run, type Sandbox } from './harness.js';

/** `kite <args>` with `input` on its stdin (a pipe, closed after the input). */
export function kiteWithInput(sb: Sandbox, args: string[], input: string | Buffer): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/kite.js'), ...args], {
      env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => undefined); // kite may exit before reading it all
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** One tmux session per test file; each `start` opens a window running one kite command. */
export class Terminal {
  private readonly session = `kite-exec-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  private readonly scratch = mkdtempSync(join(tmpdir(), 'kite-term-'));
  private runs = 0;
  private started = false;

  constructor(private readonly sb: Sandbox) {}

  /** start `kite <args>` in a 100x30 terminal; returns the window to drive */
  start(args: string[]): TerminalRun {
    if (!this.started) {
      tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', this.session, 'sleep 3600');
      this.started = true;
    }
    const n = ++this.runs;
    const exitFile = join(this.scratch, `exit-${n}`);
    const window = `${this.session}:${n}`;
    const command = kiteShellLine(this.sb.abraDir, args, exitFile);
    tmux('new-window', '-d', '-t', window, command);
    return new TerminalRun(window, exitFile);
  }

  close(): void {
    if (this.started) {
      try {
        tmux('kill-session', '-t', this.session);
      } catch {
        /* already gone */
      }
    }
  }
}

export class TerminalRun {
  constructor(
    readonly window: string,
    private readonly exitFile: string,
  ) {}

  screen(): string {
    return tmux('capture-pane', '-p', '-t', this.window);
  }

  /** type text; `enter` presses Enter after it */
  type(text: string, enter = true): void {
    tmux('send-keys', '-t', this.window, '-l', text);
    if (enter) tmux('send-keys', '-t', this.window, 'Enter');
  }

  resize(cols: number, rows: number): void {
    tmux('resize-window', '-t', this.window, '-x', String(cols), '-y', String(rows));
  }

  async waitFor(pattern: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${text}`);
      await sleep(100);
    }
  }

  async exitCode(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (existsSync(this.exitFile)) {
        const m = /EXIT=(\d+)/.exec(readFileSync(this.exitFile, 'utf8'));
        if (m) return Number(m[1]);
      }
      if (Date.now() > deadline) throw new Error(`kite did not exit; the terminal shows:\n${this.screen()}`);
      await sleep(100);
    }
  }
}

/** remove kite's deploy history and lock of a test stack (configs purgeStack does not know) */
export function purgeKiteConfigs(stack: string): void {
  const ids = execFileSync('docker', ['config', 'ls', '-q', '--filter', `label=kite.history=${stack}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const lock = execFileSync('docker', ['config', 'ls', '-q', '--filter', `name=kite-lock-${stack}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length + lock.length > 0) execFileSync('docker', ['config', 'rm', ...ids, ...lock], { stdio: 'ignore' });
}
