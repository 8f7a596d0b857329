// Conversions between the ide layer's offsets and plain kinds and the protocol's positions,
// ranges and enumerations.
import {
  CompletionItemKind,
  DiagnosticSeverity,
  DocumentHighlightKind,
  InsertTextFormat,
  SymbolKind,
  type CompletionItem as LspCompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Range,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import type { LineIndex } from '../syntax/line-index.js';
import type { Span } from '../syntax/ast.js';
import type { Analysis } from '../ide/analysis.js';
import type { CompletionItem, CompletionKind } from '../ide/completion.js';
import type { OutlineKind, OutlineSymbol } from '../ide/symbols.js';
import type { TextEdit } from '../ide/navigation.js';
import type { Highlight } from '../ide/navigation.js';
import { tokenModifiers, tokenTypes, type SemanticToken } from '../ide/semantic-tokens.js';

export function toRange(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

export function toSpan(lines: LineIndex, range: Range): Span {
  const a = lines.offsetAt(range.start);
  const b = lines.offsetAt(range.end);
  return { start: Math.min(a, b), end: Math.max(a, b) };
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

export function toEdits(lines: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: toRange(lines, e.range), newText: e.newText }));
}

const completionKinds: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  data: CompletionItemKind.Variable,
  model: CompletionItemKind.Class,
  param: CompletionItemKind.Variable,
  level: CompletionItemKind.Module,
  let: CompletionItemKind.Variable,
  function: CompletionItemKind.Function,
  constant: CompletionItemKind.Constant,
  option: CompletionItemKind.Property,
  field: CompletionItemKind.Field,
  member: CompletionItemKind.Field,
  kind: CompletionItemKind.Constructor,
  value: CompletionItemKind.EnumMember,
  column: CompletionItemKind.Field,
  snippet: CompletionItemKind.Snippet,
};

export function toCompletionItem(lines: LineIndex, range: Span, item: CompletionItem, snippets: boolean): LspCompletionItem {
  const insert = item.insertText ?? item.label;
  const asSnippet = !!item.snippet && snippets;
  const text = item.snippet && !snippets ? stripSnippet(insert) : insert;
  return {
    label: item.label,
    kind: completionKinds[item.kind],
    ...(item.detail ? { detail: item.detail } : {}),
    ...(item.documentation ? { documentation: { kind: 'markdown', value: item.documentation } } : {}),
    ...(item.sortText ? { sortText: item.sortText } : {}),
    textEdit: { range: toRange(lines, range), newText: text },
    insertTextFormat: asSnippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
}

/** A snippet as plain text, for clients without snippet support: placeholders become their defaults. */
export function stripSnippet(s: string): string {
  return s
    .replace(/\$\{\d+\|([^,|}]*)[^}]*\|\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\}|\$\d+/g, '');
}

const symbolKinds: Record<OutlineKind, SymbolKind> = {
  data: SymbolKind.Variable,
  model: SymbolKind.Class,
  param: SymbolKind.Variable,
  level: SymbolKind.Module,
  run: SymbolKind.Event,
  let: SymbolKind.Variable,
  statement: SymbolKind.Property,
  setting: SymbolKind.Property,
};

export function toSymbolKind(k: OutlineKind): SymbolKind {
  return symbolKinds[k];
}

export function toDocumentSymbol(lines: LineIndex, s: OutlineSymbol): DocumentSymbol {
  return {
    name: s.name,
    ...(s.detail ? { detail: s.detail } : {}),
    kind: symbolKinds[s.kind],
    range: toRange(lines, s.range),
    selectionRange: toRange(lines, s.selectionRange),
    ...(s.children ? { children: s.children.map((c) => toDocumentSymbol(lines, c)) } : {}),
  };
}

export function toHighlightKind(h: Highlight): DocumentHighlightKind {
  return h.kind === 'write' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read;
}

export const semanticLegend = { tokenTypes: [...tokenTypes], tokenModifiers: [...tokenModifiers] };

/** The protocol's relative integer encoding; tokens never span lines (names, options, units). */
export function encodeSemanticTokens(lines: LineIndex, tokens: readonly SemanticToken[]): number[] {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of tokens) {
    const p = lines.positionAt(t.range.start);
    const e = lines.positionAt(t.range.end);
    if (e.line !== p.line) continue;
    const deltaLine = p.line - prevLine;
    const deltaChar = deltaLine === 0 ? p.character - prevChar : p.character;
    let mods = 0;
    for (const m of t.modifiers) mods |= 1 << tokenModifiers.indexOf(m);
    data.push(deltaLine, deltaChar, e.character - p.character, tokenTypes.indexOf(t.type), mods);
    prevLine = p.line;
    prevChar = p.character;
  }
  return data;
}
