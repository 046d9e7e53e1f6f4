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
    const f = fieldLine(line);
    if (f) out[f.key] = f.value;
  }
  return out;
}

/**
 * One `* **Key**: value` field: from the metadata block when it is there,
 * else from the first such line anywhere in the README (`Maintainers` is
 * often written below the block).
 */
export function readmeField(readme: string, key: string): string | undefined {
  const inBlock = readmeMetadata(readme)?.[key];
  if (inBlock !== undefined) return inBlock;
  for (const line of readme.split(/\r?\n/)) {
    const f = fieldLine(line);
    if (f?.key === key) return f.value;
  }
  return undefined;
}

function fieldLine(line: string): { key: string; value: string } | undefined {
  const m = /^\s*[*-]\s*\*\*([^*]+)\*\*\s*:?\s*(.*)$/.exec(line);
  return m ? { key: m[1].trim().replace(/:$/, ''), value: m[2].trim() } : undefined;
}
