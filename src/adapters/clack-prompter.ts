// The Prompter port on @clack/prompts. Prompts draw on stderr, so stdout
// stays data only (`kite app new ... --json > out.json` still prompts).

import { select, text, confirm, isCancel } from '@clack/prompts';
import { CancelledError } from '../core/errors.js';
import type { Choice, Prompter, TextPromptOptions } from '../ports/prompter.js';

const io = { input: process.stdin, output: process.stderr };

function answered<T>(value: T): Exclude<T, symbol> {
  if (isCancel(value)) throw new CancelledError('cancelled at a prompt');
  return value as Exclude<T, symbol>;
}

export const clackPrompter: Prompter = {
  async select<T extends string>(message: string, options: Choice<T>[]): Promise<T> {
    // clack's Option<T> is a conditional type; ours is the primitive branch of it
    const opts = options.map((o) => ({ value: o.value, label: o.label, hint: o.hint })) as Parameters<typeof select<T>>[0]['options'];
    return answered(await select<T>({ ...io, message, options: opts }));
  },

  async text(message: string, options: TextPromptOptions = {}): Promise<string> {
    const { validate, placeholder, defaultValue } = options;
    const answer = answered(
      await text({
        ...io,
        message,
        placeholder,
        defaultValue,
        // clack passes undefined for an empty answer; an empty answer with a default is fine
        validate: validate && ((v) => ((v ?? '') === '' && defaultValue !== undefined ? undefined : validate(v ?? ''))),
      }),
    );
    return answer === '' && defaultValue !== undefined ? defaultValue : answer;
  },

  async confirm(message: string): Promise<boolean> {
    return answered(await confirm({ ...io, message, initialValue: false }));
  },
};
