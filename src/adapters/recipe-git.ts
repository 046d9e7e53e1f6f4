// Recipes as git repositories in $ABRA_DIR/recipes/<name> (simple-git over
// the system git, so the operator's credentials and ~/.ssh/config apply).
// Remotes: `origin` plus an ordered list of mirrors, tried in turn when the
// primary host is down. --offline never touches the network.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { SimpleGit } from 'simple-git';
import { gitClient, NETWORK_TIMEOUT_MS } from './git-client.js';
import type { FetchReport, RecipeRepo, RecipeSnapshot } from '../ports/recipe-repo.js';
import { NotFoundError, RemoteError } from '../core/errors.js';
import { gitWriteError } from './local-write-error.js';

function git(dir?: string): SimpleGit {
  return gitClient(dir, { timeoutMs: NETWORK_TIMEOUT_MS });
}

export type { FetchReport, RecipeSnapshot, RecipeRepo } from '../ports/recipe-repo.js';

export function isGitRepo(dir: string): boolean {
  return existsSync(`${dir}/.git`);
}

/** Clone `urls` in order into `dir`; the first that works becomes origin, the rest are mirrors. */
export async function cloneRecipe(dir: string, urls: string[]): Promise<FetchReport> {
  const failures: FetchReport['failures'] = [];
  mkdirSync(dirname(dir), { recursive: true });
  for (const [i, url] of urls.entries()) {
    try {
      await git().clone(url, dir);
      const g = git(dir);
      for (const [j, mirror] of urls.entries()) if (j !== i) await g.addRemote(`mirror-${j}`, mirror).catch(() => undefined);
      return { source: url, failures };
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      const local = gitWriteError(e, dir); // not the remote's fault: no mirror will help
      if (local) throw local;
      failures.push({ remote: url, error: firstLine(e) });
    }
  }
  throw new RemoteError(`could not clone the recipe from ${urls.join(', ')}: ${failures.map((f) => f.error).join('; ')}`, 'check the network, or configure a mirror (recipes.mirrors in $ABRA_DIR/kite.yml)');
}

export function openRecipe(dir: string): RecipeRepo {
  if (!isGitRepo(dir)) throw new NotFoundError(`${dir} is not a git repository`, 'recipes are git clones; fetch it with `kite recipe fetch <recipe>`');
  const g = git(dir);
  return {
    dir,
    async tags() {
      const out = await g.raw(['for-each-ref', 'refs/tags', '--format=%(refname:short) %(objecttype)']);
      return out
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [name, type] = l.split(' ');
          return { name, annotated: type === 'tag' };
        });
    },
    async head() {
      const hash = (await g.revparse(['HEAD'])).trim();
      return { hash, short: hash.slice(0, 8) };
    },
    async isDirty() {
      // untracked files count too, as in abra
      return (await g.raw(['status', '--porcelain'])).trim().length > 0;
    },
    async isCommit(ref) {
      try {
        await g.raw(['cat-file', '-e', `${ref}^{commit}`]);
        return true;
      } catch {
        return false;
      }
    },
    async checkout(ref) {
      await g.raw(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', ref]).catch((e: unknown) => {
        throw gitWriteError(e, dir) ?? e;
      });
    },
    async snapshot(ref) {
      const commit = (await g.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
      return snapshotTree(dir, commit);
    },
    async fetch(mirrors, offline) {
      if (offline) return { source: 'local clone (offline)', failures: [] };
      const failures: FetchReport['failures'] = [];
      const remotes = (await g.getRemotes(true)).map((r) => ({ name: r.name, url: r.refs.fetch }));
      const ordered = [...remotes.filter((r) => r.name === 'origin'), ...mirrors.map((url) => ({ name: url, url })), ...remotes.filter((r) => r.name !== 'origin')];
      for (const r of ordered) {
        try {
          await g.raw(['fetch', '--quiet', '--tags', '--force', r.url, '+refs/heads/*:refs/remotes/origin/*']);
          return { source: r.url, failures };
        } catch (e) {
          const local = gitWriteError(e, dir);
          if (local) throw local;
          failures.push({ remote: r.url, error: firstLine(e) });
        }
      }
      if (ordered.length === 0) return { source: 'local clone (no remotes)', failures };
      throw new RemoteError(`could not fetch the recipe from any remote: ${failures.map((f) => `${f.remote}: ${f.error}`).join('; ')}`, 'use --offline to work from the local clone, or configure a mirror');
    },
    async readAt(ref, path) {
      try {
        return await g.show([`${ref}:${path}`]);
      } catch {
        return undefined;
      }
    },
    async originUrl() {
      try {
        return (await g.raw(['remote', 'get-url', 'origin'])).trim() || undefined;
      } catch {
        return undefined;
      }
    },
    async defaultBranch() {
      const attempt = async (args: string[]) => {
        try {
          return (await g.raw(args)).trim();
        } catch {
          return '';
        }
      };
      const remoteHead = await attempt(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
      if (remoteHead) return remoteHead.replace(/^origin\//, '');
      const current = await attempt(['symbolic-ref', '--quiet', '--short', 'HEAD']);
      if (current) return current;
      for (const b of ['main', 'master']) if (await attempt(['rev-parse', '--verify', '--quiet', `refs/heads/${b}`])) return b;
      return 'main';
    },
  };
}

const execGit = promisify(execFile);

/**
 * read-tree into a throwaway index + checkout-index into a temp directory:
 * measured on a recipe-sized tree at 30–45 ms, against 50–60 ms for `git
 * worktree add` + remove + prune (which writes .git/worktrees in the shared
 * clone) and 25–35 ms for `git archive | tar -x` (which would drop
 * export-ignore files and expand export-subst, so not the tree as committed).
 */
async function snapshotTree(repoDir: string, commit: string): Promise<RecipeSnapshot> {
  const tmp = mkdtempSync(join(tmpdir(), 'kite-recipe-'));
  const dir = join(tmp, basename(repoDir));
  const dispose = (): void => {
    process.removeListener('exit', dispose);
    rmSync(tmp, { recursive: true, force: true });
  };
  // Ctrl-C and kills leave through process.exit (cli/main.ts): remove it then too
  process.on('exit', dispose);
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(tmp, 'index') };
    await execGit('git', ['-C', repoDir, 'read-tree', commit], { env });
    await execGit('git', ['-C', repoDir, 'checkout-index', '--all', '--force', `--prefix=${dir}/`], { env });
    rmSync(join(tmp, 'index'), { force: true });
  } catch (e) {
    dispose();
    throw new Error(`could not read recipe ${basename(repoDir)} at ${commit.slice(0, 8)}: ${firstLine(e)}`);
  }
  return { dir, commit, dispose };
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n').find((l) => l.trim()) ?? 'failed';
}
