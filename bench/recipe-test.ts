// `kite recipe test` of the 3-service test recipe (two releases, so the
// upgrade runs): the time of each level's steps, against the part of it
// that is waiting on Swarm, in the same run: the deploy watch's polls until
// services converge and stay up (counted by the clock kite waits on),
// undeploys (tasks stopping, networks going) and volumes being let go. The
// ratio says how much of a level is more than waiting for Swarm: kite's own
// work (SSH round trips, creating objects, execs, git snapshots, lint). Standalone: `node --import tsx bench/recipe-test.ts [--json]`.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LEVELS } from '../src/core/recipe-test/levels.js';
import type { RecipeTestResult } from '../src/core/recipe-test/result.js';
import type { Row } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const SSH_CONFIG = process.env.KITE_SSH_CONFIG ?? join(ROOT, '.rig/ssh_config');
const RECIPE = 'kite-bench-levels';
const DOMAIN = 'benchrt.kite.test';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.org', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.org' } });
}

/** the test recipe with releases 1.0.0+1.0 and 1.1.0+1.1 in a bare remote, and an $ABRA_DIR whose kite.yml points at it */
function setup(): { abraDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'kite-bench-rt-'));
  const work = join(root, 'work');
  cpSync(join(ROOT, 'test/fixtures/recipes/kite-test-app'), work, { recursive: true });
  writeFileSync(join(work, 'recipe-test.yml'), 'env:\n  APP_PORT: 18096\ntimeout: 60\nprobes:\n  - service: app\n    command: wget -qO- http://127.0.0.1:8080/page.html\n');
  git(work, 'init', '-q', '-b', 'main');
  const release = (version: string) => {
    mkdirSync(join(work, 'release'), { recursive: true });
    writeFileSync(join(work, 'release', version), `Release ${version}.\n`);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', `chore: publish ${version} release`);
    git(work, 'tag', '-a', version, '-m', version);
  };
  release('1.0.0+1.0');
  const compose = join(work, 'compose.yml');
  writeFileSync(compose, readFileSync(compose, 'utf8').replace('${APP_TAG:-1.0}', '${APP_TAG:-1.1}').replace('version=1.0.0+1.0', 'version=1.1.0+1.1'));
  release('1.1.0+1.1');
  mkdirSync(join(root, 'remotes'));
  git(root, 'clone', '-q', '--bare', work, join(root, 'remotes', `${RECIPE}.git`));
  const abraDir = join(root, 'abra');
  mkdirSync(join(abraDir, 'servers', 'kite-test'), { recursive: true });
  writeFileSync(join(abraDir, 'kite.yml'), `recipes:\n  base: file://${join(root, 'remotes')}\n`);
  return { abraDir };
}

export async function benchRecipeTest(): Promise<Row[]> {
  const { abraDir } = setup();
  let stdout = '';
  try {
    stdout = execFileSync(process.execPath, [join(ROOT, 'bin/kite.js'), 'recipe', 'test', RECIPE, '-s', 'kite-test', '-D', DOMAIN, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, ABRA_DIR: abraDir, KITE_SSH_CONFIG: SSH_CONFIG, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  } catch (e) {
    // below --min-level is not asked for: any exit but 0 is a failed run
    throw new Error(`kite recipe test failed: ${(e as Error).message}`);
  }
  const result = JSON.parse(stdout) as RecipeTestResult;
  const rows: Row[] = [];
  for (const l of LEVELS.slice(1)) {
    const steps = result.steps.filter((s) => s.level === l.level);
    const total = steps.reduce((n, s) => n + s.seconds, 0) * 1000;
    const waited = steps.reduce((n, s) => n + (s.waitedSeconds ?? 0), 0) * 1000;
    rows.push({
      name: `recipe test L${l.level} (${steps.map((s) => `${s.name}: ${s.status}`).join(', ')}): the level vs its waiting on Swarm`,
      kiteMs: total,
      baselineMs: waited,
      ratio: waited > 0 ? total / waited : NaN,
      target: NaN,
    });
  }
  const total = result.steps.reduce((n, s) => n + s.seconds, 0) * 1000;
  const waited = result.steps.reduce((n, s) => n + (s.waitedSeconds ?? 0), 0) * 1000;
  rows.push({ name: `recipe test, every level (reached L${result.level}): the run vs its waiting on Swarm`, kiteMs: total, baselineMs: waited, ratio: total / waited, target: NaN });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchRecipeTest();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else for (const r of rows) console.log(`| ${r.name} | ${r.kiteMs.toFixed(0)} | ${r.baselineMs.toFixed(0)} | ${Number.isNaN(r.ratio) ? '-' : r.ratio.toFixed(2) + '×'} |`);
}
