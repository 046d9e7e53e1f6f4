// App domains: the env file name and the source of STACK_NAME.

const LABEL = '[a-z0-9]([a-z0-9-]*[a-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`, 'i');

/** What is wrong with a domain name, or undefined when it is fine. */
export function domainProblem(domain: string): string | undefined {
  if (domain === '') return 'a domain is needed';
  if (domain.length > 253) return `"${domain}" is longer than 253 characters`;
  if (!DOMAIN.test(domain)) return `"${domain}" is not a valid domain name (letters, digits, '-' and '.')`;
  return undefined;
}
