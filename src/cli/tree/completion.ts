import { Argument, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';

export function registerCompletionCommands(program: CommandUnknownOpts): void {
  program
    .command('autocomplete')
    .alias('ac')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish'))
    .description('print a shell completion script (commands, flags, app domains, servers, recipes)')
    .addHelpText(
      'after',
      example(
        'source <(kite autocomplete bash)',
        'kite autocomplete bash | sudo tee /etc/bash_completion.d/kite',
        'kite autocomplete zsh > "${fpath[1]}/_kite"',
        'kite autocomplete fish > ~/.config/fish/completions/kite.fish',
      ),
    )
    .action(action(() => import('../../commands/autocomplete.js')));

  // What the completion scripts call on every Tab: the words after `kite`,
  // the last one being the one to complete. The scripts put `--` first, so
  // the words reach this command as operands, whatever flags they hold.
  program
    .command('__complete', { hidden: true })
    .argument('[words...]', 'the command line after `kite`; the last word is the one to complete')
    .description('print completion candidates (used by the scripts of `kite autocomplete`)')
    .addHelpText('after', example("kite __complete -- app deploy ''"))
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (words, _opts, cmd) => {
      const { printCompletions } = await import('../../commands/autocomplete.js');
      printCompletions(cmd.parent ?? cmd, words);
    });
}
