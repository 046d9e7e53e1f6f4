import type { Command } from 'commander';

export function registerAppExecCommands(parent: Command): void {
  void parent;
}
