import type { Command } from 'commander';

export function registerRecipeCommands(parent: Command): void {
  void parent;
}
