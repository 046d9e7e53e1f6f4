// Which registry and repository an image name refers to, by Docker's rules:
// the first path component is a registry host when it contains `.` or `:`
// or is `localhost`; otherwise the image is on Docker Hub, where a name
// without `/` is an official image under `library/`.

import type { RegistryRepo } from './registry-types.js';

export const DOCKER_HUB = 'docker.io';

/** `nginx` → docker.io/library/nginx; `127.0.0.1:5000/kite-test/web` → 127.0.0.1:5000 + kite-test/web */
export function registryRepo(imageName: string): RegistryRepo {
  const slash = imageName.indexOf('/');
  const first = slash < 0 ? '' : imageName.slice(0, slash);
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const registry = first === 'index.docker.io' || first === 'registry-1.docker.io' ? DOCKER_HUB : first;
    const repository = imageName.slice(slash + 1);
    return { registry, repository: registry === DOCKER_HUB && !repository.includes('/') ? `library/${repository}` : repository };
  }
  return { registry: DOCKER_HUB, repository: slash < 0 ? `library/${imageName}` : imageName };
}

/** Loopback registries are spoken to over plain HTTP; every other one over HTTPS. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The base URL of the registry's HTTP API v2 (Docker Hub's API host is registry-1.docker.io). */
export function registryBaseUrl(registry: string): string {
  if (registry === DOCKER_HUB) return 'https://registry-1.docker.io';
  return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`;
}

export function describeRepo(repo: RegistryRepo): string {
  return `${repo.registry}/${repo.repository}`;
}
