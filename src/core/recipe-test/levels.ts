// Recipe test levels, defined once: the steps `kite recipe test` runs, the
// level each belongs to, the four statuses (cc-ci's pass / fail / skip /
// unverified) and how a level is computed from them. The README, `kite
// recipe test --help`, the result files, the catalogue and `recipe ls` all
// read these definitions.
//
// A level is reached when every step of it and of every lower level passed
// or was skipped (not applicable); a fail or an unverified step (it should
// have run but could not be checked) stops the climb. Presentation can only
// understate: a level with no step that passed is not reached on skips alone
// unless a lower level passed (a recipe whose every step was skipped is 0).

import { KiteError } from '../errors.js';

export type StepStatus = 'pass' | 'fail' | 'skip' | 'unverified';
export const STEP_STATUSES: readonly StepStatus[] = ['pass', 'fail', 'skip', 'unverified'];

export type StepName = 'install' | 'redeploy' | 'overlays' | 'upgrade' | 'release-notes' | 'backup-restore' | 'lint-errors' | 'lint-warnings' | 'upgrade-history' | 'reinstall';

export interface StepDefinition {
  name: StepName;
  level: number;
  /** one line: what passing the step means */
  summary: string;
}

/** every step, in level order */
export const STEPS: readonly StepDefinition[] = [
  { name: 'install', level: 1, summary: 'app new + deploy of the release converges: every service running, healthy where it has a healthcheck; the probes pass' },
  { name: 'redeploy', level: 2, summary: 'undeploy + deploy keeps the data (the markers written after install are read back)' },
  { name: 'overlays', level: 2, summary: 'installs in every overlay combination (each commented COMPOSE_FILE line of .env.sample, or the test file list)' },
  { name: 'upgrade', level: 3, summary: 'upgrade from the previous release converges with the data intact (a marker written before is read after)' },
  { name: 'release-notes', level: 3, summary: 'the release has notes (release/<version>)' },
  { name: 'backup-restore', level: 4, summary: 'backup → change → restore brings the data back (recipes without backupbot.backup labels fail)' },
  { name: 'lint-errors', level: 5, summary: 'no lint errors (critical rules)' },
  { name: 'lint-warnings', level: 6, summary: 'no lint warnings' },
  { name: 'upgrade-history', level: 6, summary: 'upgrades from every earlier release converge with the data intact' },
  { name: 'reinstall', level: 7, summary: 'remove → reinstall is clean (no data left behind) and other stacks on the server are untouched (witness objects)' },
];

/** what each level means, one line each (README, --help, badges) */
export const LEVELS: readonly { level: number; title: string }[] = [
  { level: 0, title: 'broken: does not install' },
  { level: 1, title: 'installs' },
  { level: 2, title: 'installs in every overlay combination and keeps data across undeploy + deploy' },
  { level: 3, title: 'upgrades from the previous release with data intact, release notes present' },
  { level: 4, title: 'backup → restore round trip' },
  { level: 5, title: 'no lint errors' },
  { level: 6, title: 'no lint warnings; upgrades from every earlier release' },
  { level: 7, title: 'remove → reinstall clean, other stacks untouched' },
];

export const MAX_LEVEL = 7;

export function stepDefinition(name: StepName): StepDefinition {
  const d = STEPS.find((s) => s.name === name);
  if (!d) throw new Error(`unknown recipe test step ${name}`);
  return d;
}

export interface StepOutcome {
  name: string;
  level: number;
  status: StepStatus;
}

/**
 * The level reached: the highest L such that every step of levels 1..L is
 * pass or skip and at least one of them passed. A level without steps in
 * `steps` is not reached (a missing step is not a pass).
 */
export function levelOf(steps: readonly StepOutcome[]): number {
  let reached = 0;
  let passed = false;
  for (let level = 1; level <= MAX_LEVEL; level++) {
    const at = steps.filter((s) => s.level === level);
    if (at.length === 0) break;
    if (at.some((s) => s.status === 'fail' || s.status === 'unverified')) break;
    if (at.some((s) => s.status === 'pass')) passed = true;
    if (passed) reached = level;
  }
  return reached;
}

/** the first step that stopped the climb (fail or unverified), if any */
export function blockingStep<T extends StepOutcome>(steps: readonly T[]): T | undefined {
  return [...steps].sort((a, b) => a.level - b.level).find((s) => s.status === 'fail' || s.status === 'unverified');
}

/** `--min-level` / `recipe_test.min_level`: a whole number 0..7 */
export function levelProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LEVEL) return `must be a whole number from 0 to ${MAX_LEVEL}`;
  return undefined;
}

/** The levels as text for `--help` and the README. */
export function levelsHelp(): string {
  const lines = ['Levels (each requires every lower one; a step is pass, fail, skip (not applicable) or unverified):'];
  for (const l of LEVELS.slice(1)) {
    lines.push(`  L${l.level}  ${l.title}`);
    for (const s of STEPS.filter((x) => x.level === l.level)) lines.push(`        ${s.name}: ${s.summary}`);
  }
  lines.push('The level is the highest one whose steps, and those of every lower level, all pass or skip.');
  return lines.join('\n');
}

/** `--min-level` not reached: a failed test run (exit 3, like a deploy that did not converge) */
export class TestLevelError extends KiteError {
  readonly kind = 'deploy-failed';
}
