// The files of a recipe directory: reads that stay inside the recipe (a path
// or symlink leading out of it is refused), the whole recipe for lint and the
// maintainer commands, atomic rewrites, a new recipe repository. Real
// adapters: src/adapters/recipe-read.ts and src/adapters/recipe-files.ts.

import type { ComposeSource } from '../core/compose/types.js';
import type { RecipeFiles } from '../core/lint/types.js';

export type InsideRead = { data: Buffer } | { problem: string } | { missing: true };

export interface GitIdentity {
  name?: string;
  email?: string;
}

export interface RecipeFileStore {
  /** `path` (relative to `recipeDir`) read when it resolves inside the recipe */
  readInside(recipeDir: string, path: string): InsideRead;
  /** the names in the recipe directory (files and directories, not recursive) */
  names(recipeDir: string): string[];
  /** a file of the recipe itself; undefined when missing, RecipeError when it leads outside */
  readText(recipeDir: string, path: string): string | undefined;
  /** the compose files COMPOSE_FILE names (NotFoundError naming a missing one) */
  readComposeSources(recipeDir: string, files: string[]): ComposeSource[];
  /** every file lint and the maintainer commands judge, with git facts when a clone */
  readAll(recipeDir: string, name: string): Promise<RecipeFiles>;
  /** a file's text, undefined when it does not exist (no inside-the-recipe check: paths kite chose) */
  readFile(path: string): string | undefined;
  /** is there a file (or directory) at `path` */
  exists(path: string): boolean;
  /** write a new file as it is (not atomic: a file kite creates) */
  write(path: string, text: string): void;
  /** rewrite a file atomically, keeping its mode (0644 when new) */
  replace(path: string, text: string): void;
  /** move a file (same directory) */
  rename(from: string, to: string): void;
  /** a new git repository at `dir` holding `files` in one commit; the commit hash */
  create(dir: string, files: Record<string, string>, identity: GitIdentity, message: string): Promise<string>;
}
