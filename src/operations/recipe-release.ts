// `recipe release`: publish a recipe version as abra does (spec §6.2, §6.3):
// release notes in release/<version>, one commit `chore: publish <version>
// release` holding the version label and the notes, an annotated tag
// `<version>` with the same message, and with --publish a push of the
// branch and the tag to origin.
//
// The version is the argument, else the one -x/-y/-z computes (as sync),
// else the one the version label already says (the usual sync-then-release).
// abra's maintainer flow is `recipe upgrade` → `recipe sync` → `recipe
// release`: what those left uncommitted (image tags, the version label) and
// any other pending change to a recipe file (isReleaseFile: the compose
// files, .env.sample, abra.sh, README.md, release/ notes) goes into the
// release commit. A change to any other file is refused, naming it, unless
// the maintainer, asked on a terminal, agrees to commit it too.
// Refusals change nothing: such a change, a critical lint failure, a version
// that exists or is not newer, missing release notes without a terminal.
// Release notes come from release/next (renamed with git mv, abra's newer
// convention [M]), an existing release/<version>, --notes / --notes-file,
// or a prompt; --no-notes releases without them.

import { join } from 'node:path';
import type { Ports } from '../ports/index.js';
import type { RecipeFileStore } from '../ports/recipe-files.js';
import type { RecipeWorktree, StatusEntry } from '../ports/recipe-worktree.js';
import { criticalFailures, lintRecipe } from '../core/lint/index.js';
import { setVersionLabel } from '../core/recipe-edit.js';
import { ConflictError, NotFoundError, RecipeError, UsageError } from '../core/errors.js';
import { checkNewVersion, planVersion, releases, versionLabels, type VersionInput } from './recipe-sync.js';

export const NEXT_NOTES = 'release/next';

export function releaseMessage(version: string): string {
  return `chore: publish ${version} release`;
}

/**
 * A file whose pending change belongs in a release commit: a compose file
 * of the recipe (`composeFiles`: root compose*.yml and what COMPOSE_FILE
 * names), .env.sample, abra.sh, README.md (the catalogue reads its metadata)
 * or a release note (release/<version>, release/next).
 */
export function isReleaseFile(path: string, composeFiles: string[]): boolean {
  return composeFiles.includes(path) || ['.env.sample', 'abra.sh', 'README.md'].includes(path) || /^release\/[^/]+$/.test(path);
}

export interface ReleaseInput extends VersionInput {
  /** notes text; false = --no-notes */
  notes?: string | false;
  notesFile?: string;
  /** asked when no notes are given and there is a terminal; '' = none */
  askNotes?: (version: string) => Promise<string>;
  /** on a terminal: commit these changes to files that are not the recipe's too? (absent: refuse them) */
  confirmOthers?: (changes: string[], recipeFiles: string[]) => Promise<boolean>;
  dryRun: boolean;
  publish: boolean;
}

export type NotesSource = 'release/next' | 'existing' | '--notes' | '--notes-file' | 'prompt' | 'none';

export interface ReleaseResult {
  recipe: string;
  version: string;
  lastRelease?: string;
  /** compose files whose version label this release changes */
  labelFiles: string[];
  /** the paths the release commit holds (or, in a dry run, would hold) */
  files: string[];
  notes: { source: NotesSource; path?: string };
  commit?: string;
  tag: string;
  branch?: string;
  pushed?: { remote: string; url?: string; refs: string[] };
  /** the tag existed at HEAD already: only the push was done */
  publishedOnly: boolean;
  dryRun: boolean;
  /** what was (or, in a dry run, would be) done, in order */
  steps: string[];
}

export async function releaseRecipe(ports: Pick<Ports, 'worktrees' | 'recipeFiles'>, dir: string, recipe: string, input: ReleaseInput): Promise<ReleaseResult> {
  const { recipeFiles } = ports;
  const wt = await ports.worktrees.open(dir);
  const head = await wt.head();
  if (!head) throw new ConflictError(`recipe ${recipe} has no commits yet`, 'commit the recipe first');
  const branch = await wt.branch();
  if (input.publish && !branch) throw new ConflictError(`recipe ${recipe} is not on a branch (detached HEAD): nothing to push the release on`, 'check out the branch to release from (git checkout main)');

  const files = await recipeFiles.readAll(dir, recipe);
  const labels = versionLabels(files);
  const { tags, list } = await releases(wt);
  const last = list.versions.at(-1)?.tag;

  // the version: argument, -x/-y/-z, or the label as sync left it
  let version: string;
  let edits = new Map<string, string>();
  const explicit = input.version ?? (input.bump ? undefined : labels[0].value || undefined);
  if (explicit === undefined && !input.bump) {
    throw new UsageError(`no version to release: the version label of ${recipe} is empty`, `run \`kite recipe sync ${recipe}\` first, or pass the version (kite recipe release ${recipe} <X.Y.Z+upstream>) or -x/-y/-z`);
  }
  const existing = explicit !== undefined ? tags.find((t) => t.name === explicit) : undefined;
  if (existing) {
    // released already: with --publish at that very commit, finish the publishing
    if (input.publish && existing.annotated && existing.commit === head && (await wt.status()).length === 0) {
      return publishOnly(wt, recipe, existing.name, branch!, last, input.dryRun);
    }
    throw new ConflictError(`${explicit} is already released (tag ${explicit} exists)`, input.version ? 'pick a newer version' : `run \`kite recipe sync ${recipe}\` to compute the next version, or pass one`);
  }
  if (explicit !== undefined) {
    version = checkNewVersion(explicit, tags.map((t) => t.name), last);
    for (const site of labels) if (site.value !== version) edits.set(site.file, setVersionLabel(files.composeFiles[site.file], site, version));
  } else {
    const plan = await planVersion(wt, files, input);
    version = plan.version;
    edits = plan.edits;
  }
  const tag = version;
  const labelFiles = [...new Set(labels.filter((l) => edits.has(l.file) || l.value === version).map((l) => l.file))];

  // pending changes to the recipe's files go into the release; others are refused (or, asked, committed too)
  const notesPath = `release/${version}`;
  const status = await wt.status();
  const composePaths = Object.keys(files.composeFiles);
  const others = status.filter((e) => ![e.path, ...(e.from ? [e.from] : [])].every((p) => isReleaseFile(p, composePaths)));
  const described = others.map((e) => `${e.from ? `${e.from} → ` : ''}${e.path} (${e.code.trim() || 'changed'})`);
  const pending = status.filter((e) => !others.includes(e)).map((e) => e.path);
  let confirmOthers = false;
  if (others.length && input.confirmOthers && !input.dryRun) confirmOthers = await input.confirmOthers(described, pending);
  if (others.length && !confirmOthers && !(input.dryRun && input.confirmOthers)) {
    throw new ConflictError(
      `recipe ${recipe} has uncommitted changes to files that are not the recipe's: ${described.join(', ')}`,
      `a release commits pending changes to compose files, .env.sample, abra.sh, README.md and release/ only: commit the others first (git -C ${dir} commit), remove them (or list them in .gitignore), or discard everything (kite recipe reset ${recipe}); on a terminal kite asks whether to commit them too; see \`kite recipe diff ${recipe}\``,
    );
  }

  const critical = criticalFailures(lintRecipe(files));
  if (critical.length) {
    throw new RecipeError(
      `recipe ${recipe} fails ${critical.length} critical lint rule${critical.length > 1 ? 's' : ''}: ${critical.map((r) => `${r.ref} (${r.description}${r.details[0] ? `: ${r.details[0]}` : ''})`).join(', ')}`,
      undefined,
      undefined,
      `fix them first (kite recipe lint ${recipe})`,
    );
  }
  await wt.requireIdentity();

  const notes = await releaseNotes(recipeFiles, dir, version, input);
  const message = releaseMessage(version);
  const steps: string[] = [];
  for (const f of edits.keys()) steps.push(`set the version label in ${f} to ${version}`);
  if (others.length && input.dryRun) steps.push(`ask whether to commit these too: ${described.join(', ')}`);
  if (notes.source === 'release/next') steps.push(`rename ${NEXT_NOTES} to ${notesPath} (git mv)`);
  else if (notes.text !== undefined) steps.push(`write ${notesPath} (${notes.source})`);
  else if (notes.source === 'existing') steps.push(`use ${notesPath} as written`);
  else if (notes.source === 'prompt') steps.push(`ask for the release notes and write them to ${notesPath}`);
  else steps.push('no release notes');
  const renamedNext = notes.source === 'release/next';
  const committed = [...new Set([...(confirmOthers || input.dryRun ? status.map((e) => e.path) : pending), ...labelFiles, ...(notes.source === 'none' ? [] : [notesPath])])]
    .filter((p) => !(renamedNext && p === NEXT_NOTES))
    .sort();
  steps.push(`commit "${message}" with ${committed.join(', ') || 'no changes (tag HEAD)'}`, `tag ${tag} (annotated, "${message}")`);
  const remoteUrl = input.publish ? await wt.remoteUrl('origin') : undefined;
  if (input.publish) {
    if (!remoteUrl) throw new ConflictError(`recipe ${recipe} has no origin remote to publish to`, `add one (git -C ${dir} remote add origin <url>) or release without --publish`);
    steps.push(`push ${branch} and ${tag} to origin (${remoteUrl})`);
  }
  const result: ReleaseResult = {
    recipe,
    version,
    lastRelease: last,
    labelFiles,
    files: committed,
    notes: { source: notes.source, path: notes.source === 'none' ? undefined : notesPath },
    tag,
    branch,
    publishedOnly: false,
    dryRun: input.dryRun,
    steps,
  };
  if (input.dryRun) return result;

  for (const [file, text] of edits) recipeFiles.replace(join(dir, file), text);
  if (notes.source === 'release/next') {
    // a tracked release/next moves in git; an untracked one is just renamed
    if (status.some((e) => e.path === NEXT_NOTES && e.code === '??')) recipeFiles.rename(join(dir, NEXT_NOTES), join(dir, notesPath));
    else await wt.move(NEXT_NOTES, notesPath);
  } else if (notes.text !== undefined) {
    recipeFiles.write(join(dir, notesPath), notes.text);
  }
  await wt.add([...new Set([...unstaged(status, confirmOthers ? [] : others, renamedNext), ...labelFiles, ...(notes.source === 'none' ? [] : [notesPath])])]);
  // the label and notes may have been committed already: then the tag goes on HEAD
  result.commit = (await wt.hasStaged()) ? await wt.commit(message) : head;
  await wt.annotatedTag(tag, message);
  if (input.publish) {
    const refs = [`refs/heads/${branch}`, `refs/tags/${tag}`];
    await wt.push('origin', refs);
    result.pushed = { remote: 'origin', url: remoteUrl, refs };
  }
  return result;
}

/** Paths with changes not yet staged (so `git add` can stage them), but `skip` and a release/next that was moved. */
function unstaged(status: StatusEntry[], skip: StatusEntry[], renamedNext: boolean): string[] {
  return status.filter((e) => !skip.includes(e) && e.code[1] !== ' ' && !(renamedNext && e.path === NEXT_NOTES)).map((e) => e.path);
}

async function releaseNotes(files: Pick<RecipeFileStore, 'exists' | 'readFile'>, dir: string, version: string, input: ReleaseInput): Promise<{ source: NotesSource; text?: string }> {
  const hasNext = files.exists(join(dir, NEXT_NOTES));
  const hasOwn = files.exists(join(dir, 'release', version));
  const given = input.notes !== undefined && input.notes !== false ? '--notes' : input.notesFile !== undefined ? '--notes-file' : undefined;
  if (input.notes !== undefined && input.notesFile !== undefined) throw new UsageError('--notes and --notes-file both given', 'pass one of them');
  if (hasNext && hasOwn) throw new ConflictError(`both ${NEXT_NOTES} and release/${version} exist`, 'keep one of them');
  if ((hasNext || hasOwn) && (given || input.notes === false)) {
    throw new UsageError(`${hasNext ? NEXT_NOTES : `release/${version}`} exists and ${given ?? '--no-notes'} was given too`, `drop ${given ?? '--no-notes'}, or remove ${hasNext ? NEXT_NOTES : `release/${version}`}`);
  }
  if (hasNext) return { source: 'release/next' };
  if (hasOwn) return { source: 'existing' };
  if (input.notes === false) return { source: 'none' };
  if (typeof input.notes === 'string') {
    if (input.notes.trim() === '') throw new UsageError('--notes is empty', 'write the notes, or pass --no-notes to release without them');
    return { source: '--notes', text: withNewline(input.notes) };
  }
  if (input.notesFile !== undefined) {
    if (!files.exists(input.notesFile)) throw new NotFoundError(`--notes-file ${input.notesFile} does not exist`);
    const text = files.readFile(input.notesFile) ?? '';
    if (text.trim() === '') throw new UsageError(`--notes-file ${input.notesFile} is empty`, 'write the notes, or pass --no-notes to release without them');
    return { source: '--notes-file', text: withNewline(text) };
  }
  if (input.askNotes) {
    if (input.dryRun) return { source: 'prompt' };
    const text = await input.askNotes(version);
    return text.trim() === '' ? { source: 'none' } : { source: 'prompt', text: withNewline(text) };
  }
  throw new UsageError(`missing release notes for ${version} (no terminal to ask on)`, `write ${NEXT_NOTES}, or pass --notes <text>, --notes-file <file>, or --no-notes`);
}

async function publishOnly(wt: RecipeWorktree, recipe: string, version: string, branch: string, last: string | undefined, dryRun: boolean): Promise<ReleaseResult> {
  const url = await wt.remoteUrl('origin');
  if (!url) throw new ConflictError(`recipe ${recipe} has no origin remote to publish to`, 'add one with git remote add origin <url>');
  const refs = [`refs/heads/${branch}`, `refs/tags/${version}`];
  const result: ReleaseResult = {
    recipe,
    version,
    lastRelease: last,
    labelFiles: [],
    files: [],
    notes: { source: 'existing' },
    tag: version,
    branch,
    publishedOnly: true,
    dryRun,
    steps: [`${version} is already released at HEAD: push ${branch} and ${version} to origin (${url})`],
  };
  if (dryRun) return result;
  await wt.push('origin', refs);
  result.pushed = { remote: 'origin', url, refs };
  return result;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
