// Shell completion through the built binary: the bash script `kite
// autocomplete bash` prints, loaded into a real bash, completes commands,
// app domains, servers and recipes from $ABRA_DIR. And what startup loads:
// `kite --version` and `kite __complete` (run on every Tab) stay light.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SSH_CONFIG, Sandbox } from './harness.js';

const sb = new Sandbox();
const scratch = mkdtempSync(join(tmpdir(), 'kite-completion-'));
const binDir = join(scratch, 'bin');

before(() => {
  for (const [server, domains] of [['kite-test', ['one.completion.kite.test', 'two.completion.kite.test']], ['other.example.com', ['cloud.example.com']]] as const) {
    mkdirSync(join(sb.abraDir, 'servers', server), { recursive: true });
    for (const d of domains) writeFileSync(join(sb.abraDir, 'servers', server, `${d}.env`), 'TYPE=kite-test-app\n');
  }
  writeFileSync(join(sb.abraDir, 'servers', 'kite-test', 'notes.txt'), 'not an app\n');
  sb.addRecipe('kite-test-app');
  mkdirSync(join(sb.abraDir, 'recipes', 'nextcloud'));
  // `kite` on PATH, as the completion scripts call it
  mkdirSync(binDir);
  writeFileSync(join(binDir, 'kite'), `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'bin/kite.js')}' "$@"\n`);
  chmodSync(join(binDir, 'kite'), 0o755);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** what Tab offers in bash after typing `line` (the words bash would split it into) */
function bashComplete(line: string): string[] {
  const script = `
source <(kite autocomplete bash)
COMP_LINE=${JSON.stringify(line)}
read -r -a COMP_WORDS <<< "$COMP_LINE"
[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_kite_complete
printf '%s\\n' "\${COMPREPLY[@]}"
`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, ABRA_DIR: sb.abraDir },
  });
  return out.split('\n').filter(Boolean);
}

test('bash: command names and subcommands', () => {
  const top = bashComplete('kite ');
  for (const c of ['server', 'app', 'recipe', 'catalogue', 'autocomplete', 'help']) assert.ok(top.includes(c), `${c} in ${top.join(' ')}`);
  assert.ok(!top.includes('__complete'), 'the hidden command is not offered');
  assert.deepEqual(bashComplete('kite app dep'), ['deploy']);
  assert.deepEqual(bashComplete('kite autocomplete '), ['bash', 'zsh', 'fish']);
});

test('bash: app domains from every server, without descriptions', () => {
  assert.deepEqual(bashComplete('kite app deploy '), ['one.completion.kite.test', 'two.completion.kite.test', 'cloud.example.com']);
  assert.deepEqual(bashComplete('kite a d t'), ['two.completion.kite.test']);
});

test('bash: servers for --server and recipes for <recipe>', () => {
  assert.deepEqual(bashComplete('kite app new kite-test-app --server '), ['kite-test', 'other.example.com']);
  assert.deepEqual(bashComplete('kite app new '), ['kite-test-app', 'nextcloud']);
  assert.deepEqual(bashComplete('kite app new -s kite-test n'), ['nextcloud']);
});

test('bash: flags', () => {
  const flags = bashComplete('kite app new --');
  for (const f of ['--server', '--domain', '--secrets', '--no-input', '--help']) assert.ok(flags.includes(f), `${f} in ${flags.join(' ')}`);
});

test('__complete prints value<TAB>description lines; ABRA_DIR is honoured', async () => {
  const r = await sb.kite(['__complete', '--', 'app', 'deploy', 'c']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'cloud.example.com\ton other.example.com\n');
  const elsewhere = await sb.kite(['__complete', '--', 'app', 'deploy', ''], { ABRA_DIR: join(scratch, 'empty') });
  assert.equal(elsewhere.code, 0, elsewhere.stderr);
  assert.equal(elsewhere.stdout, '', 'no $ABRA_DIR: nothing to offer, and no error');
  assert.equal(elsewhere.stderr, '');
});

test('zsh and fish scripts are printed, and an unknown shell is a usage error', async () => {
  const zsh = await sb.kite(['autocomplete', 'zsh']);
  assert.equal(zsh.code, 0);
  assert.match(zsh.stdout, /^#compdef kite\n/);
  const fish = await sb.kite(['ac', 'fish']);
  assert.equal(fish.code, 0);
  assert.match(fish.stdout, /complete -c kite -f -a '\(__kite_complete\)'/);
  const ps = await sb.kite(['autocomplete', 'powershell']);
  assert.equal(ps.code, 2);
  assert.match(ps.stderr, /no completion for shell "powershell"/);
  assert.match(ps.stderr, /bash, zsh, fish/);
});

/** the modules node loaded to run `kite <args>` (recorded by a resolve hook) */
function modulesLoaded(args: string[]): string[] {
  const log = join(scratch, `modules-${args.join('-').replace(/\W/g, '')}.log`);
  const hooks = join(scratch, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
  const register = join(scratch, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify('file://' + hooks)});\n`);
  writeFileSync(log, '');
  spawnSync(process.execPath, ['--import', register, join(ROOT, 'bin/kite.js'), ...args], { env: { ...process.env, ABRA_DIR: sb.abraDir, KITE_SSH_CONFIG: SSH_CONFIG }, stdio: 'ignore' });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

/** the Engine API client, from node_modules or as the bundle's chunk of it (dist/chunks/modem-<hash>.js) */
const DOCKERODE = /dockerode|docker-modem|ssh2|\/chunks\/modem-[A-Z0-9]+\.js$/;
/** @clack/prompts, likewise: bundled into the clack-prompter chunk */
const DOCKER_OR_PROMPTS = new RegExp(`@clack|\\/chunks\\/clack-prompter-|${DOCKERODE.source}`);

test('kite --version loads one small file of the build, not the command tree', () => {
  const loaded = modulesLoaded(['--version']);
  assert.ok(loaded.some((u) => u.endsWith('/bin/kite.js')), `the hook saw kite start: ${loaded.join(', ')}`);
  assert.deepEqual(loaded.filter((u) => u.includes('/dist/')).map((u) => u.slice(u.indexOf('/dist/'))), ['/dist/cli/version.js']);
});

test('kite __complete loads neither @clack/prompts nor the Engine API client', () => {
  for (const args of [['__complete', '--', 'app', 'deploy', '']]) {
    const loaded = modulesLoaded(args);
    assert.ok(loaded.some((u) => u.endsWith('/dist/cli/main.js')), `the hook saw kite start: ${loaded.join(', ')}`);
    assert.deepEqual(loaded.filter((u) => DOCKER_OR_PROMPTS.test(u)), [], `kite ${args.join(' ')}`);
  }
  // the hook does see them where they are used: a command that talks to a server
  assert.ok(modulesLoaded(['app', 'ps', 'one.completion.kite.test']).some((u) => DOCKERODE.test(u)), 'app ps loads the Engine API client');
});

/** the built chunks a command loaded that hold the YAML library (esbuild marks each bundled file with a comment) */
function yamlChunks(args: string[]): string[] {
  return modulesLoaded(args)
    .filter((u) => u.includes('/dist/'))
    .filter((u) => readFileSync(new URL(u), 'utf8').includes('node_modules/yaml/dist/'));
}

test('kite app ls loads no YAML library unless there is a kite.yml to read', () => {
  assert.deepEqual(yamlChunks(['app', 'ls', '-S']), [], 'app ls -S');
  const settings = join(sb.abraDir, 'kite.yml');
  writeFileSync(settings, 'ssh:\n  persist: 60\n');
  try {
    assert.notDeepEqual(yamlChunks(['app', 'ls', '-S']), [], 'with kite.yml (ssh.persist), it is read');
  } finally {
    rmSync(settings);
  }
});
