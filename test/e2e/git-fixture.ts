// A released recipe as real git repositories: a working repository with
// annotated release tags and release notes, and a bare clone as its remote.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.js';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

export interface Release {
  version: string;
  notes: string;
  /** edits to compose.yml for this release */
  edit: (compose: string) => string;
}

export const RELEASES: Release[] = [
  { version: '1.0.0+1.0', notes: 'First release.', edit: (c) => c },
  {
    version: '1.1.0+1.1',
    notes: 'Web image 1.1 for app and db.',
    edit: (c) => c.replace('${APP_TAG:-1.0}', '${APP_TAG:-1.1}').replace('image: kite-test/web:1.0\n    command: ["sh", "-c", "echo', () => 'image: kite-test/web:1.1\n    command: ["sh", "-c", "echo'),
  },
  { version: '1.2.0+1.2', notes: 'Web image 1.2 (its healthcheck fails).', edit: (c) => c.replace('${APP_TAG:-1.1}', '${APP_TAG:-unhealthy}') },
];

/**
 * Build <root>/work (the maintainer's repository) and <root>/remotes/<name>.git
 * (its bare remote), with one annotated tag per release.
 */
export function makeReleasedRecipe(root: string, name = 'kite-test-app', releases = RELEASES): { work: string; remotes: string; bare: string } {
  const work = join(root, 'work', name);
  const remotes = join(root, 'remotes');
  mkdirSync(remotes, { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/recipes/kite-test-app'), work, { recursive: true });
  git(work, 'init', '-q', '-b', 'main');
  let previous = '1.0.0+1.0';
  for (const r of releases) {
    const composePath = join(work, 'compose.yml');
    const compose = r.edit(readFileSync(composePath, 'utf8')).replace(`coop-cloud.\${STACK_NAME}.version=${previous}`, `coop-cloud.\${STACK_NAME}.version=${r.version}`);
    writeFileSync(composePath, compose);
    mkdirSync(join(work, 'release'), { recursive: true });
    writeFileSync(join(work, 'release', r.version), r.notes + '\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', `chore: publish ${r.version} release`);
    git(work, 'tag', '-a', r.version, '-m', `chore: publish ${r.version} release`);
    previous = r.version;
  }
  const bare = join(remotes, `${name}.git`);
  git(root, 'clone', '-q', '--bare', work, bare);
  return { work, remotes, bare };
}
