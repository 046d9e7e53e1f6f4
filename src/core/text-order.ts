// Ordering of identifiers (names, ISO timestamps, tags): by their UTF-16 code
// units, the same everywhere. String.prototype.localeCompare would sort by
// the machine's locale and, on its first call, load ICU's collation data:
// ~12 ms of every command that sorts anything.

/** compare two strings code unit by code unit, for Array.prototype.sort */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
