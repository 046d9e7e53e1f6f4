// kite recipe test <recipe> [version] --server <server>: the test levels on a
// real swarm (operations/recipe-test.ts); progress on stderr, a summary table
// or --json on stdout, JUnit XML and an SVG badge for CI, exit 3 below
// --min-level.

import { resolve } from 'node:path';
import type { Context } from '../../cli/context.js';
import { EXIT } from '../../cli/exit-codes.js';
import { renderEvent } from '../../cli/render.js';
import { CancelledError, UsageError } from '../../core/errors.js';
import { blockingStep, LEVELS, TestLevelError } from '../../core/recipe-test/levels.js';
import { badgeSvg, junitXml, type RecipeTestResult } from '../../core/recipe-test/result.js';
import { recipeReleases, recipeTest, type RecipeTestEvent } from '../../operations/recipe-test.js';

export interface TestFlags {
  server: string;
  domain?: string;
  keep?: boolean;
  minLevel?: number;
  allReleases?: boolean;
  junit?: string;
  badge?: string;
}

export async function run(ctx: Context, recipe: string, version: string | undefined, flags: TestFlags): Promise<void> {
  if (flags.allReleases && version) throw new UsageError('--all-releases tests every release: drop the version, or --all-releases');
  if (flags.keep && flags.allReleases) throw new UsageError('--keep leaves one test app deployed: use it with one release, not --all-releases');
  const offline = Boolean(ctx.globals.offline);
  const versions = flags.allReleases ? await recipeReleases(ctx.ports, recipe, offline) : [version];

  // Ctrl-C (or SIGTERM): stop, remove the test app, exit 130 (143); a second one quits at once
  const abort = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.cancelled);
    received = signal;
    ctx.io.warn(`stopping: removing the test app first (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once and leave it)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results: RecipeTestResult[] = [];
  try {
    for (const [i, v] of versions.entries()) {
      const events = recipeTest(ctx.ports, { recipe, version: v, server: flags.server, domain: flags.domain, keep: flags.keep, offline: offline || i > 0, signal: abort.signal });
      for (;;) {
        const next = await events.next();
        if (next.done) {
          results.push(next.value);
          break;
        }
        render(ctx, next.value);
      }
      if (!ctx.io.json) summary(ctx, results[results.length - 1]);
    }
  } catch (e) {
    if (e instanceof CancelledError && received === 'SIGTERM') e.signal = 'SIGTERM';
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  if (ctx.io.json) ctx.io.jsonData(flags.allReleases ? results : results[0]);
  if (flags.junit) {
    ctx.ports.recipeFiles.replace(resolve(flags.junit), junitXml(results));
    ctx.io.info(`JUnit report: ${flags.junit}`);
  }
  if (flags.badge && results.length > 0) {
    ctx.ports.recipeFiles.replace(resolve(flags.badge), badgeSvg(recipe, results[results.length - 1].level));
    ctx.io.info(`badge: ${flags.badge}`);
  }
  const below = results.filter((r) => r.level < (flags.minLevel ?? 0));
  if (below.length > 0) {
    throw new TestLevelError(
      `${below.map((r) => `${r.recipe} ${r.version} reached level ${r.level}`).join(', ')}, below --min-level ${flags.minLevel}`,
      'the summary names the step that stopped each one; fix it and test again',
    );
  }
}

function render(ctx: Context, ev: RecipeTestEvent): void {
  const io = ctx.io;
  switch (ev.type) {
    case 'info':
      return io.info(ev.message);
    case 'warning':
      return io.warn(ev.message);
    case 'step-start':
      return io.info(`L${ev.level} ${ev.name} …`);
    case 'step': {
      const s = ev.step;
      const style = s.status === 'pass' ? 'green' : s.status === 'skip' ? 'gray' : s.status === 'fail' ? 'red' : 'yellow';
      io.info(`  ${io.paint(style, s.status)} ${s.name} (${s.seconds}s)${s.reason ? `: ${s.reason}` : ''}`);
      if (s.status === 'fail' || s.status === 'unverified') for (const l of s.logs.slice(0, 30)) io.info(`    | ${l}`);
      return;
    }
    case 'deploy':
      // the deploy's own progress only with --debug: a step's result names what failed
      if (io.debugEnabled && !io.json) renderEvent(io, ev.event);
      else if (ev.event.type === 'warning') io.debug(ev.event.message);
      return;
  }
}

function summary(ctx: Context, r: RecipeTestResult): void {
  ctx.io.table(
    ['STEP', 'LEVEL', 'STATUS', 'SECONDS', 'REASON'],
    r.steps.map((s) => [s.name, String(s.level), s.status, s.seconds.toFixed(1), s.reason]),
  );
  const stop = blockingStep(r.steps);
  const title = LEVELS.find((l) => l.level === r.level)?.title ?? '';
  ctx.io.data(`${r.recipe} ${r.version}: level ${r.level} (${title})${stop ? `; stopped at L${stop.level} by ${stop.name} (${stop.status})` : ''}`);
}
