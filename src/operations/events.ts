// Events that long operations emit. The CLI renders them as progress lines on
// stderr or JSON lines on stdout; a web UI can relay the same stream.

import type { FailedTask } from '../core/errors.js';
import type { DeployOverview } from './deploy.js';

export interface ReleaseNote {
  version: string;
  text: string;
}

export type DeployEvent =
  | { type: 'warning'; message: string }
  | { type: 'info'; message: string }
  /** a safe upgrade's snapshot and, after a failure, its restore (src/operations/safe-upgrade.ts) */
  | { type: 'backup'; message: string }
  | { type: 'overview'; overview: DeployOverview; notes: ReleaseNote[] }
  | { type: 'plan'; stack: string; server: string; version?: string; services: string[] }
  | { type: 'created'; object: 'network' | 'secret' | 'config'; name: string }
  | { type: 'service'; action: 'created' | 'updated' | 'removed' | 'unchanged'; service: string }
  | { type: 'progress'; service: string; running: number; desired: number; message: string }
  | { type: 'verifying'; service: string; seconds: number }
  | { type: 'converged'; service: string }
  /** a stateful service now pinned to the node that holds its volumes (recorded on the server) */
  | { type: 'pinned'; service: string; node: string }
  | { type: 'failed'; service: string; reason: string; tasks: FailedTask[]; logsTail: string[] }
  | { type: 'rollback'; phase: 'started' | 'done' | 'failed'; services: string[]; message?: string }
  | { type: 'removed'; object: 'service' | 'network' | 'config' | 'secret'; name: string }
  | { type: 'done'; stack: string; version?: string; converged: boolean; unchanged?: boolean }
  | { type: 'post-cmd'; service: string; command: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string };
