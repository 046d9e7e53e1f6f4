// The Host port on this machine: os.hostname, the login name, /proc for
// process start times (Linux), kill(pid, 0) to see whether a process runs.

import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { PidState } from '../core/lock-holder.js';
import type { Host } from '../ports/host.js';

/**
 * When a process started, as a string only compared for equality: the
 * start time in clock ticks since boot from /proc (Linux), undefined where
 * there is no /proc or the process does not exist.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count from the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22, starttime
  } catch {
    return undefined;
  }
}

/** whether `pid` runs on this host, and since when */
export function probePid(pid: number): PidState {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it runs, as another user
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return { running: false };
  }
  return { running: true, started: processStartTime(pid) };
}

export const localHost: Host = {
  hostname: () => hostname(),
  operator() {
    let user = 'unknown';
    try {
      user = userInfo().username;
    } catch {
      /* no passwd entry */
    }
    return `${process.env.KITE_OPERATOR || user}@${hostname()}`;
  },
  pid: process.pid,
  startTime: processStartTime,
  probe: probePid,
};
