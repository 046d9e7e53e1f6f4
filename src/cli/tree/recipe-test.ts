import { InvalidArgumentError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { levelsHelp, levelProblem } from '../../core/recipe-test/levels.js';

/** `--min-level` / `--level`: a test level 0–7 */
export function testLevel(value: string): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  const problem = levelProblem(n);
  if (problem) throw new InvalidArgumentError(`expected a test level: ${problem}.`);
  return n;
}

export function registerRecipeTestCommand(recipe: CommandUnknownOpts): void {
  recipe
    .command('test')
    .argument('<recipe>', 'recipe name (cloned into $ABRA_DIR/recipes if missing)')
    .argument('[version]', 'the release to test (default: the latest)')
    .requiredOption('-s, --server <server>', 'the server (a swarm) to run the test apps on')
    .option('-D, --domain <domain>', 'the test app domain (default: <recipe>-t<id>.<server>); must not be an existing app')
    .option('-k, --keep', 'leave the last test app deployed (to look at it); remove it yourself after')
    .option('--min-level <n>', 'exit 3 unless every tested release reaches this level (default 0)', testLevel)
    .option('-a, --all-releases', 'test every release, oldest first')
    .option('--junit <file>', 'also write a JUnit XML report (one test case per step)')
    .option('--badge <file>', 'also write an SVG badge with the level reached (of the newest release tested)')
    .description('run a recipe release through the test levels on a real swarm and record the level it reaches')
    .addHelpText(
      'after',
      '\n' +
        levelsHelp() +
        '\n\nThe recipe may carry a recipe-test.yml (probes, HTTP probes, data markers, overlay\n' +
        'combinations, extra env; see the README). The test app and everything it created (stack,\n' +
        'volumes, secrets, configs, env file) is removed at the end, also on Ctrl-C, unless --keep;\n' +
        'other apps are never touched. The result is saved in $ABRA_DIR/tests/<recipe>/<version>.json,\n' +
        'where `kite catalogue generate` and `kite recipe ls` find it. Progress goes to stderr, the\n' +
        'summary table (or --json: the full result) to stdout.\n' +
        example(
          'kite recipe test gitea -s test.example.com',
          'kite recipe test gitea 3.1.0+1.21.0 -s test.example.com -D gitea-ci.test.example.com --json',
          'kite recipe test gitea -s test.example.com --all-releases --min-level 3 --junit report.xml --badge level.svg',
        ),
    )
    .action(action(() => import('../../commands/recipe/test.js')));
}
