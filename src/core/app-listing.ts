// `app ls`: the apps found in $ABRA_DIR, optionally with what each server
// says about them, shaped exactly like abra's `app ls -m` JSON:
//
//   { "<server>": { apps: [{server, recipe, appName, domain, status, chaos,
//     chaosVersion, autoUpdate, version, upgrade}], appCount, versionCount,
//     unversionedCount, latestCount, upgradeCount } }
//
// Every app field is a string. Without --status abra leaves the status
// fields empty (Go zero values), so do we. With --status, values nobody
// could tell are "unknown" (abra's UNKNOWN_DEFAULT).

import { labelKey, APP_SERVICE } from './abra-labels.js';
import { newerThan, parseVersion, type VersionList } from './versions.js';

export const UNKNOWN = 'unknown';

export interface ListedApp {
  server: string;
  recipe: string;
  appName: string;
  domain: string;
  status: string;
  chaos: string;
  chaosVersion: string;
  autoUpdate: string;
  version: string;
  upgrade: string;
}

export interface ServerApps {
  apps: ListedApp[];
  appCount: number;
  versionCount: number;
  unversionedCount: number;
  latestCount: number;
  upgradeCount: number;
}

export type AppListing = Record<string, ServerApps>;

/** What the app's `<stack>_app` service says, from its labels. */
export interface StackStatus {
  /** the stack has at least one service */
  deployed: boolean;
  version?: string;
  chaos?: string;
  chaosVersion?: string;
  autoUpdate?: string;
}

/** A local app: an env file under servers/<server>/. */
export interface LocalApp {
  server: string;
  domain: string;
  /** the recipe named by TYPE=/RECIPE=, `unknown` when the file does not say */
  recipe: string;
  stack: string;
}

/** The few service fields the status mapping reads. */
export interface ServiceLabels {
  Spec: { Name: string; Labels?: Record<string, string> | null };
}

const NAMESPACE = 'com.docker.stack.namespace';

/**
 * Per stack, what one `GET /services` (all stack services) tells about it.
 * Stacks without an `<stack>_app` service are deployed but carry no labels.
 */
export function stackStatuses(services: ServiceLabels[]): Map<string, StackStatus> {
  const out = new Map<string, StackStatus>();
  for (const s of services) {
    const labels = s.Spec.Labels ?? {};
    const stack = labels[NAMESPACE];
    if (!stack) continue;
    if (!out.has(stack)) out.set(stack, { deployed: true });
    if (s.Spec.Name !== `${stack}_${APP_SERVICE}`) continue;
    const st = out.get(stack) as StackStatus;
    const get = (name: string) => labels[labelKey(stack, name)];
    st.version = get('version') || undefined; // `version=` (never released) counts as unknown
    st.chaos = get('chaos');
    st.chaosVersion = get('chaos-version');
    st.autoUpdate = get('autoupdate');
  }
  return out;
}

/**
 * The §13 structure. `statuses` maps server → its stacks' statuses; a server
 * missing from it (or `undefined`) could not be asked: its apps are `unknown`.
 * `withStatus` false gives the purely local listing.
 */
export function buildListing(
  apps: LocalApp[],
  withStatus: boolean,
  statuses: Map<string, Map<string, StackStatus> | undefined> = new Map(),
  /** each recipe's releases (from its local clone), to tell which upgrades exist */
  releases: Map<string, VersionList> = new Map(),
): AppListing {
  const listing: AppListing = {};
  for (const app of apps) {
    const entry = (listing[app.server] ??= { apps: [], appCount: 0, versionCount: 0, unversionedCount: 0, latestCount: 0, upgradeCount: 0 });
    entry.appCount++;
    const listed: ListedApp = {
      server: app.server,
      recipe: app.recipe,
      appName: app.domain,
      domain: app.domain,
      status: '',
      chaos: '',
      chaosVersion: '',
      autoUpdate: '',
      version: '',
      upgrade: '',
    };
    if (withStatus) {
      const serverStatus = statuses.get(app.server);
      const st = serverStatus?.get(app.stack);
      listed.status = !serverStatus ? UNKNOWN : st?.deployed ? 'deployed' : 'undeployed';
      listed.version = st?.version ?? UNKNOWN;
      listed.chaos = st?.chaos ?? UNKNOWN;
      listed.chaosVersion = st?.chaosVersion ?? UNKNOWN;
      // abra reads a missing autoupdate label on a deployed app as "false"
      listed.autoUpdate = st?.autoUpdate ?? (st?.deployed ? 'false' : UNKNOWN);
      // abra: newer release tags than the deployed version, newest first and
      // joined by newlines, or "latest"; only for versioned, non-chaos deploys
      listed.upgrade = upgradeOf(listed, releases.get(app.recipe));
      if (listed.upgrade === 'latest') entry.latestCount++;
      else if (listed.upgrade !== UNKNOWN) entry.upgradeCount++;
      if (st?.version) entry.versionCount++;
      else entry.unversionedCount++;
    }
    entry.apps.push(listed);
  }
  return listing;
}

function upgradeOf(app: ListedApp, releases: VersionList | undefined): string {
  if (!releases || app.version === UNKNOWN || app.chaos !== 'false' || !parseVersion(app.version)) return UNKNOWN;
  const newer = newerThan(releases, app.version).reverse();
  return newer.length === 0 ? 'latest' : newer.map((v) => v.tag).join('\n');
}

/** Apps in the order abra lists them: by server, then by domain. */
export function sortApps<T extends { server: string; domain: string }>(apps: T[]): T[] {
  return [...apps].sort((a, b) => (a.server === b.server ? cmp(a.domain, b.domain) : cmp(a.server, b.server)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
