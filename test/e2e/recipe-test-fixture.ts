// The recipes `kite recipe test` is tried on end to end (test/e2e/recipe-test*.test.ts):
// kite-test-app released as real git tags with images in the rig's registry,
// a recipe-test.yml with a container and an HTTP probe, and what is left of a
// test app on the rig afterwards.

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, docker, stackObjects } from './harness.js';
import { git } from './git-fixture.js';

export const REGISTRY = '127.0.0.1:5000';
export const RELEASES = ['1.0.0+1.0', '1.1.0+1.1', '1.2.0+1.2'];

/** the test file: the app's page asked inside its container and from this machine on its host port */
export function testFile(port: number): string {
  return `# kite recipe test, for the e2e test
env:
  APP_PORT: ${port}
timeout: 25
probes:
  - service: app
    command: wget -qO- http://127.0.0.1:8080/page.html
http:
  - url: http://127.0.0.1:\${APP_PORT}/page.html
    status: 200
`;
}

const OVERLAY = `version: "3.8"
services:
  worker:
    environment:
      - EXTRA=on
`;

/**
 * A released recipe and its bare remote at `<remotes>/<name>.git`:
 *  - releases: three releases; 1.1.0 renames its data volume (an upgrade
 *    loses the data), 1.2.0 breaks the app's healthcheck;
 *  - backups: one release whose db is backed up (backupbot labels) and whose
 *    app Traefik routes, its overlay excluded;
 *  - bad-test-file: one release whose probe has no command;
 *  - one-release: one release, its overlay excluded (the quickest full run).
 */
export function makeRecipe(root: string, remotes: string, name: string, variant: 'releases' | 'backups' | 'bad-test-file' | 'one-release', port: number): void {
  const work = join(root, 'work', name);
  cpSync(join(ROOT, 'test/fixtures/recipes/kite-test-app'), work, { recursive: true });
  const compose = join(work, 'compose.yml');
  const edit = (f: (s: string) => string) => writeFileSync(compose, f(readFileSync(compose, 'utf8')));
  edit((c) => c.replaceAll('image: kite-test/web:', `image: ${REGISTRY}/kite-test/web:`));
  writeFileSync(join(work, 'compose.extra.yml'), OVERLAY);
  writeFileSync(join(work, '.env.sample'), readFileSync(join(work, '.env.sample'), 'utf8') + '\n## the extra overlay\n#COMPOSE_FILE="compose.yml:compose.extra.yml"\n');
  writeFileSync(join(work, 'recipe-test.yml'), testFile(port));
  git(work, 'init', '-q', '-b', 'main');
  const release = (version: string, notes: string) => {
    mkdirSync(join(work, 'release'), { recursive: true });
    writeFileSync(join(work, 'release', version), notes + '\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', `chore: publish ${version} release`);
    git(work, 'tag', '-a', version, '-m', `chore: publish ${version} release`);
  };
  const publish = () => git(root, 'clone', '-q', '--bare', work, join(remotes, `${name}.git`));
  const excludeOverlay = () => writeFileSync(join(work, 'recipe-test.yml'), testFile(port) + 'overlays:\n  exclude: ["compose.yml:compose.extra.yml"]\n');
  if (variant === 'bad-test-file') {
    writeFileSync(join(work, 'recipe-test.yml'), 'probes:\n  - service: app\n');
    release(RELEASES[0], 'A test file without its probe command.');
    return void publish();
  }
  if (variant === 'one-release') {
    excludeOverlay();
    release(RELEASES[0], 'The only release.');
    return void publish();
  }
  if (variant === 'backups') {
    excludeOverlay();
    edit((c) => c.replace('      update_config:\n        monitor: 1s\n\n  worker:', '      update_config:\n        monitor: 1s\n      labels:\n        - "backupbot.backup=true"\n\n  worker:').replace('        - "coop-cloud.${STACK_NAME}.version=1.0.0+1.0"', '        - "coop-cloud.${STACK_NAME}.version=1.0.0+1.0"\n        - "traefik.enable=true"'));
    if (!/backupbot\.backup=true[\s\S]*worker:/.test(readFileSync(compose, 'utf8'))) throw new Error('the backups variant lost its backupbot label: kite-test-app/compose.yml changed');
    release(RELEASES[0], 'Backed up.');
    return void publish();
  }
  release(RELEASES[0], 'First release.');
  // 1.1.0: the data volume gets another name: an upgrade loses the data
  edit((c) => c.replace('${APP_TAG:-1.0}', '${APP_TAG:-1.1}').replaceAll('db-data', 'db-data2').replace('version=1.0.0+1.0', 'version=1.1.0+1.1'));
  release(RELEASES[1], 'Web 1.1; the database volume is renamed.');
  // 1.2.0: the app image's healthcheck never passes
  edit((c) => c.replace('${APP_TAG:-1.1}', '${APP_TAG:-unhealthy}').replace('version=1.1.0+1.1', 'version=1.2.0+1.2'));
  release(RELEASES[2], 'Web unhealthy.');
  publish();
}

/** an empty catalogue repository (recipes.json: {}) as the bare repository `bare` */
export function seedCatalogue(root: string, bare: string): void {
  const seed = join(root, 'catalogue-seed');
  mkdirSync(seed);
  writeFileSync(join(seed, 'recipes.json'), '{}');
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(root, 'clone', '-q', '--bare', seed, bare);
}

/** everything of a stack on the rig: labelled or named after it */
export function leftovers(stack: string): string[] {
  const named = (kind: string) => docker(kind, 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(stack));
  const o = stackObjects(stack);
  return [...o.services, ...o.networks, ...o.configs, ...named('volume'), ...named('secret'), ...named('config'), ...named('network')];
}
