// A recipe's working tree as the maintainer commands (upgrade, sync, release,
// reset, diff) change it: status, staging, commits, tags, push. One real
// adapter (src/adapters/recipe-worktree.ts), loaded on first use.

export interface StatusEntry {
  path: string;
  /** the path before a rename */
  from?: string;
  /** porcelain XY codes: `??` untracked, ` M` modified, `R ` renamed in the index… */
  code: string;
}

export interface RefTag {
  name: string;
  annotated: boolean;
  /** the commit the tag points at */
  commit: string;
}

export interface RecipeWorktree {
  dir: string;
  status(): Promise<StatusEntry[]>;
  /** the current branch, undefined when HEAD is detached */
  branch(): Promise<string | undefined>;
  head(): Promise<string | undefined>;
  /** a file's content at a ref, undefined when it does not exist there */
  show(ref: string, path: string): Promise<string | undefined>;
  tags(): Promise<RefTag[]>;
  diff(color: boolean): Promise<string>;
  add(paths: string[]): Promise<void>;
  move(from: string, to: string): Promise<void>;
  /** fails with UsageError when git does not know who commits */
  requireIdentity(): Promise<void>;
  /** something is staged for the next commit */
  hasStaged(): Promise<boolean>;
  commit(message: string): Promise<string>;
  annotatedTag(name: string, message: string): Promise<void>;
  remoteUrl(name: string): Promise<string | undefined>;
  push(remote: string, refspecs: string[]): Promise<void>;
  /** back to HEAD: tracked changes reverted, untracked files removed (ignored files stay) */
  discard(): Promise<void>;
}

export interface RecipeWorktrees {
  /** NotFoundError when `dir` is not a git repository */
  open(dir: string): Promise<RecipeWorktree>;
}
