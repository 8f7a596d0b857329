// Symbols and name resolution: the declarations of a program (data, models, params, levels,
// `let`s), the built-ins, and every reference resolved to its symbol. The language server
// answers go-to-definition, references and rename from `symbolAt` and `referencesOf`.

import type { Decl, Ident, LetStmt, Program, Span } from '../syntax/ast.js';
import { builtinConstants, builtinFunctions } from './specs.js';

export type SymbolKind = 'data' | 'model' | 'param' | 'level' | 'let' | 'function' | 'constant';

export interface Sym {
  name: string;
  kind: SymbolKind;
  /** The declared name's range; absent for built-ins. */
  nameRange?: Span;
  /** The whole declaration or `let` statement. */
  declRange?: Span;
  /** For `let`: the level it belongs to. */
  level?: string;
  decl?: Decl | LetStmt;
}

export interface Reference {
  range: Span;
  symbol: Sym;
}

/** A level's local scope: `let`s are added as their statements are passed, so each is visible only after it. */
export class LevelScope {
  readonly lets = new Map<string, Sym>();
  constructor(readonly level: string) {}
}

const builtins = new Map<string, Sym>([
  ...builtinFunctions.map((n): [string, Sym] => [n, { name: n, kind: 'function' }]),
  ...Object.keys(builtinConstants).map((n): [string, Sym] => [n, { name: n, kind: 'constant' }]),
]);

export class SymbolTable {
  /** Top-level declarations by name (the first, when a name is declared twice). */
  readonly globals = new Map<string, Sym>();
  /** Every declared symbol, duplicates and lets included, in source order of registration. */
  readonly declared: Sym[] = [];
  readonly references: Reference[] = [];

  static builtin(name: string): Sym | undefined {
    return builtins.get(name);
  }

  /** Registers a top-level declaration; returns the earlier symbol when the name is taken. */
  declareGlobal(sym: Sym): Sym | undefined {
    this.declared.push(sym);
    const prev = this.globals.get(sym.name);
    if (prev) return prev;
    this.globals.set(sym.name, sym);
    return undefined;
  }

  /** Registers a `let`; returns the symbol it clashes with (a global or an earlier let of the level). */
  declareLet(scope: LevelScope, sym: Sym): Sym | undefined {
    this.declared.push(sym);
    const prev = scope.lets.get(sym.name) ?? this.globals.get(sym.name);
    if (!scope.lets.has(sym.name)) scope.lets.set(sym.name, sym);
    return prev;
  }

  /** Looks a name up: visible lets, then declarations, then built-ins. Does not record a reference. */
  lookup(name: string, scope?: LevelScope): Sym | undefined {
    return scope?.lets.get(name) ?? this.globals.get(name) ?? builtins.get(name);
  }

  /** Records that `ident` refers to `sym`. */
  reference(ident: Ident, sym: Sym): void {
    this.references.push({ range: ident.range, symbol: sym });
  }

  /** Resolves and records; undefined when unknown (the caller reports it). */
  resolve(ident: Ident, scope?: LevelScope): Sym | undefined {
    const sym = this.lookup(ident.name, scope);
    if (sym) this.reference(ident, sym);
    return sym;
  }

  /** Names a did-you-mean may suggest at a place: visible lets, declarations, built-ins. */
  namesInScope(scope?: LevelScope): string[] {
    return [...(scope ? scope.lets.keys() : []), ...this.globals.keys(), ...builtins.keys()];
  }

  /**
   * The symbol whose declared name or reference covers `offset` (an offset at the end of a
   * name counts, as a cursor right after it). Built-ins are returned too (no `nameRange`).
   */
  symbolAt(offset: number): { symbol: Sym; range: Span; isDeclaration: boolean } | undefined {
    const within = (r: Span) => r.start <= offset && offset <= r.end;
    for (const s of this.declared) if (s.nameRange && within(s.nameRange)) return { symbol: s, range: s.nameRange, isDeclaration: true };
    for (const r of this.references) if (within(r.range)) return { symbol: r.symbol, range: r.range, isDeclaration: false };
    return undefined;
  }

  /** Ranges of all references to `sym` (and its declared name first, when asked), in source order. */
  referencesOf(sym: Sym, includeDeclaration = true): Span[] {
    const out = this.references.filter((r) => r.symbol === sym).map((r) => r.range);
    out.sort((a, b) => a.start - b.start);
    if (includeDeclaration && sym.nameRange) out.unshift(sym.nameRange);
    return out;
  }
}

/** Registers the top-level declarations of a program; returns pairs (duplicate, first) for MLO010. */
export function declareProgram(program: Program, table: SymbolTable): { dup: Sym; first: Sym }[] {
  const dups: { dup: Sym; first: Sym }[] = [];
  for (const d of program.decls) {
    if (d.kind === 'Run') continue;
    const kind: SymbolKind = d.kind === 'Data' ? 'data' : d.kind === 'Model' ? 'model' : d.kind === 'Param' ? 'param' : 'level';
    if (!d.name.name) continue;
    const sym: Sym = { name: d.name.name, kind, nameRange: d.name.range, declRange: d.range, decl: d };
    const first = table.declareGlobal(sym);
    if (first) dups.push({ dup: sym, first });
  }
  return dups;
}

export function describeKind(kind: SymbolKind): string {
  switch (kind) {
    case 'data': return 'data';
    case 'model': return 'a model';
    case 'param': return 'a param';
    case 'level': return 'a level';
    case 'let': return 'a let binding';
    case 'function': return 'a built-in function';
    case 'constant': return 'a constant';
  }
}
