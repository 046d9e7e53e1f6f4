// Long actions started from the UI (deploy, upgrade, rollback, restart,
// undeploy): each runs once on the server, its events are kept and relayed
// to every browser that follows it (Server-Sent Events), late followers get
// the whole story first. A deploy waits for the operator's Confirm after its
// overview, holding the app's lock exactly as the CLI does while it asks.

import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export type JobEvent = Record<string, unknown> & { type: string };

export interface Job {
  id: string;
  domain: string;
  action: string;
  events: JobEvent[];
  done: boolean;
}

/** how long a deploy overview waits for Confirm before it is cancelled */
export const CONFIRM_TIMEOUT_MS = 10 * 60 * 1000;
/** a deploy waiting for Confirm that no browser follows any more is cancelled after this (it holds the app's lock) */
export const ABANDONED_MS = 30 * 1000;
/** finished jobs are forgotten after this */
const KEEP_DONE_MS = 60 * 60 * 1000;

interface Running extends Job {
  listeners: Set<ServerResponse>;
  confirm?: (yes: boolean) => void;
  abandoned?: NodeJS.Timeout;
  endedAt?: number;
}

export class Jobs {
  private readonly jobs = new Map<string, Running>();
  constructor(private readonly times: { confirmMs: number; abandonedMs: number } = { confirmMs: CONFIRM_TIMEOUT_MS, abandonedMs: ABANDONED_MS }) {}

  /** start `work`; it reports through `emit` and may wait for a confirmation */
  start(domain: string, action: string, work: (emit: (ev: JobEvent) => void, confirm: () => Promise<boolean>) => Promise<JobEvent>): Job {
    for (const [old, j] of this.jobs) if (j.endedAt !== undefined && Date.now() - j.endedAt > KEEP_DONE_MS) this.jobs.delete(old);
    const id = randomBytes(9).toString('base64url');
    const job: Running = { id, domain, action, events: [], done: false, listeners: new Set() };
    this.jobs.set(id, job);
    const emit = (ev: JobEvent) => {
      job.events.push(ev);
      const line = sseData(ev);
      for (const res of job.listeners) res.write(line);
    };
    const confirm = () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => settle(false), this.times.confirmMs);
        const settle = (yes: boolean) => {
          clearTimeout(timer);
          clearTimeout(job.abandoned);
          job.confirm = undefined;
          resolve(yes);
        };
        job.confirm = settle;
        if (job.listeners.size === 0) job.abandoned = setTimeout(() => settle(false), this.times.abandonedMs);
        emit({ type: 'confirm' });
      });
    void work(emit, confirm)
      .then((end) => emit(end), (e: unknown) => emit({ type: 'end', ok: false, error: { message: (e as Error)?.message ?? String(e) } }))
      .finally(() => {
        job.done = true;
        job.endedAt = Date.now();
        for (const res of job.listeners) res.end();
        job.listeners.clear();
      });
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** the answer to a waiting overview; false when the job is not waiting */
  answer(id: string, yes: boolean): boolean {
    const job = this.jobs.get(id);
    if (!job?.confirm) return false;
    job.confirm(yes);
    return true;
  }

  follow(id: string, res: ServerResponse): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    startSse(res);
    for (const ev of job.events) res.write(sseData(ev));
    if (job.done) {
      res.end();
      return true;
    }
    job.listeners.add(res);
    clearTimeout(job.abandoned);
    res.on('close', () => {
      job.listeners.delete(res);
      // the browser went away while the overview waits for Confirm: cancel, so the lock is not held for nobody
      if (job.listeners.size === 0 && !job.done) job.abandoned = setTimeout(() => job.confirm?.(false), this.times.abandonedMs);
    });
    return true;
  }

  /** a job of this app still running (one at a time per app from this UI; the server-side lock covers everyone else) */
  runningFor(domain: string): Job | undefined {
    return [...this.jobs.values()].find((j) => j.domain === domain && !j.done);
  }

  /** cancel every waiting confirmation (shutting down) */
  cancelAll(): void {
    for (const job of this.jobs.values()) job.confirm?.(false);
  }
}

export function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  res.write(': kite\n\n');
}

export function sseData(ev: unknown): string {
  return `data: ${JSON.stringify(ev)}\n\n`;
}
