// The real ports, built lazily: each member of `Ports` is made on first use,
// and the adapters that load much (git through simple-git, the registry
// client, Docker over SSH, `pass`, `ssh -G`) are imported only then, so
// `kite --help` loads none of them. The command context holds one
// (`ctx.ports`); unit tests call createPorts with a temp $ABRA_DIR and fakes
// in `overrides` (pass fakes there: spreading a Ports object would build
// every member).

import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AbraDir, replaceFileAtomic } from '../adapters/abra-dir.js';
import { readComposeSourcesIn, readInsideRecipe, readRecipeText } from '../adapters/recipe-read.js';
import { systemClock } from '../adapters/system-clock.js';
import { localHost } from '../adapters/local-host.js';
import type { Ports } from '../ports/index.js';
import type { RegistryPort } from '../ports/registry.js';
import type { DockerPort } from '../ports/docker.js';
import { editorCommand, runEditor } from '../adapters/editor.js';
import { terminalPrompter } from './prompt.js';

export interface PortsOptions {
  /** $ABRA_DIR (default: $ABRA_DIR, else ~/.abra) */
  root?: string;
  /** ssh -F for Docker connections and `ssh -G` (default: $KITE_SSH_CONFIG) */
  sshConfig?: string;
}

/** a new connection to a server's Engine API (the context keeps one per server per command) */
export async function connectServer(server: string, abraRoot: string, sshConfig = process.env.KITE_SSH_CONFIG || undefined): Promise<DockerPort> {
  const [{ connectDocker }, { persistSetting }] = await Promise.all([import('../adapters/docker/engine.js'), import('../adapters/docker/ssh-mux.js')]);
  return connectDocker(server, { sshConfig, persistSeconds: server === 'default' ? 0 : await persistSetting(abraRoot) });
}

/** memoised dynamic import */
function loader<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= load());
}

export function createPorts(options: PortsOptions = {}, overrides: Partial<Ports> = {}): Ports {
  const sshConfig = options.sshConfig ?? (process.env.KITE_SSH_CONFIG || undefined);
  const recipeGit = loader(() => import('../adapters/recipe-git.js'));
  const recipeFiles = loader(() => import('../adapters/recipe-files.js'));
  const registry = loader(async () => new (await import('../adapters/registry.js')).HttpRegistry());

  const make: { [K in keyof Ports]: (ports: Ports) => Ports[K] } = {
    apps: () => new AbraDir(options.root),
    recipes: () => ({
      isRepo: (dir) => existsSync(`${dir}/.git`),
      open: async (dir) => (await recipeGit()).openRecipe(dir),
      clone: async (dir, urls) => (await recipeGit()).cloneRecipe(dir, urls),
    }),
    worktrees: () => ({ open: async (dir) => (await import('../adapters/recipe-worktree.js')).openWorktree(dir) }),
    recipeFiles: () => ({
      names: (dir) => readdirSync(dir),
      readInside: readInsideRecipe,
      readText: readRecipeText,
      readComposeSources: readComposeSourcesIn,
      readAll: async (dir, name) => (await recipeFiles()).readRecipeFiles(dir, name),
      readFile: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
      exists: existsSync,
      write: (path, text) => writeFileSync(path, text),
      replace: replaceFileAtomic,
      rename: renameSync,
      create: async (dir, files, identity, message) => (await recipeFiles()).createRecipeRepo(dir, files, identity, message),
    }),
    catalogues: () => ({ open: async (dir) => new (await import('../adapters/catalogue-repo.js')).CatalogueRepo(dir) }),
    registry: (): RegistryPort => ({
      tags: async (repo) => (await registry()).tags(repo),
      digest: async (repo, tag) => (await registry()).digest(repo, tag),
    }),
    prompter: () => terminalPrompter(() => Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY)),
    clock: () => systemClock,
    host: () => localHost,
    editor: () => ({ command: () => editorCommand(), run: runEditor }),
    sshHosts: () => ({ resolve: async (server) => (await import('../adapters/ssh-host.js')).resolveSshTarget(server, sshConfig) }),
    docker: (ports) => (server) => connectServer(server, ports.apps.root, sshConfig),
    secretStore: () => async (server, domain) => (await import('../adapters/pass-store.js')).openPassStore(server, domain),
  };

  const ports = {} as Ports;
  for (const key of Object.keys(make) as (keyof Ports)[]) {
    if (overrides[key] !== undefined) {
      Object.defineProperty(ports, key, { value: overrides[key] });
      continue;
    }
    let value: unknown;
    let made = false;
    Object.defineProperty(ports, key, {
      get: () => {
        if (!made) {
          value = make[key](ports);
          made = true;
        }
        return value;
      },
    });
  }
  return ports;
}
