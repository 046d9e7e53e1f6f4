// A PATH directory whose `ssh` counts its runs (then runs the real one): how
// many ssh processes a command started.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function sshWrapperCounting(): { path: string; count: () => number } {
  const real = (process.env.PATH ?? '').split(':').map((d) => join(d || '.', 'ssh')).find((p) => existsSync(p));
  if (!real) throw new Error('no ssh in PATH');
  const dir = mkdtempSync(join(tmpdir(), 'kite-ssh-count-'));
  const log = join(dir, 'runs');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\necho run >>'${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  return { path: `${dir}:${process.env.PATH ?? ''}`, count: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}
