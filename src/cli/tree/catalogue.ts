import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';

export function registerCatalogueCommands(parent: CommandUnknownOpts): void {
  parent
    .command('generate')
    .alias('g')
    .argument('[recipe...]', 'recipes to regenerate (default: every git repository in $ABRA_DIR/recipes)')
    .option('-p, --publish', 'commit recipes.json and push the catalogue repository')
    .option('-r, --dry-run', 'print the new recipes.json and write nothing')
    .option('-s, --skip-updates', 'do not fetch (or clone) the recipes; use the local clones as they are')
    .option('-C, --chaos', "read each recipe's README from its working tree, uncommitted changes included")
    .description('regenerate catalogue entries (README metadata, release versions, image digests) into $ABRA_DIR/catalogue/recipes.json')
    .addHelpText(
      'after',
      '\nFor every release tag, the compose files at that tag (interpolated with its .env.sample)\n' +
        "give each service's image and tag; the registry gives the digest, stored in full\n" +
        '(sha256:…). Entries of recipes not named are kept. A registry that cannot be asked\n' +
        'fails the run (exit 4) and nothing is written. The catalogue repository is\n' +
        'catalogue.url in $ABRA_DIR/kite.yml (mirrors: catalogue.mirrors).\n' +
        example('kite catalogue generate gitea', 'kite catalogue generate --dry-run gitea nextcloud', 'kite catalogue generate --publish', 'kite catalogue generate -s -o   # no network for recipes or catalogue'),
    )
    .action(action(() => import('../../commands/catalogue/generate.js')));
}
