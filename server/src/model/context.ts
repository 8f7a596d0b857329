// What every checking pass shares: the diagnostics being collected, the symbol table and the
// facts established so far (data sources, models, params).

import { dirname, resolve } from 'node:path';
import type { Span } from '../syntax/ast.js';
import { diagnostic, type Args, type Diagnostic, type RelatedInfo } from './diagnostics.js';
import type { FileSystem } from './file-system.js';
import type { CsvTable } from './csv.js';
import { loadCsv } from './file-system.js';
import type { DataInfo, NetInfo, ParamInfo } from './info.js';
import { SymbolTable } from './symbols.js';

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly symbols = new SymbolTable();
  readonly data = new Map<string, DataInfo>();
  readonly nets = new Map<string, NetInfo>();
  readonly params = new Map<string, ParamInfo>();

  /** CSV tables by absolute path, read once per check. */
  readonly tables = new Map<string, CsvTable | undefined>();

  constructor(
    readonly text: string,
    readonly documentPath: string,
    readonly fs: FileSystem,
  ) {}

  /** How many of the diagnostics are errors (kept as they come, so asking is not a scan). */
  errorCount = 0;

  report(code: string, range: Span, args: Args = {}, extra: { related?: RelatedInfo[]; data?: Record<string, unknown> } = {}): void {
    const d = diagnostic(code, range, args, extra);
    if (d.severity === 'error') this.errorCount++;
    this.diagnostics.push(d);
  }

  /** A CSV file's table (cached across checks by the file system's stamp, and within one check by path). */
  csv(absPath: string): CsvTable | undefined {
    if (!this.tables.has(absPath)) this.tables.set(absPath, loadCsv(this.fs, absPath));
    return this.tables.get(absPath);
  }

  private readonly resolved = new Map<string, string>();

  /** A path as written in the program, made absolute against the document's folder. */
  resolvePath(relative: string): string {
    let r = this.resolved.get(relative);
    if (r === undefined) this.resolved.set(relative, (r = resolve(dirname(this.documentPath), relative)));
    return r;
  }

  /** Source text of a range, for messages that quote the program. */
  textOf(range: Span): string {
    return this.text.slice(range.start, range.end);
  }
}
