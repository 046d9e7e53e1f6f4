// A recipe directory on disk ↔ RecipeFiles, the plain data lint judges.
// Reading: the compose files, .env.sample, abra.sh, README.md, release/
// notes, the list of files, and, when the directory is a git repository of
// its own, git facts (tags and their type, HEAD, dirty, origin, and what
// changed since the newest release tag). Writing: a new recipe as a fresh
// git repository with one commit (`kite recipe new`).

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { gitClient } from './git-client.js';
import { parseEnvFile } from '../core/env-file.js';
import { composeFilesFor } from '../core/compose-files.js';
import { newestRelease } from '../core/lint/release-tags.js';
import type { GitFacts, GitTag, RecipeFiles } from '../core/lint/types.js';
import { UsageError } from '../core/errors.js';
import { recipeLinks } from './recipe-read.js';
import type { GitIdentity } from '../ports/recipe-files.js';

const MAX_FILES = 5000;
const COMPOSE_FILE_NAME = /^(?:docker-)?compose(?:\.[^/]+)?\.ya?ml$/;

// Local git commands only (nothing here talks to a remote), in the caller's
// environment (see git-client.ts).
function git(dir: string): SimpleGit {
  return gitClient(dir);
}

export async function readRecipeFiles(dir: string, name: string): Promise<RecipeFiles> {
  const files = listFiles(dir);
  const read = (path: string): string | undefined => (files.includes(path) ? readFileSync(join(dir, path), 'utf8') : undefined);

  const envSample = read('.env.sample');
  const composePaths = files.filter((f) => !f.includes('/') && COMPOSE_FILE_NAME.test(f));
  for (const f of composeFileSetting(envSample)) if (files.includes(f) && !composePaths.includes(f)) composePaths.push(f);
  const composeFiles: Record<string, string> = {};
  for (const f of composePaths.sort()) composeFiles[f] = read(f)!;

  const releaseNotes: Record<string, string> = {};
  for (const f of files) {
    const m = /^release\/([^/]+)$/.exec(f);
    if (m && !m[1].startsWith('.')) releaseNotes[m[1]] = read(f)!;
  }

  const recipe: RecipeFiles = { name, composeFiles, envSample, abraSh: read('abra.sh'), readme: read('README.md'), releaseNotes, files, links: recipeLinks(dir) };
  // only the recipe's own repository: a plain directory inside some other repository has no git facts
  if (existsSync(join(dir, '.git'))) recipe.git = await gitFacts(dir, ['abra.sh', '.env.sample', ...composePaths]);
  return recipe;
}

/** The compose files .env.sample's COMPOSE_FILE names (lenient: a broken sample names none). */
function composeFileSetting(envSample: string | undefined): string[] {
  if (envSample === undefined) return [];
  try {
    const env = parseEnvFile(envSample, '.env.sample').env;
    return env.COMPOSE_FILE ? composeFilesFor(env) : [];
  } catch {
    return [];
  }
}

function listFiles(root: string, sub = '', out: string[] = []): string[] {
  for (const entry of readdirSync(join(root, sub), { withFileTypes: true })) {
    if (out.length >= MAX_FILES) break;
    const path = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') listFiles(root, path, out);
    } else if (entry.isFile() || (entry.isSymbolicLink() && isFile(join(root, path)))) {
      out.push(path);
    }
  }
  return out;
}

export async function gitFacts(dir: string, tracked: string[]): Promise<GitFacts> {
  const g = git(dir);
  const attempt = async (args: string[]): Promise<string | undefined> => {
    try {
      return await g.raw(args);
    } catch {
      return undefined;
    }
  };
  const head = (await attempt(['rev-parse', '--verify', '--quiet', 'HEAD']))?.trim() || undefined;
  const dirty = ((await attempt(['status', '--porcelain'])) ?? '').trim().length > 0;
  const originUrl = (await attempt(['remote', 'get-url', 'origin']))?.trim() || undefined;
  const refs = (await attempt(['for-each-ref', 'refs/tags', '--format=%(refname:short)%09%(objecttype)%09%(objectname)%09%(*objectname)'])) ?? '';
  const tags: GitTag[] = refs
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, type, object, peeled] = line.split('\t');
      return type === 'tag' ? { name, type: 'annotated', commit: peeled || object } : { name, type: 'lightweight', commit: object };
    });
  const facts: GitFacts = { head, dirty, originUrl, tags };
  if (!head) return facts;

  const merged = ((await attempt(['tag', '--merged', 'HEAD'])) ?? '').split('\n').map((t) => t.trim()).filter(Boolean);
  const tag = newestRelease(merged);
  if (!tag) return facts;
  // working tree against the tag: committed and uncommitted changes alike
  const diff = (await attempt(['-c', 'core.quotepath=off', 'diff', '--name-only', `refs/tags/${tag}`, '--'])) ?? '';
  const filesAtTag: Record<string, string> = {};
  for (const path of [...new Set(tracked)]) {
    const text = await attempt(['show', `refs/tags/${tag}:${path}`]);
    if (text !== undefined) filesAtTag[path] = text;
  }
  facts.lastRelease = { tag, changed: diff.split('\n').filter(Boolean), filesAtTag };
  return facts;
}

export type { GitIdentity } from '../ports/recipe-files.js';

/**
 * Writes `files` into a new directory `dir` as a git repository on branch
 * main with one commit. Checks first that git can sign the commit, and
 * removes the directory again if anything fails, so a refusal changes nothing.
 */
export async function createRecipeRepo(dir: string, files: Record<string, string>, identity: GitIdentity, message: string): Promise<string> {
  await requireIdentity(identity);
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir);
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const g = git(dir);
    await g.raw(['init', '--quiet', '--initial-branch=main']);
    await g.raw(['add', '--all']);
    const who = [...(identity.name ? ['-c', `user.name=${identity.name}`] : []), ...(identity.email ? ['-c', `user.email=${identity.email}`] : [])];
    await g.raw([...who, 'commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', message]);
    return (await g.raw(['rev-parse', 'HEAD'])).trim();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function requireIdentity(identity: GitIdentity): Promise<void> {
  const g = gitClient();
  const configured = async (key: string, envKey: string): Promise<boolean> => {
    if (process.env[envKey]) return true;
    try {
      return (await g.raw(['config', '--get', key])).trim() !== '';
    } catch {
      return false;
    }
  };
  const missing: string[] = [];
  if (!identity.name && !(await configured('user.name', 'GIT_AUTHOR_NAME'))) missing.push('--git-name');
  if (!identity.email && !(await configured('user.email', 'GIT_AUTHOR_EMAIL'))) missing.push('--git-email');
  if (missing.length > 0) {
    throw new UsageError(`git does not know who commits: pass ${missing.join(' and ')}`, 'or set it once with `git config --global user.name "…"` and `git config --global user.email "…"`');
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
