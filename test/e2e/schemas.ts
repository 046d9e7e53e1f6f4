// Structural checks of kite's machine-readable outputs: exact key sets and
// value types, so a consumer written against abra's JSON (spec §13) keeps
// working. Each check returns the list of problems ('' paths for the root).

export type Shape = 'string' | 'number' | 'boolean' | { [key: string]: Shape } | [Shape];

function check(value: unknown, shape: Shape, path: string, problems: string[]): void {
  if (typeof shape === 'string') {
    if (typeof value !== shape) problems.push(`${path || '.'}: expected ${shape}, got ${JSON.stringify(value)}`);
    if (shape === 'number' && typeof value === 'number' && !Number.isInteger(value)) problems.push(`${path}: expected an integer, got ${value}`);
    return;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return void problems.push(`${path || '.'}: expected an array`);
    value.forEach((v, i) => check(v, shape[0], `${path}[${i}]`, problems));
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push(`${path || '.'}: expected an object`);
  const keys = Object.keys(value).sort();
  const want = Object.keys(shape).sort();
  if (JSON.stringify(keys) !== JSON.stringify(want)) problems.push(`${path || '.'}: keys ${JSON.stringify(keys)}, expected exactly ${JSON.stringify(want)}`);
  for (const k of want) if (k in value) check((value as Record<string, unknown>)[k], shape[k], `${path}.${k}`, problems);
}

/** one app of `app ls -m` (abra's appStatus JSON tags) */
export const LISTED_APP: Shape = {
  server: 'string',
  recipe: 'string',
  appName: 'string',
  domain: 'string',
  status: 'string',
  chaos: 'string',
  chaosVersion: 'string',
  autoUpdate: 'string',
  version: 'string',
  upgrade: 'string',
};

export const SERVER_APPS: Shape = {
  apps: [LISTED_APP],
  appCount: 'number',
  versionCount: 'number',
  unversionedCount: 'number',
  latestCount: 'number',
  upgradeCount: 'number',
};

/** `app ls -m`: { "<server>": SERVER_APPS } — returns the problems found */
export function appListProblems(json: unknown): string[] {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return ['.: expected an object keyed by server'];
  for (const [server, entry] of Object.entries(json)) {
    check(entry, SERVER_APPS, `.${server}`, problems);
    const e = entry as { apps?: { server?: string }[]; appCount?: number };
    if (Array.isArray(e.apps)) {
      if (e.appCount !== e.apps.length) problems.push(`.${server}.appCount: ${e.appCount} but ${e.apps.length} apps`);
      e.apps.forEach((a, i) => a.server !== server && problems.push(`.${server}.apps[${i}].server: ${a.server}`));
    }
  }
  return problems;
}

/** `server ls -m` */
export function serverListProblems(json: unknown): string[] {
  const problems: string[] = [];
  check(json, [{ name: 'string', host: 'string', user: 'string', port: 'string' }], '', problems);
  return problems;
}

export function shapeProblems(json: unknown, shape: Shape): string[] {
  const problems: string[] = [];
  check(json, shape, '', problems);
  return problems;
}
