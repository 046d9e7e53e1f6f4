import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { score } from '../parse.js';
import { registerRecipeTestCommand, testLevel } from './recipe-test.js';

export function registerRecipeCommands(recipe: CommandUnknownOpts): void {
  recipe
    .command('lint')
    .alias('l')
    .argument('<recipe>', 'recipe name (a directory in $ABRA_DIR/recipes), or a path to a recipe directory')
    .option('-o, --only-errors', 'only show rules that are not satisfied')
    .description('check a recipe against the Co-op Cloud recipe rules (exits 7 when a critical rule fails)')
    .addHelpText(
      'after',
      '\nRules R001–R015 are abra\'s; K001–K008 are kite\'s own. Unlike abra 0.13, which always\n' +
        'exits 0, kite exits 7 when a CRITICAL rule is not satisfied (warnings never fail).\n' +
        'Works without a terminal. Git-based rules are skipped outside a git repository.\n' +
        example('kite recipe lint gitea', 'kite recipe lint gitea --only-errors', 'kite recipe lint ./my-recipe -m'),
    )
    .hook('preAction', onlyErrorsShortFlag)
    .action(action(() => import('../../commands/recipe/lint.js')));
  recipe
    .command('new')
    .alias('n')
    .argument('<recipe>', 'name of the new recipe')
    .option('-N, --name <name>', 'human name of the app, for the README title')
    .option('-u, --git-name <name>', 'git user name for the first commit')
    .option('-e, --git-email <email>', 'git user email for the first commit')
    .description('create a new recipe from the Co-op Cloud template in $ABRA_DIR/recipes/<recipe> (a git repository)')
    .addHelpText('after', example('kite recipe new my-app', 'kite recipe new my-app -N "My App" -u "Jo Doe" -e jo@example.com'))
    .action(action(() => import('../../commands/recipe/new.js')));
  recipe
    .command('ls')
    .alias('list')
    .option('-p, --pattern <text>', 'only recipes whose name or description contains it')
    .option('--category <category>', 'only recipes of this category (Apps, Utilities, …)')
    .option('--status <n>', 'only recipes with this status score (0–5)', score)
    .option('--level <n>', 'only recipes whose latest release reached at least this `kite recipe test` level (0–7)', testLevel)
    .description('list the recipes of the catalogue with their scores (status, healthcheck, backups, email, tests, SSO) and test level')
    .addHelpText('after', '\nReads $ABRA_DIR/catalogue/recipes.json, brought up to date first unless -o/--offline.\n' + example('kite recipe ls', 'kite recipe ls -p cloud --status 4', 'kite recipe ls -m   # JSON'))
    .action(action(() => import('../../commands/recipe/ls.js')));
  recipe
    .command('versions')
    .alias('v')
    .argument('<recipe>', 'recipe name')
    .description("list a recipe's released versions with each service's image, tag and digest")
    .addHelpText(
      'after',
      '\nFrom the catalogue; a recipe it does not list is read from the release tags of its\nlocal clone (digests unknown). The output says which.\n' +
        example('kite recipe versions gitea', 'kite recipe versions gitea -m   # JSON'),
    )
    .action(action(() => import('../../commands/recipe/versions.js')));
  registerMaintainerCommands(recipe);
  registerRecipeTestCommand(recipe);
}

/** upgrade, sync, release, diff, reset, fetch: the maintainer's release workflow (spec §6.3). */
function registerMaintainerCommands(recipe: CommandUnknownOpts): void {
  const bumps = <A extends unknown[], O extends OptionValues>(cmd: Command<A, O>, what: string) =>
    cmd.option('-x, --major', `${what}: a major change`).option('-y, --minor', `${what}: a minor change`).option('-z, --patch', `${what}: a patch`);
  bumps(recipe.command('upgrade').alias('up').argument('<recipe>', 'recipe name (in $ABRA_DIR/recipes), or a path to a recipe directory'), 'allow at most')
    .option('-a, --all-tags', 'offer every semver-like tag, not only upgrades of the current one')
    .option('-c, --commit', 'commit the changed compose files')
    .description("look up newer image tags in the registries and rewrite the services' image: tags")
    .addHelpText(
      'after',
      '\nOnly tags of the same scheme are offered (1.27.5 → 1.27.10, 16-alpine → 17-alpine; never\n' +
        '`latest`). On a terminal you choose per service; with -n the newest allowed tag is taken.\n' +
        '-x allows any upgrade, -y at most minor ones, -z patches only. Only the tags change in the\n' +
        'files (comments and anchors stay); images with YAML anchors are skipped with a warning. A\n' +
        'registry that cannot be asked fails the run (exit 4) and no file changes. -m reports the\n' +
        'upgrades as JSON without writing (as abra); -m -n writes them and reports.\n' +
        example(
          'kite recipe upgrade gitea',
          'kite recipe upgrade gitea -n -y   # newest minor/patch tags, no questions',
          'kite recipe upgrade gitea -m      # JSON report, nothing written',
          'kite recipe upgrade gitea -n -c   # and commit',
        ),
    )
    .action(action(() => import('../../commands/recipe/upgrade.js')));
  bumps(
    recipe
      .command('sync')
      .alias('s')
      .argument('<recipe>', 'recipe name (in $ABRA_DIR/recipes), or a path to a recipe directory')
      .argument('[version]', 'the version to write (default: computed from the last release)'),
    'the release is',
  )
    .option('-r, --dry-run', 'show the new version and change nothing')
    .description('write the next recipe version into the coop-cloud.${STACK_NAME}.version label of the app service')
    .addHelpText(
      'after',
      "\nThe next version is the last release tag bumped by -x/-y/-z, with the app image's tag as\n" +
        'the part after `+` (1.0.0+1.0 → 1.1.0+2.0). Without -x/-y/-z you are asked, the kind the\n' +
        'image changes since the last release call for offered first; with -n that kind is taken.\n' +
        'Only the label text changes, in the compose file that declares it.\n' +
        example('kite recipe sync gitea', 'kite recipe sync gitea -y', 'kite recipe sync gitea -n --dry-run', 'kite recipe sync gitea 2.0.0+1.22.0'),
    )
    .action(action(() => import('../../commands/recipe/sync.js')));
  bumps(
    recipe
      .command('release')
      .alias('rl')
      .argument('<recipe>', 'recipe name (in $ABRA_DIR/recipes), or a path to a recipe directory')
      .argument('[version]', 'the version to release (default: what the version label says, as `recipe sync` left it)'),
    'compute the version as sync does',
  )
    .option('-r, --dry-run', 'show what would be done and change nothing')
    .option('-p, --publish', 'push the branch and the tag to origin')
    .option('--notes <text>', 'release notes (written to release/<version>)')
    .option('--notes-file <file>', 'release notes from a file')
    .option('--no-notes', 'release without release notes')
    .description('publish a recipe version: release notes, commit "chore: publish <version> release", annotated tag')
    .addHelpText(
      'after',
      '\nRelease notes come from release/next (renamed to release/<version>), an existing\n' +
        'release/<version>, --notes/--notes-file, or a prompt on a terminal; without any of them\n' +
        'and no terminal the release is refused (pass --no-notes to release without). What `recipe\n' +
        'upgrade` and `recipe sync` left uncommitted, and any pending change to compose files,\n' +
        '.env.sample, abra.sh, README.md or release/, goes into the release commit. Changes to other\n' +
        'files are refused, naming them (on a terminal you are asked whether to commit them too).\n' +
        'Refused too: a failing CRITICAL lint rule, a version that exists or is not newer than the\n' +
        'last release. With --publish and a version already tagged at HEAD, only the push is done.\n' +
        example(
          'kite recipe release gitea --notes "Gitea 1.22: back up before upgrading"',
          'kite recipe release gitea -p   # release/next written beforehand',
          'kite recipe release gitea 1.1.0+1.22.0 --dry-run',
          'kite recipe release gitea -n -y --no-notes -p',
        ),
    )
    .action(action(() => import('../../commands/recipe/release.js')));
  recipe
    .command('diff')
    .argument('<recipe>', 'recipe name (in $ABRA_DIR/recipes), or a path to a recipe directory')
    .description("show the recipe clone's uncommitted changes (git diff against HEAD; untracked files listed)")
    .addHelpText('after', example('kite recipe diff gitea', 'kite recipe diff gitea -m   # JSON: changed paths and the diff'))
    .action(action(() => import('../../commands/recipe/diff.js')));
  recipe
    .command('reset')
    .argument('<recipe>', 'recipe name (in $ABRA_DIR/recipes), or a path to a recipe directory')
    .option('-f, --force', 'do not ask for confirmation')
    .description("discard the recipe clone's uncommitted changes and untracked files (back to HEAD)")
    .addHelpText('after', '\nFiles git ignores stay.\n' + example('kite recipe reset gitea', 'kite recipe reset gitea -f'))
    .action(action(() => import('../../commands/recipe/reset.js')));
  recipe
    .command('fetch')
    .alias('f')
    .argument('[recipe]', 'recipe name, or a git URL')
    .option('-a, --all', 'every recipe clone in $ABRA_DIR/recipes')
    .option('-s, --ssh', 'clone over SSH: git@<host>:<path>/<recipe>.git from recipes.base (to push as a maintainer)')
    .description('clone a recipe into $ABRA_DIR/recipes, or fetch new commits and tags into its clone')
    .addHelpText(
      'after',
      '\nThe mirrors in $ABRA_DIR/kite.yml (recipes.mirrors) are tried when the main host fails.\n' +
        'With --ssh a missing recipe is cloned from the SSH URL derived from recipes.base\n' +
        '(https://git.coopcloud.tech/coop-cloud → git@git.coopcloud.tech:coop-cloud/<recipe>.git; an\n' +
        'ssh:// base is used as it is), without mirrors; an existing clone keeps its origin.\n' +
        example('kite recipe fetch gitea', 'kite recipe fetch gitea --ssh', 'kite recipe fetch --all'),
    )
    .action(action(() => import('../../commands/recipe/fetch.js')));
}

/**
 * The program's global `-o/--offline` is parsed wherever it appears, so
 * `kite recipe lint x -o` arrives as offline. Lint never uses the network,
 * so a `-o` written after the lint command is taken as abra's `--only-errors`.
 */
function onlyErrorsShortFlag(_hooked: CommandUnknownOpts, cmd: CommandUnknownOpts): void {
  let root: CommandUnknownOpts = cmd;
  while (root.parent) root = root.parent;
  // commander keeps the argv it parsed (untyped)
  const raw: string[] = (root as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv;
  const at = raw.findIndex((a: string) => a === cmd.name() || cmd.aliases().includes(a));
  if (at < 0) return;
  const shorts = raw.slice(at + 1).filter((a) => /^-[A-Za-z]+$/.test(a));
  if (shorts.some((a) => a.includes('o'))) cmd.setOptionValue('onlyErrors', true);
}
