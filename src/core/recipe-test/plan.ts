// What a recipe test run decides without touching anything: the test
// domain, the data markers (the test file's, else one per named volume),
// whether the recipe can be backed up, the releases to upgrade from, the
// lint verdicts, and what changed among the witness objects. Pure.

import type { ComposeConfig } from '../compose/types.js';
import type { LintResult } from '../lint/types.js';
import type { MarkerSpec, RecipeTestFile } from './test-file.js';
import { byText } from '../text-order.js';

export const MARKER_FILE = '.kite-test-marker';

/** `--domain`, else `<recipe>-t<stamp>.<server>` (a server name without a dot gets `.test` added) */
export function testDomain(recipe: string, server: string, stamp: number): string {
  const id = stamp.toString(36).slice(-6);
  const host = server.includes('.') ? server : `${server}.test`;
  return `${recipe.replace(/[^a-z0-9-]/gi, '-').slice(0, 20)}-t${id}.${host}`.toLowerCase();
}

/**
 * The markers to write and read: the test file's, else one per named volume
 * a service mounts read-write (`echo "$KITE_MARKER" > <target>/.kite-test-marker`).
 */
export function markersFor(tests: RecipeTestFile, compose: ComposeConfig): { markers: MarkerSpec[]; fromVolumes: boolean } {
  if (tests.markers.length > 0) return { markers: tests.markers, fromVolumes: false };
  const markers: MarkerSpec[] = [];
  for (const [name, svc] of Object.entries(compose.services).sort(([a], [b]) => byText(a, b))) {
    for (const v of svc.volumes) {
      if (v.type !== 'volume' || !v.source || v.read_only) continue;
      const path = `${v.target.replace(/\/+$/, '')}/${MARKER_FILE}`;
      markers.push({ service: name, write: `echo "$KITE_MARKER" > '${path}'`, read: `cat '${path}'` });
    }
  }
  return { markers, fromVolumes: true };
}

/** backupbot.backup=true on a service (its deploy labels or its labels): the recipe can be backed up */
export function hasBackupLabels(compose: ComposeConfig): boolean {
  return Object.values(compose.services).some((s) => isTrue(s.deploy.labels['backupbot.backup']) || isTrue(s.labels['backupbot.backup']));
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|yes)$/i.test(v.trim());
}

/** releases before `version` (oldest first), and the one right before it */
export function earlierReleases(tags: readonly string[], version: string): { previous?: string; older: string[] } {
  const at = tags.indexOf(version);
  const before = at < 0 ? [] : tags.slice(0, at);
  return { previous: before[before.length - 1], older: before.slice(0, -1) };
}

/** L5 and L6 lint verdicts: failing critical rules are errors, failing other rules warnings */
export function lintVerdicts(results: readonly LintResult[]): { errors: string[]; warnings: string[] } {
  const failing = results.filter((r) => !r.satisfied && !r.skipped);
  const line = (r: LintResult) => `${r.ref} ${r.description}${r.details.length ? `: ${r.details.join('; ')}` : ''}`;
  return { errors: failing.filter((r) => r.level === 'critical').map(line), warnings: failing.filter((r) => r.level !== 'critical').map(line) };
}

/** the server objects of other stacks, by kind: name → id */
export interface Witness {
  services: Record<string, string>;
  volumes: Record<string, string>;
  secrets: Record<string, string>;
  configs: Record<string, string>;
  networks: Record<string, string>;
}

/** Objects of `before` that are gone or were replaced (another id) in `after`; new objects are not a change. */
export function witnessChanges(before: Witness, after: Witness): string[] {
  const out: string[] = [];
  for (const kind of ['services', 'volumes', 'secrets', 'configs', 'networks'] as const) {
    const what = kind.slice(0, -1);
    for (const [name, id] of Object.entries(before[kind])) {
      const now = after[kind][name];
      if (now === undefined) out.push(`${what} ${name} was removed`);
      else if (now !== id) out.push(`${what} ${name} was replaced (id ${id.slice(0, 12)} → ${now.slice(0, 12)})`);
    }
  }
  return out;
}

/** does `name` (a service, volume, secret or config) belong to the stack `stack` */
export function ofStack(stack: string, name: string, labels?: Record<string, string> | null): boolean {
  return labels?.['com.docker.stack.namespace'] === stack || name.startsWith(`${stack}_`) || name === `kite-lock-${stack}` || name.startsWith(`kh-${stack}-`);
}
