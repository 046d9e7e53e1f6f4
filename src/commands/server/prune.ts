import type { Context } from '../../cli/context.js';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { formatBytes } from '../../core/bytes.js';
import { parsePruneFilters } from '../../core/prune-filters.js';
import { pruneServer, type PruneStep } from '../../operations/server-prune.js';

interface Flags {
  all?: boolean;
  volumes?: boolean;
  force?: boolean;
  filter?: string[];
}

const WHAT: Record<PruneStep['kind'], string> = {
  containers: 'stopped containers',
  networks: 'unused networks',
  images: 'images',
  build: 'build cache',
  volumes: 'unused volumes',
};

export async function run(ctx: Context, server: string, flags: Flags): Promise<void> {
  if (!ctx.dir.hasServer(server)) {
    throw new NotFoundError(`no server "${server}" in ${ctx.dir.serversDir}`, 'list servers with `kite server ls`');
  }
  const filters = parsePruneFilters(flags.filter ?? []);
  // Deleting data on a server needs an explicit yes. Until prompts arrive
  // here, that yes is --force (or --no-input, which means "do not ask").
  if (!flags.force && ctx.globals.input !== false) {
    const what = [WHAT.containers, WHAT.networks, flags.all ? 'all unused images' : 'dangling images', WHAT.build, ...(flags.volumes ? [WHAT.volumes] : [])];
    throw new UsageError(`server prune deletes ${what.join(', ')} on ${server}; pass -f/--force to go ahead`, `kite server prune ${server} --force${flags.all ? ' --all' : ''}${flags.volumes ? ' --volumes' : ''}`);
  }
  const docker = await ctx.docker(server);
  const steps: PruneStep[] = [];
  let total = 0;
  for await (const step of pruneServer(docker, { all: flags.all, volumes: flags.volumes, filters })) {
    steps.push(step);
    if ('skipped' in step) {
      if (!ctx.io.json) ctx.io.info(`${WHAT[step.kind]}: skipped (${step.skipped})`);
      continue;
    }
    total += step.spaceReclaimed;
    if (!ctx.io.json) {
      ctx.io.info(`${WHAT[step.kind]}: ${step.deleted.length} removed, ${formatBytes(step.spaceReclaimed)} reclaimed`);
      for (const d of step.deleted) ctx.io.data(`${step.kind}\t${d}`);
    }
  }
  if (ctx.io.json) return ctx.io.jsonData({ server, steps, spaceReclaimed: total });
  ctx.io.info(`total reclaimed space on ${server}: ${formatBytes(total)}`);
}
