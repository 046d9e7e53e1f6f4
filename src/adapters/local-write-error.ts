// Local write failures in $ABRA_DIR, in words: a full disk, a read-only file
// system or a denied permission becomes a LocalWriteError naming the file (or
// directory) and saying what to do, instead of a raw errno or git message.

import { dirname } from 'node:path';
import { LocalWriteError } from '../core/errors.js';

const CAUSES: Record<string, { words: string; hint: (dir: string) => string }> = {
  ENOSPC: { words: 'disk full', hint: (dir) => `free some space on the file system that holds ${dir}, then run the command again` },
  EDQUOT: { words: 'disk quota exceeded', hint: (dir) => `free some space within your quota on the file system that holds ${dir} (or ask for a larger quota), then run the command again` },
  EROFS: { words: 'read-only file system', hint: (dir) => `${dir} is on a read-only file system: remount it read-write, or point ABRA_DIR at a writable directory` },
  EACCES: { words: 'permission denied', hint: (dir) => `check the owner and mode of ${dir} (ls -ld ${dir}), or run kite as the user who owns it` },
  EPERM: { words: 'operation not permitted', hint: (dir) => `check the owner, mode and attributes of ${dir} (ls -ld ${dir}; lsattr -d ${dir}), or run kite as the user who owns it` },
};

/**
 * A LocalWriteError for `path` when `e` is a disk-full, read-only or
 * permission error, else `e` unchanged. `dir` is the directory the hint talks
 * about (default: the file's directory).
 */
export function localWriteError(e: unknown, path: string, dir = dirname(path)): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !CAUSES[code] || e instanceof LocalWriteError) return e;
  return newLocalWriteError(path, code, dir);
}

function newLocalWriteError(path: string, code: string, dir: string, message = `cannot write ${path}: ${CAUSES[code].words} (${code})`): LocalWriteError {
  return new LocalWriteError(path, code, message, CAUSES[code].hint(dir));
}

// git says these in its own words (strerror), e.g.
//   fatal: Unable to create '/abra/recipes/x/.git/index.lock': Read-only file system
//   error: cannot open .git/FETCH_HEAD: Permission denied
//   fatal: could not create work tree dir 'x': No space left on device
const GIT_CAUSES: [RegExp, string][] = [
  [/No space left on device/i, 'ENOSPC'],
  [/Disk quota exceeded/i, 'EDQUOT'],
  [/Read-only file system/i, 'EROFS'],
  [/Permission denied/i, 'EACCES'],
  [/Operation not permitted/i, 'EPERM'],
];
// what git was doing when the error above is about writing locally (not about
// a remote that refused us, which also says "Permission denied")
const GIT_LOCAL_WRITE = /unable to (create|write|open|unlink|rename)|could not (create|write|open|lock|rename|unlink)|cannot (create|open|write|lock|mkdir)|index\.lock|insufficient permission|failed to write|error: (fchmod|chmod|mkdir|rename|unlink)/i;

/**
 * A LocalWriteError naming the recipe directory when git failed because it
 * could not write there (read-only, full, not permitted), else undefined.
 * `e` is what simple-git threw (or git's stderr text); `dir` the repository
 * (a recipe clone), named in the message.
 */
export function gitWriteError(e: unknown, dir: string): LocalWriteError | undefined {
  if (e instanceof LocalWriteError) return e;
  const text = typeof e === 'string' ? e : e instanceof Error ? e.message : '';
  if (!GIT_LOCAL_WRITE.test(text)) return undefined;
  const code = GIT_CAUSES.find(([pattern]) => pattern.test(text))?.[1];
  if (!code) return undefined;
  const detail = /^(?:fatal|error): (.*)$/m.exec(text)?.[1]?.trim();
  return newLocalWriteError(dir, code, dir, `cannot write the recipe clone ${dir}: ${CAUSES[code].words}${detail ? ` (git: ${detail})` : ''}`);
}

