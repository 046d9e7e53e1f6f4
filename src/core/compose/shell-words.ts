// Splits a `command:`/`entrypoint:` string into words the way docker/cli does
// (it uses github.com/google/shlex), which is close to, but not exactly, POSIX:
// - words are separated by space, tab, CR or LF;
// - '...' is literal; "..." allows backslash escapes, and a backslash escapes
//   ANY next character (`"a\nb"` gives `anb`, not a newline);
// - outside quotes a backslash escapes the next character;
// - `#` at the start of a word begins a comment up to the end of the line;
//   inside a word (`x#y`) it is an ordinary character;
// - `""` yields an empty word.

export class ShellWordsError extends Error {}

type State = 'start' | 'word' | 'escape' | 'dquote' | 'dquoteEscape' | 'squote' | 'comment';

export function splitShellWords(input: string): string[] {
  const words: string[] = [];
  let state: State = 'start';
  let word = '';
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

  for (const c of input) {
    switch (state) {
      case 'start':
        if (isSpace(c)) break;
        if (c === '#') state = 'comment';
        else if (c === '"') state = 'dquote';
        else if (c === "'") state = 'squote';
        else if (c === '\\') state = 'escape';
        else {
          word = c;
          state = 'word';
        }
        break;
      case 'word':
        if (isSpace(c)) {
          words.push(word);
          word = '';
          state = 'start';
        } else if (c === '"') state = 'dquote';
        else if (c === "'") state = 'squote';
        else if (c === '\\') state = 'escape';
        else word += c;
        break;
      case 'escape':
        word += c;
        state = 'word';
        break;
      case 'dquote':
        if (c === '"') state = 'word';
        else if (c === '\\') state = 'dquoteEscape';
        else word += c;
        break;
      case 'dquoteEscape':
        word += c;
        state = 'dquote';
        break;
      case 'squote':
        if (c === "'") state = 'word';
        else word += c;
        break;
      case 'comment':
        if (c === '\n') state = 'start';
        break;
    }
  }

  switch (state) {
    case 'word':
      words.push(word);
      break;
    case 'escape':
    case 'dquoteEscape':
      throw new ShellWordsError('EOF found after escape character');
    case 'dquote':
    case 'squote':
      throw new ShellWordsError('EOF found when expecting closing quote');
  }
  return words;
}
