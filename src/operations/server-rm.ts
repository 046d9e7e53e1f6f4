// `server rm`: forget a server by removing servers/<name>/. Nothing on the
// server is touched. Refused while env files of apps live there: those are
// the operator's only copy of the apps' configuration.

import type { AppStore } from '../ports/app-store.js';
import { ConflictError, NotFoundError } from '../core/errors.js';

export function removeServer(dir: AppStore, name: string): void {
  if (!dir.hasServer(name)) {
    throw new NotFoundError(`no server "${name}" in ${dir.serversDir}`, 'list servers with `kite server ls`');
  }
  const apps = dir.listApps(name).map((a) => a.domain);
  if (apps.length > 0) {
    throw new ConflictError(
      `server ${name} still has ${apps.length} app${apps.length === 1 ? '' : 's'}: ${apps.join(', ')}`,
      `remove them first (\`kite app remove <domain>\`), or move their env files out of ${dir.serversDir}/${name}`,
    );
  }
  dir.removeServerDir(name);
}
