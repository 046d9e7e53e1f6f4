// Builders for hand-written normalised compose models (the loader's output
// shape, src/core/compose/types.ts), so tests only spell out what matters.

import { readFileSync } from 'node:fs';
import type { ComposeConfig, ServiceConfig } from '../../../src/core/compose/types.js';

export function service(name: string, fields: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    image: 'nginx:1.27',
    environment: {},
    labels: {},
    deploy: { labels: {} },
    secrets: [],
    configs: [],
    volumes: [],
    ports: [],
    unsupported: [],
    ignored: [],
    ...fields,
  };
}

export function compose(fields: Partial<ComposeConfig> = {}): ComposeConfig {
  return { services: {}, networks: {}, volumes: {}, secrets: {}, configs: {}, ...fields };
}

/** A compose model holding just these services. */
export function withServices(...services: ServiceConfig[]): ComposeConfig {
  return compose({ services: Object.fromEntries(services.map((s) => [s.name, s])) });
}

export function readGolden(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/convert/${name}`, import.meta.url), 'utf8'));
}

/** What would go over the wire: drops undefined-valued keys. */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
