// Engine API calls that stream: starting an exec on a hijacked connection,
// and the container archive endpoints (tar in, tar out, path stat). Kept out
// of engine.ts, which delegates here with its modem and error translation.

import type { Duplex, Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type DockerModem from 'docker-modem';
import type { PathStat } from '../../ports/docker.js';
import type { KiteError } from '../../core/errors.js';

export interface RawDialer {
  modem: DockerModem;
  /** the error a dropped tunnel left, if any */
  lost(): KiteError | undefined;
  translate(err: unknown): KiteError;
}

function dialStream<T>(d: RawDialer, options: DockerModem.DialOptions): Promise<T> {
  const lost = d.lost();
  if (lost) return Promise.reject(lost);
  return new Promise<T>((resolve, reject) => {
    d.modem.dial(options, (err: unknown, data: unknown) => (err ? reject(d.translate(err)) : resolve(data as T)));
  });
}

/**
 * POST /exec/{id}/start with `Upgrade: tcp`: the daemon answers 101 and the
 * socket becomes the process's stdin (what we write) and its output (what we
 * read: raw with a TTY, multiplexed frames without). Ending our side closes
 * the process's stdin.
 */
export function startExecStream(d: RawDialer, execId: string, tty: boolean): Promise<Duplex> {
  return dialStream<Duplex>(d, {
    path: `/exec/${encodeURIComponent(execId)}/start?`,
    method: 'POST',
    options: { _body: { Detach: false, Tty: tty } },
    hijack: true,
    isStream: true,
    statusCodes: { 200: true, 101: true, 404: 'no such exec instance', 409: 'container is paused or stopped' },
  });
}

function decodeStat(header: string | string[] | undefined): PathStat | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return undefined;
  const s = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { name: string; size: number; mode: number; mtime: string; linkTarget: string };
  // Go's os.FileMode: ModeDir is the top bit, ModeSymlink the fifth from the top
  const mode = s.mode >>> 0;
  return {
    name: s.name,
    size: s.size,
    isDir: (mode & 0x80000000) !== 0,
    isSymlink: (mode & 0x08000000) !== 0,
    mode: mode & 0o7777,
    linkTarget: s.linkTarget || undefined,
  };
}

/** HEAD /containers/{id}/archive: what is at a path in the container, or undefined. */
export async function statContainerPath(d: RawDialer, containerId: string, path: string): Promise<PathStat | undefined> {
  try {
    const res = await dialStream<IncomingMessage>(d, {
      path: `/containers/${encodeURIComponent(containerId)}/archive?`,
      method: 'HEAD',
      options: { _query: { path } },
      isStream: true,
      statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such path' },
    });
    res.resume();
    return decodeStat(res.headers['x-docker-container-path-stat']);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

/** GET /containers/{id}/archive: a tar of the path (its base name is the root entry). */
export async function getArchive(d: RawDialer, containerId: string, path: string): Promise<{ stat?: PathStat; tar: Readable }> {
  const res = await dialStream<IncomingMessage>(d, {
    path: `/containers/${encodeURIComponent(containerId)}/archive?`,
    method: 'GET',
    options: { _query: { path } },
    isStream: true,
    statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such path' },
  });
  return { stat: decodeStat(res.headers['x-docker-container-path-stat']), tar: res };
}

/** PUT /containers/{id}/archive: unpack a tar into a directory of the container. */
export async function putArchive(d: RawDialer, containerId: string, dir: string, tar: Readable): Promise<void> {
  const res = await dialStream<IncomingMessage>(d, {
    path: `/containers/${encodeURIComponent(containerId)}/archive?`,
    method: 'PUT',
    // like docker cp: a directory in the archive may not replace a file
    options: { _query: { path: dir, noOverwriteDirNonDir: true } },
    file: tar,
    isStream: true,
    statusCodes: { 200: true, 400: 'bad parameter', 403: 'read-only file system', 404: 'no such directory', 500: 'server error' },
  });
  res.resume();
  await new Promise<void>((resolve, reject) => {
    res.on('end', resolve);
    res.on('error', reject);
  });
}
