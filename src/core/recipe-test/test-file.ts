// A recipe's test file, `recipe-test.yml` in the recipe's root (every key
// optional; without the file kite still tests convergence, healthchecks and
// uses the volumes as data markers):
//
//   env:                       # extra env values for the test app
//     APP_PORT: 18330
//   timeout: 300               # seconds each deploy may take to converge
//   probes:                    # run inside a running container of the service (sh -c); exit 0 passes
//     - service: app
//       command: wget -qO- http://127.0.0.1:8080/login | grep -q Sign
//   http:                      # asked from the operator's machine
//     - path: /login           # https://<test domain>/login
//       status: 200            # or a list; default: any 2xx or 3xx
//       contains: Sign in
//     - url: http://127.0.0.1:${APP_PORT}/   # ${VAR}: the test app's env (DOMAIN included)
//   markers:                   # how to write and read a data marker ($KITE_MARKER holds it)
//     - service: db
//       write: echo "$KITE_MARKER" > /var/lib/postgresql/data/kite-marker
//       read: cat /var/lib/postgresql/data/kite-marker
//   overlays:                  # COMPOSE_FILE values to install with
//     test: ["compose.yml:compose.smtp.yml"]   # instead of .env.sample's commented lines
//     exclude: ["compose.yml:compose.mssql.yml"]
//
// Parsed and validated here (pure); a problem names the file and the key.
// The commented COMPOSE_FILE lines of `.env.sample` are read here too.

import { parse } from 'yaml';
import { RecipeError } from '../errors.js';
import { parseEnvFile } from '../env-file.js';
import { DEFAULT_COMPOSE_FILE } from '../compose-files.js';

export const TEST_FILE = 'recipe-test.yml';

export interface ContainerProbe {
  service: string;
  command: string;
}

export interface HttpProbe {
  /** a path on the test domain (https://<domain><path>) */
  path?: string;
  /** a full URL; `${VAR}` is the test app's env */
  url?: string;
  /** accepted status codes; empty: any 2xx or 3xx */
  status: number[];
  contains?: string;
}

export interface MarkerSpec {
  service: string;
  write: string;
  read: string;
}

export interface RecipeTestFile {
  env: Record<string, string>;
  timeoutSeconds?: number;
  probes: ContainerProbe[];
  http: HttpProbe[];
  markers: MarkerSpec[];
  overlays: { test?: string[]; exclude: string[] };
}

export const EMPTY_TEST_FILE: RecipeTestFile = { env: {}, probes: [], http: [], markers: [], overlays: { exclude: [] } };

const TOP_KEYS = ['env', 'timeout', 'probes', 'http', 'markers', 'overlays'];
const KITE_SET = ['TYPE', 'RECIPE', 'DOMAIN'];

/** Parses recipe-test.yml; undefined text (no file) is the empty test file. */
export function parseTestFile(text: string | undefined, file: string): RecipeTestFile {
  if (text === undefined || !text.trim()) return EMPTY_TEST_FILE;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new RecipeError(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, file);
  }
  if (doc === null || doc === undefined) return EMPTY_TEST_FILE;
  const fail = (key: string, what: string): never => {
    throw new RecipeError(what, file, { key }, `see "Recipe test file" in kite's README; every key of ${TEST_FILE} is optional`);
  };
  if (!isObject(doc)) return fail('(top level)', 'must be a mapping of env, timeout, probes, http, markers, overlays');
  for (const k of Object.keys(doc)) if (!TOP_KEYS.includes(k)) fail(k, `unknown key; known keys: ${TOP_KEYS.join(', ')}`);

  const text_ = (v: unknown, key: string): string => {
    if (typeof v !== 'string' || !v.trim()) return fail(key, 'must be a non-empty string');
    return v;
  };
  const list = (v: unknown, key: string): unknown[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return fail(key, 'must be a list');
    return v;
  };
  const entry = (v: unknown, key: string, keys: string[]): Record<string, unknown> => {
    if (!isObject(v)) return fail(key, `must be a mapping of ${keys.join(', ')}`);
    for (const k of Object.keys(v)) if (!keys.includes(k)) fail(`${key}.${k}`, `unknown key; known keys: ${keys.join(', ')}`);
    return v;
  };
  const serviceName = (v: unknown, key: string): string => {
    const s = text_(v, key);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s)) fail(key, `"${s}" is not a compose service name`);
    return s;
  };

  const env: Record<string, string> = {};
  if (doc.env !== undefined && doc.env !== null) {
    if (!isObject(doc.env)) fail('env', 'must be a mapping of NAME: value');
    for (const [k, v] of Object.entries(doc.env as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`env.${k}`, 'is not an env variable name');
      // the recipe and domain under test are kite's: a test file must not swap in another recipe (whose level would be saved as this one's) or another app's domain
      if (KITE_SET.includes(k)) fail(`env.${k}`, `kite sets it for the test app (${KITE_SET.join(', ')} are the recipe under test and its test domain)`);
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(`env.${k}`, 'must be a string, number or boolean');
      env[k] = String(v);
    }
  }

  let timeoutSeconds: number | undefined;
  if (doc.timeout !== undefined && doc.timeout !== null) {
    if (typeof doc.timeout !== 'number' || !Number.isInteger(doc.timeout) || doc.timeout < 1 || doc.timeout > 86_400) fail('timeout', 'must be a whole number of seconds (1 to 86400)');
    timeoutSeconds = doc.timeout as number;
  }

  const probes = list(doc.probes, 'probes').map((p, i) => {
    const e = entry(p, `probes[${i}]`, ['service', 'command']);
    return { service: serviceName(e.service, `probes[${i}].service`), command: text_(e.command, `probes[${i}].command`) };
  });

  const http = list(doc.http, 'http').map((p, i): HttpProbe => {
    const key = `http[${i}]`;
    const e = entry(p, key, ['path', 'url', 'status', 'contains']);
    if ((e.path === undefined) === (e.url === undefined)) fail(key, 'needs either path (on the test domain) or url, not both');
    const probe: HttpProbe = { status: [] };
    if (e.path !== undefined) {
      probe.path = text_(e.path, `${key}.path`);
      if (!probe.path.startsWith('/')) fail(`${key}.path`, 'must start with /');
    }
    if (e.url !== undefined) {
      probe.url = text_(e.url, `${key}.url`);
      if (!/^https?:\/\//.test(probe.url)) fail(`${key}.url`, 'must start with http:// or https://');
    }
    if (e.status !== undefined) {
      const codes = Array.isArray(e.status) ? e.status : [e.status];
      if (codes.length === 0 || codes.some((c) => typeof c !== 'number' || !Number.isInteger(c) || c < 100 || c > 599)) fail(`${key}.status`, 'must be an HTTP status code (100-599) or a list of them');
      probe.status = codes as number[];
    }
    if (e.contains !== undefined) probe.contains = text_(e.contains, `${key}.contains`);
    return probe;
  });

  const markers = list(doc.markers, 'markers').map((m, i) => {
    const e = entry(m, `markers[${i}]`, ['service', 'write', 'read']);
    return { service: serviceName(e.service, `markers[${i}].service`), write: text_(e.write, `markers[${i}].write`), read: text_(e.read, `markers[${i}].read`) };
  });

  const overlays: RecipeTestFile['overlays'] = { exclude: [] };
  if (doc.overlays !== undefined && doc.overlays !== null) {
    const o = entry(doc.overlays, 'overlays', ['test', 'exclude']);
    const files = (v: unknown, key: string) =>
      list(v, key).map((x, i) => {
        const s = text_(x, `${key}[${i}]`);
        if (!COMPOSE_LIST.test(s)) fail(`${key}[${i}]`, `"${s}" is not a COMPOSE_FILE value (compose files separated by :)`);
        if (s.split(/[:/]/).includes('..')) fail(`${key}[${i}]`, `"${s}" names a file outside the recipe: compose files stay inside the recipe`);
        return s;
      });
    if (o.test !== undefined) overlays.test = files(o.test, 'overlays.test');
    overlays.exclude = files(o.exclude, 'overlays.exclude');
  }
  return { env, timeoutSeconds, probes, http, markers, overlays };
}

const COMPOSE_LIST = /^[\w.-]+(?:\/[\w.-]+)*(?::[\w.-]+(?:\/[\w.-]+)*)*$/;

/**
 * The overlay combinations `.env.sample` offers: each commented
 * `COMPOSE_FILE=` line, expanded as if it were uncommented (so
 * `#COMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"` builds on the active
 * value), without the active value itself and without repeats.
 */
export function sampleOverlays(sample: string, file = '.env.sample'): string[] {
  const active = parseEnvFile(sample, file).env.COMPOSE_FILE || DEFAULT_COMPOSE_FILE;
  const out: string[] = [];
  for (const line of sample.split('\n')) {
    const m = /^\s*#\s*((?:export\s+)?COMPOSE_FILE\s*=.*)$/.exec(line);
    if (!m) continue;
    let value: string | undefined;
    try {
      value = parseEnvFile(`COMPOSE_FILE=${quote(active)}\n${m[1]}\n`, file).env.COMPOSE_FILE;
    } catch {
      continue; // prose that happens to start like an assignment
    }
    if (!value || !COMPOSE_LIST.test(value) || value === active || out.includes(value)) continue;
    out.push(value);
  }
  return out;
}

/** The combinations to install: the test file's list, else the sample's, minus the excluded ones. */
export function overlayCombinations(tests: RecipeTestFile, sample: string | undefined): string[] {
  const offered = tests.overlays.test ?? (sample ? sampleOverlays(sample) : []);
  return offered.filter((c) => !tests.overlays.exclude.includes(c));
}

function quote(v: string): string {
  return `'${v.replace(/'/g, '')}'`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
