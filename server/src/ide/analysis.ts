// One analysed version of one document: the text, its line index and the checked model.
// Every editor feature is a plain function of an Analysis and an offset; nothing here knows
// the protocol, so the same features run in tests, the CLI and the language server.
import { check, type CheckResult } from '../model/check.js';
import type { FileSystem } from '../model/file-system.js';
import { reparse } from '../syntax/incremental.js';
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
}

/**
 * Analyses one version of a document. Given the analysis of an earlier version, the text is
 * re-parsed incrementally (only the declarations the edit touched); the check runs in full, since
 * any declaration can change what the others mean.
 */
export function analyze(path: string, text: string, version: number, fs: FileSystem, previous?: Analysis): Analysis {
  const parsed = previous ? reparse(previous.result.parsed, text) : undefined;
  return { path, version, text, lines: new LineIndex(text), result: check(text, { path, fs, ...(parsed ? { parsed } : {}) }), fs };
}
