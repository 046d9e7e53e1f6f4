// Everything operations talk to, in one object. The command context builds
// the real one lazily (src/cli/ports.ts: each member made on first use, heavy
// adapters imported then), unit tests build it with fakes; an operation takes
// the members it needs (`Pick<Ports, ...>`) and imports no adapter.

import type { AppStore } from './app-store.js';
import type { Catalogues } from './catalogue.js';
import type { Clock } from './clock.js';
import type { DockerPort } from './docker.js';
import type { Editor } from './editor.js';
import type { Host } from './host.js';
import type { Prompter } from './prompter.js';
import type { RecipeFileStore } from './recipe-files.js';
import type { RecipeRepos } from './recipe-repo.js';
import type { RecipeWorktrees } from './recipe-worktree.js';
import type { RegistryPort } from './registry.js';
import type { SecretStore } from './secret-store.js';
import type { SshHosts } from './ssh-hosts.js';

export interface Ports {
  /** $ABRA_DIR: servers, env files, recipe directories, kite.yml */
  readonly apps: AppStore;
  /** recipe clones: open, clone, fetch, tags, snapshots */
  readonly recipes: RecipeRepos;
  /** recipe working trees for the maintainer commands */
  readonly worktrees: RecipeWorktrees;
  /** files inside a recipe directory */
  readonly recipeFiles: RecipeFileStore;
  /** $ABRA_DIR/catalogue */
  readonly catalogues: Catalogues;
  /** image registries (Registry HTTP API v2) */
  readonly registry: RegistryPort;
  /** terminal prompts (ask through src/cli/prompt.ts, which applies the prompt rule) */
  readonly prompter: Prompter;
  readonly clock: Clock;
  /** this machine: who runs kite, its processes (the per-app lock's holder) */
  readonly host: Host;
  readonly editor: Editor;
  readonly sshHosts: SshHosts;
  /** the Engine API of a server, connected once per command */
  docker(server: string): Promise<DockerPort>;
  /** the operator's password store for one app's secrets (`--pass`); rejects when it cannot be used, before anything changes */
  secretStore(server: string, domain: string): Promise<SecretStore>;
}

export type { AppStore, AppRef } from './app-store.js';
export type { Catalogues, CatalogueStore, CatalogueSync } from './catalogue.js';
export type { Clock } from './clock.js';
export type { DockerPort } from './docker.js';
export type { Editor } from './editor.js';
export type { Host } from './host.js';
export type { Prompter } from './prompter.js';
export type { RecipeFileStore, InsideRead, GitIdentity } from './recipe-files.js';
export type { RecipeRepos, RecipeRepo, RecipeSnapshot, FetchReport } from './recipe-repo.js';
export type { RecipeWorktrees, RecipeWorktree, StatusEntry, RefTag } from './recipe-worktree.js';
export type { RegistryPort, RegistryRepo } from './registry.js';
export type { SecretStore } from './secret-store.js';
export type { SshHosts } from './ssh-hosts.js';
