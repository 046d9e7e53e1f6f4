// The operator's editor on a file, with the terminal handed over: $EDITOR
// (as abra), else vi. The variable may carry arguments (`code --wait`),
// so it runs through sh with the file as "$1" (never spliced into the line).

import { spawn } from 'node:child_process';

export function editorCommand(env: NodeJS.ProcessEnv = process.env): { command: string; fromEnv: boolean } {
  const fromEnv = (env.EDITOR || '').trim();
  return { command: fromEnv || 'vi', fromEnv: Boolean(fromEnv) };
}

/** Resolves with the editor's exit code (null when killed by a signal). */
export function runEditor(command: string, file: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${command} "$1"`, 'kite-editor', file], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}
