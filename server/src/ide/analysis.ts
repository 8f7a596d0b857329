// One analysed version of one document: the text, its line index and the checked model.
// Every editor feature is a plain function of an Analysis and an offset; nothing here knows
// the protocol, so the same features run in tests, the CLI and the language server.
import { check, type CheckResult } from '../model/check.js';
import type { FileSystem } from '../model/file-system.js';
import { reparse } from '../syntax/incremental.js';
import type { ParsedText } from '../syntax/parse.js';
import { LineIndex } from '../syntax/line-index.js';

export interface Analysis {
  /** Absolute path of the document (data files resolve relative to it). */
  readonly path: string;
  /** The document version the analysis was computed for; results are stamped with it. */
  readonly version: number;
  readonly text: string;
  readonly lines: LineIndex;
  readonly result: CheckResult;
  /** Where data files are read from (completion reads a csv header the checker could not reach). */
  readonly fs: FileSystem;
  /** Data files may have changed since this analysis: the next one must check again. */
  readonly filesChanged?: boolean;
}

/**
 * Analyses one version of a document. Given the analysis of an earlier version, the text is
 * re-parsed incrementally (only the declarations the edit touched). The check runs in full, since
 * any declaration can change what the others mean — unless the edit left every declaration and
 * syntax problem as it was (a comment, blank lines): then the previous check stands as it is.
 */
export function analyze(path: string, text: string, version: number, fs: FileSystem, previous?: Analysis): Analysis {
  const parsed = previous ? reparse(previous.result.parsed, text) : undefined;
  let result: CheckResult;
  if (previous && parsed && !previous.filesChanged && previous.path === path && sameTree(previous.result.parsed, parsed)) {
    // The checked model points at the previous declarations (equal to the new ones, offsets
    // included): the program keeps them too, with the new comments.
    result = { ...previous.result, program: { ...parsed.result.program, decls: previous.result.program.decls }, parsed };
  } else {
    result = check(text, { path, fs, ...(parsed ? { parsed } : {}) });
  }
  return { path, version, text, lines: new LineIndex(text), result, fs };
}

/**
 * Whether two parses have the same declarations and syntax problems, offsets included. Most are
 * the very same objects (kept by the incremental parse); the few re-parsed ones are compared.
 */
function sameTree(a: ParsedText, b: ParsedText): boolean {
  const [da, db] = [a.result.program.decls, b.result.program.decls];
  const [pa, pb] = [a.result.problems, b.result.problems];
  if (da.length !== db.length || pa.length !== pb.length) return false;
  for (let i = 0; i < da.length; i++) if (!equalTrees(da[i], db[i])) return false;
  for (let i = 0; i < pa.length; i++) if (!equalTrees(pa[i], pb[i])) return false;
  return true;
}

/** Structural equality of plain trees (objects, arrays, primitives). */
function equalTrees(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  for (const k of kx) if (!equalTrees((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k])) return false;
  return true;
}
