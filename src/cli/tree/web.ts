// `kite web`: the local web UI (src/commands/web/serve.ts, src/web/).

import { InvalidArgumentError, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';

/** kite web's default port (the demo uses 8765) */
export const DEFAULT_WEB_PORT = 8777;

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a TCP port, 1 to 65535.');
  return n;
}

export function registerWebCommands(program: CommandUnknownOpts): void {
  program
    .command('web')
    .addOption(new Option('-p, --port <port>', `port to listen on (default: ${DEFAULT_WEB_PORT})`).argParser(port))
    .option('--open', 'open the printed URL in the default browser')
    .option('--listen <address>', 'listen on another address than 127.0.0.1 (needs --tls-cert and --tls-key)')
    .option('--tls-cert <file>', 'TLS certificate (PEM) for --listen')
    .option('--tls-key <file>', 'TLS private key (PEM) for --listen')
    .description('serve the web UI on 127.0.0.1 and print its URL (with a fresh access token) on stdout; Ctrl-C stops it')
    .addHelpText('after', example('kite web', 'kite web --port 9000 --open', 'ssh -L 8777:127.0.0.1:8777 operator@admin-box   # then open the printed URL locally'))
    .action(action(() => import('../../commands/web/serve.js')));
}
