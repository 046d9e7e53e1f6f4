// Who holds an app's server-side lock (src/operations/deploy-lock.ts), and
// whether that holder is provably gone, so its lock can be taken over.
//
// A lock records its holder's host (os.hostname()), pid and process start
// time. It is stale when:
//   - it was taken on this host and that pid is not running, or runs a
//     process started at another time (the pid was reused): the holder was
//     killed (kill -9, a crash) before it could release the lock;
//   - its holder cannot be checked from here (another host, or a lock written
//     by an older kite that recorded no pid) and it is older than
//     LOCK_MAX_AGE_MS: no deploy, restart or secret change holds a lock that
//     long; a dropped SSH connection leaves such a lock.
// A holder on this host that still runs keeps its lock however old it is.
// Pure: the caller probes the process table and passes the facts in.

/** how long a lock whose holder cannot be checked is honoured: 2 hours */
export const LOCK_MAX_AGE_MS = 2 * 60 * 60 * 1000;

export const LOCK_LABEL = 'kite.lock';

export interface LockRecord {
  /** user@host, for people */
  holder: string;
  /** ISO time the lock was taken */
  since: string;
  action: string;
  /** os.hostname() of the holder (absent in locks of older kites) */
  host?: string;
  pid?: number;
  /** the holder process's start time, as processStartTime() gives it */
  started?: string;
}

/** the labels a lock config carries */
export function lockLabels(stack: string, r: LockRecord): Record<string, string> {
  const labels: Record<string, string> = { [LOCK_LABEL]: stack, [`${LOCK_LABEL}.holder`]: r.holder, [`${LOCK_LABEL}.since`]: r.since, [`${LOCK_LABEL}.action`]: r.action };
  if (r.host !== undefined) labels[`${LOCK_LABEL}.host`] = r.host;
  if (r.pid !== undefined) labels[`${LOCK_LABEL}.pid`] = String(r.pid);
  if (r.started !== undefined) labels[`${LOCK_LABEL}.started`] = r.started;
  return labels;
}

/** a lock config's labels back into a record; tolerates the fields older kites did not write */
export function parseLockLabels(labels: Record<string, string> | null | undefined): LockRecord {
  const l = labels ?? {};
  const get = (k: string) => l[`${LOCK_LABEL}.${k}`];
  const pid = Number(get('pid'));
  return {
    holder: get('holder') ?? 'unknown',
    since: get('since') ?? 'unknown',
    action: get('action') ?? 'deploy',
    host: get('host') || undefined,
    pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
    started: get('started') || undefined,
  };
}

/** what the caller found about the recorded pid on this host */
export type PidState = { running: false } | { running: true; started?: string };

export interface HereFacts {
  host: string;
  now: number;
  /** the state of the lock's pid, probed only when the lock was taken on this host */
  pid?: PidState;
}

export type LockVerdict =
  | { stale: true; reason: string }
  | { stale: false; reason: string; /** the holder was seen running on this host */ alive: boolean };

export function lockVerdict(lock: LockRecord, here: HereFacts, maxAgeMs = LOCK_MAX_AGE_MS): LockVerdict {
  if (lock.host !== undefined && lock.pid !== undefined && lock.host === here.host && here.pid) {
    if (!here.pid.running) return { stale: true, reason: `its process ${lock.pid} on ${lock.host} is gone` };
    if (lock.started !== undefined && here.pid.started !== undefined && lock.started !== here.pid.started) {
      return { stale: true, reason: `its process ${lock.pid} on ${lock.host} is gone (the pid now belongs to another process)` };
    }
    return { stale: false, alive: true, reason: `its process ${lock.pid} still runs on ${lock.host}` };
  }
  const taken = Date.parse(lock.since);
  const age = here.now - taken;
  if (Number.isFinite(taken) && age > maxAgeMs) {
    return { stale: true, reason: `it is older than ${formatAge(maxAgeMs)} (taken ${formatAge(age)} ago) and its holder cannot be checked from here` };
  }
  const why = lock.host === undefined || lock.pid === undefined ? 'it was taken by an older kite that did not record its process' : `it was taken on ${lock.host}, not here`;
  return { stale: false, alive: false, reason: `${why}; it may still be in use` };
}

/** who holds it, for messages: `alice@laptop has been running \`deploy\` since <time> (pid 123)` */
export function describeHolder(lock: LockRecord): string {
  return `${lock.holder} has been running \`${lock.action}\` since ${lock.since}${lock.pid !== undefined ? ` (pid ${lock.pid})` : ''}`;
}

function formatAge(ms: number): string {
  const min = Math.round(ms / 60_000);
  return min % 60 === 0 || min >= 180 ? `${Math.round(min / 60)} h` : `${min} min`;
}
