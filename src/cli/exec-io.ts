// Connecting an exec session to this process's terminal or pipes.
// With a TTY: raw mode, keystrokes straight through, output straight back,
// the remote terminal resized with ours. Without: the multiplexed output
// split to stdout and stderr, and stdin forwarded when something is piped in.

import { fstatSync } from 'node:fs';
import { FrameReader } from '../core/stream-frames.js';
import type { ExecSession } from '../operations/app-exec.js';

/** stdin is a pipe, a file or a socket (not a terminal, not /dev/null) */
export function stdinIsPiped(): boolean {
  if (process.stdin.isTTY) return false;
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}

export function wantTty(flag: boolean | undefined): boolean {
  return flag !== false && Boolean(process.stdin.isTTY);
}

/** Run the session to its end; resolves with the process's exit code. */
export async function attachSession(session: ExecSession, opts: { forwardStdin: boolean; stdoutTo?: NodeJS.WriteStream }): Promise<number> {
  return session.tty ? attachTty(session) : attachPipes(session, opts.forwardStdin, opts.stdoutTo ?? process.stdout);
}

async function attachPipes(session: ExecSession, forwardStdin: boolean, stdout: NodeJS.WriteStream): Promise<number> {
  const { stream } = session;
  const frames = new FrameReader();
  const outputs = { stdout, stderr: process.stderr };
  let blocked = 0; // outputs we wait to drain before reading on
  const drained = () => {
    if (--blocked === 0) stream.resume();
  };
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      const full = new Set<NodeJS.WriteStream>();
      for (const f of frames.push(chunk)) {
        if (!outputs[f.stream].write(f.data)) full.add(outputs[f.stream]);
      }
      for (const out of full) {
        blocked++;
        out.once('drain', drained);
      }
      if (blocked > 0) stream.pause();
    });
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // the process may exit without reading all of its stdin
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') resolve();
      else reject(e);
    });
  });
  if (forwardStdin) {
    process.stdin.pipe(stream); // ends our side at EOF: the process sees its stdin close
  } else {
    stream.end();
  }
  try {
    await done;
  } finally {
    if (forwardStdin) {
      process.stdin.unpipe(stream);
      process.stdin.destroy();
    }
    stream.destroy();
  }
  return session.exitCode();
}

async function attachTty(session: ExecSession): Promise<number> {
  const { stream } = session;
  const stdin = process.stdin;
  const resize = () => {
    const rows = process.stdout.rows ?? process.stderr.rows;
    const cols = process.stdout.columns ?? process.stderr.columns;
    if (rows && cols) session.resize({ rows, cols }).catch(() => undefined);
  };
  const done = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  stream.pipe(process.stdout, { end: false });
  stdin.setRawMode(true);
  stdin.resume();
  stdin.pipe(stream, { end: false });
  const onResize = () => resize();
  process.stdout.on('resize', onResize);
  resize();
  try {
    await done;
  } finally {
    process.stdout.off('resize', onResize);
    stdin.unpipe(stream);
    stdin.setRawMode(false);
    stdin.pause();
    stdin.destroy();
    stream.destroy();
  }
  return session.exitCode();
}
