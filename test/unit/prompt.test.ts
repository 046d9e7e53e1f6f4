// The prompt rule (src/cli/prompt.ts): flags first, then a prompt on a
// terminal, otherwise a usage error naming the flag; --force skips confirmation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from '../../src/cli/context.js';
import { confirm, flagOrAsk, terminalPrompter } from '../../src/cli/prompt.js';
import { CancelledError, UsageError } from '../../src/core/errors.js';
import type { Prompter } from '../../src/ports/prompter.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';

function fakeCtx(interactive: boolean, answers: { confirm?: boolean; text?: string } = {}, input?: boolean): { ctx: Context; asked: string[] } {
  const asked: string[] = [];
  const prompter: Prompter = {
    select: async (m, o) => (asked.push(m), o[0].value),
    text: async (m) => (asked.push(m), answers.text ?? ''),
    confirm: async (m) => (asked.push(m), answers.confirm ?? false),
  };
  return { ctx: { io: { interactive }, globals: { input }, prompter } as unknown as Context, asked };
}

test('a flag given is used as is, without asking', async () => {
  const { ctx, asked } = fakeCtx(true);
  assert.equal(await flagOrAsk(ctx, 'example.com', '--server <server>', (p) => p.text('server?')), 'example.com');
  assert.deepEqual(asked, []);
});

test('a missing flag is asked for on a terminal', async () => {
  const { ctx, asked } = fakeCtx(true, { text: 'typed.example.com' });
  assert.equal(await flagOrAsk(ctx, undefined, '--domain <domain>', (p) => p.text('domain?')), 'typed.example.com');
  assert.deepEqual(asked, ['domain?']);
});

test('without a terminal a missing flag is a usage error naming it (exit 2)', async () => {
  const { ctx, asked } = fakeCtx(false);
  const err = await flagOrAsk(ctx, undefined, '--server <server>', (p) => p.text('server?')).catch((e) => e);
  assert.ok(err instanceof UsageError);
  assert.equal(err.message, 'missing --server (no terminal to ask on)');
  assert.equal(err.hint, 'pass --server <server>');
  assert.equal(exitCodeFor(err), 2);
  assert.deepEqual(asked, []);
});

test('with -n the error says so', async () => {
  const { ctx } = fakeCtx(false, {}, false);
  await assert.rejects(flagOrAsk(ctx, undefined, '--server <server>', (p) => p.text('server?')), /missing --server \(-n\/--no-input given\)/);
});

test('confirm: --force goes ahead without asking, on a terminal or not', async () => {
  for (const interactive of [true, false]) {
    const { ctx, asked } = fakeCtx(interactive);
    await confirm(ctx, 'remove 2 volumes?', { force: true });
    assert.deepEqual(asked, []);
  }
});

test('confirm: yes goes ahead, no cancels (exit 130)', async () => {
  const yes = fakeCtx(true, { confirm: true });
  await confirm(yes.ctx, 'remove 2 volumes?', {});
  assert.deepEqual(yes.asked, ['remove 2 volumes?']);
  const no = fakeCtx(true, { confirm: false });
  const err = await confirm(no.ctx, 'remove 2 volumes?', {}).catch((e) => e);
  assert.ok(err instanceof CancelledError);
  assert.equal(exitCodeFor(err), 130);
});

test('confirm without a terminal names --force', async () => {
  const { ctx } = fakeCtx(false);
  const err = await confirm(ctx, 'remove 2 volumes?', {}).catch((e) => e);
  assert.ok(err instanceof UsageError);
  assert.match(err.message, /^missing --force \(no terminal to ask on: remove 2 volumes\?\)$/);
  assert.match(err.hint ?? '', /--force \(-f\)/);
});

test('the terminal prompter refuses to prompt when nobody can answer, before loading anything', async () => {
  const p = terminalPrompter(() => false);
  await assert.rejects(p.confirm('sure?'), UsageError);
  await assert.rejects(p.select('which?', [{ value: 'a' }]), UsageError);
});
