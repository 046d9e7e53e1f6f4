// The web UI's JSON API: each handler calls the operations the CLI calls,
// with the same ports, the same per-app lock and the same events; nothing
// here talks to Docker or git itself.

import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Ports } from '../../ports/index.js';
import type { DockerPort } from '../../ports/docker.js';
import { listApps } from '../../operations/app-ls.js';
import { appStatus } from '../../operations/app-ps.js';
import { appTasks } from '../../operations/app-tasks.js';
import { appLogs } from '../../operations/app-logs.js';
import { readHistory } from '../../operations/deploy-history.js';
import { listServers } from '../../operations/server-ls.js';
import { listNodes } from '../../operations/server-nodes.js';
import { backupList } from '../../operations/backup-list.js';
import { knownLevel } from '../../operations/recipe-test-results.js';
import { loadCatalogue } from '../../operations/catalogue-read.js';
import { appDeploy, type DeployMode } from '../../operations/app-deploy.js';
import { restart } from '../../operations/app-restart.js';
import { undeploy } from '../../operations/undeploy.js';
import { newApp } from '../../operations/app-new.js';
import { lockApp } from '../../operations/stack-owner.js';
import { withAppAtVersion } from '../../operations/app-at-version.js';
import { generateSecrets, SecretsPartlyGenerated } from '../../operations/secret-generate.js';
import { insertSecret, secretStatuses } from '../../operations/secret-manage.js';
import { stackName } from '../../core/stack-name.js';
import { appRecipe, parseEnvFile } from '../../core/env-file.js';
import { validateEnvEdit, changedKeys } from '../../core/env-validate.js';
import { searchWords, recipeTags } from '../../core/recipe-search.js';
import { ConflictError, KiteError, NotFoundError, RecipeError, UsageError } from '../../core/errors.js';
import { jsonErrorFor } from '../../cli/exit-codes.js';
import type { AppRef } from '../../ports/app-store.js';
import type { Jobs, JobEvent } from './jobs.js';
import { startSse, sseData } from './jobs.js';
import { recordEnvChange } from '../../operations/env-commit.js';
import { byText } from '../../core/text-order.js';

export interface WebState {
  ports: Ports;
  jobs: Jobs;
  offline: boolean;
  /** drop a server's connection after it failed (the next request reconnects) */
  forget(server: string): void;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** the HTTP status for an error an operation threw */
export function statusFor(e: unknown): number {
  if (e instanceof HttpError) return e.status;
  const kind = e instanceof KiteError ? e.kind : '';
  return ({ 'not-found': 404, usage: 400, conflict: 409, recipe: 422, ssh: 502, docker: 502, 'deploy-failed': 500, cancelled: 409 } as Record<string, number>)[kind] ?? 500;
}

export function errorBody(e: unknown): Record<string, unknown> {
  if (e instanceof HttpError) return { error: { message: e.message, ...e.body } };
  return jsonErrorFor(e) as unknown as Record<string, unknown>;
}

async function docker(state: WebState, server: string): Promise<DockerPort> {
  return state.ports.docker(server);
}

// ---- reading -----------------------------------------------------------------

/** a release's recipe level as known here (a saved `kite recipe test` result or the local catalogue's), null when untested */
function levelOf(state: WebState, recipe: string, version: string): number | null {
  if (!recipe || !version) return null;
  try {
    return knownLevel(state.ports, recipe, version)?.level ?? null;
  } catch {
    return null;
  }
}

export async function getApps(state: WebState) {
  const { listing, warnings } = await listApps(state.ports, { status: true });
  const apps = Object.values(listing).flatMap((s) =>
    s.apps.map((a) => ({
      domain: a.domain,
      recipe: a.recipe,
      server: a.server,
      status: a.status,
      version: a.version,
      chaos: a.chaos === 'true',
      upgrades: a.upgrade && a.upgrade !== 'latest' && a.upgrade !== 'unknown' ? a.upgrade.split('\n') : [],
      level: levelOf(state, a.recipe, a.version),
    })),
  );
  return { apps, servers: state.ports.apps.listServers(), warnings };
}

export async function getApp(state: WebState, domain: string) {
  const ref = state.ports.apps.findApp(domain);
  const stack = stackName(domain);
  const env = parseEnvFile(state.ports.apps.readText(ref.path), ref.path).env;
  const type = appRecipe(env);
  const d = await docker(state, ref.server);
  const [services, tasks, history, listed] = await Promise.all([appStatus(stack, d), appTasks(stack, d), readHistory(d, stack), listApps(state.ports, { server: ref.server, status: true })]);
  const row = listed.listing[ref.server]?.apps.find((a) => a.domain === domain);
  const upgrades = row && row.upgrade && row.upgrade !== 'latest' && row.upgrade !== 'unknown' ? row.upgrade.split('\n') : [];
  return {
    domain,
    server: ref.server,
    recipe: type?.recipe ?? '',
    envVersion: type?.version ?? '',
    status: row?.status ?? 'unknown',
    version: row?.version ?? '',
    upgrades,
    level: row ? levelOf(state, row.recipe, row.version) : null,
    services,
    tasks,
    history: history.slice().reverse(),
    running: state.jobs.runningFor(domain)?.id ?? null,
  };
}

export async function getServers(state: WebState) {
  const rows = await listServers(state.ports.apps, (s) => state.ports.sshHosts.resolve(s));
  return { servers: rows };
}

/** one server's swarm nodes (through its manager) */
export async function getNodes(state: WebState, server: string) {
  if (!state.ports.apps.hasServer(server)) throw new NotFoundError(`no server "${server}" in ${state.ports.apps.serversDir}`);
  return { nodes: await listNodes(await docker(state, server)) };
}

/** an app's backups (kite's restic repository on its server: a helper service runs restic there), until the browser goes away */
export async function getBackups(state: WebState, domain: string, signal: AbortSignal) {
  const ref = state.ports.apps.findApp(domain);
  return { backups: await backupList(state.ports, await docker(state, ref.server), ref, { signal }) };
}

let catalogueLoaded = false;
export async function getRecipes(state: WebState) {
  // brought up to date once per launch (unless --offline), then read from the local copy
  const loaded = await loadCatalogue(state.ports, state.offline || catalogueLoaded);
  catalogueLoaded = true;
  const recipes = Object.entries(loaded.catalogue)
    .map(([key, m]) => {
      const latest = m.versions.length ? Object.keys(m.versions[m.versions.length - 1])[0] : '';
      return {
        name: m.name || key,
        description: m.description,
        category: m.category,
        status: m.features?.status ?? 0,
        features: { backups: m.features?.backups ?? '', email: m.features?.email ?? '', healthcheck: m.features?.healthcheck ?? '', sso: m.features?.sso ?? '', tests: m.features?.tests ?? '' },
        tags: recipeTags(m),
        words: searchWords({ ...m, name: m.name || key }),
        latest,
        level: latest ? (m.levels?.[latest]?.level ?? levelOf(state, m.name || key, latest)) : null,
        website: /^https?:\/\//.test(m.website) ? m.website : '',
      };
    })
    .sort((a, b) => byText(a.name, b.name));
  return { recipes, warnings: loaded.warnings };
}

/** live logs of every service (the last 50 lines, then new ones) until the browser goes away */
export async function streamLogs(state: WebState, domain: string, res: ServerResponse): Promise<void> {
  const ref = state.ports.apps.findApp(domain);
  const abort = new AbortController();
  const logs = await appLogs(domain, stackName(domain), await docker(state, ref.server), { follow: true, tail: 50, signal: abort.signal });
  startSse(res);
  res.on('close', () => abort.abort());
  res.write(sseData({ type: 'services', services: logs.services }));
  try {
    for await (const l of logs.lines) {
      if (abort.signal.aborted) break;
      res.write(sseData({ type: 'line', service: l.service, stream: l.stream, time: l.time, text: l.text }));
    }
  } catch (e) {
    if (!abort.signal.aborted) res.write(sseData({ type: 'error', message: (e as Error).message }));
  }
  res.end();
}

// ---- env ---------------------------------------------------------------------

function sampleOf(state: WebState, ref: AppRef, text: string): { sample: string; samplePath: string } {
  const recipe = appRecipe(parseEnvFile(text, ref.path).env)?.recipe;
  if (!recipe) throw new RecipeError('no TYPE= (or RECIPE=) line naming the recipe', ref.path, { key: 'TYPE' });
  const recipeDir = state.ports.apps.requireRecipe(recipe);
  const sample = state.ports.recipeFiles.readText(recipeDir, '.env.sample');
  if (sample === undefined) throw new RecipeError('the recipe has no .env.sample (every recipe needs one)', join(recipeDir, '.env.sample'));
  return { sample, samplePath: join(recipeDir, '.env.sample') };
}

export function getEnv(state: WebState, domain: string) {
  const ref = state.ports.apps.findApp(domain);
  const text = state.ports.apps.readText(ref.path);
  const { sample, samplePath } = sampleOf(state, ref, text);
  return { path: ref.path, text, problems: validateEnvEdit(sample, samplePath, text, ref.path) };
}

/** saves the edited env file only when it passes the checks; an invalid edit changes nothing */
export async function putEnv(state: WebState, domain: string, body: unknown) {
  const text = (body as { text?: unknown })?.text;
  if (typeof text !== 'string') throw new HttpError(400, 'expected {"text": "<the env file>"}');
  const ref = state.ports.apps.findApp(domain);
  const before = state.ports.apps.readText(ref.path);
  // the recipe of the file as it is now (an edit cannot dodge the checks by renaming TYPE), unless it is broken: fixing it is what this is for
  const readable = validText(before, ref.path);
  const { sample, samplePath } = sampleOf(state, ref, readable ? before : text);
  const problems = validateEnvEdit(sample, samplePath, text, ref.path);
  if (problems.length > 0) throw new HttpError(422, `${ref.path} was not saved: the edit has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { problems });
  if (text === before) return { saved: false, changed: [], commit: null };
  const keys = readable ? changedKeys(before, text, ref.path) : undefined;
  state.ports.apps.writeEnvFile(ref.path, text);
  const commit = await recordEnvChange(state.ports, ref, !keys ? 'edit (the file was not readable before)' : keys.length ? `edit ${keys.join(', ')}` : 'edit comments', 'web');
  return { saved: true, changed: keys ?? null, commit };
}

function validText(text: string, path: string): boolean {
  try {
    parseEnvFile(text, path);
    return true;
  } catch {
    return false;
  }
}

// ---- secrets -----------------------------------------------------------------

export async function getSecrets(state: WebState, domain: string) {
  return withAppAtVersion(state.ports, domain, async (app) => ({ secrets: (await secretStatuses(app, await docker(state, app.server))).map((s) => ({ ...s })) }));
}

/** generate the missing secrets (values returned this once) or insert one (never returned) */
export async function postSecrets(state: WebState, domain: string, body: unknown) {
  const b = (body ?? {}) as { generate?: unknown; name?: unknown; version?: unknown; value?: unknown };
  return withAppAtVersion(state.ports, domain, async (app) => {
    const d = await docker(state, app.server);
    if (b.generate === true) {
      const lock = await lockApp(state.ports, app, d, 'secret generate');
      try {
        return { generated: await generateSecrets(app, d, { all: true }) };
      } catch (e) {
        if (e instanceof SecretsPartlyGenerated) throw new HttpError(500, e.message, { generated: e.generated });
        throw e;
      } finally {
        await lock.release();
      }
    }
    if (typeof b.name !== 'string' || typeof b.version !== 'string' || typeof b.value !== 'string' || !b.name || !b.version || !b.value) {
      throw new UsageError('to insert a secret, give its name, version and value');
    }
    const lock = await lockApp(state.ports, app, d, 'secret insert');
    try {
      const r = await insertSecret(app, d, b.name, b.version, b.value);
      return { inserted: { name: r.name, version: r.version, remoteName: r.remoteName } };
    } finally {
      await lock.release();
    }
  });
}

// ---- create --------------------------------------------------------------------

export async function postApp(state: WebState, body: unknown) {
  const b = (body ?? {}) as { recipe?: unknown; server?: unknown; domain?: unknown };
  for (const k of ['recipe', 'server', 'domain'] as const) if (typeof b[k] !== 'string' || !b[k]) throw new UsageError(`missing ${k}`);
  const created = await newApp(state.ports, { recipe: b.recipe as string, server: b.server as string, domain: b.domain as string, secrets: true, offline: state.offline });
  const commit = await recordEnvChange(state.ports, state.ports.apps.findApp(created.domain), `new app (${created.recipe}${created.version ? ` ${created.version}` : ''})`, 'web');
  return { ...created, commit };
}

// ---- actions ------------------------------------------------------------------

const ACTIONS = new Set(['deploy', 'upgrade', 'rollback', 'restart', 'undeploy']);

export function startAction(state: WebState, domain: string, action: string, body: unknown): { job: string } {
  if (!ACTIONS.has(action)) throw new NotFoundError(`no action ${action}`);
  const ref = state.ports.apps.findApp(domain);
  const running = state.jobs.runningFor(domain);
  if (running) throw new ConflictError(`${domain}: a ${running.action} started from this page is still running`);
  const b = (body ?? {}) as { version?: unknown; force?: unknown };
  const version = typeof b.version === 'string' && b.version ? b.version : undefined;
  const force = b.force === true;
  const job = state.jobs.start(domain, action, async (emit, confirm) => {
    try {
      if (action === 'deploy' || action === 'upgrade' || action === 'rollback') return await runDeploy(state, domain, action, { version, force }, emit, confirm);
      const d = await docker(state, ref.server);
      const lock = await lockApp(state.ports, ref, d, action);
      try {
        const events = action === 'restart' ? restart(d, stackName(domain), domain, { all: true, clock: state.ports.clock }) : undeploy(stackName(domain), domain, d);
        for (;;) {
          const next = await events.next();
          if (next.done) break;
          emit(next.value as unknown as JobEvent);
        }
      } finally {
        await lock.release();
      }
      return { type: 'end', ok: true, action };
    } catch (e) {
      if (statusFor(e) === 502) state.forget(ref.server);
      return { type: 'end', ok: false, ...errorBody(e) };
    }
  });
  return { job: job.id };
}

async function runDeploy(state: WebState, domain: string, mode: DeployMode, choice: { version?: string; force: boolean }, emit: (ev: JobEvent) => void, confirm: () => Promise<boolean>): Promise<JobEvent> {
  // the same operation as `kite app deploy|upgrade|rollback`, confirmed in the browser after the overview
  const events = appDeploy(state.ports, { domain, mode, version: choice.version, force: choice.force, offline: state.offline, rollback: true, via: 'web' }, { confirm: () => confirm() });
  for (;;) {
    const next = await events.next();
    if (next.done) {
      const r = next.value;
      if (r.recorded) await recordEnvChange(state.ports, state.ports.apps.findApp(domain), `${mode} to ${r.recorded}`, 'web');
      return { type: 'end', ok: true, cancelled: r.skipped === 'cancelled', skipped: r.skipped ?? null, recorded: r.recorded ?? null, converged: r.converged };
    }
    emit(next.value as unknown as JobEvent);
  }
}

export function answerJob(state: WebState, id: string, body: unknown) {
  const yes = (body as { confirm?: unknown })?.confirm === true;
  if (!state.jobs.get(id)) throw new NotFoundError(`no job ${id}`);
  if (!state.jobs.answer(id, yes)) throw new ConflictError('this deploy is not waiting for a confirmation');
  return { ok: true };
}
