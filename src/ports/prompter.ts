// Asking the operator something on the terminal. Commands never call this
// directly when a flag could answer instead: src/cli/prompt.ts decides
// whether asking is allowed (a TTY on stdin and stderr, no -n/--no-input)
// and otherwise fails naming the flag to pass.
//
// Every method rejects with CancelledError (exit 130) when the operator
// cancels (Ctrl-C / Escape).

export interface Choice<T extends string> {
  value: T;
  label?: string;
  hint?: string;
}

export interface TextPromptOptions {
  /** returns a message saying what is wrong, or undefined when the value is fine */
  validate?: (value: string) => string | undefined;
  /** shown greyed out while the answer is empty */
  placeholder?: string;
  /** the answer when the operator just presses Enter */
  defaultValue?: string;
}

export interface Prompter {
  select<T extends string>(message: string, options: Choice<T>[]): Promise<T>;
  text(message: string, options?: TextPromptOptions): Promise<string>;
  confirm(message: string): Promise<boolean>;
}
