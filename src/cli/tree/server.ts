import type { Command } from 'commander';
import { action, example } from '../action.js';

export function registerServerCommands(program: Command): void {
  const server = program.command('server').alias('s').description('manage servers');
  server
    .command('add')
    .alias('a')
    .argument('[server]', 'SSH host or ~/.ssh/config alias')
    .option('-l, --local', 'use the local Docker daemon (server name "default")')
    .description('add a server after checking it is a reachable swarm manager')
    .addHelpText('after', example('kite server add example.com', 'kite server add --local'))
    .action(action(() => import('../../commands/server/add.js')));
}
