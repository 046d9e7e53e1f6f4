// `recipe diff`: the uncommitted changes of a recipe's working tree (what a
// chaos deploy would carry): `git diff HEAD`, plus the untracked files,
// which a diff does not show.

import type { Ports } from '../ports/index.js';
import type { StatusEntry } from '../ports/recipe-worktree.js';

export interface RecipeDiff {
  /** unified diff of tracked files against HEAD ('' when none) */
  diff: string;
  /** every changed path with its porcelain status code */
  changes: StatusEntry[];
  untracked: string[];
}

export async function diffRecipe(ports: Pick<Ports, 'worktrees'>, dir: string, color: boolean): Promise<RecipeDiff> {
  const wt = await ports.worktrees.open(dir);
  const changes = await wt.status();
  const diff = changes.some((c) => c.code !== '??') ? await wt.diff(color) : '';
  return { diff, changes, untracked: changes.filter((c) => c.code === '??').map((c) => c.path) };
}
