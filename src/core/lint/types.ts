// The lint model: a recipe as plain data (RecipeFiles, read from disk by
// src/adapters/recipe-files.ts) and rules that judge it without any I/O.
// Rule shape follows abra's pkg/lint LintRule (Ref, Level, Description,
// HowToResolve, Function, SkipCondition), with the skip folded into check().

/** A git tag of the recipe repository. */
export interface GitTag {
  name: string;
  /** annotated = a tag object (`git tag -a`); lightweight = a bare ref to a commit */
  type: 'annotated' | 'lightweight';
  /** the commit the tag points at */
  commit: string;
}

/** What lint needs to know about the recipe's git history. */
export interface GitFacts {
  /** commit of HEAD; undefined in a repository without commits */
  head?: string;
  /** uncommitted changes, untracked files included */
  dirty: boolean;
  /** URL of the `origin` remote, if any */
  originUrl?: string;
  tags: GitTag[];
  /** the newest release tag reachable from HEAD, and what changed since */
  lastRelease?: {
    tag: string;
    /** paths (relative to the recipe) that differ between the tag and the working tree */
    changed: string[];
    /** content at the tag of abra.sh, .env.sample and the compose files (absent = did not exist) */
    filesAtTag: Record<string, string>;
  };
}

/** A recipe directory as plain data. Paths are relative to the recipe, `/`-separated. */
export interface RecipeFiles {
  name: string;
  /** compose files by path: root `compose*.yml` plus anything COMPOSE_FILE names */
  composeFiles: Record<string, string>;
  envSample?: string;
  abraSh?: string;
  readme?: string;
  /** release/<version> notes by version (dot-files like .git-keep-me left out) */
  releaseNotes: Record<string, string>;
  /** every file of the recipe (not under .git), for existence checks */
  files: string[];
  /** the recipe's symlinks (not under .git): path → target as written; absent when not read */
  links?: Record<string, string>;
  /** absent when the recipe is not a git repository */
  git?: GitFacts;
}

export type LintLevel = 'warn' | 'critical';

export interface RuleOutcome {
  satisfied: boolean;
  /** the rule does not apply; `details` says why */
  skipped?: boolean;
  /** findings (unsatisfied), notes (satisfied) or the skip reason */
  details?: string[];
}

export interface LintRule {
  ref: string;
  level: LintLevel;
  description: string;
  howToResolve: string;
  check(recipe: RecipeFiles): RuleOutcome;
}

export interface LintResult {
  ref: string;
  level: LintLevel;
  description: string;
  howToResolve: string;
  satisfied: boolean;
  skipped: boolean;
  details: string[];
}

export const ok = (...details: string[]): RuleOutcome => ({ satisfied: true, details });
export const skip = (reason: string): RuleOutcome => ({ satisfied: true, skipped: true, details: [reason] });
/** satisfied when there are no findings */
export const findings = (list: string[], notes: string[] = []): RuleOutcome =>
  list.length === 0 ? { satisfied: true, details: notes } : { satisfied: false, details: [...list, ...notes] };
