// What `ssh -G <server>` says a server name resolves to: the host, user and
// port ssh would really use after applying ~/.ssh/config (aliases, Match
// blocks, defaults). `server ls` shows these, as abra's HOST/USER/PORT.

/** how long an idle SSH connection is kept for the next command (kite.yml `ssh.persist`) */
export const DEFAULT_SSH_PERSIST_SECONDS = 60;

export interface SshTarget {
  host: string;
  user: string;
  port: string;
}

/** Parses `ssh -G` output (`keyword value` lines, keywords lower-case). */
export function parseSshG(output: string): Partial<SshTarget> {
  const out: Partial<SshTarget> = {};
  for (const line of output.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const key = line.slice(0, sp).toLowerCase();
    const value = line.slice(sp + 1).trim();
    if (key === 'hostname') out.host = value;
    else if (key === 'user') out.user = value;
    else if (key === 'port') out.port = value;
  }
  return out;
}

/** kite's own `user@host:port` server names carry their target in the name. */
export function targetFromName(server: string): Partial<SshTarget> {
  const m = /^(?:([^@\s]+)@)?([^:@\s]+)(?::(\d+))?$/.exec(server);
  if (!m) return { host: server };
  const t: Partial<SshTarget> = { host: m[2] };
  if (m[1]) t.user = m[1];
  if (m[3]) t.port = m[3];
  return t;
}
