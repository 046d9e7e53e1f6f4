// What every command gets: IO, the $ABRA_DIR store, and Docker clients that
// are opened lazily, once per server per command, and closed at the end.

import { AbraDir } from '../adapters/abra-dir.js';
import type { DockerPort } from '../ports/docker.js';
import type { Prompter } from '../ports/prompter.js';
import { IO } from './io.js';
import { terminalPrompter } from './prompt.js';

export interface GlobalOptions {
  debug?: boolean;
  input?: boolean;
  offline?: boolean;
  machine?: boolean;
  json?: boolean;
}

export class Context {
  readonly io: IO;
  readonly dir = new AbraDir();
  /** terminal prompts (loaded on first use); ask through src/cli/prompt.ts, which applies the prompt rule */
  prompter: Prompter = terminalPrompter(() => this.io.interactive);
  private readonly clients = new Map<string, Promise<DockerPort>>();

  constructor(readonly globals: GlobalOptions) {
    const json = Boolean(globals.json || globals.machine);
    const interactive = globals.input !== false && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
    this.io = new IO(json, Boolean(globals.debug), interactive);
  }

  docker = (server: string): Promise<DockerPort> => {
    let c = this.clients.get(server);
    if (!c) {
      c = Promise.all([import('../adapters/docker/engine.js'), import('../adapters/docker/ssh-mux.js')]).then(async ([{ connectDocker }, { persistSetting }]) =>
        connectDocker(server, { sshConfig: process.env.KITE_SSH_CONFIG || undefined, persistSeconds: server === 'default' ? 0 : await persistSetting(this.dir.root) }),
      );
      this.clients.set(server, c);
      c.then((d) => this.io.debug(`connected to ${server} (Engine API ${d.apiVersion})`), () => this.clients.delete(server));
    }
    return c;
  };

  async close(): Promise<void> {
    for (const c of this.clients.values()) {
      try {
        await (await c).close();
      } catch {
        /* already reported */
      }
    }
    this.clients.clear();
  }
}
