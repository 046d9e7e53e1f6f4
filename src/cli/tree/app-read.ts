import type { Command } from 'commander';

export function registerAppReadCommands(parent: Command): void {
  void parent;
}
