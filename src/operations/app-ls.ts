// `app ls`: the env files under servers/*/ (purely local), and with status
// every server that has apps asked once, all at the same time. A server that
// cannot be reached does not fail the listing: its apps are `unknown` and a
// warning says why.

import type { Ports } from '../ports/index.js';
import { parseEnvFile, appRecipe } from '../core/env-file.js';
import { stackName } from '../core/stack-name.js';
import { buildListing, sortApps, UNKNOWN, type AppListing, type LocalApp, type StackStatus } from '../core/app-listing.js';
import { NotFoundError } from '../core/errors.js';
import { serverNodeLoss, serverStackStatuses } from './app-status.js';
import { releaseVersions, type VersionList } from '../core/versions.js';

export interface AppLsOptions {
  server?: string;
  recipe?: string;
  status?: boolean;
}

export interface AppLsResult {
  listing: AppListing;
  /** servers that could not be asked, and env files that could not be read */
  warnings: string[];
}

export async function listApps(ports: Pick<Ports, 'apps' | 'recipes' | 'docker'>, opts: AppLsOptions): Promise<AppLsResult> {
  const dir = ports.apps;
  if (opts.server && !dir.hasServer(opts.server)) {
    throw new NotFoundError(`no server "${opts.server}" in ${dir.serversDir}`, 'list servers with `kite server ls`, or add one with `kite server add`');
  }
  const warnings: string[] = [];
  const apps: LocalApp[] = [];
  for (const ref of dir.listApps(opts.server)) {
    let recipe = UNKNOWN;
    try {
      recipe = appRecipe(parseEnvFile(dir.readText(ref.path), ref.path).env)?.recipe ?? UNKNOWN;
    } catch (e) {
      warnings.push(`${(e as Error).message} (listed with recipe "unknown")`);
    }
    if (opts.recipe && recipe !== opts.recipe) continue;
    apps.push({ server: ref.server, domain: ref.domain, recipe, stack: stackName(ref.domain) });
  }
  const sorted = sortApps(apps);
  if (!opts.status) return { listing: buildListing(sorted, false), warnings };

  const servers = [...new Set(sorted.map((a) => a.server))];
  // each server asked once for its stacks, and (at the same time) whether a node is down or drained
  const asked = await Promise.allSettled(servers.map(async (s) => {
    const docker = await ports.docker(s);
    const [stacks, loss] = await Promise.all([serverStackStatuses(docker), serverNodeLoss(docker)]);
    return { stacks, loss };
  }));
  const results = asked.map((r) => (r.status === 'fulfilled' ? { status: r.status, value: r.value.stacks } : r));
  asked.forEach((r, i) => {
    const loss = r.status === 'fulfilled' ? r.value.loss : undefined;
    if (!loss) return;
    warnings.push(`${servers[i]}: ${loss.nodes.join('; ')}`);
    for (const a of sorted.filter((x) => x.server === servers[i])) for (const line of loss.stacks.get(a.stack) ?? []) warnings.push(`${a.domain}: ${line}`);
  });
  const statuses = new Map<string, Map<string, StackStatus> | undefined>();
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') statuses.set(servers[i], r.value);
    else {
      statuses.set(servers[i], undefined);
      const msg = (r.reason as Error)?.message ?? String(r.reason);
      warnings.push(`${msg.startsWith(`server ${servers[i]}`) ? msg : `server ${servers[i]}: ${msg}`}; its apps are listed with status unknown`);
    }
  });
  return { listing: buildListing(sorted, true, statuses, await localReleases(ports, sorted, warnings)), warnings };
}

/** Release tags of each listed recipe's local clone (no network: `kite recipe fetch` refreshes them). */
async function localReleases(ports: Pick<Ports, 'apps' | 'recipes'>, apps: LocalApp[], warnings: string[]): Promise<Map<string, VersionList>> {
  const { apps: dir, recipes } = ports;
  const out = new Map<string, VersionList>();
  for (const recipe of new Set(apps.map((a) => a.recipe))) {
    const recipeDir = dir.recipeDir(recipe);
    if (recipe === UNKNOWN || !recipes.isRepo(recipeDir)) continue;
    try {
      out.set(recipe, releaseVersions(await (await recipes.open(recipeDir)).tags()));
    } catch (e) {
      warnings.push(`recipe ${recipe}: cannot read its tags (${(e as Error).message.split('\n')[0]}); upgrades unknown`);
    }
  }
  return out;
}
