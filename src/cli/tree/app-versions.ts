import type { Command } from 'commander';

export function registerAppVersionCommands(parent: Command): void {
  void parent;
}
