// This machine as the per-app lock sees it: who runs kite, on which host,
// in which process, and whether another process of this host still runs.
// One real adapter (src/adapters/local-host.ts); unit tests fake a dead or
// restarted holder without killing anything.

import type { PidState } from '../core/lock-holder.js';

export interface Host {
  /** this machine's name */
  hostname(): string;
  /** `<KITE_OPERATOR, else the login name>@<hostname>`, recorded in locks and history */
  operator(): string;
  /** this process */
  readonly pid: number;
  /** when a process started, only compared for equality; undefined when unknown or not running */
  startTime(pid: number): string | undefined;
  /** whether `pid` runs on this host, and since when */
  probe(pid: number): PidState;
}
