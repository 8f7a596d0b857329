// Code actions: quick fixes read from the diagnostics' `data` (the catalogue's structured
// facts: a did-you-mean replacement, `wrap`, suggested modes), a missing `above`, and — when
// the estimator is registered and a level's mode exceeds the budget — switching to a mode that
// fits, with what it saves.
import type { LevelDecl, Span } from '../syntax/ast.js';
import type { Diagnostic } from '../model/diagnostics.js';
import type { Analysis } from './analysis.js';
import { formatBytes } from './describe.js';
import { cheaperModes, chosenCost, levelEstimate } from './estimates.js';
import type { TextEdit } from './navigation.js';

export interface CodeAction {
  title: string;
  kind: 'quickfix' | 'refactor';
  edits: TextEdit[];
  /** The diagnostic it fixes. */
  diagnostic?: Diagnostic;
  preferred?: boolean;
}

const overlaps = (a: Span, b: Span) => a.start <= b.end && b.start <= a.end;

export function codeActions(a: Analysis, range: Span): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of a.result.diagnostics) if (overlaps(d.range, range)) out.push(...fixesFor(a, d));
  out.push(...budgetActions(a, range));
  return out;
}

function levelAround(a: Analysis, r: Span): LevelDecl | undefined {
  return a.result.program.decls.find((d): d is LevelDecl => d.kind === 'Level' && d.range.start <= r.start && r.end <= d.range.end);
}

export function fixesFor(a: Analysis, d: Diagnostic): CodeAction[] {
  const data = d.data ?? {};
  const text = a.text.slice(d.range.start, d.range.end);
  const out: CodeAction[] = [];
  if (typeof data['replacement'] === 'string') {
    const r = data['replacement'];
    if (d.code === 'MLO071' && text.startsWith('"')) {
      // The default label column is missing: name the class column.
      out.push({ title: `Add label: ${r}`, kind: 'quickfix', edits: [{ range: { start: d.range.end, end: d.range.end }, newText: `, label: ${r}` }], diagnostic: d, preferred: true });
    } else {
      out.push({ title: `Replace '${text}' with '${r}'`, kind: 'quickfix', edits: [{ range: d.range, newText: r }], diagnostic: d, preferred: true });
    }
  }
  if (typeof data['wrap'] === 'string') {
    const f = data['wrap'];
    out.push({ title: `Wrap in ${f}(...)`, kind: 'quickfix', edits: [{ range: d.range, newText: `${f}(${text})` }], diagnostic: d, preferred: true });
  }
  const modes = Array.isArray(data['modes']) ? (data['modes'] as unknown[]).filter((m): m is string => typeof m === 'string') : typeof data['mode'] === 'string' ? [data['mode']] : [];
  if (modes.length) {
    const level = levelAround(a, d.range);
    if (level) modes.forEach((m, i) => {
      const edit = setModeEdit(a, level, m);
      if (edit) out.push({ title: `Use hypergradient ${m}`, kind: 'quickfix', edits: [edit], diagnostic: d, preferred: i === 0 });
    });
  }
  if (d.code === 'MLO034') {
    const level = levelAround(a, d.range);
    const upper = a.result.program.decls.find((x): x is LevelDecl => x.kind === 'Level' && x.name.name === text);
    if (level && upper) {
      const last = upper.above[upper.above.length - 1];
      const edit: TextEdit = last
        ? { range: { start: last.range.end, end: last.range.end }, newText: `, ${level.name.name}` }
        : { range: { start: upper.name.range.end, end: upper.name.range.end }, newText: ` above ${level.name.name}` };
      out.push({ title: `Put '${text}' above '${level.name.name}'`, kind: 'quickfix', edits: [edit], diagnostic: d, preferred: true });
    }
  }
  return out;
}

/** Replace the level's `hypergradient` spec, or add the statement before its `}`. */
function setModeEdit(a: Analysis, level: LevelDecl, mode: string): TextEdit | undefined {
  const st = level.body.find((s) => s.kind === 'Hypergradient');
  if (st && st.kind === 'Hypergradient') return { range: st.spec.range, newText: mode };
  const close = level.range.end - 1;
  if (a.text[close] !== '}') return undefined;
  const lastStmt = level.body[level.body.length - 1];
  const multiLine = /[\r\n]/.test(a.text.slice(level.range.start, level.range.end));
  if (!multiLine || !lastStmt) return { range: { start: close, end: close }, newText: `hypergradient ${mode} ` };
  return { range: { start: lastStmt.range.end, end: lastStmt.range.end }, newText: `\n  hypergradient ${mode}` };
}

function budgetActions(a: Analysis, range: Span): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of a.result.program.decls) {
    if (d.kind !== 'Level' || !overlaps(d.range, range)) continue;
    const e = levelEstimate(a, d.name.name);
    const cost = e ? chosenCost(e) : undefined;
    if (!e || !cost || e.budget === undefined || cost.peakBytes === null || cost.peakBytes <= e.budget) continue;
    for (const alt of cheaperModes(e)) {
      const edit = setModeEdit(a, d, alt.mode);
      if (edit) out.push({ title: `Switch to ${alt.mode} (saves ${formatBytes(alt.saves)})`, kind: 'quickfix', edits: [edit] });
    }
  }
  return out;
}
