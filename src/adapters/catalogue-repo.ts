// $ABRA_DIR/catalogue: a git clone of the catalogue repository (kite.yml
// catalogue.url, default toolshed/recipes-catalogue-json) holding
// recipes.json, as abra keeps it. Cloned when missing; otherwise fetched and
// fast-forwarded, the URL first and then each mirror, unless offline.
// A local copy that cannot be brought up to date (network down, local
// changes not yet published) is used as it is, with a warning saying so.

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { gitClient, NETWORK_TIMEOUT_MS } from './git-client.js';
import { writeAtomic } from './abra-dir.js';
import { CATALOGUE_FILE, parseCatalogue, type Catalogue } from '../core/catalogue.js';
import { NotFoundError, RemoteError, UsageError } from '../core/errors.js';
import type { CatalogueStore, CatalogueSync } from '../ports/catalogue.js';

function git(dir?: string): SimpleGit {
  return gitClient(dir, { timeoutMs: NETWORK_TIMEOUT_MS });
}

export type { CatalogueSync } from '../ports/catalogue.js';

export class CatalogueRepo implements CatalogueStore {
  constructor(readonly dir: string) {}

  get file(): string {
    return join(this.dir, CATALOGUE_FILE);
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  isGitRepo(): boolean {
    return existsSync(join(this.dir, '.git'));
  }

  /**
   * Make the local catalogue current. `urls` = catalogue.url then its mirrors.
   * Offline: the local copy as it is (NotFoundError when there is none, unless `allowMissing`).
   */
  async sync(urls: string[], offline: boolean, allowMissing = false): Promise<CatalogueSync> {
    if (offline) {
      if (!this.exists() && !allowMissing) {
        throw new NotFoundError(`no local catalogue at ${this.file} and --offline forbids cloning it`, 'run the command once without --offline');
      }
      return { source: `local copy ${this.dir} (offline)`, local: true, warnings: [] };
    }
    if (!existsSync(this.dir)) return this.clone(urls);
    if (!this.isGitRepo()) {
      return { source: `local copy ${this.dir}`, local: true, warnings: [`${this.dir} is not a git repository: using ${CATALOGUE_FILE} as it is`] };
    }
    return this.pull(urls, allowMissing);
  }

  private async clone(urls: string[]): Promise<CatalogueSync> {
    const failures: string[] = [];
    mkdirSync(dirname(this.dir), { recursive: true });
    for (const url of urls) {
      try {
        await git().clone(url, this.dir, ['--quiet']);
        return { source: url, local: false, warnings: failures.map((f) => `could not clone the catalogue from ${f}`) };
      } catch (e) {
        rmSync(this.dir, { recursive: true, force: true });
        failures.push(`${url}: ${firstLine(e)}`);
      }
    }
    throw new RemoteError(`could not clone the catalogue from ${failures.join('; ')}`, 'check the network, configure a mirror (catalogue.mirrors in $ABRA_DIR/kite.yml), or use --offline with a local copy');
  }

  private async pull(urls: string[], allowMissing: boolean): Promise<CatalogueSync> {
    const g = git(this.dir);
    const branch = await this.branch();
    if (!branch) return { source: `local copy ${this.dir}`, local: true, warnings: [`${this.dir} is not on a branch: using it as it is`] };
    const warnings: string[] = [];
    for (const url of urls) {
      try {
        await g.raw(['fetch', '--quiet', url, branch]);
      } catch (e) {
        warnings.push(`could not fetch the catalogue from ${url}: ${firstLine(e)}`);
        continue;
      }
      try {
        await g.raw(['merge', '--ff-only', '--quiet', 'FETCH_HEAD']);
        return { source: url, local: false, warnings };
      } catch {
        warnings.push(`the local catalogue has changes that are not in ${url} (publish them with \`kite catalogue generate --publish\`): using the local copy`);
        return { source: `local copy ${this.dir}`, local: true, warnings };
      }
    }
    if (!this.exists() && !allowMissing) throw new RemoteError(`could not fetch the catalogue from any of ${urls.join(', ')}`, 'check the network, or configure a mirror (catalogue.mirrors in $ABRA_DIR/kite.yml)');
    warnings.push(`the catalogue could not be brought up to date: using the local copy ${this.dir}`);
    return { source: `local copy ${this.dir}`, local: true, warnings };
  }

  private async branch(): Promise<string | undefined> {
    try {
      const b = (await git(this.dir).raw(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim();
      return b || undefined;
    } catch {
      return undefined;
    }
  }

  /** The catalogue; an empty one when the file does not exist yet. */
  read(): Catalogue {
    if (!this.exists()) return {};
    return parseCatalogue(readFileSync(this.file, 'utf8'), this.file);
  }

  /** Replace recipes.json atomically (temporary file, fsync, rename). */
  write(text: string): void {
    writeAtomic(this.file, text, 0o644);
  }

  /** Checks, before any work, that publish() can commit: a git clone on a branch, and a git identity. */
  async checkPublishable(): Promise<void> {
    if (!this.isGitRepo()) throw new UsageError(`${this.dir} is not a git repository: nothing to publish to`, 'remove it and run `kite catalogue generate` without --offline to clone the catalogue');
    if (!(await this.branch())) throw new UsageError(`${this.dir} is not on a branch: cannot publish`, `check out the catalogue's branch in ${this.dir}`);
    await requireIdentity(git(this.dir));
  }

  /**
   * Commit recipes.json and push the branch to `url`. Returns undefined when
   * there was nothing to commit and nothing to push.
   */
  async publish(url: string, message: string): Promise<{ commit: string; branch: string; committed: boolean } | undefined> {
    await this.checkPublishable();
    const g = git(this.dir);
    const branch = (await this.branch())!;
    await g.raw(['add', '--', CATALOGUE_FILE]);
    const committed = (await g.raw(['diff', '--cached', '--name-only'])).trim() !== '';
    if (committed) await g.raw(['commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', message]);
    const commit = (await g.raw(['rev-parse', 'HEAD'])).trim();
    // nothing committed and the remote already has this commit: nothing to do
    if (!committed && (await remoteHas(g, url, branch, commit))) return undefined;
    try {
      await g.raw(['push', '--quiet', url, `HEAD:refs/heads/${branch}`]);
    } catch (e) {
      throw new RemoteError(
        `could not push the catalogue to ${url}: ${firstLine(e)}`,
        `the commit stays in ${this.dir}; bring it up to date (\`git -C ${this.dir} pull --rebase\`) and push it, or run \`kite catalogue generate --publish\` again`,
      );
    }
    return { commit, branch, committed };
  }
}

async function remoteHas(g: SimpleGit, url: string, branch: string, commit: string): Promise<boolean> {
  try {
    const out = await g.raw(['ls-remote', url, `refs/heads/${branch}`]);
    return out.split(/\s/)[0] === commit;
  } catch {
    return false;
  }
}

async function requireIdentity(g: SimpleGit): Promise<void> {
  const has = async (key: string, env: string): Promise<boolean> => {
    if (process.env[env]) return true;
    try {
      return (await g.raw(['config', '--get', key])).trim() !== '';
    } catch {
      return false;
    }
  };
  if (!(await has('user.name', 'GIT_COMMITTER_NAME')) || !(await has('user.email', 'GIT_COMMITTER_EMAIL'))) {
    throw new UsageError('git does not know who commits the catalogue', 'set it once with `git config --global user.name "…"` and `git config --global user.email "…"`');
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n').find((l) => l.trim()) ?? 'failed';
}
