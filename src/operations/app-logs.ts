// `app logs`: the logs of one service of an app, or of all its services
// interleaved. Lines are asked for with timestamps, so that without --follow
// the services' lines are merged in time order; with --follow they are
// printed as they arrive, from every service at once, until the signal aborts.

import type { DockerPort, ServiceLogLine } from '../ports/docker.js';
import { NotFoundError } from '../core/errors.js';
import { byTime, splitTimestamp } from '../core/log-options.js';
import { deployedServices, shortName } from './app-services.js';

export interface AppLogsOptions {
  /** compose service name (`app`) or full name (`<stack>_app`); all services when absent */
  service?: string;
  follow?: boolean;
  /** UNIX seconds */
  since?: string;
  tail?: number | 'all';
  signal: AbortSignal;
}

export interface AppLogLine {
  /** compose service name */
  service: string;
  stream: ServiceLogLine['stream'];
  /** RFC 3339 time Docker recorded, '' if it gave none */
  time: string;
  text: string;
}

export interface AppLogs {
  /** the compose service names whose logs are shown */
  services: string[];
  lines: AsyncIterable<AppLogLine>;
}

export async function appLogs(domain: string, stack: string, docker: DockerPort, opts: AppLogsOptions): Promise<AppLogs> {
  let services = await deployedServices(domain, stack, docker);
  if (opts.service) {
    const wanted = opts.service;
    const found = services.filter((s) => s.Spec.Name === wanted || s.Spec.Name === `${stack}_${wanted}`);
    if (found.length === 0) {
      throw new NotFoundError(
        `${domain} has no service "${wanted}" (services: ${services.map((s) => shortName(stack, s.Spec.Name)).join(', ')})`,
        `name one of them, e.g. \`kite app logs ${domain} ${shortName(stack, services[0].Spec.Name)}\``,
      );
    }
    services = found;
  }
  const names = services.map((s) => shortName(stack, s.Spec.Name));
  const streams = services.map((s, i) => tagged(names[i], docker.streamServiceLogs(s.ID, { follow: opts.follow, since: opts.since, tail: opts.tail, timestamps: true }, opts.signal)));
  return { services: names, lines: opts.follow ? merge(streams) : sortedAll(streams) };
}

async function* tagged(service: string, lines: AsyncIterable<ServiceLogLine>): AsyncGenerator<AppLogLine> {
  for await (const l of lines) {
    const { time, text } = splitTimestamp(l.text);
    yield { service, stream: l.stream, time, text };
  }
}

/** every line of every stream, then in time order (a stable sort keeps each stream's own order on ties) */
async function* sortedAll(streams: AsyncIterable<AppLogLine>[]): AsyncGenerator<AppLogLine> {
  const all = await Promise.all(
    streams.map(async (s) => {
      const lines: AppLogLine[] = [];
      for await (const l of s) lines.push(l);
      return lines;
    }),
  );
  yield* all.flat().sort(byTime);
}

/** lines from all streams as soon as each arrives */
async function* merge<T>(sources: AsyncIterable<T>[]): AsyncGenerator<T> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  const pull = (i: number) => pending.set(i, its[i].next().then((r) => ({ i, r })));
  its.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) pending.delete(i);
      else {
        pull(i);
        yield r.value;
      }
    }
  } finally {
    for (const it of its) void it.return?.(undefined)?.catch(() => undefined);
  }
}
