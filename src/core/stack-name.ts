// The Docker stack name of an app, derived from its domain as abra's
// SanitiseAppName does: every `.` becomes `_`, then the name is cut to 45
// characters so derived object names (`<stack>_<secret>_<version>`) stay
// within Docker's 64-character limit. Existing secrets, volumes and services
// are found by this name, so it must match abra byte for byte.

/** abra's MAX_SANITISED_APP_NAME_LENGTH */
export const MAX_SANITISED_APP_NAME_LENGTH = 45;

export function stackName(domain: string): string {
  return domain.replaceAll('.', '_').slice(0, MAX_SANITISED_APP_NAME_LENGTH);
}

/**
 * The other apps of `server` whose domains give the same stack name as
 * `domain`: they would share every Docker object (services, volumes,
 * secrets, configs) with it.
 */
export function sameStackApps<T extends { domain: string; server: string }>(apps: T[], server: string, domain: string): T[] {
  const stack = stackName(domain);
  return apps.filter((a) => a.server === server && a.domain !== domain && stackName(a.domain) === stack);
}
