// `kite recipe test`: run one release of a recipe through the test levels
// (src/core/recipe-test/levels.ts) on a real swarm, with a test app under a
// domain of its own, through the same operations the commands use (app new,
// app deploy/upgrade, undeploy, app remove, lint). Every step ends pass,
// fail, skip or unverified; the result is saved under
// $ABRA_DIR/tests/<recipe>/<version>.json. The test app and everything it
// created is removed at the end (unless `keep`), also when the run is
// cancelled; nothing of another stack is touched.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import type { DockerPort } from '../ports/docker.js';
import { BackupError, CancelledError, ConflictError, DeployFailedError, NotFoundError, UsageError } from '../core/errors.js';
import { domainProblem } from '../core/domain.js';
import { parseEnvFile } from '../core/env-file.js';
import { interpolate, lookupIn } from '../core/interpolate.js';
import { stackName } from '../core/stack-name.js';
import { lintRecipe } from '../core/lint/index.js';
import { levelOf, stepDefinition, STEPS, type StepName, type StepStatus } from '../core/recipe-test/levels.js';
import { overlayCombinations, parseTestFile, TEST_FILE, type HttpProbe, type MarkerSpec, type RecipeTestFile } from '../core/recipe-test/test-file.js';
import { earlierReleases, hasBackupLabels, lintVerdicts, markersFor, testDomain, witnessChanges } from '../core/recipe-test/plan.js';
import { resultRelPath, serialiseResult, type RecipeTestResult, type StepResult } from '../core/recipe-test/result.js';
import { ensureRecipe } from './recipe-ensure.js';
import { withAppAtVersion } from './app-at-version.js';
import { countingClock, stackLeftovers, TestApp, witness, type DeployFailure, type TestAppPorts } from './recipe-test-app.js';
import type { DeployEvent } from './events.js';
import type { BackupCreated } from './backup-create.js';
import type { BackupEvent, BackupRunOptions } from './backup-repo.js';

export interface RecipeTestInput {
  recipe: string;
  /** default: the latest release */
  version?: string;
  server: string;
  /** default: <recipe>-t<stamp>.<server> */
  domain?: string;
  /** leave the last test app deployed */
  keep?: boolean;
  offline?: boolean;
  /** Ctrl-C: stop, clean up, throw CancelledError */
  signal?: AbortSignal;
}

export type RecipeTestEvent =
  | { type: 'info'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'step-start'; name: StepName; level: number }
  | { type: 'step'; step: StepResult }
  | { type: 'deploy'; event: DeployEvent };

export type RecipeTestPorts = TestAppPorts;

type Outcome = { status: StepStatus; reason?: string; logs?: string[] };
type Events = AsyncGenerator<RecipeTestEvent, void>;

/** The releases of a recipe (oldest first), fetched unless offline: what `--all-releases` walks. */
export async function recipeReleases(ports: Pick<Ports, 'apps' | 'recipes'>, recipe: string, offline: boolean): Promise<string[]> {
  checkRecipeName(recipe);
  const ensured = await ensureRecipe(ports, recipe, offline);
  if (!ensured.repo) throw new ConflictError(`recipe ${recipe} (${ensured.dir}) is not a git repository: recipe tests test releases, which are git tags`);
  return ensured.versions.versions.map((v) => v.tag);
}

/** a recipe name names a directory of $ABRA_DIR/recipes and of $ABRA_DIR/tests, and a repository to clone: no paths, no controls */
function checkRecipeName(recipe: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(recipe)) throw new UsageError(`"${recipe}" is not a recipe name`, 'a recipe name holds letters, digits and . _ - (e.g. gitea); see `kite recipe ls`');
}

export async function* recipeTest(ports: RecipeTestPorts, input: RecipeTestInput): AsyncGenerator<RecipeTestEvent, RecipeTestResult> {
  const { apps } = ports;
  checkRecipeName(input.recipe);
  if (!apps.hasServer(input.server)) throw new NotFoundError(`unknown server ${input.server}`, `add it first with \`kite server add ${input.server}\``);
  const ensured = await ensureRecipe(ports, input.recipe, Boolean(input.offline));
  for (const w of ensured.warnings) yield { type: 'warning', message: w };
  const repo = ensured.repo;
  if (!repo) throw new ConflictError(`recipe ${input.recipe} (${ensured.dir}) is not a git repository: recipe tests test releases, which are git tags`);
  const tags = ensured.versions.versions.map((v) => v.tag);
  const version = input.version ?? tags[tags.length - 1];
  if (!version) throw new NotFoundError(`recipe ${input.recipe} has no releases to test`, 'release one first with `kite recipe release`');
  if (!tags.includes(version)) throw new NotFoundError(`recipe ${input.recipe} has no release ${version}`, `known releases: ${tags.join(', ')}`);
  if (await repo.isDirty()) yield { type: 'warning', message: `recipe ${input.recipe} has uncommitted changes: they are not tested (releases are read from their tags)` };
  const resultPath = join(apps.root, resultRelPath(input.recipe, version));

  const domain = input.domain ?? testDomain(input.recipe, input.server, ports.clock.now());
  const bad = domainProblem(domain);
  if (bad) throw new UsageError(`--domain: ${bad}`, 'pass a domain such as gitea-test.example.com');
  const stack = stackName(domain);
  const taken = apps.listApps().find((a) => a.domain === domain || (a.server === input.server && stackName(a.domain) === stack));
  if (taken) {
    // a run that did not finish (kill -9) leaves its app and its witness objects; a finished one (--keep too) removes the witnesses
    const left = taken.server === input.server ? await plantedWitnesses(await ports.docker(input.server), stack) : [];
    if (left.length > 0) {
      throw new ConflictError(
        `${domain} is the test app of a \`kite recipe test\` that did not finish (killed, or still running): its witness objects ${[...new Set(left.map((w) => w.name))].join(', ')} are still on ${input.server}`,
        `if no run is going on, remove the app (\`kite app undeploy ${domain}\`, \`kite app remove ${domain} --force\`), then test again with --domain ${domain}: that run removes the witness objects`,
      );
    }
    throw new ConflictError(`${domain} is an existing app (${taken.path}): recipe tests use an app of their own and never touch others`, 'pass another --domain');
  }
  const docker = await ports.docker(input.server);
  const leftovers = await stackLeftovers(docker, stack);
  if (leftovers.length > 0) throw new ConflictError(`the stack ${stack} of ${domain} already has objects on ${input.server}: ${leftovers.slice(0, 5).join(', ')}${leftovers.length > 5 ? ', …' : ''}`, 'pass another --domain; recipe tests never touch objects they did not create');

  // the release's own files: the test file, .env.sample, release notes, lint
  const snapshot = await repo.snapshot(version);
  const counting = countingClock(ports.clock);
  const testPorts: TestAppPorts = { apps, recipes: ports.recipes, recipeFiles: ports.recipeFiles, docker: ports.docker, host: ports.host, clock: counting.clock };
  const steps: StepResult[] = [];
  const planted: Planted[] = [];
  let app: TestApp | undefined;
  let finished = false;
  let cancelled: CancelledError | undefined;
  try {
    const tests = parseTestFile(ports.recipeFiles.readText(snapshot.dir, TEST_FILE), `${join(ensured.dir, TEST_FILE)} (at ${version})`);
    // the result must be savable: a read-only or full $ABRA_DIR found only after minutes of deploys loses the run
    apps.assertWritable(resultPath);
    yield { type: 'info', message: `testing ${input.recipe} ${version} on ${input.server} as ${domain}${ports.recipeFiles.readText(snapshot.dir, TEST_FILE) === undefined ? ` (no ${TEST_FILE}: convergence, healthchecks and volumes as markers only)` : ''}` };
    app = new TestApp(testPorts, docker, input.recipe, input.server, domain, stack, { env: tests.env, timeoutSeconds: tests.timeoutSeconds, signal: input.signal, waited: counting.add });
    const t: Run = { ports: testPorts, app, docker, tests, version, tags, snapshotDir: snapshot.dir, recipe: input.recipe, marker: `kite-marker-${ports.clock.now().toString(36)}`, installed: false, signal: input.signal };

    const step = async function* (name: StepName, body: () => AsyncGenerator<RecipeTestEvent, Outcome>): Events {
      if (input.signal?.aborted) throw new CancelledError('recipe test cancelled', 'the test app was removed');
      const level = stepDefinition(name).level;
      yield { type: 'step-start', name, level };
      const start = ports.clock.now();
      const waitedBefore = counting.waitedMs();
      let outcome: Outcome;
      try {
        outcome = yield* body();
      } catch (e) {
        if (e instanceof CancelledError || input.signal?.aborted) throw e;
        // the step could not be checked: an SSH drop, a Docker API error, a recipe kite cannot read
        outcome = { status: 'unverified', reason: `could not be checked: ${(e as Error).message}` };
      }
      const result: StepResult = {
        name,
        level,
        status: outcome.status,
        seconds: round((ports.clock.now() - start) / 1000),
        reason: outcome.reason ?? '',
        logs: outcome.logs ?? [],
        waitedSeconds: round((counting.waitedMs() - waitedBefore) / 1000),
      };
      steps.push(result);
      yield { type: 'step', step: result };
    };

    await plantWitnesses(docker, stack, planted);
    const lint = lintVerdicts(lintRecipe(await ports.recipeFiles.readAll(snapshot.dir, input.recipe)));

    yield* step('install', () => install(t));
    yield* step('redeploy', () => redeploy(t));
    yield* step('reinstall', () => reinstall(t, planted));
    yield* step('overlays', () => overlays(t));
    const upgradeFrom = earlierReleases(tags, version);
    yield* step('upgrade', () => upgrade(t, upgradeFrom.previous));
    yield* step('release-notes', async function* () {
      const notes = ports.recipeFiles.readText(snapshot.dir, `release/${version}`)?.trim();
      return notes ? { status: 'pass' } : { status: 'fail', reason: `no release notes: release/${version} is missing or empty` };
    });
    yield* step('backup-restore', () => backupRestore(t));
    yield* step('lint-errors', async function* () {
      return lint.errors.length === 0 ? { status: 'pass' } : { status: 'fail', reason: `${lint.errors.length} lint error${lint.errors.length === 1 ? '' : 's'}`, logs: lint.errors };
    });
    yield* step('lint-warnings', async function* () {
      return lint.warnings.length === 0 ? { status: 'pass' } : { status: 'fail', reason: `${lint.warnings.length} lint warning${lint.warnings.length === 1 ? '' : 's'}`, logs: lint.warnings };
    });
    const upgradeStep = steps.find((s) => s.name === 'upgrade');
    yield* step('upgrade-history', () => upgradeHistory(t, upgradeFrom, upgradeStep));
    finished = true;
  } catch (e) {
    // a cancelled deploy's own words ("the deploy goes on on the server") are not what happens here: the test app goes
    if (input.signal?.aborted) throw (cancelled = new CancelledError('recipe test cancelled', 'nothing was saved'));
    throw e;
  } finally {
    // the test app and everything it created goes, also on Ctrl-C or an error
    if (app && !(input.keep && finished)) {
      const problems = yield* relay(app.teardown());
      for (const p of problems) yield { type: 'warning', message: `clean-up of ${domain}: ${p}` };
      if (cancelled) cancelled.hint = problems.length > 0 ? `the clean-up of ${domain} left what the warnings above name; nothing was saved` : `the test app ${domain} and its witness objects were removed; nothing was saved`;
    } else if (app?.exists()) {
      yield { type: 'info', message: `--keep: ${domain} left deployed; remove it with \`kite app undeploy ${domain}\` and \`kite app remove ${domain}\`` };
    }
    for (const w of planted) {
      try {
        await removeWitness(docker, w);
      } catch (e) {
        yield { type: 'warning', message: `could not remove the witness ${w.kind} ${w.name}: ${(e as Error).message}` };
      }
    }
    snapshot.dispose();
  }

  // run in the order that reuses installs; reported in level order
  const order = (name: string) => STEPS.findIndex((d) => d.name === name);
  steps.sort((a, b) => order(a.name) - order(b.name));
  const result: RecipeTestResult = { recipe: input.recipe, version, domain, server: input.server, level: levelOf(steps), date: new Date(ports.clock.now()).toISOString(), steps };
  ports.recipeFiles.replace(resultPath, serialiseResult(result));
  return result;
}

interface Run {
  ports: TestAppPorts;
  app: TestApp;
  docker: DockerPort;
  tests: RecipeTestFile;
  version: string;
  tags: string[];
  snapshotDir: string;
  recipe: string;
  marker: string;
  /** the install step passed: later steps can build on it */
  installed: boolean;
  /** the markers of the installed release */
  markers?: { markers: MarkerSpec[]; fromVolumes: boolean };
  /** the release sets backupbot.backup on a service (known once the install created the app) */
  backupLabels?: boolean;
  signal?: AbortSignal;
}

async function* relay<T>(gen: AsyncGenerator<DeployEvent, T>): AsyncGenerator<RecipeTestEvent, T> {
  for (;;) {
    const next = await gen.next();
    if (next.done) return next.value;
    yield { type: 'deploy', event: next.value };
  }
}

const NOT_INSTALLED: Outcome = { status: 'unverified', reason: 'not run: the release did not install (step install)' };

/** create + deploy the test app at `version`; a failure is the step's outcome */
async function* installAt(t: Run, version: string, extra: Record<string, string> = {}): AsyncGenerator<RecipeTestEvent, DeployFailure | undefined> {
  if (t.app.exists()) await drain(t.app.teardown());
  await t.app.create(version, extra);
  return yield* relay(t.app.deploy('deploy'));
}

async function drain<T>(gen: AsyncGenerator<unknown, T>): Promise<T> {
  for (;;) {
    const next = await gen.next();
    if (next.done) return next.value;
  }
}

/** the markers of the test app as its recorded release defines them (the test file's, else its volumes) */
function appMarkers(t: Run): Promise<{ markers: MarkerSpec[]; fromVolumes: boolean }> {
  return withAppAtVersion(t.ports, t.app.domain, async (app) => markersFor(t.tests, app.compose));
}

async function* install(t: Run): AsyncGenerator<RecipeTestEvent, Outcome> {
  const failed = yield* installAt(t, t.version);
  t.backupLabels = await withAppAtVersion(t.ports, t.app.domain, async (app) => hasBackupLabels(app.compose));
  if (failed) return { status: 'fail', reason: `${t.version} did not converge: ${failed.reason}`, logs: failed.logs };
  const probes = await runProbes(t);
  if (probes.problems.length > 0) return { status: 'fail', reason: probes.problems.join('; '), logs: probes.logs };
  t.installed = true;
  t.markers = await appMarkers(t);
  const notes: string[] = [];
  if (t.tests.probes.length + t.tests.http.length === 0) notes.push(`no probes in ${TEST_FILE}: convergence and healthchecks only`);
  else notes.push(`${t.tests.probes.length} container probe${t.tests.probes.length === 1 ? '' : 's'} and ${t.tests.http.length} HTTP probe${t.tests.http.length === 1 ? '' : 's'} passed`);
  return { status: 'pass', reason: notes.join('; ') };
}

async function* redeploy(t: Run): AsyncGenerator<RecipeTestEvent, Outcome> {
  if (!t.installed || !t.markers) return NOT_INSTALLED;
  const { markers } = t.markers;
  const written = await t.app.writeMarkers(markers, t.marker);
  if (written.length > 0) return { status: 'unverified', reason: `could not write the data markers: ${written.join('; ')}` };
  yield* relay(t.app.undeploy());
  const failed = yield* relay(t.app.deploy('deploy'));
  if (failed) return { status: 'fail', reason: `the deploy after undeploy did not converge: ${failed.reason}`, logs: failed.logs };
  const lost = await t.app.readMarkers(markers, t.marker);
  if (lost.length > 0) return { status: 'fail', reason: `data lost across undeploy + deploy: ${lost.join('; ')}` };
  return { status: 'pass', reason: markers.length === 0 ? 'the recipe has no volumes and no markers: no data to keep' : `${markers.length} marker${markers.length === 1 ? '' : 's'} kept` };
}

async function* reinstall(t: Run, planted: Planted[]): AsyncGenerator<RecipeTestEvent, Outcome> {
  if (!t.installed || !t.markers) return NOT_INSTALLED;
  const before = await witness(t.docker, t.app.stack);
  yield* relay(t.app.undeploy());
  await t.app.remove();
  const after = await witness(t.docker, t.app.stack);
  // the planted witnesses decide: named and labelled like the test stack, but not of it
  const touched = planted.filter((w) => after[`${w.kind}s`][w.name] !== w.id).map((w) => `witness ${w.kind} ${w.name} was removed`);
  // other stacks' objects that went meanwhile: on a shared server others work too, so only told
  const meanwhile = witnessChanges(before, after).map((c) => `changed on the server meanwhile (not necessarily by this test): ${c}`);
  if (touched.length > 0) return { status: 'fail', reason: `app remove touched objects of other stacks: ${touched.join('; ')}`, logs: [...touched, ...meanwhile] };
  const failed = yield* installAt(t, t.version);
  if (failed) return { status: 'fail', reason: `the reinstall did not converge: ${failed.reason}`, logs: [...failed.logs, ...meanwhile] };
  const left = await t.app.markersLeft(t.markers.markers, t.marker);
  if (left.length > 0) return { status: 'fail', reason: `remove left data behind: ${left.join('; ')}`, logs: meanwhile };
  const probes = await runProbes(t);
  if (probes.problems.length > 0) return { status: 'fail', reason: `after the reinstall: ${probes.problems.join('; ')}`, logs: [...probes.logs, ...meanwhile] };
  return { status: 'pass', reason: `${planted.length} witness objects kept${t.markers.markers.length === 0 ? '; no volumes: no data to leave behind' : '; no data left behind'}`, logs: meanwhile };
}

async function* overlays(t: Run): AsyncGenerator<RecipeTestEvent, Outcome> {
  const sample = t.ports.recipeFiles.readText(t.snapshotDir, '.env.sample');
  const combos = overlayCombinations(t.tests, sample);
  if (combos.length === 0) {
    const excluded = t.tests.overlays.exclude.length > 0 && overlayCombinations({ ...t.tests, overlays: { ...t.tests.overlays, exclude: [] } }, sample).length > 0;
    return { status: 'skip', reason: excluded ? `every overlay combination is excluded in ${TEST_FILE}` : 'the recipe offers no overlay combinations (no commented COMPOSE_FILE lines in .env.sample, no overlays.test)' };
  }
  if (!t.installed) return NOT_INSTALLED;
  const problems: string[] = [];
  const logs: string[] = [];
  for (const combo of combos) {
    const failed = yield* installAt(t, t.version, { COMPOSE_FILE: combo });
    if (failed) {
      problems.push(`COMPOSE_FILE=${combo}: ${failed.reason}`);
      logs.push(...failed.logs.map((l) => `${combo}: ${l}`));
      continue;
    }
    const probes = await runProbes(t);
    if (probes.problems.length > 0) {
      problems.push(`COMPOSE_FILE=${combo}: ${probes.problems.join('; ')}`);
      logs.push(...probes.logs);
    }
  }
  if (problems.length > 0) return { status: 'fail', reason: problems.join('; '), logs };
  return { status: 'pass', reason: `${combos.length} combination${combos.length === 1 ? '' : 's'}: ${combos.join(', ')}` };
}

/** install `from`, write the markers, upgrade to the tested release, read them back */
async function* upgradeFromRelease(t: Run, from: string): AsyncGenerator<RecipeTestEvent, Outcome> {
  const failed = yield* installAt(t, from);
  if (failed) return { status: 'unverified', reason: `the earlier release ${from} did not install, so the upgrade from it could not be tried: ${failed.reason}`, logs: failed.logs };
  const { markers } = await appMarkers(t);
  const written = await t.app.writeMarkers(markers, t.marker);
  if (written.length > 0) return { status: 'unverified', reason: `could not write the data markers in ${from}: ${written.join('; ')}` };
  const upgraded = yield* relay(t.app.deploy('upgrade', t.version));
  if (upgraded) return { status: 'fail', reason: `the upgrade from ${from} did not converge: ${upgraded.reason}`, logs: upgraded.logs };
  const lost = await t.app.readMarkers(markers, t.marker);
  if (lost.length > 0) return { status: 'fail', reason: `data lost in the upgrade from ${from}: ${lost.join('; ')}` };
  const probes = await runProbes(t);
  if (probes.problems.length > 0) return { status: 'fail', reason: `after the upgrade from ${from}: ${probes.problems.join('; ')}`, logs: probes.logs };
  return { status: 'pass', reason: `from ${from}${markers.length === 0 ? ' (no volumes: data not checked)' : ''}` };
}

async function* upgrade(t: Run, previous: string | undefined): AsyncGenerator<RecipeTestEvent, Outcome> {
  if (!previous) return { status: 'skip', reason: `${t.version} is the first release: nothing to upgrade from` };
  if (!t.installed) return NOT_INSTALLED;
  return yield* upgradeFromRelease(t, previous);
}

async function* upgradeHistory(t: Run, from: { previous?: string; older: string[] }, upgradeStep: StepResult | undefined): AsyncGenerator<RecipeTestEvent, Outcome> {
  if (!from.previous) return { status: 'skip', reason: `${t.version} is the first release: nothing to upgrade from` };
  if (!t.installed) return NOT_INSTALLED;
  const problems: string[] = [];
  const logs: string[] = [];
  let unverified = false;
  if (upgradeStep && upgradeStep.status !== 'pass') {
    problems.push(`from ${from.previous}: ${upgradeStep.reason} (step upgrade)`);
    unverified ||= upgradeStep.status === 'unverified';
  }
  for (const older of [...from.older].reverse()) {
    const o = yield* upgradeFromRelease(t, older);
    if (o.status === 'pass') continue;
    problems.push(o.reason ?? `from ${older}: ${o.status}`);
    logs.push(...(o.logs ?? []));
    unverified ||= o.status === 'unverified';
  }
  if (problems.length > 0) return { status: unverified && problems.length === 1 ? 'unverified' : 'fail', reason: problems.join('; '), logs };
  return { status: 'pass', reason: `from ${[...from.older, from.previous].join(', ')}` };
}

/**
 * L4: install, write the markers, back up, change the markers, restore the
 * snapshot, read the first markers back; the test's snapshot is forgotten.
 */
async function* backupRestore(t: Run): AsyncGenerator<RecipeTestEvent, Outcome> {
  if (t.backupLabels === false) return { status: 'fail', reason: 'no backupbot.backup labels: the recipe cannot be backed up' };
  if (!t.installed) return NOT_INSTALLED;
  const failed = yield* installAt(t, t.version);
  if (failed) return { status: 'unverified', reason: `the reinstall for the backup did not converge: ${failed.reason}`, logs: failed.logs };
  const { markers } = await appMarkers(t);
  if (markers.length === 0) return { status: 'fail', reason: 'the recipe has backup labels but no volumes and no markers: nothing to bring back' };
  const written = await t.app.writeMarkers(markers, t.marker);
  if (written.length > 0) return { status: 'unverified', reason: `could not write the data markers: ${written.join('; ')}` };
  const events: RecipeTestEvent[] = [];
  const opts: BackupRunOptions = { onEvent: (e) => backupEvent(e, events) };
  let made: BackupCreated | undefined;
  try {
    try {
      made = await t.app.backup(opts);
    } catch (e) {
      if (e instanceof BackupError) return backupFailure('the backup', e, events);
      throw e;
    }
    const changed = await t.app.writeMarkers(markers, `${t.marker}-changed`);
    if (changed.length > 0) return { status: 'unverified', reason: `could not change the data after the backup: ${changed.join('; ')}` };
    try {
      await t.app.restore(made.id, opts);
    } catch (e) {
      if (e instanceof BackupError || e instanceof DeployFailedError) return backupFailure('the restore', e, events);
      throw e;
    }
    const lost = await t.app.readMarkers(markers, t.marker);
    if (lost.length > 0) return { status: 'fail', reason: `the restore of snapshot ${made.shortId} did not bring the data back: ${lost.join('; ')}`, logs: logLines(events) };
    const probes = await runProbes(t);
    if (probes.problems.length > 0) return { status: 'fail', reason: `after the restore: ${probes.problems.join('; ')}`, logs: probes.logs };
    return { status: 'pass', reason: `snapshot ${made.shortId} brought ${markers.length} marker${markers.length === 1 ? '' : 's'} back` };
  } finally {
    for (const e of events.filter((x) => x.type === 'warning')) yield e;
    if (made) {
      try {
        await t.app.forget([made.id], {});
      } catch (e) {
        yield { type: 'warning', message: `could not forget the test's snapshot ${made.shortId}: ${(e as Error).message}` };
      }
    }
  }
}

/** backup events worth keeping: warnings, and the repository password's first creation (never the password itself) */
function backupEvent(e: BackupEvent, into: RecipeTestEvent[]): void {
  if (e.type === 'warning') into.push({ type: 'warning', message: e.message });
  else if (e.type === 'password-created') into.push({ type: 'warning', message: `the backup created this server's repository password: it is kept in the Docker secret ${e.secret} on the server and in ${e.file} (mode 0600); keep a copy somewhere safe` });
  else if (e.type === 'output' || e.type === 'step') into.push({ type: 'info', message: e.type === 'step' ? e.message : e.text });
}

function logLines(events: RecipeTestEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'info' || e.type === 'warning' ? [e.message] : [])).slice(-20);
}

/** a backup that could not be made or restored: the repository itself unusable is unverified, anything else fails */
function backupFailure(what: string, e: Error, events: RecipeTestEvent[]): Outcome {
  const infra = /repository .*(cannot be used|refuses the password)|no backups on this server/.test(e.message);
  return { status: infra ? 'unverified' : 'fail', reason: `${what} failed: ${e.message}`, logs: logLines(events) };
}

// ---- probes ----------------------------------------------------------------

async function runProbes(t: Run): Promise<{ problems: string[]; logs: string[] }> {
  const problems: string[] = [];
  const logs: string[] = [];
  for (const [i, p] of t.tests.probes.entries()) {
    const out = await t.app.exec(p.service, p.command).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    if (out.code === 0) continue;
    problems.push(`probe ${i + 1} in service ${p.service} (\`${p.command}\`) exited ${out.code}`);
    logs.push(...`${out.stdout}\n${out.stderr}`.trim().split('\n').filter(Boolean).slice(-20).map((l) => `${p.service} probe ${i + 1} | ${l}`));
  }
  if (t.tests.http.length > 0) {
    const ref = t.ports.apps.findApp(t.app.domain);
    const env = { ...parseEnvFile(t.ports.apps.readText(ref.path), ref.path).env, DOMAIN: t.app.domain };
    for (const [i, h] of t.tests.http.entries()) {
      const problem = await httpProbe(h, env, t);
      if (problem) problems.push(`HTTP probe ${i + 1}: ${problem}`);
    }
  }
  return { problems, logs };
}

const HTTP_RETRIES = [0, 2000, 4000, 6000];

/** one HTTP probe from this machine, retried while the answer is 502/503/504 or the connection fails */
async function httpProbe(h: HttpProbe, env: Record<string, string>, t: Run): Promise<string | undefined> {
  const url = h.url ? interpolate(h.url, lookupIn(env), { file: TEST_FILE, key: 'http.url' }) : `https://${env.DOMAIN}${h.path}`;
  let last = '';
  for (const wait of HTTP_RETRIES) {
    if (wait) await t.ports.clock.sleep(wait, t.signal);
    if (t.signal?.aborted) throw new CancelledError('recipe test cancelled');
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      if ([502, 503, 504].includes(res.status)) {
        last = `${url} answered ${res.status}`;
        continue;
      }
      const okStatus = h.status.length > 0 ? h.status.includes(res.status) : res.status >= 200 && res.status < 400;
      if (!okStatus) return `${url} answered ${res.status}, expected ${h.status.length ? h.status.join(' or ') : '2xx or 3xx'}`;
      if (h.contains && !body.includes(h.contains)) return `${url} answered ${res.status} without "${h.contains}"`;
      return undefined;
    } catch (e) {
      last = `${url}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`;
    }
  }
  return last;
}

// ---- witnesses -------------------------------------------------------------

type Planted = { kind: 'secret' | 'config' | 'network'; id: string; name: string };

/**
 * Witness objects a sloppy removal would take along: named like the test
 * stack (its name and `w_`), labelled with a sibling stack's namespace.
 * Pushed into `planted` one by one, so a failure half-way still removes
 * those made; ones left by a killed earlier run of this domain go first.
 */
async function plantWitnesses(docker: DockerPort, stack: string, planted: Planted[]): Promise<void> {
  const name = `${stack}w_witness`;
  const labels = { [WITNESS_LABEL]: stack, 'com.docker.stack.namespace': `${stack}w` };
  const data = Buffer.from('witness').toString('base64');
  for (const w of await plantedWitnesses(docker, stack)) await removeWitness(docker, w);
  planted.push({ kind: 'secret', id: (await docker.createSecret({ Name: name, Labels: labels, Data: data })).ID, name });
  planted.push({ kind: 'config', id: (await docker.createConfig({ Name: name, Labels: labels, Data: data })).ID, name });
  planted.push({ kind: 'network', id: (await docker.createNetwork({ Name: name, Driver: 'overlay', Labels: labels })).Id, name });
}

const WITNESS_LABEL = 'kite.recipe-test.witness';

function removeWitness(docker: DockerPort, w: Planted): Promise<void> {
  return w.kind === 'secret' ? docker.removeSecret(w.id) : w.kind === 'config' ? docker.removeConfig(w.id) : docker.removeNetwork(w.id);
}

/** the witness objects planted for `stack` still on the server (a run going on, or one killed) */
async function plantedWitnesses(docker: DockerPort, stack: string): Promise<Planted[]> {
  const label = { label: [`${WITNESS_LABEL}=${stack}`] };
  const [secrets, configs, networks] = await Promise.all([docker.listSecrets(label), docker.listConfigs(label), docker.listNetworks(label)]);
  return [
    ...secrets.map((x): Planted => ({ kind: 'secret', id: x.ID, name: x.Spec.Name })),
    ...configs.map((x): Planted => ({ kind: 'config', id: x.ID, name: x.Spec.Name })),
    ...networks.map((x): Planted => ({ kind: 'network', id: x.Id, name: x.Name })),
  ];
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
