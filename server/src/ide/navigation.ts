// Go to definition, find references, document highlights and rename — all from the checker's
// symbol table (model/symbols.ts): every declared name and every resolved reference.
import { keywords } from '../../../grammar/tokens.js';
import type { Span } from '../syntax/ast.js';
import { builtinConstants, builtinFunctions, allKinds } from '../model/specs.js';
import type { Sym } from '../model/symbols.js';
import type { Analysis } from './analysis.js';

export function definition(a: Analysis, offset: number): Span[] {
  const at = a.result.symbols.symbolAt(offset);
  return at?.symbol.nameRange ? [at.symbol.nameRange] : [];
}

export function references(a: Analysis, offset: number, includeDeclaration = true): Span[] {
  const at = a.result.symbols.symbolAt(offset);
  if (!at || !at.symbol.nameRange) return [];
  return a.result.symbols.referencesOf(at.symbol, includeDeclaration);
}

export interface Highlight {
  range: Span;
  /** The declaration is a write, every use a read. */
  kind: 'read' | 'write';
}

export function highlights(a: Analysis, offset: number): Highlight[] {
  const at = a.result.symbols.symbolAt(offset);
  if (!at) return [];
  const decl = at.symbol.nameRange;
  const refs = a.result.symbols.referencesOf(at.symbol, !!decl);
  return refs.map((r) => ({ range: r, kind: decl && r.start === decl.start && r.end === decl.end ? 'write' : 'read' }));
}

export type RenameCheck = { ok: true; range: Span; placeholder: string } | { ok: false; message: string };

/** Whether the thing at `offset` can be renamed, and the range of its name there. */
export function prepareRename(a: Analysis, offset: number): RenameCheck {
  const at = a.result.symbols.symbolAt(offset);
  if (!at) return { ok: false, message: 'nothing to rename here' };
  if (!at.symbol.nameRange) return { ok: false, message: `'${at.symbol.name}' is built in and cannot be renamed` };
  return { ok: true, range: at.range, placeholder: at.symbol.name };
}

const reserved = new Set<string>([...keywords, ...builtinFunctions, ...Object.keys(builtinConstants), 'true', 'false', 'none']);
const kindNames = new Set(allKinds.map((k) => k.name));
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface TextEdit {
  range: Span;
  newText: string;
}

export type RenameResult = { ok: true; edits: TextEdit[] } | { ok: false; message: string };

export function rename(a: Analysis, offset: number, newName: string): RenameResult {
  const prep = prepareRename(a, offset);
  if (!prep.ok) return prep;
  const sym = a.result.symbols.symbolAt(offset)!.symbol;
  const problem = validateName(a, sym, newName);
  if (problem) return { ok: false, message: problem };
  if (newName === sym.name) return { ok: true, edits: [] };
  const ranges = a.result.symbols.referencesOf(sym, true);
  const seen = new Set<string>();
  const edits = ranges.filter((r) => !seen.has(`${r.start}:${r.end}`) && seen.add(`${r.start}:${r.end}`)).map((range) => ({ range, newText: newName }));
  return { ok: true, edits };
}

/** Why `name` cannot be the new name of `sym`, or undefined when it can. */
export function validateName(a: Analysis, sym: Sym, name: string): string | undefined {
  if (!IDENT.test(name)) return `'${name}' is not a valid name (letters, digits and _, not starting with a digit)`;
  if (reserved.has(name)) return `'${name}' is a keyword or built-in name`;
  if (kindNames.has(name) && sym.kind !== 'let') {
    // Allowed by the language, but a model called `adam` reads badly next to `optimizer adam`: refuse.
    return `'${name}' is the name of a built-in kind`;
  }
  if (name === sym.name) return undefined;
  const table = a.result.symbols;
  if (sym.kind === 'let') {
    const clash = table.declared.find((s) => s.name === name && (s.kind !== 'let' || s.level === sym.level));
    if (clash) return `'${name}' is already declared${clash.kind === 'let' ? ` in level '${clash.level}'` : ''}`;
  } else {
    const clash = table.declared.find((s) => s.name === name);
    if (clash) return `'${name}' is already declared${clash.kind === 'let' ? ` (a let in level '${clash.level}')` : ''}`;
  }
  return undefined;
}
