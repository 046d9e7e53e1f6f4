// App domains: the env file name and the source of STACK_NAME.

import { dirname, join } from 'node:path';
import { RecipeError } from './errors.js';

const LABEL = '[a-z0-9]([a-z0-9-]*[a-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`, 'i');

/** What is wrong with a domain name, or undefined when it is fine. */
export function domainProblem(domain: string): string | undefined {
  if (domain === '') return 'a domain is needed';
  if (domain.length > 253) return `"${domain}" is longer than 253 characters`;
  if (!DOMAIN.test(domain)) return `"${domain}" is not a valid domain name (letters, digits, '-' and '.')`;
  return undefined;
}

/** Refuses an app whose env file name is not a valid domain (a hand-placed `Foo_Bar!.env`), naming the file. */
export function checkAppDomain(ref: { domain: string; path: string }): void {
  const problem = domainProblem(ref.domain);
  if (problem) {
    throw new RecipeError(
      `the file name gives the app domain ${JSON.stringify(ref.domain)}, which is not a valid domain name (letters, digits, '-' and '.', at most 253 characters)`,
      ref.path,
      undefined,
      `rename the file to <domain>.env, e.g. ${join(dirname(ref.path), 'app.example.com.env')}`,
    );
  }
}
