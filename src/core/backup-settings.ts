// The `backups:` block of $ABRA_DIR/kite.yml:
//
//   backups:
//     repository: /var/lib/kite-backups   # any restic repository: a directory on the server
//                                         # (the default), sftp:user@host:/path, s3:..., rest:...
//     image: restic/restic:0.17.3         # the helper's image: restic and a POSIX sh on PATH
//     servers:
//       example.com:
//         repository: sftp:backup@offsite.example.org:/srv/restic/example.com
//         ssh_key: ~/.ssh/offsite_ed25519  # for sftp: (stored on the server as a Docker secret)
//         known_hosts: ~/.ssh/known_hosts  # the sftp host's key, checked strictly (without it: accepted on first contact)

import { RecipeError } from './errors.js';

export const DEFAULT_BACKUP_REPOSITORY = '/var/lib/kite-backups';
export const DEFAULT_BACKUP_IMAGE = 'restic/restic:0.17.3';

export interface BackupServerSettings {
  repository?: string;
  /** a private key on this machine, for an sftp: repository */
  sshKey?: string;
  /** a known_hosts file on this machine holding the sftp host's key */
  knownHosts?: string;
}

export interface BackupSettings {
  repository: string;
  image: string;
  servers: Record<string, BackupServerSettings>;
}

export const DEFAULT_BACKUP_SETTINGS: BackupSettings = { repository: DEFAULT_BACKUP_REPOSITORY, image: DEFAULT_BACKUP_IMAGE, servers: {} };

/** What one server's backups use. */
export interface ServerBackupSettings {
  repository: string;
  image: string;
  sshKey?: string;
  knownHosts?: string;
}

export function backupSettingsFor(s: BackupSettings | undefined, server: string): ServerBackupSettings {
  const b = s ?? DEFAULT_BACKUP_SETTINGS;
  const own = b.servers[server] ?? {};
  return { repository: own.repository ?? b.repository, image: b.image, ...(own.sshKey ? { sshKey: own.sshKey } : {}), ...(own.knownHosts ? { knownHosts: own.knownHosts } : {}) };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, file: string, key: string, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !v.trim()) throw new RecipeError(`must be ${what}`, file, { key });
  return v.trim();
}

function repository(v: unknown, file: string, key: string): string | undefined {
  const r = text(v, file, key, 'a restic repository (a directory on the server such as /var/lib/kite-backups, or sftp:user@host:/path)');
  if (r !== undefined && !r.startsWith('/') && !/^[a-z0-9]+:/.test(r)) {
    throw new RecipeError(`must be an absolute directory on the server or a restic URL such as sftp:user@host:/path, not ${JSON.stringify(r)}`, file, { key });
  }
  return r === undefined || !r.startsWith('/') ? r : r.replace(/\/+$/, '') || '/';
}

/** the `backups:` value of kite.yml (undefined: defaults) */
export function parseBackupSettings(v: unknown, file: string): { backups?: BackupSettings } {
  if (v === undefined || v === null) return {};
  if (!isMapping(v)) throw new RecipeError('must be a mapping (repository, image, servers)', file, { key: 'backups' });
  const servers: Record<string, BackupServerSettings> = {};
  if (v.servers !== undefined && v.servers !== null) {
    if (!isMapping(v.servers)) throw new RecipeError('must be a mapping of server names', file, { key: 'backups.servers' });
    for (const [name, sv] of Object.entries(v.servers)) {
      if (!isMapping(sv)) throw new RecipeError('must be a mapping (repository, ssh_key, known_hosts)', file, { key: `backups.servers.${name}` });
      const own: BackupServerSettings = {};
      const r = repository(sv.repository, file, `backups.servers.${name}.repository`);
      if (r) own.repository = r;
      const k = text(sv.ssh_key, file, `backups.servers.${name}.ssh_key`, 'the path of a private key file');
      if (k) own.sshKey = k;
      const h = text(sv.known_hosts, file, `backups.servers.${name}.known_hosts`, 'the path of a known_hosts file');
      if (h) own.knownHosts = h;
      servers[name] = own;
    }
  }
  return {
    backups: {
      repository: repository(v.repository, file, 'backups.repository') ?? DEFAULT_BACKUP_REPOSITORY,
      image: text(v.image, file, 'backups.image', 'an image reference with restic and sh, such as restic/restic:0.17.3') ?? DEFAULT_BACKUP_IMAGE,
      servers,
    },
  };
}
