// The git operations of recipe MAINTENANCE (upgrade -c, sync, release,
// diff, reset) on a recipe's working tree: status, content at HEAD or a tag,
// staging, commits, annotated tags, push, and discarding changes. simple-git
// over the system git, in the caller's environment (see git-client.ts); the
// operator's git config (identity, signing, hooks) applies.

import type { SimpleGit } from 'simple-git';
import { gitClient } from './git-client.js';
import { NotFoundError, RemoteError, UsageError } from '../core/errors.js';
import { isGitRepo } from './recipe-git.js';
import type { RecipeWorktree, StatusEntry } from '../ports/recipe-worktree.js';

// (recipe-git.ts, imported here, makes git never prompt: a push that needs
// credentials or a host key fails and says so.)
const NETWORK_TIMEOUT_MS = 120_000;

export type { StatusEntry, RefTag, RecipeWorktree } from '../ports/recipe-worktree.js';

export function openWorktree(dir: string): RecipeWorktree {
  if (!isGitRepo(dir)) throw new NotFoundError(`${dir} is not a git repository`, 'recipe maintenance works on git clones; fetch the recipe with `kite recipe fetch <recipe>` or `git init` it');
  const g: SimpleGit = gitClient(dir);
  const network: SimpleGit = gitClient(dir, { timeoutMs: NETWORK_TIMEOUT_MS });
  const attempt = async (args: string[]): Promise<string | undefined> => {
    try {
      return await g.raw(args);
    } catch {
      return undefined;
    }
  };
  return {
    dir,
    async status() {
      const out = await g.raw(['-c', 'core.quotepath=off', 'status', '--porcelain=v1', '-z', '--untracked-files=all']);
      const fields = out.split('\0');
      const entries: StatusEntry[] = [];
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i];
        if (f.length < 4) continue;
        const code = f.slice(0, 2);
        const entry: StatusEntry = { code, path: f.slice(3) };
        // renames and copies are followed by the original path
        if (code[0] === 'R' || code[0] === 'C') entry.from = fields[++i];
        entries.push(entry);
      }
      return entries;
    },
    async branch() {
      const name = (await attempt(['symbolic-ref', '--quiet', '--short', 'HEAD']))?.trim();
      return name || undefined;
    },
    async head() {
      return (await attempt(['rev-parse', '--verify', '--quiet', 'HEAD']))?.trim() || undefined;
    },
    async show(ref, path) {
      return attempt(['show', `${ref}:${path}`]);
    },
    async tags() {
      const out = (await attempt(['for-each-ref', 'refs/tags', '--format=%(refname:short)%09%(objecttype)%09%(objectname)%09%(*objectname)'])) ?? '';
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [name, type, object, peeled] = line.split('\t');
          return { name, annotated: type === 'tag', commit: type === 'tag' ? peeled : object };
        });
    },
    async diff(color) {
      const hasHead = (await attempt(['rev-parse', '--verify', '--quiet', 'HEAD'])) !== undefined;
      return g.raw(['-c', `color.ui=${color ? 'always' : 'never'}`, '-c', 'core.quotepath=off', 'diff', ...(hasHead ? ['HEAD'] : ['--cached']), '--']);
    },
    async add(paths) {
      if (paths.length) await g.raw(['add', '--', ...paths]);
    },
    async move(from, to) {
      await g.raw(['mv', '--', from, to]);
    },
    async requireIdentity() {
      if ((await attempt(['var', 'GIT_COMMITTER_IDENT'])) === undefined || (await attempt(['var', 'GIT_AUTHOR_IDENT'])) === undefined) {
        throw new UsageError('git does not know who commits', 'set it once with `git config --global user.name "…"` and `git config --global user.email "…"`');
      }
    },
    async hasStaged() {
      return (await g.raw(['diff', '--cached', '--name-only', '-z'])).length > 0;
    },
    async commit(message) {
      await g.raw(['commit', '--quiet', '-m', message]);
      return (await g.raw(['rev-parse', 'HEAD'])).trim();
    },
    async annotatedTag(name, message) {
      await g.raw(['tag', '--annotate', '--message', message, '--', name]);
    },
    async remoteUrl(name) {
      return (await attempt(['remote', 'get-url', name]))?.trim() || undefined;
    },
    async push(remote, refspecs) {
      try {
        await network.raw(['push', '--quiet', remote, ...refspecs]);
      } catch (e) {
        const msg = String((e as Error)?.message ?? e).split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 3).join(' / ');
        throw new RemoteError(`git push to ${remote} failed: ${msg}`, `push by hand once the remote is reachable: git -C ${dir} push ${remote} ${refspecs.join(' ')}`);
      }
    },
    async discard() {
      if (await attempt(['rev-parse', '--verify', '--quiet', 'HEAD'])) await g.raw(['reset', '--quiet', '--hard', 'HEAD']);
      await g.raw(['clean', '--quiet', '-d', '--force']);
    },
  };
}
