// `app deploy`, `app upgrade` and `app rollback`: pick the recipe version,
// read the recipe at it from a private snapshot, show the overview (with release notes), take
// the server-side lock, deploy, and only then record the version in the env
// file. A failure leaves the previous version running (deploy.ts rolls the
// services back) and the env file untouched; the recipe clone never moves.

import type { AppRef, AppStore } from '../ports/app-store.js';
import type { Ports } from '../ports/index.js';
import type { RecipeFileStore } from '../ports/recipe-files.js';
import type { RecipeRepo } from '../ports/recipe-repo.js';
import { ensureRecipe } from './recipe-ensure.js';
import type { DockerPort } from '../ports/docker.js';
import { appRecipe, parseEnvFile } from '../core/env-file.js';
import { setEnvValue } from '../core/env-edit.js';
import { chooseDeployVersion, type DeployedMeta, type VersionChoice } from '../core/deploy-version.js';
import { newerThan, olderThan, versionsBetween, type VersionList, type RecipeVersion } from '../core/versions.js';
import { ApplyFailedError, CancelledError, ConflictError, DeployFailedError, LocalWriteError, RecipeError, SshError } from '../core/errors.js';
import { stackName } from '../core/stack-name.js';
import { NAMESPACE_LABEL } from '../core/convert/namespace.js';
import { loadAppRef } from './load-app.js';
import { applyDeploy, deployedMeta, planDeploy, type DeployOverview, type DeployResult } from './deploy.js';
import { acquireLock, type LockHolder } from './deploy-lock.js';
import { assertStackOwner } from './stack-owner.js';
import { appendHistory, type HistoryEntry } from './deploy-history.js';
import type { DeployEvent, ReleaseNote } from './events.js';
import { runPostDeployCmds } from './post-deploy.js';
import { hasBackupLabels, restoreBeforeRollback, takeUpgradeSnapshot } from './safe-upgrade.js';

export type DeployMode = 'deploy' | 'upgrade' | 'rollback';

export interface AppDeployInput {
  domain: string;
  mode: DeployMode;
  version?: string;
  chaos?: boolean;
  force?: boolean;
  ignoreEnvVersion?: boolean;
  offline?: boolean;
  noConvergeChecks?: boolean;
  /** --no-pin: stateful services are not pinned to their volumes' node */
  noPin?: boolean;
  rollback?: boolean;
  timeoutSeconds?: number;
  lockWaitSeconds?: number;
  /** Ctrl-C: stop watching; the lock is released and nothing is recorded */
  signal?: AbortSignal;
  /** the caller already holds the app's lock (a disaster restore deploys under its own) */
  lockHeld?: boolean;
  /** deploy this env file instead of the domain's (a move deploys a staged copy on the target server) */
  ref?: AppRef;
  /** --no-backup: no snapshot before a version change (safe upgrades, src/operations/safe-upgrade.ts) */
  noBackup?: boolean;
  /** recorded in the history entry when the deploy was made from the web UI */
  via?: 'web';
}

/** What appDeploy talks to: $ABRA_DIR, the recipe clone and its files, the server, the clock. */
export type AppDeployPorts = Pick<Ports, 'apps' | 'recipes' | 'recipeFiles' | 'docker' | 'clock' | 'host'>;

export interface AppDeployHooks {
  /** asked after the overview; false cancels. Not called when there is nobody to ask. */
  confirm?: (overview: DeployOverview, notes: ReleaseNote[]) => Promise<boolean>;
  /** upgrade/rollback: choose among candidates (newest first); undefined = take the default */
  choose?: (mode: DeployMode, candidates: string[]) => Promise<string | undefined>;
  onLockWait?: (holder: LockHolder) => void;
}

export interface AppDeployResult extends DeployResult {
  recorded?: string;
  skipped?: string;
}

export async function* appDeploy(
  ports: AppDeployPorts,
  input: AppDeployInput,
  hooks: AppDeployHooks = {},
): AsyncGenerator<DeployEvent, AppDeployResult> {
  const dir = ports.apps;
  const ref = input.ref ?? dir.findApp(input.domain);
  const envText = dir.readText(ref.path);
  const typeValue = appRecipe(parseEnvFile(envText, ref.path).env);
  if (!typeValue) throw new RecipeError('no TYPE= (or RECIPE=) line naming the recipe', ref.path, { key: 'TYPE' });
  const stack = stackName(input.domain);

  // the recipe: fetched (or not, offline) before anything touches the server
  const recipe = await ensureRecipe(ports, typeValue.recipe, Boolean(input.offline));
  for (const w of recipe.warnings) yield { type: 'warning', message: w };
  yield { type: 'info', message: `recipe ${typeValue.recipe}: using ${recipe.source}` };
  const { repo, versions } = recipe;
  const recipeDir = recipe.dir;

  // refused before anything changes: another env file maps to this app's
  // stack; a read-only $ABRA_DIR or a full disk
  assertStackOwner(dir, ref);
  dir.assertWritable(ref.path);

  const docker = await ports.docker(ref.server);
  // everything from here reads server state: hold the app's lock so another
  // operator's deploy cannot change it under us
  const lockWarnings: string[] = [];
  const lock = input.lockHeld ? { release: async () => {} } : await acquireLock(ports, docker, stack, input.domain, input.mode, { waitSeconds: input.lockWaitSeconds, onWait: hooks.onLockWait, onWarning: (m) => lockWarnings.push(m), signal: input.signal });
  for (const message of lockWarnings.splice(0)) yield { type: 'warning', message };
  try {
    return yield* deployLocked(ports, input, hooks, docker, { ref, envText, typeValue, stack, recipeDir, repo, versions });
  } catch (e) {
    if (e instanceof SshError) {
      // the lock cannot be released over a dead connection, and an update may be under way
      e.hint = `${e.hint ? e.hint + '; ' : ''}the connection was lost mid-deploy: an update may have been submitted and the app's lock may be left on the server. When the server answers again, see \`kite app ps ${input.domain}\` and \`kite app history ${input.domain}\`; if no deploy is running, \`kite app unlock ${input.domain}\``;
    }
    throw e;
  } finally {
    await lock.release();
    for (const message of lockWarnings.splice(0)) yield { type: 'warning', message };
  }
}

interface Located {
  ref: AppRef;
  envText: string;
  typeValue: { recipe: string; version?: string };
  stack: string;
  recipeDir: string;
  repo?: RecipeRepo;
  versions: VersionList;
}

async function* deployLocked(ports: AppDeployPorts, input: AppDeployInput, hooks: AppDeployHooks, docker: DockerPort, l: Located): AsyncGenerator<DeployEvent, AppDeployResult> {
  const { ref, envText, typeValue, stack, recipeDir, repo, versions } = l;
  const existing = new Map((await docker.listServices({ label: [`${NAMESPACE_LABEL}=${stack}`] })).map((s) => [s.Spec.Name, s]));
  const deployed = deployedMeta(existing, stack);
  if (deployed && typeValue.version && deployed.version && !deployed.chaos && deployed.version !== typeValue.version) {
    yield { type: 'warning', message: `the server runs ${deployed.version} but the env file records ${typeValue.version}: another operator may have deployed this app` };
  }

  const choice = repo ? await chooseVersion(input, hooks, repo, versions, typeValue, deployed) : undefined;
  if (choice === 'nothing') {
    yield { type: 'info', message: `${input.domain} has no ${input.mode === 'upgrade' ? 'newer' : 'older'} release than ${deployed?.version}` };
    return { stack, converged: true, skipped: 'no candidate version' };
  }
  if (choice) yield { type: 'info', message: `version: ${choice.reason}` };

  // the chosen version from a private snapshot, never by checking out the shared
  // clone (concurrent deploys of other versions would race on it); --chaos
  // deploys the clone's working tree as it is
  const snapshot = repo && choice?.ref ? await repo.snapshot(choice.ref) : undefined;
  const from = snapshot?.dir ?? recipeDir;
  try {
    const app = loadAppRef(ports, ref, from);
    const identity = choice ? { version: choice.chaos ? undefined : choice.version, chaos: choice.chaos, chaosVersion: choice.chaosVersion } : undefined;
    const force = input.force || input.mode !== 'deploy';
    const plan = await planDeploy(app, docker, ports.recipeFiles, { force, identity, timeoutSeconds: input.timeoutSeconds, noPin: input.noPin });
    const notes = releaseNotes(ports.recipeFiles, from, versions, deployed, plan.overview.next, input.mode);
    // a version change of an app with backup labels: a snapshot first, restored if the deploy rolls back
    const versionChange = deployed !== undefined && plan.overview.current !== plan.overview.next && input.rollback !== false && (await hasBackupLabels(docker, input.domain));
    if (versionChange) plan.overview.backup = input.noBackup ? 'skipped (--no-backup)' : 'snapshot first';
    yield { type: 'overview', overview: plan.overview, notes };
    if (hooks.confirm && !(await hooks.confirm(plan.overview, notes))) {
      return { stack, converged: false, skipped: 'cancelled' };
    }

    const entry = { action: input.mode, from: plan.overview.current, to: plan.overview.next, ...(input.via ? { via: input.via } : {}) };
    const safe = versionChange && !input.noBackup ? yield* takeUpgradeSnapshot(ports, docker, ref, input.signal) : undefined;
    const beforeRollback = safe ? restoreBeforeRollback(ports, docker, ref, stack, safe) : undefined;
    let result: DeployResult;
    try {
      result = yield* applyDeploy(plan, docker, { noConvergeChecks: input.noConvergeChecks, rollback: input.rollback, timeoutSeconds: input.timeoutSeconds, force, signal: input.signal, clock: ports.clock, beforeRollback });
    } catch (e) {
      const restored = safe?.restored ? { dataRestoredFrom: safe.snapshot.shortId } : {};
      if (safe?.restored) (e as Error).message += `; the volumes were restored from snapshot ${safe.snapshot.shortId} before the previous version started again`;
      yield* recordHistory(ports, docker, stack, { ...entry, result: failureOutcome(e), message: (e as Error).message, ...restored });
      throw e;
    }
    // the server's record first: a history that cannot be written is a
    // warning, never a failed deploy; then the version goes into TYPE= (abra
    // writes it after success; with -c after submitting)
    // a redeploy that changed nothing is still worth knowing about: who ran it, when
    yield* recordHistory(ports, docker, stack, { ...entry, result: result.unchanged ? 'unchanged' : result.converged ? 'success' : 'submitted' });
    const recorded = `${typeValue.recipe}:${plan.overview.next}`;
    recordVersion(ports.apps, ref.path, envText, recorded, input.domain);
    // abra runs these once the deploy converged (not with -c); still under the lock, from this version's abra.sh
    if (result.converged) yield* runPostDeployCmds(app, ports, docker, input.mode === 'upgrade' ? 'POST_UPGRADE_CMDS' : 'POST_DEPLOY_CMDS');
    return { ...result, recorded };
  } finally {
    snapshot?.dispose();
  }
}

function failureOutcome(e: unknown): HistoryEntry['result'] {
  if (e instanceof CancelledError) return 'interrupted';
  if (e instanceof DeployFailedError && e.rolledBack === 'yes') return 'rolled back';
  if (e instanceof ApplyFailedError && e.left.length === 0) return 'rolled back';
  return 'failed';
}

async function* recordHistory(ports: Pick<Ports, 'host'>, docker: DockerPort, stack: string, entry: Omit<HistoryEntry, 'at' | 'who'>): AsyncGenerator<DeployEvent> {
  try {
    for (const message of await appendHistory(ports, docker, stack, entry)) yield { type: 'warning', message };
  } catch (e) {
    yield { type: 'warning', message: `could not record this ${entry.action} in the server's deploy history: ${(e as Error).message}` };
  }
}

/** TYPE=<recipe>:<version> after the server changed; a failed write says what runs and the line to put there. */
function recordVersion(dir: AppStore, path: string, envText: string, recorded: string, domain: string): void {
  const key = 'TYPE' in parseEnvFile(envText, path).env ? 'TYPE' : 'RECIPE';
  try {
    dir.writeEnvFile(path, setEnvValue(dir.readText(path), key, recorded, path));
  } catch (e) {
    if (!(e instanceof LocalWriteError)) throw e;
    throw new LocalWriteError(e.path, e.code, `${domain} now runs ${recorded} on the server, but its env file could not be updated: ${e.message}`, `put this line in ${path}: ${key}=${recorded}`);
  }
}

async function chooseVersion(
  input: AppDeployInput,
  hooks: AppDeployHooks,
  repo: RecipeRepo,
  versions: VersionList,
  typeValue: { recipe: string; version?: string },
  deployed: DeployedMeta | undefined,
): Promise<VersionChoice | 'nothing'> {
  const head = await repo.head();
  const dirty = await repo.isDirty();
  const commits = new Set<string>();
  if (input.version && /^[0-9a-f]{7,40}$/i.test(input.version) && (await repo.isCommit(input.version))) commits.add(input.version);
  const base = { recipe: typeValue.recipe, versions, head: { short: head.short, dirty }, isCommit: (r: string) => commits.has(r), chaos: input.chaos };

  if (input.mode === 'deploy') {
    if (deployed && !input.force && !input.chaos) {
      throw new ConflictError(`${input.domain} is already deployed`, 'use --force to redeploy it, or `kite app upgrade` / `kite app rollback` to change version');
    }
    return chooseDeployVersion({ ...base, explicit: input.version, envVersion: typeValue.version, ignoreEnvVersion: input.ignoreEnvVersion, deployed, force: input.force });
  }

  if (!deployed) throw new ConflictError(`${input.domain} is not deployed`, `deploy it first with \`kite app deploy ${input.domain}\``);
  if (!deployed.version || deployed.chaos) {
    if (!input.version) {
      throw new ConflictError(`${input.domain} runs ${deployed.chaos ? `a chaos deploy (${deployed.chaosVersion ?? 'unknown'})` : 'an unversioned deploy'}`, `name the version to ${input.mode} to`);
    }
  }
  const candidates: RecipeVersion[] = deployed.version && !deployed.chaos
    ? (input.mode === 'upgrade' ? newerThan(versions, deployed.version) : olderThan(versions, deployed.version)).reverse()
    : [...versions.versions].reverse();
  let wanted = input.version;
  if (wanted && !input.force && !candidates.some((c) => c.tag === wanted)) {
    throw new ConflictError(`${wanted} is not ${input.mode === 'upgrade' ? 'newer' : 'older'} than the deployed ${deployed.version}`, 'pass --force to deploy it anyway');
  }
  if (!wanted) {
    if (candidates.length === 0) return 'nothing';
    wanted = (await hooks.choose?.(input.mode, candidates.map((c) => c.tag))) ?? candidates[0].tag;
  }
  return chooseDeployVersion({ ...base, explicit: wanted, chaos: false });
}

/** Notes of every release in (deployed, target] for upgrades; the target's own notes otherwise. */
function releaseNotes(files: Pick<RecipeFileStore, 'readText'>, recipeDir: string, versions: VersionList, deployed: DeployedMeta | undefined, target: string, mode: DeployMode): ReleaseNote[] {
  const wanted = mode === 'upgrade' ? versionsBetween(versions, deployed?.version, target).map((v) => v.tag) : [target];
  return wanted
    .map((version) => ({ version, text: files.readText(recipeDir, `release/${version}`)?.trim() ?? '' }))
    .filter((n) => n.text.length > 0);
}

