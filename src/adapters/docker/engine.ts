// The real DockerPort: the Engine API through docker-modem (dockerode's
// transport: requests, statuses, streams), over a local unix socket or an SSH
// tunnel's socket, with the API version negotiated once. kite speaks to the
// endpoints itself, so dockerode's object wrappers (and their tar and
// buildkit dependencies) are not loaded.

import { Agent, request, type AgentOptions } from 'node:http';
import type DockerModem from 'docker-modem';
import type { DistributionInspect, DockerPort, Filters, Info, Network, NodeSpec, PruneKind, PruneReport, Service, ServiceLogLine, ServiceLogOptions, SwarmInspect, SwarmJoinRequest, SwarmNode, SwarmObject, Task, Volume } from '../../ports/docker.js';
import type { ConfigSpec, NetworkCreate, SecretSpec, ServiceSpec } from '../../core/convert/swarm-types.js';
import { DockerApiError, SshError, type KiteError } from '../../core/errors.js';
import { openTunnel, type Tunnel } from './ssh-tunnel.js';
import { demuxLogs } from './demux.js';
import { getArchive, putArchive, startExecStream, statContainerPath, type RawDialer } from './attach.js';
import type { ExecConfig, ExecState, PathStat } from '../../ports/docker.js';
import type { Duplex, Readable } from 'node:stream';
import { LogDemuxer } from './log-stream.js';
import { dockerConfigAuth, type RegistryAuthSource } from '../docker-credentials.js';

/** Newest Engine API version kite speaks; older daemons are met at theirs. */
export const MAX_API_VERSION = '1.47';
export const LOCAL_SERVER = 'default';

export function negotiateVersion(serverMax: string | undefined, ours = MAX_API_VERSION): string {
  if (!serverMax) return '1.41';
  return compareApi(serverMax, ours) < 0 ? serverMax : ours;
}

function compareApi(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/**
 * One keep-alive agent per client. servername '': there is no TLS on a unix
 * socket, and without it node tests the host ('localhost') with its IPv6
 * regular expression, compiled on first use (~5 ms of every command).
 */
function socketAgent(): Agent {
  return new Agent({ keepAlive: true, servername: '' } as AgentOptions);
}

function ping(socketPath: string, agent: Agent): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, agent, path: '/_ping', method: 'GET', timeout: 15_000 }, (res) => {
      res.resume();
      resolve(res.headers['api-version'] as string | undefined);
    });
    req.on('timeout', () => req.destroy(new Error('timed out waiting for the Docker daemon')));
    req.on('error', reject);
    req.end();
  });
}

export interface ConnectOptions {
  sshConfig?: string;
  /** keep the SSH connection this many seconds for the next command (kite.yml `ssh.persist`); 0 or unset: none */
  persistSeconds?: number;
  /** the local daemon's socket, for the `default` server */
  localSocket?: string;
  /** X-Registry-Auth per image (default: the operator's docker config.json and credential helpers) */
  registryAuth?: RegistryAuthSource;
}

/** Open a client for a server name: `default` is the local daemon, anything else goes over SSH. */
export async function connectDocker(server: string, opts: ConnectOptions = {}): Promise<DockerPort> {
  // loading the modem costs CPU: do it while ssh connects
  const modemModule = import('docker-modem');
  modemModule.catch(() => undefined);
  let tunnel: Tunnel | undefined;
  let socketPath: string;
  if (server === LOCAL_SERVER) {
    socketPath = opts.localSocket ?? localDockerSocket();
  } else {
    tunnel = await openTunnel(server, { sshConfig: opts.sshConfig, persistSeconds: opts.persistSeconds });
    socketPath = tunnel.socketPath;
  }
  const agent = socketAgent();
  let serverVersion: string | undefined;
  try {
    serverVersion = await ping(socketPath, agent).catch(async (e: unknown) => {
      if (!tunnel?.reused) throw e;
      // a kept forward whose master is gone (or that no longer answers): ask afresh
      tunnel.reused.forget();
      tunnel = await openTunnel(server, { sshConfig: opts.sshConfig, persistSeconds: opts.persistSeconds, fresh: true });
      socketPath = tunnel.socketPath;
      return ping(socketPath, agent);
    });
  } catch (e) {
    if (e instanceof SshError) {
      agent.destroy();
      throw e;
    }
    tunnel?.close();
    agent.destroy();
    const msg = (e as Error).message;
    if (tunnel) throw new SshError(server, `the Docker daemon did not answer over SSH: ${msg}`, 'is Docker running on the server?');
    throw new DockerApiError(`cannot reach the local Docker daemon at ${socketPath}: ${msg}`);
  }
  const { default: Modem } = await modemModule;
  const version = negotiateVersion(serverVersion);
  const modem = new Modem({ socketPath, version: `v${version}`, agent });
  return new Engine(server, version, modem, agent, tunnel, opts.registryAuth ?? dockerConfigAuth());
}

export function localDockerSocket(): string {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

interface DialOptions {
  path: string;
  method: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, unknown>;
  body?: unknown;
  statusCodes?: Record<number, boolean | string>;
  /** X-Registry-Auth (never logged) */
  registryAuth?: string;
}

/** the union of the prune endpoints' answers */
interface PruneResponse {
  ContainersDeleted?: string[] | null;
  NetworksDeleted?: string[] | null;
  VolumesDeleted?: string[] | null;
  CachesDeleted?: string[] | null;
  ImagesDeleted?: { Untagged?: string; Deleted?: string }[] | null;
  SpaceReclaimed?: number;
}

class Engine implements DockerPort {
  constructor(
    readonly server: string,
    readonly apiVersion: string,
    private readonly modem: DockerModem,
    private readonly agent: Agent,
    private readonly tunnel?: Tunnel,
    private readonly registryAuth: RegistryAuthSource = async () => undefined,
  ) {}

  private dial<T>(o: DialOptions): Promise<T> {
    const lost = this.tunnel?.lost();
    if (lost) return Promise.reject(lost);
    const statusCodes: Record<number, boolean | string> = { 200: true, 201: true, 204: true, 304: true, ...o.statusCodes };
    return new Promise<T>((resolve, reject) => {
      this.modem.dial(
        {
          path: o.path + '?',
          method: o.method,
          options: o.body !== undefined || o.query ? { _query: o.query ?? {}, _body: o.body } : {},
          statusCodes,
          ...(o.registryAuth ? { authconfig: { base64: o.registryAuth } } : {}),
        },
        (err: unknown, data: unknown) => (err ? reject(this.translate(err)) : resolve(data as T)),
      );
    });
  }

  private translate(err: unknown): KiteError {
    const lost = this.tunnel?.lost();
    if (lost) return lost;
    const e = err as { statusCode?: number; json?: { message?: string }; message?: string; code?: string };
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'ECONNRESET' || e.code === 'EPIPE') {
      if (this.tunnel) return new SshError(this.server, `connection lost (${e.code})`, 'check the network and retry');
      return new DockerApiError(`lost the connection to the local Docker daemon (${e.code})`);
    }
    const message = e.json?.message ?? e.message ?? String(err);
    return new DockerApiError(message.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim(), e.statusCode);
  }

  info(): Promise<Info> {
    return this.dial({ path: '/info', method: 'GET' });
  }

  listServices(filters?: Filters, status = false): Promise<Service[]> {
    const query: Record<string, unknown> = {};
    if (filters) query.filters = filters;
    if (status) query.status = true;
    return this.dial({ path: '/services', method: 'GET', query });
  }
  inspectService(id: string): Promise<Service> {
    return this.dial({ path: `/services/${encodeURIComponent(id)}`, method: 'GET' });
  }
  // Like `docker stack deploy --with-registry-auth`: the operator's credentials
  // for the service's image go with the spec, so the nodes can pull a private
  // image; without any, the daemon keeps what the service had (registryAuthFrom=spec).
  async createService(spec: ServiceSpec): Promise<{ ID: string }> {
    const registryAuth = await this.authFor(spec.TaskTemplate.ContainerSpec?.Image);
    return this.dial({ path: '/services/create', method: 'POST', body: spec, registryAuth });
  }
  async updateService(id: string, version: number, spec: ServiceSpec): Promise<{ Warnings?: string[] | null }> {
    const registryAuth = await this.authFor(spec.TaskTemplate.ContainerSpec?.Image);
    return this.dial({ path: `/services/${encodeURIComponent(id)}/update`, method: 'POST', query: { version }, body: spec, registryAuth });
  }
  async distributionInspect(image: string): Promise<DistributionInspect> {
    const registryAuth = await this.authFor(image);
    // the daemon's route takes the reference as is, slashes and all
    return this.dial({ path: `/distribution/${encodeURI(image)}/json`, method: 'GET', registryAuth });
  }
  private authFor(image: string | undefined): Promise<string | undefined> {
    return image ? this.registryAuth(image) : Promise.resolve(undefined);
  }
  async removeService(id: string): Promise<void> {
    await this.dial({ path: `/services/${encodeURIComponent(id)}`, method: 'DELETE' });
  }
  async serviceLogs(id: string, tail: number): Promise<string[]> {
    const lost = this.tunnel?.lost();
    if (lost) throw lost;
    const raw = await new Promise<Buffer>((resolve, reject) => {
      this.modem.dial(
        {
          path: `/services/${encodeURIComponent(id)}/logs?`,
          method: 'GET',
          options: { stdout: true, stderr: true, tail: String(tail), timestamps: false },
          isStream: false,
          statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
        },
        (err: unknown, data: unknown) => (err ? reject(this.translate(err)) : resolve(Buffer.isBuffer(data) ? data : Buffer.from(String(data ?? '')))),
      );
    });
    return demuxLogs(raw).split('\n').filter((l) => l.length > 0);
  }

  async *streamServiceLogs(id: string, opts: ServiceLogOptions, signal?: AbortSignal): AsyncIterable<ServiceLogLine> {
    const lost = this.tunnel?.lost();
    if (lost) throw lost;
    if (signal?.aborted) return;
    const query: Record<string, unknown> = {
      stdout: true,
      stderr: true,
      follow: Boolean(opts.follow),
      timestamps: Boolean(opts.timestamps),
      tail: String(opts.tail ?? 'all'),
    };
    if (opts.since) query.since = opts.since;
    let res: NodeJS.ReadableStream & { destroy(): void };
    try {
      res = await new Promise((resolve, reject) => {
        this.modem.dial(
          {
            path: `/services/${encodeURIComponent(id)}/logs?`,
            method: 'GET',
            options: query,
            isStream: true,
            abortSignal: signal,
            statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
          },
          (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as NodeJS.ReadableStream & { destroy(): void })),
        );
      });
    } catch (e) {
      if (signal?.aborted) return;
      throw this.translate(e);
    }
    const stop = () => res.destroy();
    signal?.addEventListener('abort', stop, { once: true });
    const demux = new LogDemuxer();
    try {
      for await (const chunk of res) yield* demux.push(chunk as Buffer);
      yield* demux.end();
    } catch (e) {
      if (signal?.aborted) return;
      throw this.translate(e);
    } finally {
      signal?.removeEventListener('abort', stop);
      res.destroy();
    }
  }

  listTasks(filters?: Filters): Promise<Task[]> {
    return this.dial({ path: '/tasks', method: 'GET', query: filters ? { filters } : {} });
  }

  listNodes(filters?: Filters): Promise<SwarmNode[]> {
    return this.dial({ path: '/nodes', method: 'GET', query: filters ? { filters } : {} });
  }
  inspectNode(id: string): Promise<SwarmNode> {
    return this.dial({ path: `/nodes/${encodeURIComponent(id)}`, method: 'GET', statusCodes: { 404: 'no such node' } });
  }
  async updateNode(id: string, version: number, spec: NodeSpec): Promise<void> {
    await this.dial({ path: `/nodes/${encodeURIComponent(id)}/update`, method: 'POST', query: { version }, body: spec });
  }
  async removeNode(id: string, force = false): Promise<void> {
    await this.dial({ path: `/nodes/${encodeURIComponent(id)}`, method: 'DELETE', query: force ? { force: true } : {} });
  }
  inspectSwarm(): Promise<SwarmInspect> {
    return this.dial({ path: '/swarm', method: 'GET' });
  }
  async joinSwarm(req: SwarmJoinRequest): Promise<void> {
    await this.dial({ path: '/swarm/join', method: 'POST', body: req });
  }
  async leaveSwarm(force = false): Promise<void> {
    await this.dial({ path: '/swarm/leave', method: 'POST', query: force ? { force: true } : {}, body: {} });
  }

  listNetworks(filters?: Filters): Promise<Network[]> {
    return this.dial({ path: '/networks', method: 'GET', query: filters ? { filters } : {} });
  }
  createNetwork(spec: NetworkCreate): Promise<{ Id: string }> {
    return this.dial({ path: '/networks/create', method: 'POST', body: spec });
  }
  async removeNetwork(id: string): Promise<void> {
    await this.dial({ path: `/networks/${encodeURIComponent(id)}`, method: 'DELETE' });
  }

  listSecrets(filters?: Filters): Promise<SwarmObject<SecretSpec>[]> {
    return this.dial({ path: '/secrets', method: 'GET', query: filters ? { filters } : {} });
  }
  createSecret(spec: SecretSpec): Promise<{ ID: string }> {
    return this.dial({ path: '/secrets/create', method: 'POST', body: spec });
  }
  async removeSecret(id: string): Promise<void> {
    await this.dial({ path: `/secrets/${encodeURIComponent(id)}`, method: 'DELETE' });
  }

  listConfigs(filters?: Filters): Promise<SwarmObject<ConfigSpec>[]> {
    return this.dial({ path: '/configs', method: 'GET', query: filters ? { filters } : {} });
  }
  createConfig(spec: ConfigSpec): Promise<{ ID: string }> {
    return this.dial({ path: '/configs/create', method: 'POST', body: spec });
  }
  async removeConfig(id: string): Promise<void> {
    await this.dial({ path: `/configs/${encodeURIComponent(id)}`, method: 'DELETE' });
  }

  async listVolumes(filters?: Filters): Promise<Volume[]> {
    const r = await this.dial<{ Volumes: Volume[] | null }>({ path: '/volumes', method: 'GET', query: filters ? { filters } : {} });
    return r.Volumes ?? [];
  }
  async removeVolume(name: string): Promise<void> {
    await this.dial({ path: `/volumes/${encodeURIComponent(name)}`, method: 'DELETE' });
  }

  createExec(containerId: string, config: ExecConfig): Promise<{ Id: string }> {
    return this.dial({ path: `/containers/${encodeURIComponent(containerId)}/exec`, method: 'POST', body: config, statusCodes: { 404: 'no such container', 409: 'container is paused or not running' } });
  }
  startExec(execId: string, tty: boolean): Promise<Duplex> {
    return startExecStream(this.raw(), execId, tty);
  }
  async resizeExec(execId: string, size: { rows: number; cols: number }): Promise<void> {
    await this.dial({ path: `/exec/${encodeURIComponent(execId)}/resize`, method: 'POST', query: { h: size.rows, w: size.cols }, body: {} });
  }
  inspectExec(execId: string): Promise<ExecState> {
    return this.dial({ path: `/exec/${encodeURIComponent(execId)}/json`, method: 'GET' });
  }
  statContainerPath(containerId: string, path: string): Promise<PathStat | undefined> {
    return statContainerPath(this.raw(), containerId, path);
  }
  getArchive(containerId: string, path: string): Promise<{ stat?: PathStat; tar: Readable }> {
    return getArchive(this.raw(), containerId, path);
  }
  putArchive(containerId: string, dir: string, tar: Readable): Promise<void> {
    return putArchive(this.raw(), containerId, dir, tar);
  }
  /** what the streaming calls in attach.ts need from this client */
  private raw(): RawDialer {
    return { modem: this.modem, lost: () => this.tunnel?.lost(), translate: (e) => this.translate(e) };
  }

  async prune(kind: PruneKind, opts: { filters?: Filters; all?: boolean } = {}): Promise<PruneReport> {
    const query: Record<string, unknown> = {};
    if (opts.filters && Object.keys(opts.filters).length) query.filters = opts.filters;
    if (kind === 'build' && opts.all) query.all = true;
    const r = await this.dial<PruneResponse>({ path: `/${kind}/prune`, method: 'POST', query, body: {} });
    const deleted =
      kind === 'images'
        ? (r.ImagesDeleted ?? []).map((d) => d.Deleted ?? d.Untagged ?? '').filter(Boolean)
        : (r.ContainersDeleted ?? r.NetworksDeleted ?? r.VolumesDeleted ?? r.CachesDeleted ?? []);
    return { deleted, spaceReclaimed: r.SpaceReclaimed ?? 0 };
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.tunnel?.close();
  }
}
