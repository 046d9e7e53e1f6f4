// `server prune`: what `docker system prune` does, on a server: stopped
// containers, unused networks, dangling images (all unused images with
// --all), the build cache, and with --volumes unused volumes: the Engine
// decides which, anonymous ones only since API 1.42 (Docker 23), but every
// unused volume, named app data included, on older daemons (as abra, which
// sends no filter either). Each step reports what it removed and the space freed.

import type { DockerPort, PruneKind } from '../ports/docker.js';
import { filtersFor, type PruneFilters } from '../core/prune-filters.js';
import { DockerApiError } from '../core/errors.js';

export interface PruneOptions {
  all?: boolean;
  volumes?: boolean;
  filters?: PruneFilters;
}

export type PruneStep =
  | { kind: PruneKind; deleted: string[]; spaceReclaimed: number }
  | { kind: PruneKind; skipped: string };

export async function* pruneServer(docker: DockerPort, opts: PruneOptions): AsyncGenerator<PruneStep> {
  const filters = opts.filters ?? {};
  const kinds: PruneKind[] = ['containers', 'networks', 'images', 'build'];
  if (opts.volumes) kinds.push('volumes');
  for (const kind of kinds) {
    const f = filtersFor(kind, filters);
    if (!f) {
      yield { kind, skipped: 'the filter does not apply to it' };
      continue;
    }
    if (kind === 'images') f.dangling = [opts.all ? 'false' : 'true'];
    try {
      const r = await docker.prune(kind, { filters: f, all: opts.all });
      yield { kind, deleted: r.deleted, spaceReclaimed: r.spaceReclaimed };
    } catch (e) {
      // daemons without BuildKit have no build cache endpoint
      if (kind === 'build' && e instanceof DockerApiError && (e.statusCode === 404 || e.statusCode === 501)) {
        yield { kind, skipped: `the daemon has no build cache endpoint (${e.message})` };
        continue;
      }
      throw e;
    }
  }
}
