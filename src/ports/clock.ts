// Time as operations see it: what time it is and how to wait. The real
// adapter is the system clock (src/adapters/system-clock.ts); unit tests
// drive a fake Swarm with a virtual clock, so waiting costs nothing there.

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  /** resolves after `ms`, or at once when `signal` is already or becomes aborted */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
