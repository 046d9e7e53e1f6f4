// A recipe test run's result: what `kite recipe test --json` prints and what
// is saved as $ABRA_DIR/tests/<recipe>/<version>.json (the catalogue, `recipe
// ls`, the app warnings and the web UI read it back), plus the two reports
// made from it for CI: JUnit XML and an SVG badge. Pure.

import { RecipeError } from '../errors.js';
import { levelOf, MAX_LEVEL, STEP_STATUSES, type StepStatus } from './levels.js';

export interface StepResult {
  name: string;
  level: number;
  status: StepStatus;
  seconds: number;
  /** why it failed, was skipped or unverified; notes on a pass */
  reason: string;
  /** the failing service's task errors and last log lines, probe output */
  logs: string[];
  /** of `seconds`, how long kite waited on the swarm: convergence polls, undeploys (tasks and networks going), volumes being let go */
  waitedSeconds?: number;
}

export interface RecipeTestResult {
  recipe: string;
  version: string;
  domain: string;
  server: string;
  level: number;
  /** when the run ended, ISO 8601 */
  date: string;
  steps: StepResult[];
}

export const TESTS_DIR = 'tests';

/** `$ABRA_DIR/tests/<recipe>/<version>.json`, relative to $ABRA_DIR; refuses names that would leave the directory */
export function resultRelPath(recipe: string, version: string): string {
  for (const [what, v] of [['recipe', recipe], ['version', version]] as const) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(v)) throw new RecipeError(`${what} "${v}" cannot name a result file`);
  }
  return `${TESTS_DIR}/${recipe}/${version}.json`;
}

export function serialiseResult(r: RecipeTestResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** Reads a saved result; the level is recomputed from the steps (a file cannot claim more than its steps show). */
export function parseResult(text: string, file: string): RecipeTestResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RecipeError(`not valid JSON: ${(e as Error).message}`, file, undefined, 'run `kite recipe test` again to rewrite it, or delete it');
  }
  const o = doc as Record<string, unknown>;
  const bad = (key: string, what: string): never => {
    throw new RecipeError(what, file, { key }, 'run `kite recipe test` again to rewrite it, or delete it');
  };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad('(top level)', 'must be a JSON object');
  for (const k of ['recipe', 'version', 'domain', 'server', 'date'] as const) if (typeof o[k] !== 'string') bad(k, 'must be a string');
  if (!Array.isArray(o.steps)) return bad('steps', 'must be a list');
  const steps = (o.steps as unknown[]).map((s, i): StepResult => {
    const st = s as Record<string, unknown>;
    if (typeof st !== 'object' || st === null) return bad(`steps[${i}]`, 'must be an object');
    if (typeof st.name !== 'string') bad(`steps[${i}].name`, 'must be a string');
    if (typeof st.level !== 'number' || st.level < 1 || st.level > MAX_LEVEL) bad(`steps[${i}].level`, `must be a level 1-${MAX_LEVEL}`);
    if (!STEP_STATUSES.includes(st.status as StepStatus)) bad(`steps[${i}].status`, `must be one of ${STEP_STATUSES.join(', ')}`);
    return {
      name: st.name as string,
      level: st.level as number,
      status: st.status as StepStatus,
      seconds: typeof st.seconds === 'number' ? st.seconds : 0,
      reason: typeof st.reason === 'string' ? st.reason : '',
      logs: Array.isArray(st.logs) ? st.logs.filter((l): l is string => typeof l === 'string') : [],
      ...(typeof st.waitedSeconds === 'number' ? { waitedSeconds: st.waitedSeconds } : {}),
    };
  });
  return { recipe: o.recipe as string, version: o.version as string, domain: o.domain as string, server: o.server as string, date: o.date as string, level: levelOf(steps), steps };
}

// ---- JUnit XML -------------------------------------------------------------

/** One <testsuite> per tested release, one <testcase> per step: fail → <failure>, unverified → <error>, skip → <skipped>. */
export function junitXml(results: readonly RecipeTestResult[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const count = (r: RecipeTestResult, s: StepStatus) => r.steps.filter((x) => x.status === s).length;
  const total = (f: (r: RecipeTestResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const time = (r: RecipeTestResult) => r.steps.reduce((n, s) => n + s.seconds, 0);
  lines.push(
    `<testsuites name="kite recipe test" tests="${total((r) => r.steps.length)}" failures="${total((r) => count(r, 'fail'))}" errors="${total((r) => count(r, 'unverified'))}" skipped="${total((r) => count(r, 'skip'))}" time="${secs(total(time))}">`,
  );
  for (const r of results) {
    lines.push(
      `  <testsuite name="${xml(`${r.recipe} ${r.version}`)}" tests="${r.steps.length}" failures="${count(r, 'fail')}" errors="${count(r, 'unverified')}" skipped="${count(r, 'skip')}" time="${secs(time(r))}" timestamp="${xml(r.date)}">`,
    );
    lines.push('    <properties>');
    for (const [k, v] of [['recipe', r.recipe], ['version', r.version], ['level', String(r.level)], ['server', r.server], ['domain', r.domain]]) lines.push(`      <property name="${k}" value="${xml(v)}"/>`);
    lines.push('    </properties>');
    for (const s of r.steps) {
      const head = `    <testcase classname="${xml(`${r.recipe}.${r.version}`)}" name="${xml(`L${s.level} ${s.name}`)}" time="${secs(s.seconds)}"`;
      const body = s.logs.length ? xml(s.logs.join('\n')) : '';
      if (s.status === 'pass') lines.push(`${head}/>`);
      else if (s.status === 'skip') lines.push(`${head}>`, `      <skipped message="${xml(s.reason)}"/>`, '    </testcase>');
      else {
        const tag = s.status === 'fail' ? 'failure' : 'error';
        lines.push(`${head}>`, `      <${tag} message="${xml(s.reason)}" type="${s.status}">${body}</${tag}>`, '    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

function secs(n: number): string {
  return n.toFixed(3);
}

/** XML text and attribute escaping; characters XML 1.0 cannot hold are dropped */
export function xml(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

// ---- badge -----------------------------------------------------------------

const COLOURS = ['#e05d44', '#fe7d37', '#fe7d37', '#dfb317', '#dfb317', '#a4a61d', '#97ca00', '#4c1'];

/** A flat badge: `<label> | level N` coloured from red (0) to green (7). */
export function badgeSvg(label: string, level: number): string {
  const value = `level ${level}`;
  const w = (t: string) => 10 + Math.round(t.length * 6.5);
  const lw = w(label);
  const vw = w(value);
  const colour = COLOURS[Math.max(0, Math.min(MAX_LEVEL, level))];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + vw}" height="20" role="img" aria-label="${xml(`${label}: ${value}`)}">`,
    `  <title>${xml(`${label}: ${value}`)}</title>`,
    `  <rect width="${lw}" height="20" fill="#555"/>`,
    `  <rect x="${lw}" width="${vw}" height="20" fill="${colour}"/>`,
    `  <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">`,
    `    <text x="${lw / 2}" y="14">${xml(label)}</text>`,
    `    <text x="${lw + vw / 2}" y="14">${xml(value)}</text>`,
    '  </g>',
    '</svg>',
    '',
  ].join('\n');
}
