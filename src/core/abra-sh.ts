// What kite reads from a recipe's abra.sh without running it:
// - `export KEY=VALUE` lines: config/entrypoint versions that abra merges
//   into the app env before interpolating the compose files;
// - shell function names: the commands `abra app cmd` can run.
// Like abra, this is a line scan, not a shell parser.

/**
 * `export KEY=VALUE` lines starting at column 0 (indented exports inside
 * function bodies are not read). Surrounding quotes are stripped; an
 * unquoted value ends at whitespace (so a trailing `# comment` is dropped).
 * Later lines win.
 */
export function readAbraShExports(text: string): Record<string, string> {
  const exports: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^export[ \t]+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    exports[m[1]] = unquote(m[2]);
  }
  return exports;
}

function unquote(raw: string): string {
  const v = raw.trim();
  const quoted = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/.exec(v);
  if (quoted) return quoted[1] !== undefined ? quoted[1].replace(/\\(.)/g, '$1') : (quoted[2] ?? '');
  return v.split(/[ \t]/)[0];
}

/**
 * Names of shell functions defined as `name() {`, `name () {` or
 * `function name {` / `function name() {`, in file order, without
 * duplicates. Names starting with `_` are private helpers and left out.
 */
export function readAbraShFunctions(text: string): string[] {
  const names: string[] = [];
  const NAME = '([A-Za-z_][A-Za-z0-9_:.-]*)';
  const forms = [
    new RegExp(`^\\s*function\\s+${NAME}\\s*(?:\\(\\s*\\))?\\s*(?:\\{|$)`),
    new RegExp(`^\\s*${NAME}\\s*\\(\\s*\\)\\s*(?:\\{|$)`),
  ];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue;
    for (const form of forms) {
      const m = form.exec(line);
      if (m) {
        if (!m[1].startsWith('_') && !names.includes(m[1])) names.push(m[1]);
        break;
      }
    }
  }
  return names;
}
