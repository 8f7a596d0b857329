// How diagnostics are printed on a terminal: `file:line:col: severity CODE: message`,
// lines and columns counted from 1 as compilers do, so editors and CI annotate them.
import { LineIndex } from '../syntax/line-index.js';
import type { Diagnostic } from '../model/diagnostics.js';

export interface PrintedDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

export function printable(file: string, text: string, diagnostics: readonly Diagnostic[]): PrintedDiagnostic[] {
  const index = new LineIndex(text);
  return diagnostics.map((d) => {
    const start = index.positionAt(d.range.start);
    const end = index.positionAt(d.range.end);
    return {
      file,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
    };
  });
}

export function formatLine(d: PrintedDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}
