import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete, completionScript, formatCandidates, type CommandSpec, type Listings } from '../../src/core/completion.js';
import { describeCommand } from '../../src/commands/autocomplete.js';
import { buildProgram } from '../../src/cli/main.js';

const opt = (flags: string[], value?: string, choices?: string[]) => ({ flags, description: `about ${flags.at(-1)}`, value, choices });
const cmd = (name: string, extra: Partial<CommandSpec> = {}): CommandSpec => ({ name, aliases: [], description: `${name} things`, options: [], args: [], commands: [], ...extra });

const TREE: CommandSpec = cmd('kite', {
  options: [opt(['-d', '--debug']), opt(['-n', '--no-input']), opt(['-h', '--help']), opt(['-v', '--version'])],
  commands: [
    cmd('app', {
      aliases: ['a'],
      options: [opt(['-h', '--help'])],
      commands: [
        cmd('new', { aliases: ['n'], args: [{ name: 'recipe', variadic: false }], options: [opt(['-s', '--server'], 'server'), opt(['-D', '--domain'], 'domain'), opt(['-h', '--help'])] }),
        cmd('deploy', { aliases: ['d'], args: [{ name: 'domain', variadic: false }, { name: 'version', variadic: false }], options: [opt(['-f', '--force']), opt(['-h', '--help'])] }),
        cmd('undeploy', { aliases: ['un'], args: [{ name: 'domain', variadic: false }] }),
        cmd('ls', { options: [opt(['-r', '--recipe'], 'recipe'), opt(['-S', '--status']), opt(['--format'], 'format', ['table', 'json'])] }),
      ],
    }),
    cmd('server', { aliases: ['s'], commands: [cmd('add', { args: [{ name: 'server', variadic: false }] }), cmd('rm', { args: [{ name: 'server', variadic: false }] })] }),
    cmd('help', { args: [{ name: 'command', variadic: false }] }),
  ],
});

let asked: string[] = [];
const LISTINGS: Listings = {
  domains: () => (asked.push('domains'), [{ value: 'cloud.example.com', description: 'on example.com' }, { value: 'wiki.example.org', description: 'on other' }]),
  servers: () => (asked.push('servers'), ['example.com', 'other']),
  recipes: () => (asked.push('recipes'), ['nextcloud', 'wordpress']),
};

const values = (line: string) => complete(TREE, line.split(' '), LISTINGS).map((c) => c.value);

test('command names, then subcommands, filtered by the word typed', () => {
  assert.deepEqual(values(''), ['app', 'server', 'help']);
  assert.deepEqual(values('a'), ['app']);
  assert.deepEqual(values('app '), ['new', 'deploy', 'undeploy', 'ls']);
  assert.deepEqual(values('app de'), ['deploy']);
});

test('aliases walk the tree, and are offered when no name matches', () => {
  assert.deepEqual(values('a d '), ['cloud.example.com', 'wiki.example.org']);
  assert.deepEqual(values('s rm '), ['example.com', 'other']);
  assert.deepEqual(values('app n'), ['new']);
  assert.deepEqual(values('app un'), ['undeploy']);
  const onlyAlias: CommandSpec = cmd('x', { commands: [cmd('remove', { aliases: ['rm'] })] });
  assert.deepEqual(complete(onlyAlias, ['r'], LISTINGS).map((c) => c.value), ['remove']);
  assert.deepEqual(complete(onlyAlias, ['rm'], LISTINGS).map((c) => c.value), ['rm']);
});

test('<domain>, <recipe> and server arguments come from $ABRA_DIR', () => {
  assert.deepEqual(values('app deploy '), ['cloud.example.com', 'wiki.example.org']);
  assert.deepEqual(values('app deploy w'), ['wiki.example.org']);
  assert.deepEqual(values('app new '), ['nextcloud', 'wordpress']);
  assert.deepEqual(values('server rm o'), ['other']);
  assert.deepEqual(values('app deploy cloud.example.com '), [], 'the version argument has no listing');
});

test('commands that name something new do not offer existing names', () => {
  assert.deepEqual(values('server add '), []);
  assert.deepEqual(values('app new nextcloud --domain '), []);
});

test('option values: --server, -s, --server=, --recipe, declared choices', () => {
  assert.deepEqual(values('app new nextcloud --server '), ['example.com', 'other']);
  assert.deepEqual(values('app new -s '), ['example.com', 'other']);
  assert.deepEqual(values('app new --server=ot'), ['--server=other']);
  assert.deepEqual(values('app ls -r '), ['nextcloud', 'wordpress']);
  assert.deepEqual(values('app ls --format '), ['table', 'json']);
  // a value given with the option does not swallow the next word
  assert.deepEqual(values('app new --server=other '), ['nextcloud', 'wordpress']);
  assert.deepEqual(values('app new -sother '), ['nextcloud', 'wordpress']);
  assert.deepEqual(values('app new -s other '), ['nextcloud', 'wordpress']);
});

test('flags: the command\'s own and the global ones, not --version below the top, not twice, not once used', () => {
  assert.deepEqual(values('app deploy --'), ['--debug', '--no-input', '--force', '--help']);
  assert.deepEqual(values('app deploy -f --'), ['--debug', '--no-input', '--help']);
  assert.deepEqual(values('--'), ['--debug', '--no-input', '--help', '--version']);
  assert.deepEqual(values('app deploy -'), ['-d', '--debug', '-n', '--no-input', '-f', '--force', '-h', '--help']);
  assert.deepEqual(values('-d app deploy '), ['cloud.example.com', 'wiki.example.org'], 'flags before the command are skipped');
});

test('after --, words are arguments', () => {
  assert.deepEqual(values('app deploy -- -'), []);
});

test('help <command> offers the commands next to it', () => {
  assert.deepEqual(values('help '), ['app', 'server']);
});

test('a listing is read only when its kind of value is wanted', () => {
  asked = [];
  values('app ');
  values('app deploy --');
  assert.deepEqual(asked, []);
  values('app deploy ');
  assert.deepEqual(asked, ['domains']);
});

test('unknown words complete nothing rather than guessing', () => {
  assert.deepEqual(values('nosuch '), []);
  assert.deepEqual(values('app nosuch '), []);
});

test('candidates print as value<TAB>description, one line each', () => {
  assert.equal(formatCandidates([{ value: 'a', description: 'first\nsecond' }, { value: 'b' }, { value: 'c', description: 'x\ty' }]), 'a\tfirst\nb\nc\tx y');
});

test('the real tree: domains for app deploy, recipes for app new, shells for autocomplete, no hidden command', () => {
  const tree = describeCommand(buildProgram());
  const v = (line: string) => complete(tree, line.split(' '), LISTINGS).map((c) => c.value);
  assert.deepEqual(v('app deploy '), ['cloud.example.com', 'wiki.example.org']);
  assert.deepEqual(v('a d '), ['cloud.example.com', 'wiki.example.org']);
  assert.deepEqual(v('app new '), ['nextcloud', 'wordpress']);
  assert.deepEqual(v('app new x --server '), ['example.com', 'other']);
  assert.deepEqual(v('autocomplete '), ['bash', 'zsh', 'fish']);
  assert.ok(v('').includes('app') && v('').includes('autocomplete'));
  assert.ok(!v('').includes('__complete'), 'the hidden command is not offered');
  assert.ok(v('app new --').includes('--server') && v('app new --').includes('--no-input'));
});

test('scripts call `kite __complete --` with the words after the program name', () => {
  assert.match(completionScript('bash'), /kite __complete -- "\$\{COMP_WORDS\[@\]:1:COMP_CWORD\}"/);
  assert.match(completionScript('bash'), /^complete -F _kite_complete kite$/m);
  assert.match(completionScript('zsh'), /^#compdef kite$/m);
  assert.match(completionScript('zsh'), /kite __complete -- "\$\{\(@\)words\[2,CURRENT\]\}"/);
  assert.match(completionScript('fish'), /^complete -c kite -f -a '\(__kite_complete\)'$/m);
});
