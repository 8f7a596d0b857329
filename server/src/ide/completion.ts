// Completion: what may be written at the cursor — keywords valid there, names in scope (lets
// only after their statement), data fields and model members after `.`, options of the kind
// being called, values of an option (enum values, columns of the csv file, data or param
// names), kinds as snippets after `optimizer`, `hypergradient`, `data x =`, `model x =`.
import { resolve as resolvePath, dirname } from 'node:path';
import { declarationKeywords } from '../../../grammar/tokens.js';
import type { LevelDecl } from '../syntax/ast.js';
import type { FieldInfo } from '../model/info.js';
import { loadCsv } from '../model/file-system.js';
import { builtinConstants, levelKeywords, runKeywords, runSettings, type KindSpec, type OptionSpec } from '../model/specs.js';
import type { Analysis } from './analysis.js';
import { cursorAt, type Cursor, type OpenCall } from './cursor.js';
import { formatCount, plural } from './describe.js';
import { formatShape } from '../model/info.js';
import { constantDocs, describeType, findAnyKind, functionDocs, functionNames, keywordDocs, kindLists, kindSignature, type KindList } from './texts.js';
import type { Span } from '../syntax/ast.js';
import { tokensOf } from './tokens.js';

export type CompletionKind =
  | 'keyword' | 'data' | 'model' | 'param' | 'level' | 'let' | 'function' | 'constant'
  | 'option' | 'field' | 'member' | 'kind' | 'value' | 'column' | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert; a snippet (`$1`, `${1:x}`) when `snippet` is set. Defaults to the label. */
  insertText?: string;
  snippet?: boolean;
  sortText?: string;
}

export interface CompletionResult {
  items: CompletionItem[];
  /** What the chosen item replaces: the word around the cursor. */
  range: Span;
}

export function complete(a: Analysis, offset: number): CompletionResult {
  const c = cursorAt(a.text, offset);
  const out = (items: CompletionItem[]): CompletionResult => ({ items: items.filter((i) => !c.prefix || i.label.toLowerCase().startsWith(c.prefix.toLowerCase()) || i.label.toLowerCase().includes(c.prefix.toLowerCase())), range: c.word });
  if (c.inComment || c.inString) return { items: [], range: c.word };
  if (c.memberOf) return out(members(a, c.memberOf));
  if (c.call?.category || c.call?.listOf) {
    const items = inKindCall(a, c, c.call);
    if (items) return out(items);
  }
  const p = c.prev?.text;
  // Declared names are new: nothing to complete after `level`, `data`, `model`, `param`, `let`.
  if (c.prev && ['level', 'data', 'model', 'param', 'let'].includes(p!) && c.prev.start === c.statementStart) return out([]);
  if (p === 'optimizer' && c.block === 'level') return out(kinds('optimizer'));
  if (p === 'hypergradient' && c.block === 'level') return out(kinds('hypergradient mode'));
  if (p === '=' && c.prev3 && c.prev3.start === c.statementStart && (c.statement === 'data' || c.statement === 'model')) return out(kinds(c.statement === 'data' ? 'data source' : 'model kind'));
  if (c.inAbove || c.afterResetFrom) return out(levels(a, c.level));
  if (c.block === 'top' && c.statement === 'level' && !c.atStatementStart && c.prev?.cls === 'name' && c.prev2?.text === 'level') return out([keyword('above')]);
  if (c.block === 'run' && (p === 'backend' || p === 'precision') && c.prev!.start === c.statementStart) {
    const spec = runSettings.find((s) => s.name === p)!;
    return out(spec.type.t === 'enum' ? spec.type.values.map((v) => ({ label: v, kind: 'value' as const, detail: `${p}` })) : []);
  }
  if (c.atStatementStart) return out(statementStarts(a, c));
  if (c.block === 'level' && c.statement === 'params') {
    const items = ownable(a);
    if (c.prev?.cls === 'name' && !['params', 'reset'].includes(p!) && c.prev2?.text !== '.') items.push(keyword('reset', 'reset from ${1:upper}', true));
    return out(items);
  }
  if (c.block === 'top' && c.statement !== 'param') return out([]);
  if (c.block === 'run' && c.statement !== 'report') return out([]);
  return out(expressionNames(a, c));
}

// ------------------------------------------------------------------ statements and keywords

function keyword(label: string, insertText?: string, snippet = false): CompletionItem {
  return { label, kind: 'keyword', detail: 'keyword', ...(keywordDocs[label] ? { documentation: keywordDocs[label] } : {}), ...(insertText ? { insertText, snippet } : {}) };
}

const declSnippets: Record<string, string> = {
  data: 'data ${1:name} = ${2|csv,sinusoid,blobs,ridge|}($3)',
  model: 'model ${1:name} = ${2|linear,mlp,conv,mixture|}(${3:in} -> ${4:out})',
  param: 'param ${1:name}[${2:1}] = ${3:0}',
  level: 'level ${1:name} {\n  params $2\n  loss $0\n}',
  run: 'run {\n  steps ${1:100}\n  seed ${2:0}\n}',
};

const levelSnippets: Record<string, string> = {
  params: 'params $0',
  let: 'let ${1:name} = $0',
  loss: 'loss $0',
  optimizer: 'optimizer ${1|sgd,momentum,adam,adamw,rmsprop|}($0)',
  steps: 'steps ${1:1}',
  hypergradient: 'hypergradient ${1|unrolled,truncated,first_order,darts,neumann,cg,sama,mixflow,forward,mrml|}',
  proximal: 'proximal ${1:1.0}',
};

function statementStarts(a: Analysis, c: Cursor): CompletionItem[] {
  if (c.block === 'top') {
    const hasRun = a.result.program.decls.some((d) => d.kind === 'Run');
    return declarationKeywords.filter((k) => k !== 'run' || !hasRun).map((k) => keyword(k, declSnippets[k], true));
  }
  const once = new Set(['loss', 'optimizer', 'steps', 'hypergradient', 'proximal']);
  if (c.block === 'level') {
    const decl = a.result.program.decls.find((d): d is LevelDecl => d.kind === 'Level' && d.range.start <= c.offset && c.offset <= d.range.end);
    const present = new Set<string>((decl?.body ?? []).filter((s) => s.range.end < c.word.start || s.range.start > c.word.end).map((s) => (s.kind === 'Setting' ? s.key.name : s.kind.toLowerCase())));
    return levelKeywords.filter((k) => !(once.has(k) && present.has(k))).map((k) => keyword(k, levelSnippets[k], true));
  }
  const run = a.result.program.decls.find((d) => d.kind === 'Run' && d.range.start <= c.offset && c.offset <= d.range.end);
  const present = new Set<string>(run?.kind === 'Run' ? run.body.filter((s) => s.kind === 'Setting' && (s.range.end < c.word.start || s.range.start > c.word.end)).map((s) => (s.kind === 'Setting' ? s.key.name : '')) : []);
  return runKeywords.filter((k) => k === 'report' || !present.has(k)).map((k) => {
    const spec = runSettings.find((s) => s.name === k);
    const value = spec?.type.t === 'enum' ? `\${1|${spec.type.values.join(',')}|}` : k === 'budget' ? '${1:4GiB}' : k === 'report' ? '${1:name}: $0' : `\${1:${spec?.default && /^\d/.test(spec.default) ? spec.default : '1'}}`;
    return keyword(k, `${k} ${value}`, true);
  });
}

// ------------------------------------------------------------------ names

function expressionNames(a: Analysis, c: Cursor): CompletionItem[] {
  const m = a.result.model;
  const items: CompletionItem[] = [];
  const constOnly = c.block === 'top'; // param initialisers: constants and functions only
  if (!constOnly) {
    for (const s of a.result.symbols.globals.values()) {
      if (s.kind === 'data') {
        const d = m.data.get(s.name);
        items.push({ label: s.name, kind: 'data', detail: d ? `data · ${d.source}${d.rows != null ? ` · ${formatCount(d.rows)} rows` : ''}` : 'data' });
      } else if (s.kind === 'model') {
        const n = m.nets.get(s.name);
        items.push({ label: s.name, kind: 'model', detail: n ? `model · ${n.kind} · ${plural(n.count, 'param')}` : 'model' });
      } else if (s.kind === 'param') {
        const p = m.params.get(s.name);
        items.push({ label: s.name, kind: 'param', detail: p ? `param ${formatShape(p.shape)}` : 'param' });
      }
    }
    // lets of this level declared before the cursor
    const decl = a.result.program.decls.find((d): d is LevelDecl => d.kind === 'Level' && d.range.start <= c.offset && c.offset <= d.range.end);
    for (const st of decl?.body ?? []) {
      if (st.kind === 'Let' && st.name.name && st.range.end <= c.word.start && (c.statementStart === undefined || st.range.start < c.statementStart)) items.push({ label: st.name.name, kind: 'let', detail: `let in ${decl!.name.name}` });
    }
  }
  for (const f of functionNames) {
    if (c.block !== 'top' && (f === 'normal' || f === 'uniform')) continue;
    if (c.block === 'top' && f === 'init') continue;
    const doc = functionDocs[f];
    items.push({ label: f, kind: 'function', detail: doc?.signature ?? f, ...(doc ? { documentation: doc.doc } : {}), insertText: `${f}($0)`, snippet: true, sortText: `z${f}` });
  }
  for (const k of Object.keys(builtinConstants)) items.push({ label: k, kind: 'constant', detail: constantDocs[k] ?? 'constant', sortText: `z${k}` });
  return items;
}

function ownable(a: Analysis): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const n of a.result.model.nets.values()) {
    items.push({ label: n.name, kind: 'model', detail: `model · ${plural(n.count, 'param')}` });
    items.push({ label: `init(${n.name})`, kind: 'member', detail: `initial values of ${n.name}`, insertText: `init(${n.name})` });
  }
  for (const p of a.result.model.params.values()) items.push({ label: p.name, kind: 'param', detail: `param ${formatShape(p.shape)}` });
  return items;
}

function levels(a: Analysis, self: string | undefined): CompletionItem[] {
  return [...a.result.model.levels.values()].filter((l) => l.name !== self).map((l) => ({ label: l.name, kind: 'level' as const, detail: `level · owns ${plural(l.ownedCount, 'param')}` }));
}

function members(a: Analysis, chain: string[]): CompletionItem[] {
  const [head, ...rest] = chain;
  const m = a.result.model;
  const d = m.data.get(head!);
  if (d) {
    let fields: Record<string, FieldInfo> | undefined = d.fields;
    for (const r of rest) {
      const f: FieldInfo | undefined = fields?.[r];
      fields = f?.kind === 'fields' ? f.fields : undefined;
    }
    return Object.entries(fields ?? {}).map(([name, f]) => ({
      label: name, kind: 'field' as const,
      detail: f.kind === 'fields' ? `fields ${Object.keys(f.fields).join(', ')}` : f.constant ? `constant = ${f.value ?? '?'}` : `${formatShape(f.shape)}${f.int ? ' integer' : ''}`,
    }));
  }
  const n = m.nets.get(head!);
  if (n) {
    if (rest.length === 0) {
      return [
        { label: 'weight', kind: 'member', detail: `all weights of ${n.name} (${n.layers.length})` },
        { label: 'bias', kind: 'member', detail: `all biases of ${n.name}` },
        { label: 'params', kind: 'member', detail: `every parameter of ${n.name} (${formatCount(n.count)})` },
        { label: 'layer', kind: 'member', detail: `one layer, 1..${n.layers.length}`, insertText: 'layer(${1|' + n.layers.map((l) => l.index).join(',') + '|})', snippet: true },
      ];
    }
    const layer = /^layer\((\d+)\)$/.exec(rest[0]!);
    const l = layer ? n.layers.find((x) => x.index === Number(layer[1])) : undefined;
    if (l && rest.length === 1) {
      return [
        { label: 'weight', kind: 'member', detail: formatShape(l.weight.shape) },
        ...(l.bias ? [{ label: 'bias', kind: 'member' as const, detail: formatShape(l.bias.shape) }] : []),
      ];
    }
  }
  return [];
}

// ------------------------------------------------------------------ kinds and their options

function kindSnippet(k: KindSpec): string {
  const required = k.options.filter((o) => o.required);
  if (k.category === 'hypergradient mode' && k.options.length === 0) return k.name;
  const parts = required.map((o, i) => (o.positional !== undefined ? (o.type.t === 'string' ? `"\${${i + 1}:${o.name}}"` : `\${${i + 1}:${o.name === 'widths' ? 'in -> out' : o.name}}`) : `${o.name}: \${${i + 1}}`));
  return `${k.name}(${parts.join(', ')}${parts.length ? '' : '$1'})`;
}

function kinds(category: KindList): CompletionItem[] {
  return kindLists[category].map((k) => {
    const sig = kindSignature(k);
    return { label: k.name, kind: 'kind' as const, detail: sig.signature, documentation: sig.doc, insertText: kindSnippet(k), snippet: true };
  });
}

function inKindCall(a: Analysis, c: Cursor, call: OpenCall): CompletionItem[] | undefined {
  const kind = call.category && call.callee ? findAnyKind(call.callee, call.category) : undefined;
  if (call.category === 'model kind' && call.callee === 'mixture' && !call.argName) {
    // candidates are models; options after them
    return [...kinds('model kind'), ...optionItems(kind!, call)];
  }
  if (!kind) return undefined;
  if (call.listOf) return call.listOf === 'features' ? columns(a, c, call) : [];
  if (call.argName) {
    const o = kind.options.find((x) => x.name === call.argName);
    return o ? optionValues(a, c, call, o) : [];
  }
  if (c.prev && !['(', ','].includes(c.prev.text)) return []; // in the middle of a value
  return optionItems(kind, call);
}

function optionItems(kind: KindSpec, call: OpenCall): CompletionItem[] {
  return kind.options
    .filter((o) => o.positional === undefined && !call.given.includes(o.name))
    .map((o) => ({
      label: o.name, kind: 'option' as const, detail: describeType(o.type), documentation: `${o.required ? 'required' : `default ${o.default ?? '—'}`}`,
      insertText: o.type.t === 'flag' ? o.name : `${o.name}: $0`, snippet: true, sortText: `${o.required ? 'a' : 'b'}${o.name}`,
    }));
}

function optionValues(a: Analysis, c: Cursor, call: OpenCall, o: OptionSpec): CompletionItem[] {
  switch (o.type.t) {
    case 'enum': return o.type.values.map((v) => ({ label: v, kind: 'value' as const, detail: o.name }));
    case 'flag': return ['true', 'false'].map((v) => ({ label: v, kind: 'value' as const }));
    case 'column': return columns(a, c, call);
    case 'columns': return columns(a, c, call).map((i) => ({ ...i, insertText: `[${i.label}$0]`, snippet: true }));
    case 'standardize': return [...a.result.model.data.values()].map((d) => ({ label: d.name, kind: 'data' as const, detail: `statistics of ${d.name}` }));
    case 'param': return [...a.result.model.params.values()].map((p) => ({ label: p.name, kind: 'param' as const, detail: formatShape(p.shape) }));
    case 'scalar': return expressionNames(a, { ...c, block: c.block === 'level' ? 'level' : 'top' }).filter((i) => i.kind !== 'data' && i.kind !== 'model');
    default: return [];
  }
}

/** Columns of the csv file of the call: from the checked model, else read from the path written in the call. */
function columns(a: Analysis, c: Cursor, call: OpenCall): CompletionItem[] {
  let cols: string[] | undefined;
  let rows: number | undefined;
  const decl = a.result.program.decls.find((d) => d.kind === 'Data' && d.range.start <= call.open && call.open <= d.range.end);
  const info = decl?.kind === 'Data' ? a.result.model.data.get(decl.name.name) : undefined;
  if (info?.file?.columns) {
    cols = info.file.columns;
    rows = info.file.fileRows;
  } else {
    const { tokens } = tokensOf(a.text);
    const path = tokens.find((t) => t.start > call.open && t.cls === 'string');
    if (path && path.start < c.offset) {
      const table = loadCsv(a.fs, resolvePath(dirname(a.path), JSON.parse(path.text) as string));
      cols = table?.columns;
      rows = table?.rows;
    }
  }
  const given = new Set(call.listOf ? call.listed : []);
  return (cols ?? []).filter((x) => !given.has(x)).map((col) => ({
    label: col, kind: 'column' as const, detail: `column of ${info?.file?.path ?? 'the file'}${rows !== undefined ? ` (${formatCount(rows)} rows)` : ''}`,
    ...(/^[A-Za-z_][A-Za-z0-9_]*$/.test(col) ? {} : { insertText: JSON.stringify(col) }),
  }));
}

