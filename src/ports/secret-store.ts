// Where an operator keeps secret values on their own machine, for one app:
// abra's `--pass`, the `pass` password store (src/adapters/pass-store.ts).
// Values go in and are never read back, returned or logged.

export interface SecretStore {
  /** the entry of a secret, for messages (`hosts/<server>/<domain>/<secret>`) */
  entry(secret: string): string;
  /** store (or replace) the value of a secret */
  insert(secret: string, value: string): Promise<void>;
  /** remove a secret's entry; false when there was none */
  remove(secret: string): Promise<boolean>;
}
