// Shell completion, the pure part: given a description of the command tree,
// the words typed so far and listings of $ABRA_DIR, say what may come next.
// The shell scripts (bash, zsh, fish) are tiny: they hand the words to
// `kite __complete -- <words...>` and offer the lines it prints, each a
// candidate optionally followed by a tab and a description.

export interface OptionSpec {
  /** every spelling, e.g. ['-s', '--server'] */
  flags: string[];
  description: string;
  /** name of the value the option takes (`--server <server>` → 'server'); undefined for flags */
  value?: string;
  /** the values it accepts, when it declares them */
  choices?: string[];
}

export interface ArgSpec {
  name: string;
  variadic: boolean;
  choices?: string[];
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  description: string;
  options: OptionSpec[];
  args: ArgSpec[];
  commands: CommandSpec[];
}

export interface Candidate {
  value: string;
  description?: string;
}

/** What $ABRA_DIR holds; called only when that kind of value is wanted. */
export interface Listings {
  /** app domains, described by their server */
  domains(): Candidate[];
  servers(): string[];
  recipes(): string[];
}

type ValueKind = 'domain' | 'server' | 'recipe' | 'command' | 'shell' | 'none';

/** Commands that name something new: completing existing names there would only mislead. */
const NAMES_NEW: Record<string, string> = { 'server add': 'server', 'app new': 'domain' };

/**
 * What a positional argument or option value named `name` holds. Commands
 * name them after what they take (`<domain>`, `--server <server>`,
 * `<recipe>`).
 */
function kindOf(name: string, path: string[]): ValueKind {
  if (NAMES_NEW[path.join(' ')] === name) return 'none';
  if (name === 'domain' || name === 'app') return 'domain';
  if (name === 'server') return 'server';
  if (name === 'recipe') return 'recipe';
  if (name === 'command') return 'command'; // `kite help <command>`
  if (name === 'shell') return 'shell'; // `kite autocomplete <shell>`
  return 'none';
}

interface Walk {
  node: CommandSpec;
  parent?: CommandSpec;
  path: string[];
  /** options of the node and of its ancestors (global flags work at any depth) */
  options: OptionSpec[];
  /** positional arguments taken so far by the node */
  positional: number;
  /** an option whose value is the next word */
  pending?: OptionSpec;
  afterDashDash: boolean;
  /** option spellings already used */
  used: Set<string>;
}

/**
 * Candidates for the last of `words` (the word being completed, possibly
 * empty); `words` are the command-line words after the program name.
 */
export function complete(root: CommandSpec, words: string[], listings: Listings): Candidate[] {
  const typed = words.length > 0 ? words.slice(0, -1) : [];
  const current = words.length > 0 ? words[words.length - 1] : '';
  const w: Walk = { node: root, path: [], options: [...root.options], positional: 0, afterDashDash: false, used: new Set() };
  for (const word of typed) step(w, word);
  return candidatesFor(w, current, listings).filter((c) => c.value.startsWith(current));
}

function step(w: Walk, word: string): void {
  if (w.pending) {
    w.pending = undefined;
    return;
  }
  if (!w.afterDashDash && word === '--') {
    w.afterDashDash = true;
    return;
  }
  if (!w.afterDashDash && word.length > 1 && word.startsWith('-')) {
    const opt = findOption(w.options, word);
    if (!opt) return; // unknown flag: commander will say so when it runs
    opt.flags.forEach((f) => w.used.add(f));
    // `--server=x` and `-sx` carry their value; `-s x` takes the next word
    const attached = word.includes('=') || (!word.startsWith('--') && word.length > 2);
    if (opt.value !== undefined && !attached) w.pending = opt;
    return;
  }
  const sub = w.positional === 0 && !w.afterDashDash ? findCommand(w.node, word) : undefined;
  if (sub) {
    w.parent = w.node;
    w.node = sub;
    w.path.push(sub.name);
    // global flags stay valid below; --help/--version are listed per command
    w.options = [...w.options.filter((o) => !o.flags.includes('--help') && !o.flags.includes('--version')), ...sub.options];
    return;
  }
  w.positional++;
}

function findOption(options: OptionSpec[], word: string): OptionSpec | undefined {
  const flag = word.startsWith('--') ? word.split('=')[0] : word.slice(0, 2);
  return options.find((o) => o.flags.includes(flag));
}

function findCommand(node: CommandSpec, word: string): CommandSpec | undefined {
  return node.commands.find((c) => c.name === word || c.aliases.includes(word));
}

function candidatesFor(w: Walk, current: string, listings: Listings): Candidate[] {
  if (w.pending) return values(w.pending.value ?? '', w.pending.choices, w, listings);

  if (!w.afterDashDash && current.startsWith('--') && current.includes('=')) {
    const [flag] = current.split('=');
    const opt = w.options.find((o) => o.flags.includes(flag));
    if (!opt?.value) return [];
    return values(opt.value, opt.choices, w, listings).map((c) => ({ ...c, value: `${flag}=${c.value}` }));
  }

  if (!w.afterDashDash && current.startsWith('-')) {
    const offered = w.options.filter((o) => !o.flags.some((f) => w.used.has(f)));
    // long spellings first; a short one alone is only offered for `-`
    return offered.flatMap((o) => o.flags.filter((f) => f.startsWith('--') || current.length <= 2).map((f) => ({ value: f, description: o.description })));
  }

  if (w.positional === 0 && w.node.commands.length > 0) {
    const byName = w.node.commands.filter((c) => c.name.startsWith(current)).map((c) => ({ value: c.name, description: c.description }));
    if (byName.length > 0) return byName;
    // nothing by name: offer the aliases (`kite app un` → `un`)
    return w.node.commands.flatMap((c) => c.aliases.filter((a) => a.startsWith(current)).map((a) => ({ value: a, description: c.description })));
  }

  const args = w.node.args;
  if (args.length === 0) return [];
  const last = args[args.length - 1];
  const arg = w.positional < args.length ? args[w.positional] : last.variadic ? last : undefined;
  return arg ? values(arg.name, arg.choices, w, listings) : [];
}

/** values of an argument or option value named `name` */
function values(name: string, choices: string[] | undefined, w: Walk, listings: Listings): Candidate[] {
  if (choices) return choices.map((value) => ({ value }));
  switch (kindOf(name, w.path)) {
    case 'domain':
      return listings.domains();
    case 'server':
      return listings.servers().map((value) => ({ value }));
    case 'recipe':
      return listings.recipes().map((value) => ({ value }));
    case 'command':
      return (w.parent?.commands ?? []).filter((c) => c !== w.node).map((c) => ({ value: c.name, description: c.description }));
    case 'shell':
      return SHELLS.map((value) => ({ value }));
    case 'none':
      return [];
  }
}

/** The lines `kite __complete` prints: `value` or `value<TAB>description`. */
export function formatCandidates(candidates: Candidate[]): string {
  return candidates.map((c) => (c.description ? `${c.value}\t${oneLine(c.description)}` : c.value)).join('\n');
}

function oneLine(text: string): string {
  return text.split('\n')[0].replace(/\t/g, ' ');
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script for a shell; it calls `<bin> __complete -- <words...>`. */
export function completionScript(shell: Shell, bin = 'kite'): string {
  const fn = `_${bin.replace(/[^A-Za-z0-9_]/g, '_')}`;
  switch (shell) {
    case 'bash':
      return `# ${bin} completion for bash
#   load it now:    source <(${bin} autocomplete bash)
#   or for good:    ${bin} autocomplete bash | sudo tee /etc/bash_completion.d/${bin}
${fn}_complete() {
  local line
  COMPREPLY=()
  while IFS= read -r line; do
    [[ -n $line ]] && COMPREPLY+=("\${line%%$'\\t'*}")
  done < <(${bin} __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -F ${fn}_complete ${bin}
`;
    case 'zsh':
      return `#compdef ${bin}
# ${bin} completion for zsh
#   load it now:    source <(${bin} autocomplete zsh)
#   or for good:    ${bin} autocomplete zsh > "\${fpath[1]}/${fn}"
${fn}() {
  local line value width=0
  local -a values descs displays
  for line in "\${(@f)$(${bin} __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
    [[ -n $line ]] || continue
    value="\${line%%$'\\t'*}"
    values+=("$value")
    if [[ $line == *$'\\t'* ]]; then descs+=("\${line#*$'\\t'}"); else descs+=(""); fi
    (( \${#value} > width )) && width=\${#value}
  done
  local i
  for (( i = 1; i <= \${#values}; i++ )); do
    if [[ -n \${descs[i]} ]]; then displays+=("\${(r:width:)values[i]}  -- \${descs[i]}"); else displays+=("\${values[i]}"); fi
  done
  (( \${#values} )) && compadd -l -d displays -a values
}
if [[ "\${funcstack[1]}" == "${fn}" ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${bin}
fi
`;
    case 'fish':
      return `# ${bin} completion for fish
#   load it now:    ${bin} autocomplete fish | source
#   or for good:    ${bin} autocomplete fish > ~/.config/fish/completions/${bin}.fish
function __${bin}_complete
    set -l words (commandline -opc) (commandline -ct)
    ${bin} __complete -- $words[2..-1] 2>/dev/null
end
complete -c ${bin} -f -a '(__${bin}_complete)'
`;
  }
}
