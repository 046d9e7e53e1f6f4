// `recipe reset`: throw away a recipe's uncommitted changes — tracked files
// back to HEAD, untracked files removed (files git ignores, such as a
// maintainer's .envrc, stay). The caller confirms first with the list of
// what will be lost.

import type { Ports } from '../ports/index.js';
import type { StatusEntry } from '../ports/recipe-worktree.js';

export interface ResetResult {
  /** what was (or would have been) discarded */
  discarded: StatusEntry[];
}

export async function resetRecipe(ports: Pick<Ports, 'worktrees'>, dir: string, confirm: (changes: StatusEntry[]) => Promise<void>): Promise<ResetResult> {
  const wt = await ports.worktrees.open(dir);
  const changes = await wt.status();
  if (changes.length === 0) return { discarded: [] };
  await confirm(changes);
  await wt.discard();
  return { discarded: changes };
}
