// Hover: what the thing under the cursor is, with the facts the checker (and the estimator,
// once registered) knows about it. Markdown text and the range it applies to.
import type { Ident, LevelDecl, Node, Span } from '../syntax/ast.js';
import { formatShape, type DataInfo, type LevelInfo, type NetInfo, type ParamInfo } from '../model/info.js';
import { keywords } from '../../../grammar/tokens.js';
import { runSettings } from '../model/specs.js';
import type { Sym } from '../model/symbols.js';
import type { Analysis } from './analysis.js';
import { fieldLines, formatBytes, formatCount, modeText, netSummary, netTable, optimizerText, plural } from './describe.js';
import { chosenCost, levelEstimate, type LevelEstimate } from './estimates.js';
import { callCategory, callKind } from './kinds.js';
import { constantDocs, describeType, functionDocs, keywordDocs, kindSignature, modeDocs, optionDoc, optionTable } from './texts.js';
import { describeVType, levelTypes } from './types.js';
import { levelOf, pathAt } from './walk.js';

export interface Hover {
  /** Markdown. */
  contents: string;
  range: Span;
}

const keywordSet = new Set<string>(keywords);
const code = (s: string) => `\`\`\`mlo\n${s}\n\`\`\``;

export function hover(a: Analysis, offset: number): Hover | undefined {
  if (inComment(a, offset)) return undefined;
  const path = pathAt(a.result.program, offset);
  const node = path[path.length - 1]!;
  const parent = path[path.length - 2];

  if (node.kind === 'Ident') {
    const h = identHover(a, path, node, parent);
    if (h) return { contents: h, range: node.range };
  }
  // A statement or declaration keyword (`loss`, `level`, `above`, `reset from`): not a node of its own.
  const word = wordAt(a.text, offset);
  if (word && keywordSet.has(word.text) && node.kind !== 'Ident') {
    const doc = keywordDocs[word.text];
    if (doc) return { contents: doc, range: word.range };
  }
  return undefined;
}

function identHover(a: Analysis, path: readonly Node[], node: Ident, parent: Node | undefined): string | undefined {
  // Named argument: an option of a kind or built-in.
  if (parent?.kind === 'Arg' && parent.name === node) {
    const call = path[path.length - 3];
    if (call?.kind === 'Call') {
      const kind = callKind(path.slice(0, -2), call);
      const o = kind?.options.find((x) => x.name === node.name);
      if (kind && o) return optionDoc(kind, o);
      if (node.name === 'axis') return '`axis: k` — reduce along axis `k` (negative axes count from the end).';
    }
    return undefined;
  }
  // A flag argument of a kind (`shuffle`, `standardize`).
  if (parent?.kind === 'Arg' && !parent.name) {
    const call = path[path.length - 3];
    if (call?.kind === 'Call') {
      const kind = callKind(path.slice(0, -2), call);
      const o = kind?.options.find((x) => x.name === node.name && x.type.t === 'flag' || x.name === node.name && x.type.t === 'standardize');
      if (kind && o && !a.result.symbols.symbolAt(node.range.start)) return optionDoc(kind, o);
    }
  }
  // The name of a kind: csv, mlp, adam, cg.
  if (parent?.kind === 'Call' && parent.callee === node) {
    const cat = callCategory(path.slice(0, -1), parent);
    if (cat) {
      const kind = callKind(path.slice(0, -1), parent);
      if (!kind) return undefined;
      const sig = kindSignature(kind);
      const parts = [code(sig.signature), `*${kind.category}* — ${sig.doc}`, optionTable(kind)];
      if (cat === 'hypergradient mode') parts.push(modeCostText(a, path, kind.name));
      return parts.filter(Boolean).join('\n\n');
    }
  }
  // `steps 5`, `backend auto`: the setting keyword and its value.
  if (parent?.kind === 'Setting') {
    const inRun = path.some((n) => n.kind === 'Run');
    const spec = inRun ? runSettings.find((s) => s.name === parent.key.name) : undefined;
    const doc = keywordDocs[parent.key.name] ?? '';
    return [doc, spec ? `Expects ${describeType(spec.type)}; default ${spec.default ?? '—'}.` : ''].filter(Boolean).join('\n\n');
  }
  const at = a.result.symbols.symbolAt(node.range.start);
  if (at && at.range.start === node.range.start) return symbolHover(a, path, at.symbol);
  // A data field or model member: its shape.
  if (parent?.kind === 'Member' && parent.property === node) {
    const t = describeVType(levelTypes(a, levelOf(path)).infer(parent));
    return t ? `${code(a.text.slice(parent.range.start, parent.range.end))}\n\n${t}` : undefined;
  }
  return undefined;
}

function symbolHover(a: Analysis, path: readonly Node[], s: Sym): string | undefined {
  const m = a.result.model;
  switch (s.kind) {
    case 'data': {
      const d = m.data.get(s.name);
      return d ? dataHover(d) : `data ${s.name}`;
    }
    case 'model': {
      const n = m.nets.get(s.name);
      return n ? modelHover(a, n) : `model ${s.name}`;
    }
    case 'param': {
      const p = m.params.get(s.name);
      return p ? paramHover(a, p) : `param ${s.name}`;
    }
    case 'level': {
      const l = m.levels.get(s.name);
      return l ? levelHover(a, l) : `level ${s.name}`;
    }
    case 'let': {
      const decl = s.decl?.kind === 'Let' ? s.decl : undefined;
      const level = a.result.program.decls.find((d): d is LevelDecl => d.kind === 'Level' && d.name.name === s.level && (!decl || (d.range.start <= decl.range.start && decl.range.end <= d.range.end)));
      const t = s.nameRange ? levelTypes(a, level).lets.get(s.nameRange.start) : undefined;
      const shown = t ? describeVType(t) : undefined;
      const value = decl ? a.text.slice(decl.value.range.start, decl.value.range.end) : '';
      return `${code(`let ${s.name} = ${value}`)}\n\n${shown ? `${shown} · ` : ''}a local of level \`${s.level}\``;
    }
    case 'function': {
      const f = functionDocs[s.name];
      return f ? `${code(f.signature)}\n\n${f.doc}` : undefined;
    }
    case 'constant':
      return `${code(s.name)}\n\n${constantDocs[s.name] ?? 'a constant'}`;
  }
  void path;
}

function dataHover(d: DataInfo): string {
  const head = `**data ${d.name}** — \`${d.source}\``;
  const facts: string[] = [];
  if (d.rows !== undefined) facts.push(`rows: ${formatCount(d.rows)}`);
  if (d.batch !== undefined) facts.push(`batch: ${formatCount(d.batch)}`);
  if (d.features !== undefined) facts.push(`features: ${formatCount(d.features)}`);
  if (d.classes !== undefined) facts.push(`classes: ${formatCount(d.classes)}`);
  if (d.tasks !== undefined) facts.push(`tasks per step: ${d.tasks}`);
  const lines = [head, facts.join(' · ')];
  if (d.file) {
    lines.push(`file: \`${d.file.path}\`${d.file.fileRows !== undefined ? ` (${formatCount(d.file.fileRows)} rows)` : ''}`);
    if (d.file.columns) lines.push(`columns: ${d.file.columns.map((c) => `\`${c}\``).join(', ')}`);
  }
  lines.push(`fields (one batch): ${fieldLines(d.fields).join(', ')}`);
  return lines.filter(Boolean).join('\n\n');
}

function ownerOf(a: Analysis, tensor: string): string | undefined {
  for (const l of a.result.model.levels.values()) if (l.owned.some((t) => t.name === tensor)) return l.name;
  return undefined;
}

function modelHover(a: Analysis, n: NetInfo): string {
  const owners = [...new Set(n.tensors.map((t) => ownerOf(a, t.name)).filter(Boolean))];
  return [
    `**model ${n.name}** — \`${n.kind}\``,
    netSummary(n),
    netTable(n),
    owners.length ? `owned by ${owners.map((o) => `\`${o}\``).join(', ')}` : 'owned by no level',
  ].join('\n\n');
}

function paramHover(a: Analysis, p: ParamInfo): string {
  const owner = ownerOf(a, p.name);
  return [
    `**param ${p.name}** ${formatShape(p.shape)}`,
    `${plural(p.count, 'scalar')} (${formatBytes(p.bytes)})`,
    owner ? `owned by \`${owner}\`` : 'owned by no level',
  ].join('\n\n');
}

export function levelHover(a: Analysis, l: LevelInfo): string {
  const lines = [`**level ${l.name}**${l.lowers.length ? ` above ${l.lowers.map((x) => `\`${x}\``).join(', ')}` : ''}${l.uppers.length ? ` · below ${l.uppers.map((x) => `\`${x}\``).join(', ')}` : ''}`];
  lines.push(`owns ${plural(l.ownedCount, 'parameter')} (${formatBytes(l.ownedBytes)}): ${l.owned.map((t) => `\`${t.name}\` ${formatShape(t.shape)}`).join(', ') || 'nothing'}`);
  const facts = [`steps ${l.steps}`, `optimizer \`${optimizerText(l)}\``];
  if (l.lowers.length) facts.push(`hypergradient \`${modeText(l)}\``);
  if (l.resetFrom) facts.push(`reset from \`${l.resetFrom}\``);
  if (l.taskBatched) facts.push('once per task');
  lines.push(facts.join(' · '));
  if (l.paths.length) lines.push(`hypergradient paths: ${l.paths.map((p) => p.join(' → ')).join('; ')}`);
  const est = levelEstimate(a, l.name);
  lines.push(est ? estimateTable(est) : noEstimate(a));
  return lines.join('\n\n');
}

/** The estimator's table: memory per mode, the chosen one marked, the budget, the recommendation. */
export function estimateTable(e: LevelEstimate): string {
  if (e.markdown) return e.markdown;
  const rows = e.modes.map((m) => {
    const mark = m.mode === e.chosen ? ' ◀ chosen' : '';
    const over = e.budget !== undefined && m.peakBytes !== null && m.peakBytes > e.budget ? ' (over budget)' : '';
    return `| \`${m.mode}\`${mark} | ${m.unavailable ? `— ${m.unavailable}` : `${formatBytes(m.peakBytes)}${over}`} | ${m.computePasses !== undefined ? `${m.computePasses}×` : '—'} |`;
  });
  const out = ['| mode | peak memory | compute |', '|---|---|---|', ...rows].join('\n');
  const tail = [e.budget !== undefined ? `budget ${formatBytes(e.budget)}` : '', e.recommendation ? `recommended: \`${e.recommendation.mode}\` — ${e.recommendation.reason}` : ''].filter(Boolean).join(' · ');
  return tail ? `${out}\n\n${tail}` : out;
}

function noEstimate(a: Analysis): string {
  const b = a.result.model.run.budget;
  return `_memory per mode: the estimator is not available in this server yet_${b !== undefined ? ` · budget ${formatBytes(b)}` : ''}`;
}

function modeCostText(a: Analysis, path: readonly Node[], mode: string): string {
  const doc = modeDocs[mode];
  const parts: string[] = [];
  if (doc) parts.push(`extra memory: ${doc.memory} · compute: ${doc.compute} passes (P params, S optimizer state, A activations, K lower steps)`);
  const level = levelOf(path);
  const est = level ? levelEstimate(a, level.name.name) : undefined;
  const cost = est?.modes.find((m) => m.mode === mode);
  if (est && cost) {
    const chosen = chosenCost(est);
    parts.push(`here: ${formatBytes(cost.peakBytes)} peak${chosen && chosen.mode !== mode ? ` (chosen \`${chosen.mode}\`: ${formatBytes(chosen.peakBytes)})` : ''}`);
  }
  return parts.join('\n\n');
}

function inComment(a: Analysis, offset: number): boolean {
  return a.result.program.comments.some((c) => c.range.start <= offset && offset < c.range.end);
}

export function wordAt(text: string, offset: number): { text: string; range: Span } | undefined {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let s = offset;
  let e = offset;
  while (s > 0 && isWord(text[s - 1])) s--;
  while (e < text.length && isWord(text[e])) e++;
  if (s === e || /[0-9]/.test(text[s]!)) return undefined;
  return { text: text.slice(s, e), range: { start: s, end: e } };
}

