// What the operator's ssh configuration makes of a server name (`ssh -G`).

import type { SshTarget } from '../core/ssh-config.js';

export interface SshHosts {
  /** the resolved host/user/port, or undefined when ssh is missing or rejects the name */
  resolve(server: string): Promise<Partial<SshTarget> | undefined>;
}
