// Network exposure, kite's own rules.
// K002: ports under `ports:` are published by Docker's own iptables rules,
//   which bypass a host firewall such as UFW; both ingress and host mode.
// K003: on an external (shared) network such as `proxy`, every stack's
//   services answer to their bare service name, so a `db` there can be
//   reached by, and mistaken for, another stack's `db`. Services Traefik
//   routes to are exempt: Traefik addresses tasks by IP, not by name.

import { analyse, NOT_LOADED, services, traefikEnabled } from './analysis.js';
import { findings, skip, type LintRule } from './types.js';

export const networkRules: LintRule[] = [
  {
    ref: 'K002',
    level: 'warn',
    description: 'no ports published on the host',
    howToResolve: 'published ports bypass host firewalls such as UFW: route through Traefik, or publish only in an opt-in overlay and document it',
    check(recipe) {
      const a = analyse(recipe);
      const sets = [a.main, ...a.overlays].filter((s) => s.config);
      if (sets.length === 0) return skip(NOT_LOADED);
      const seen = new Map<string, string>();
      for (const set of sets) {
        const origin = set === a.main ? set.label : set.files[set.files.length - 1];
        for (const s of Object.values(set.config!.services)) {
          for (const p of s.ports) {
            const what = p.published === undefined ? `container port ${p.target}/${p.protocol} on a random host port` : `port ${p.published} → ${p.target}/${p.protocol}`;
            const key = `${s.name}: ${what} (${p.mode} mode)`;
            if (!seen.has(key)) seen.set(key, origin);
          }
        }
      }
      return findings([...seen].map(([key, origin]) => `${key} in ${origin}`));
    },
  },
  {
    ref: 'K003',
    level: 'warn',
    description: 'services on shared networks are not reachable by bare name',
    howToResolve: 'keep services Traefik does not route off shared networks (use an internal network), or give them the alias ${STACK_NAME}_<service> there and use that name',
    check(recipe) {
      const a = analyse(recipe);
      if (!a.complete) return skip(NOT_LOADED);
      const found: string[] = [];
      for (const s of services(a)) {
        if (traefikEnabled(s)) continue;
        for (const [net, opts] of Object.entries(s.networks ?? {})) {
          if (!a.complete.networks[net]?.external) continue;
          if (opts?.aliases?.some((alias) => alias.includes(a.stack))) continue;
          found.push(`${s.name} is on the external network ${net} as "${s.name}": other stacks can reach it, and mistake it for theirs`);
        }
      }
      return findings(found);
    },
  },
];
