// Running things inside an app's containers (`app run`, `app cmd`, `app cp`):
// find a running container of `<stack>_<service>` through the swarm's tasks,
// and start an exec in it attached to a hijacked connection.

import type { Duplex } from 'node:stream';
import type { DockerPort, ExecConfig } from '../ports/docker.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { ConflictError, NotFoundError } from '../core/errors.js';

export interface ServiceContainer {
  /** the swarm service, `<stack>_<service>` */
  service: string;
  containerId: string;
  taskId: string;
}

/**
 * A running container of one of the app's services. Errors: the app is not
 * deployed (conflict), there is no such service (not found, naming the
 * services there are), or no task of it is running (conflict).
 */
export async function findServiceContainer(docker: DockerPort, stack: string, domain: string, service: string): Promise<ServiceContainer> {
  const services = await docker.listServices({ label: [`${NAMESPACE_LABEL}=${stack}`] });
  if (services.length === 0) throw new ConflictError(`${domain} is not deployed`, `deploy it with \`kite app deploy ${domain}\``);
  const full = service.startsWith(`${stack}_`) ? service : `${stack}_${service}`;
  const svc = services.find((s) => s.Spec.Name === full);
  if (!svc) {
    const known = services.map((s) => s.Spec.Name.slice(stack.length + 1)).sort();
    throw new NotFoundError(`${domain} has no service "${service}"`, `its services: ${known.join(', ')}`);
  }
  const tasks = await docker.listTasks({ service: [svc.ID], 'desired-state': ['running'] });
  const running = tasks.filter((t) => t.ServiceID === svc.ID && t.Status.State === 'running' && t.Status.ContainerStatus?.ContainerID);
  if (running.length === 0) {
    throw new ConflictError(`no running container for ${full}`, `see \`kite app ps ${domain}\``);
  }
  // the Engine API we talk to is the manager's: its own containers first
  const { Swarm } = await docker.info();
  const local = running.filter((t) => !t.NodeID || t.NodeID === Swarm.NodeID);
  if (local.length === 0) {
    throw new ConflictError(`${full} runs only on other nodes of the swarm than ${docker.server}`, 'kite reaches containers on the manager it connects to; run the command against the node where the task runs');
  }
  const task = local.sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0))[0];
  return { service: full, containerId: task.Status.ContainerStatus?.ContainerID ?? '', taskId: task.ID };
}

export interface ExecRequest {
  cmd: string[];
  env?: string[];
  user?: string;
  tty: boolean;
  /** attach our stdin to the process's */
  stdin: boolean;
}

export interface ExecSession {
  /** write the process's stdin (end() closes it); read its output (multiplexed frames unless tty) */
  stream: Duplex;
  tty: boolean;
  resize(size: { rows: number; cols: number }): Promise<void>;
  /** the exit code, once the stream has ended */
  exitCode(): Promise<number>;
}

export async function startExec(docker: DockerPort, containerId: string, req: ExecRequest): Promise<ExecSession> {
  const config: ExecConfig = {
    Cmd: req.cmd,
    Tty: req.tty,
    AttachStdin: req.stdin,
    AttachStdout: true,
    AttachStderr: true,
  };
  if (req.env && req.env.length > 0) config.Env = req.env;
  if (req.user) config.User = req.user;
  const { Id } = await docker.createExec(containerId, config);
  const stream = await docker.startExec(Id, req.tty);
  return {
    stream,
    tty: req.tty,
    resize: (size) => docker.resizeExec(Id, size),
    exitCode: async () => {
      // the daemon records the exit code as the process ends, a moment
      // before or after it closes the stream
      for (let i = 0; ; i++) {
        const s = await docker.inspectExec(Id);
        if (!s.Running && s.ExitCode !== null) return s.ExitCode;
        if (i >= 50) return s.ExitCode ?? 1;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
