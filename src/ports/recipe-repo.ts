// A recipe as a git repository in $ABRA_DIR/recipes/<name>: its releases
// (tags), fetching from origin and mirrors, a private snapshot of one commit.
// One real adapter (src/adapters/recipe-git.ts, the system git), loaded on
// first use.

import type { TagInfo } from '../core/versions.js';

export interface FetchReport {
  /** the remote the data came from, or 'local clone (offline)' */
  source: string;
  failures: { remote: string; error: string }[];
}

/** A private copy of the recipe at one commit; `dispose()` removes it (it also goes when the process exits). */
export interface RecipeSnapshot {
  dir: string;
  /** the commit it holds */
  commit: string;
  dispose(): void;
}

export interface RecipeRepo {
  dir: string;
  tags(): Promise<TagInfo[]>;
  head(): Promise<{ hash: string; short: string }>;
  isDirty(): Promise<boolean>;
  isCommit(ref: string): Promise<boolean>;
  checkout(ref: string): Promise<void>;
  /**
   * The tree at `ref` written into a private temp directory, for deploying a
   * version without checking the shared clone out: nothing in the clone (HEAD,
   * index, working tree, .git) is written, so concurrent deploys of several
   * versions do not race and an interrupted one leaves the clone as it was.
   */
  snapshot(ref: string): Promise<RecipeSnapshot>;
  fetch(mirrors: string[], offline: boolean): Promise<FetchReport>;
  readAt(ref: string, path: string): Promise<string | undefined>;
  /** the URL of `origin`, if there is one */
  originUrl(): Promise<string | undefined>;
  /** the remote's default branch (origin/HEAD), else the checked-out branch, else main/master */
  defaultBranch(): Promise<string>;
}

export interface RecipeRepos {
  /** `dir` is a git repository */
  isRepo(dir: string): boolean;
  /** NotFoundError when `dir` is not a git repository */
  open(dir: string): Promise<RecipeRepo>;
  /** clone `urls` in order into `dir`; the first that works becomes origin, the rest are mirrors */
  clone(dir: string, urls: string[]): Promise<FetchReport>;
}
