// The test app of `kite recipe test`: created, deployed, upgraded, undeployed
// and removed through the same operations the commands use (app new, app
// deploy, undeploy, app remove), commands run in its containers, and the
// clean-up that leaves nothing of it on the server or in $ABRA_DIR.

import type { Ports } from '../ports/index.js';
import type { DockerPort } from '../ports/docker.js';
import type { Clock } from '../ports/clock.js';
import { ApplyFailedError, CancelledError, ConflictError, DeployFailedError, DockerApiError, KiteError, NotFoundError } from '../core/errors.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { setEnvValue } from '../core/env-edit.js';
import { appSecrets } from '../core/secrets.js';
import { FrameReader } from '../core/stream-frames.js';
import { ofStack, type Witness } from '../core/recipe-test/plan.js';
import type { MarkerSpec } from '../core/recipe-test/test-file.js';
import { newApp } from './app-new.js';
import { appDeploy, type DeployMode } from './app-deploy.js';
import { undeploy } from './undeploy.js';
import { executeRemoval, planRemoval } from './app-remove.js';
import { withAppAtVersion } from './app-at-version.js';
import { lockApp } from './stack-owner.js';
import { findServiceContainer, startExec } from './app-exec.js';
import type { DeployEvent } from './events.js';
import { backupCreate, forgetSnapshots, type BackupCreated } from './backup-create.js';
import { appRestore } from './backup-restore.js';
import { openRepository, type BackupRunOptions } from './backup-repo.js';

export type TestAppPorts = Pick<Ports, 'apps' | 'recipes' | 'recipeFiles' | 'docker' | 'clock' | 'host'>;

/** what made a deploy fail, for a step's reason and logs */
export interface DeployFailure {
  reason: string;
  logs: string[];
}

/**
 * A clock that adds up the time spent sleeping: kite's waits on the swarm
 * (convergence polls, retries); `add` counts other waits (an undeploy waiting
 * for tasks and networks to go, volumes to be released).
 */
export function countingClock(clock: Clock): { clock: Clock; waitedMs(): number; add(ms: number): void } {
  let waited = 0;
  return {
    add: (ms) => {
      waited += ms;
    },
    clock: {
      now: () => clock.now(),
      sleep: async (ms, signal) => {
        const start = clock.now();
        try {
          await clock.sleep(ms, signal);
        } finally {
          waited += clock.now() - start;
        }
      },
    },
    waitedMs: () => waited,
  };
}

export class TestApp {
  readonly stack: string;
  constructor(
    readonly ports: TestAppPorts,
    readonly docker: DockerPort,
    readonly recipe: string,
    readonly server: string,
    readonly domain: string,
    stack: string,
    readonly opts: { env: Record<string, string>; timeoutSeconds?: number; signal?: AbortSignal; waited?: (ms: number) => void },
  ) {
    this.stack = stack;
  }

  exists(): boolean {
    return this.ports.apps.exists(this.ports.apps.appPath(this.server, this.domain));
  }

  /** `app new <recipe> <version> --secrets`, then the test file's env values and `extra` (COMPOSE_FILE of an overlay) */
  async create(version: string, extra: Record<string, string> = {}): Promise<void> {
    const created = await newApp(this.ports, { recipe: this.recipe, version, server: this.server, domain: this.domain, secrets: true, offline: true });
    let text = this.ports.apps.readText(created.path);
    for (const [k, v] of Object.entries({ ...this.opts.env, ...extra })) text = setEnvValue(text, k, v, created.path);
    this.ports.apps.writeEnvFile(created.path, text);
  }

  /** `app deploy` (or `app upgrade <version>`); a failed deploy is returned with its services' task errors and log lines */
  async *deploy(mode: DeployMode, version?: string): AsyncGenerator<DeployEvent, DeployFailure | undefined> {
    try {
      const events = appDeploy(this.ports, { domain: this.domain, mode, version, offline: true, timeoutSeconds: this.opts.timeoutSeconds, signal: this.opts.signal, lockWaitSeconds: 60 });
      for (;;) {
        const next = await events.next();
        if (next.done) return next.value.converged || next.value.skipped ? undefined : { reason: 'the deploy did not converge', logs: [] };
        yield next.value;
      }
    } catch (e) {
      if (e instanceof DeployFailedError) return deployFailure(e);
      if (e instanceof ApplyFailedError) return { reason: e.message, logs: [] };
      throw e;
    }
  }

  async *undeploy(): AsyncGenerator<DeployEvent, void> {
    const ref = this.ports.apps.findApp(this.domain);
    const lock = await lockApp(this.ports, ref, this.docker, 'recipe test undeploy', { waitSeconds: 60 });
    const start = this.ports.clock.now();
    try {
      // removing the services is quick; the rest is waiting for Swarm to stop tasks and free networks
      yield* undeploy(this.stack, this.domain, this.docker);
    } finally {
      this.opts.waited?.(this.ports.clock.now() - start);
      await lock.release();
    }
  }

  /** `app remove`: volumes, secrets, configs, then the env file */
  async remove(): Promise<string[]> {
    const ref = this.ports.apps.findApp(this.domain);
    const secrets = await withAppAtVersion(this.ports, this.domain, async (app) => appSecrets(app.compose, app.stack, app.env, app.modifiers));
    const lock = await lockApp(this.ports, ref, this.docker, 'recipe test remove', { waitSeconds: 60 });
    const removed: string[] = [];
    try {
      const plan = await planRemoval(this.docker, this.stack, this.domain, secrets);
      const start = this.ports.clock.now();
      try {
        // mostly waiting for the volumes to be let go by containers that are stopping
        for await (const r of executeRemoval(this.ports.apps, this.docker, plan, ref)) removed.push(`${r.object} ${r.name}`);
      } finally {
        this.opts.waited?.(this.ports.clock.now() - start);
      }
    } finally {
      await lock.release();
    }
    return removed;
  }

  /**
   * Everything of the test app gone: undeployed, removed, and whatever is
   * still labelled with its stack or named after it swept. Never throws;
   * returns what could not be removed.
   */
  async *teardown(): AsyncGenerator<DeployEvent, string[]> {
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        if (!(e instanceof ConflictError) && !(e instanceof NotFoundError)) problems.push(`${what}: ${(e as Error).message}`);
      }
    };
    if (this.exists()) {
      const services = await this.docker.listServices({ label: [`${NAMESPACE_LABEL}=${this.stack}`] }).catch(() => []);
      if (services.length > 0) {
        try {
          yield* this.undeploy();
        } catch (e) {
          problems.push(`undeploy: ${(e as Error).message}`);
        }
      }
      await attempt('remove', () => this.remove());
      if (this.exists()) await attempt('env file', async () => this.ports.apps.removeEnvFile(this.ports.apps.appPath(this.server, this.domain)));
    }
    problems.push(...(await sweepStack(this.docker, this.stack)));
    return problems;
  }

  /** `app backup create` under the app's lock */
  async backup(opts: BackupRunOptions): Promise<BackupCreated> {
    const ref = this.ports.apps.findApp(this.domain);
    const lock = await lockApp(this.ports, ref, this.docker, 'recipe test backup', { waitSeconds: 60 });
    try {
      return await backupCreate(this.ports, this.docker, { ref }, { ...opts, signal: this.opts.signal });
    } finally {
      await lock.release();
    }
  }

  /** `app restore --snapshot <id>` under the app's lock */
  async restore(snapshot: string, opts: BackupRunOptions): Promise<void> {
    const ref = this.ports.apps.findApp(this.domain);
    const lock = await lockApp(this.ports, ref, this.docker, 'recipe test restore', { waitSeconds: 60 });
    try {
      await appRestore(this.ports, this.docker, { ref, snapshot, timeoutSeconds: this.opts.timeoutSeconds }, { ...opts, signal: this.opts.signal });
    } finally {
      await lock.release();
    }
  }

  /** forget the test's snapshots: a test leaves no backups behind */
  async forget(ids: string[], opts: BackupRunOptions): Promise<void> {
    const repo = await openRepository(this.ports, this.docker, this.server, false, opts);
    await forgetSnapshots(repo, this.stack, ids, opts);
  }

  /** run `sh -c <command>` in a running container of `service`, with `env` */
  async exec(service: string, command: string, env: Record<string, string> = {}): Promise<ExecOutput> {
    const target = await findServiceContainer(this.docker, this.stack, this.domain, service);
    return execCapture(this.docker, target.containerId, ['sh', '-c', command], Object.entries(env).map(([k, v]) => `${k}=${v}`));
  }

  /** write each marker; problems named by service */
  async writeMarkers(markers: MarkerSpec[], value: string): Promise<string[]> {
    const problems: string[] = [];
    for (const m of markers) {
      const out = await this.exec(m.service, m.write, { KITE_MARKER: value }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
      if (out.code !== 0) problems.push(`service ${m.service}: writing the marker (\`${m.write}\`) exited ${out.code}${tail(out)}`);
    }
    return problems;
  }

  /** read each marker back; problems name the service whose marker is missing */
  async readMarkers(markers: MarkerSpec[], value: string): Promise<string[]> {
    const problems: string[] = [];
    for (const m of markers) {
      const out = await this.exec(m.service, m.read, { KITE_MARKER: value }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
      if (out.code !== 0 || !out.stdout.includes(value)) problems.push(`service ${m.service}: the marker is gone (\`${m.read}\` exited ${out.code}${tail(out)})`);
    }
    return problems;
  }

  /** markers that are still found (after a remove + reinstall they must not be) */
  async markersLeft(markers: MarkerSpec[], value: string): Promise<string[]> {
    const left: string[] = [];
    for (const m of markers) {
      const out = await this.exec(m.service, m.read, { KITE_MARKER: value }).catch(() => ({ code: -1, stdout: '', stderr: '' }));
      if (out.code === 0 && out.stdout.includes(value)) left.push(`service ${m.service}: the marker of the first install is still there after remove + reinstall`);
    }
    return left;
  }
}

function tail(out: ExecOutput): string {
  const text = (out.stderr || out.stdout).trim().split('\n').slice(-3).join(' / ');
  return text ? `: ${text}` : '';
}

export function deployFailure(e: DeployFailedError): DeployFailure {
  const logs: string[] = [];
  for (const f of e.failures) {
    for (const t of f.tasks) logs.push(`${f.service}: task ${t.id.slice(0, 12)} ${t.state}${t.error ? `: ${t.error}` : ''}${t.message && t.message !== t.error ? ` (${t.message})` : ''}`);
    for (const l of f.logsTail) logs.push(`${f.service} | ${l}`);
  }
  const reason = e.failures.length > 0 ? e.failures.map((f) => `service ${f.service}: ${f.reason}`).join('; ') : e.message;
  return { reason, logs };
}

export interface ExecOutput {
  code: number;
  stdout: string;
  stderr: string;
}

const EXEC_TIMEOUT_MS = 120_000;

/** an exec without a TTY, its output collected (a process that runs past two minutes is cut off) */
export async function execCapture(docker: DockerPort, containerId: string, cmd: string[], env: string[]): Promise<ExecOutput> {
  const session = await startExec(docker, containerId, { cmd, env, tty: false, stdin: false });
  const frames = new FrameReader();
  const out = { stdout: '', stderr: '' };
  const { stream } = session;
  let timedOut = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      stream.destroy();
      resolve();
    }, EXEC_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    stream.on('data', (chunk: Buffer) => {
      for (const f of frames.push(chunk)) out[f.stream] += f.data.toString('utf8');
    });
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') resolve();
      else reject(e);
    });
    stream.end();
  });
  stream.destroy();
  if (timedOut) return { code: -1, stdout: out.stdout, stderr: `${out.stderr}\n(cut off after ${EXEC_TIMEOUT_MS / 1000}s)` };
  return { code: await session.exitCode(), ...out };
}

/** Remove whatever is left of a stack (services, networks, volumes, secrets, configs, its lock and history); returns what could not be. */
export async function sweepStack(docker: DockerPort, stack: string): Promise<string[]> {
  const left: string[] = [];
  const gone = async (what: string, fn: () => Promise<void>) => {
    for (let i = 0; i < 20; i++) {
      try {
        await fn();
        return;
      } catch (e) {
        if (e instanceof DockerApiError && e.statusCode === 404) return;
        if (i === 19) left.push(`${what}: ${(e as Error).message}`);
        else await new Promise((r) => setTimeout(r, 500)); // volumes stay busy while containers stop
      }
    }
  };
  try {
    for (const s of (await docker.listServices()).filter((x) => ofStack(stack, x.Spec.Name, x.Spec.Labels))) await gone(`service ${s.Spec.Name}`, () => docker.removeService(s.ID));
    for (const n of (await docker.listNetworks()).filter((x) => ofStack(stack, x.Name, x.Labels))) await gone(`network ${n.Name}`, () => docker.removeNetwork(n.Id));
    for (const v of (await docker.listVolumes()).filter((x) => ofStack(stack, x.Name, x.Labels))) await gone(`volume ${v.Name}`, () => docker.removeVolume(v.Name));
    for (const s of (await docker.listSecrets()).filter((x) => ofStack(stack, x.Spec.Name, x.Spec.Labels))) await gone(`secret ${s.Spec.Name}`, () => docker.removeSecret(s.ID));
    for (const c of (await docker.listConfigs()).filter((x) => ofStack(stack, x.Spec.Name, x.Spec.Labels))) await gone(`config ${c.Spec.Name}`, () => docker.removeConfig(c.ID));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    left.push(`listing what is left of ${stack}: ${(e as KiteError).message}`);
  }
  return left;
}

/** names of the objects of `stack` on the server (empty: the stack is free) */
export async function stackLeftovers(docker: DockerPort, stack: string): Promise<string[]> {
  const [services, volumes, secrets, configs] = await Promise.all([docker.listServices(), docker.listVolumes(), docker.listSecrets(), docker.listConfigs()]);
  return [
    ...services.filter((x) => ofStack(stack, x.Spec.Name, x.Spec.Labels)).map((x) => `service ${x.Spec.Name}`),
    ...volumes.filter((x) => ofStack(stack, x.Name, x.Labels)).map((x) => `volume ${x.Name}`),
    ...secrets.filter((x) => ofStack(stack, x.Spec.Name, x.Spec.Labels)).map((x) => `secret ${x.Spec.Name}`),
    ...configs.filter((x) => ofStack(stack, x.Spec.Name, x.Spec.Labels)).map((x) => `config ${x.Spec.Name}`),
  ];
}

/** the objects of every other stack, to compare before and after a removal */
export async function witness(docker: DockerPort, stack: string): Promise<Witness> {
  const [services, volumes, secrets, configs, networks] = await Promise.all([docker.listServices(), docker.listVolumes(), docker.listSecrets(), docker.listConfigs(), docker.listNetworks()]);
  const map = <T>(xs: T[], name: (x: T) => string, id: (x: T) => string, labels: (x: T) => Record<string, string> | null | undefined) =>
    Object.fromEntries(xs.filter((x) => !ofStack(stack, name(x), labels(x))).map((x) => [name(x), id(x)]));
  return {
    services: map(services, (x) => x.Spec.Name, (x) => x.ID, (x) => x.Spec.Labels),
    volumes: map(volumes, (x) => x.Name, (x) => x.CreatedAt ?? x.Name, (x) => x.Labels),
    secrets: map(secrets, (x) => x.Spec.Name, (x) => x.ID, (x) => x.Spec.Labels),
    configs: map(configs, (x) => x.Spec.Name, (x) => x.ID, (x) => x.Spec.Labels),
    networks: map(networks, (x) => x.Name, (x) => x.Id, (x) => x.Labels),
  };
}
