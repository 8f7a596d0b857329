// Conversions between the ide layer's offsets and the protocol's line/character positions.
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver/node';
import type { LineIndex } from '../syntax/line-index.js';
import type { Span } from '../syntax/ast.js';
import type { Analysis } from '../ide/analysis.js';

export function toRange(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

const severities: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostics(analysis: Analysis, uri: string): LspDiagnostic[] {
  return analysis.result.diagnostics.map((d) => ({
    range: toRange(analysis.lines, d.range),
    severity: severities[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: 'mlo',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri, range: toRange(analysis.lines, r.range) }, message: r.message })),
    data: d.data,
  }));
}
