// The operator's editor ($EDITOR, else vi), for `app config`.

export interface Editor {
  /** the command line to run and whether it came from $EDITOR */
  command(): { command: string; fromEnv: boolean };
  /** runs it on `file` on the terminal; its exit code (null when killed by a signal) */
  run(command: string, file: string): Promise<number | null>;
}
