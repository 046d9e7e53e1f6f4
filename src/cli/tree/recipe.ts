import type { Command } from 'commander';
import { action, example } from '../action.js';

export function registerRecipeCommands(recipe: Command): void {
  recipe
    .command('lint')
    .alias('l')
    .argument('<recipe>', 'recipe name (a directory in $ABRA_DIR/recipes), or a path to a recipe directory')
    .option('-o, --only-errors', 'only show rules that are not satisfied')
    .description('check a recipe against the Co-op Cloud recipe rules (exits 7 when a critical rule fails)')
    .addHelpText(
      'after',
      '\nRules R001–R015 are abra\'s; K001–K006 are kite\'s own. Unlike abra 0.13, which always\n' +
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
    .option('--status <n>', 'only recipes with this status score (0–5)')
    .description('list the recipes of the catalogue with their scores (status, healthcheck, backups, email, tests, SSO)')
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
}

/**
 * The program's global `-o/--offline` is parsed wherever it appears, so
 * `kite recipe lint x -o` arrives as offline. Lint never uses the network,
 * so a `-o` written after the lint command is taken as abra's `--only-errors`.
 */
function onlyErrorsShortFlag(_hooked: Command, cmd: Command): void {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  // commander keeps the argv it parsed (untyped)
  const raw: string[] = (root as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv;
  const at = raw.findIndex((a: string) => a === cmd.name() || cmd.aliases().includes(a));
  if (at < 0) return;
  const shorts = raw.slice(at + 1).filter((a) => /^-[A-Za-z]+$/.test(a));
  if (shorts.some((a) => a.includes('o'))) cmd.setOptionValue('onlyErrors', true);
}
