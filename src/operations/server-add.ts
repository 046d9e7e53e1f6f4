// Add a server: prove we can reach its Docker daemon and that it is a swarm
// manager, and only then create servers/<name>/. On failure nothing is left.

import type { AppStore } from '../ports/app-store.js';
import type { DockerPort } from '../ports/docker.js';
import { ConflictError } from '../core/errors.js';

export interface ServerAdded {
  name: string;
  dockerVersion: string;
  apiVersion: string;
  node: string;
}

export async function addServer(dir: AppStore, name: string, connect: (server: string) => Promise<DockerPort>): Promise<ServerAdded> {
  if (dir.hasServer(name)) throw new ConflictError(`server ${name} already exists in ${dir.serversDir}`);
  const docker = await connect(name);
  const info = await docker.info();
  if (info.Swarm.LocalNodeState !== 'active') {
    throw new ConflictError(`server ${name} is not part of a Docker Swarm (state: ${info.Swarm.LocalNodeState || 'inactive'})`, 'run `docker swarm init` on the server, then add it again');
  }
  if (!info.Swarm.ControlAvailable) {
    throw new ConflictError(`server ${name} is a swarm worker, not a manager`, 'add a manager node of the swarm instead');
  }
  dir.addServer(name);
  return { name, dockerVersion: info.ServerVersion, apiVersion: docker.apiVersion, node: info.Name };
}
