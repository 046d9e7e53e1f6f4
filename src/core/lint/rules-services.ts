// Rules about the shape of the services: R001 (compose version), R002
// (healthchecks), R009 (a service named app), R010 (traefik routing),
// R011 (images present). Texts and levels from abra's pkg/lint (spec §11).

import { analyse, isObj, NOT_LOADED, services, traefikEnabled } from './analysis.js';
import { findings, ok, skip, type LintRule } from './types.js';

export const serviceRules: LintRule[] = [
  {
    ref: 'R001',
    level: 'warn',
    description: 'compose config has expected version',
    howToResolve: 'ensure \'version: "3.8"\' in compose configs',
    // The 2025 template declares no version (the compose spec made it
    // obsolete), so only a different declared version is a finding.
    check(recipe) {
      const a = analyse(recipe);
      const found: string[] = [];
      for (const [file, raw] of Object.entries(a.raw)) {
        if (!isObj(raw) || raw.version === undefined || raw.version === null) continue;
        if (String(raw.version) !== '3.8') found.push(`${file}: version ${JSON.stringify(String(raw.version))}`);
      }
      return findings(found);
    },
  },
  {
    ref: 'R002',
    level: 'warn',
    description: 'healthcheck enabled for all services',
    howToResolve: 'wire up healthchecks',
    check(recipe) {
      const a = analyse(recipe);
      if (!a.complete) return skip(NOT_LOADED);
      const found: string[] = [];
      for (const s of services(a)) {
        const hc = s.healthcheck;
        if (hc?.disable || hc?.test?.[0] === 'NONE') found.push(`${s.name}: healthcheck disabled`);
        else if (!hc?.test || hc.test.length === 0) found.push(`${s.name}: no healthcheck`);
      }
      return findings(found);
    },
  },
  {
    ref: 'R009',
    level: 'critical',
    description: "one service named 'app'",
    howToResolve: "name a service 'app'",
    check(recipe) {
      const a = analyse(recipe);
      const config = a.main.config ?? a.complete;
      if (!config) return skip(NOT_LOADED);
      if (config.services.app) return ok();
      return findings([`services are ${Object.keys(config.services).join(', ') || '(none)'}`]);
    },
  },
  {
    ref: 'R010',
    level: 'critical',
    description: 'traefik routing enabled',
    howToResolve: 'include "traefik.enable=true" deploy label',
    // abra skips it for recipes whose .env.sample has no DOMAIN (not web apps)
    check(recipe) {
      const a = analyse(recipe);
      if (recipe.envSample === undefined || !('DOMAIN' in a.sample)) return skip('no DOMAIN in .env.sample: not a web app');
      if (!a.complete) return skip(NOT_LOADED);
      if (services(a).some(traefikEnabled)) return ok();
      return findings(['no service has the deploy label traefik.enable=true']);
    },
  },
  {
    ref: 'R011',
    level: 'critical',
    description: 'all services have images',
    howToResolve: 'ensure "image: ..." set on all services',
    check(recipe) {
      const a = analyse(recipe);
      if (!a.complete) return skip(NOT_LOADED);
      return findings(services(a).filter((s) => !s.image).map((s) => `${s.name}: no image`));
    },
  },
];
