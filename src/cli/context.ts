// What every command gets: IO, and the ports (ctx.ports, src/cli/ports.ts:
// each made on first use) — the $ABRA_DIR store, recipes, registry, prompts,
// clock — with Docker clients that are opened lazily, once per server per
// command, and closed at the end.

import type { AppStore } from '../ports/app-store.js';
import type { DockerPort } from '../ports/docker.js';
import type { Ports } from '../ports/index.js';
import type { Prompter } from '../ports/prompter.js';
import { IO } from './io.js';
import { terminalPrompter } from './prompt.js';
import { connectServer, createPorts } from './ports.js';

export interface GlobalOptions {
  debug?: boolean;
  input?: boolean;
  offline?: boolean;
  machine?: boolean;
  json?: boolean;
}

export class Context {
  readonly io: IO;
  /** terminal prompts (loaded on first use); ask through src/cli/prompt.ts, which applies the prompt rule */
  prompter: Prompter = terminalPrompter(() => this.io.interactive);
  private readonly clients = new Map<string, Promise<DockerPort>>();
  private built?: Ports;

  /** what operations talk to, each member made on first use; docker and prompter are the context's own */
  get ports(): Ports {
    return (this.built ??= createPorts({}, { docker: this.docker, prompter: { select: (m, o) => this.prompter.select(m, o), text: (m, o) => this.prompter.text(m, o), confirm: (m) => this.prompter.confirm(m) } }));
  }

  /** the $ABRA_DIR store (ctx.ports.apps) */
  get dir(): AppStore {
    return this.ports.apps;
  }

  constructor(readonly globals: GlobalOptions) {
    const json = Boolean(globals.json || globals.machine);
    const interactive = globals.input !== false && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
    this.io = new IO(json, Boolean(globals.debug), interactive);
  }

  docker = (server: string): Promise<DockerPort> => {
    let c = this.clients.get(server);
    if (!c) {
      c = connectServer(server, this.dir.root);
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
