// The README metadata block the catalogue reads (spec §5.7):
//   <!-- metadata -->
//   * **Category**: Apps
//   * **Status**: 3, stable
//   ...
//   <!-- endmetadata -->
// Values are kept as written (emoji scores of old READMEs included).

export const METADATA_KEYS = ['Category', 'Status', 'Image', 'Healthcheck', 'Backups', 'Email', 'Tests', 'SSO'] as const;

/** The block's `key → value`, or undefined when the README has no block. */
export function readmeMetadata(readme: string): Record<string, string> | undefined {
  const start = readme.indexOf('<!-- metadata -->');
  if (start < 0) return undefined;
  const end = readme.indexOf('<!-- endmetadata -->', start);
  const block = readme.slice(start, end < 0 ? undefined : end);
  const out: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const m = /^\s*[*-]\s*\*\*([^*]+)\*\*\s*:?\s*(.*)$/.exec(line);
    if (m) out[m[1].trim().replace(/:$/, '')] = m[2].trim();
  }
  return out;
}
