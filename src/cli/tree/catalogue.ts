import type { Command } from 'commander';

export function registerCatalogueCommands(parent: Command): void {
  void parent;
}
