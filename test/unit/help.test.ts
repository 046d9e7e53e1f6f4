// Every command kite offers says what it does and shows how to call it:
// walks the whole commander tree as `kite` builds it, so a command added
// without a description or an `Example:` section fails here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { buildProgram } from '../../src/cli/main.js';

function leaves(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  if (cmd.commands.length === 0) return [{ path: path.join(' '), cmd }];
  return cmd.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

/** the full help text, as `kite <path> --help` prints it (addHelpText sections included) */
function helpText(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

const all = leaves(buildProgram());

test('the tree has the commands this test is meant to cover', () => {
  const paths = all.map((l) => l.path);
  for (const p of ['server add', 'app new', 'app deploy', 'app undeploy', 'app ps', 'app secret generate', 'autocomplete']) {
    assert.ok(paths.includes(p), `expected a leaf command "${p}" in ${paths.join(', ')}`);
  }
});

test('every command has a description and an example', () => {
  const problems: string[] = [];
  for (const { path, cmd } of all) {
    if (!cmd.description().trim()) problems.push(`kite ${path}: no description`);
    const help = helpText(cmd);
    const m = /\nExamples?:\n((?: {2}\S.*\n?)+)/.exec(help);
    if (!m) problems.push(`kite ${path}: no "Example:" section in its help`);
    else if (!m[1].includes('kite ')) problems.push(`kite ${path}: its example does not show a kite command line`);
  }
  assert.deepEqual(problems, [], `add .description() and .addHelpText('after', example('kite ...')):\n${problems.join('\n')}`);
});
