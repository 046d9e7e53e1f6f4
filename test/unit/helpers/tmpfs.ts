// Real file-system failures for tests: a small tmpfs (filled: a real ENOSPC;
// remounted read-only: a real EROFS). Mounting needs root; `canMount` says
// whether the tests that need it can run here.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const canMount = process.getuid?.() === 0;

export class Tmpfs {
  readonly dir: string;
  constructor(size = '256k') {
    this.dir = mkdtempSync(join(tmpdir(), 'kite-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', this.dir]);
  }

  /** write a filler file until the file system is full (ENOSPC) */
  fill(): void {
    try {
      writeFileSync(join(this.dir, '.filler'), Buffer.alloc(64 << 20));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    }
  }

  /** free the space fill() took */
  unfill(): void {
    rmSync(join(this.dir, '.filler'), { force: true });
  }

  readOnly(ro = true): void {
    execFileSync('mount', ['-o', `remount,${ro ? 'ro' : 'rw'}`, this.dir]);
  }

  /** unmount and remove the mount point */
  dispose(): void {
    try {
      execFileSync('umount', [this.dir]);
    } catch {
      execFileSync('umount', ['-l', this.dir]);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
