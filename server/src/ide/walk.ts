// Walking the syntax tree: the children of every node kind, and the chain of nodes that
// contain an offset. Hover, completion, signature help and selection ranges all start here.
import type { Decl, Expr, LevelDecl, Node, Program, RunDecl, Span } from '../syntax/ast.js';

/** The direct children of a node, in source order. */
export function children(n: Node): Node[] {
  switch (n.kind) {
    case 'Program': return n.decls;
    case 'Data': return [n.name, n.source];
    case 'Model': return [n.name, n.spec];
    case 'Param': return [n.name, ...n.shape, ...(n.init ? [n.init] : [])];
    case 'Level': return [n.name, ...n.above, ...n.body];
    case 'Run': return n.body;
    case 'Params': return [...n.items, ...(n.resetFrom ? [n.resetFrom] : [])];
    case 'Let': return [n.name, n.value];
    case 'Loss': return [n.value];
    case 'Optimizer': return [n.spec];
    case 'Hypergradient': return [n.spec];
    case 'Setting': return [n.key, n.value];
    case 'Report': return [...(n.name ? [n.name] : []), n.value];
    case 'Member': return [n.object, n.property];
    case 'Arg': return [...(n.name ? [n.name] : []), n.value];
    case 'Call': return [n.callee, ...n.args];
    case 'Index': return [n.object, n.index];
    case 'Binary': return [n.left, n.right];
    case 'Unary': return [n.operand];
    case 'Range': return [n.from, n.to];
    case 'Chain': return n.items;
    case 'List': return n.items;
    case 'Ident': case 'Number': case 'String': case 'ErrorExpr': return [];
  }
}

export function contains(r: Span, offset: number): boolean {
  return r.start <= offset && offset <= r.end;
}

/**
 * The nodes whose range contains `offset`, outermost (the Program) first. Where two siblings
 * touch at the offset (`a|+b` has the cursor at the end of `a`), the earlier one wins, so a
 * cursor right after a name still points at it.
 */
export function pathAt(program: Program, offset: number): Node[] {
  const path: Node[] = [program];
  let node: Node = program;
  for (let depth = 0; depth < 1000; depth++) {
    const next: Node | undefined = children(node).find((c) => contains(c.range, offset) && c.range.end > c.range.start);
    if (!next) break;
    path.push(next);
    node = next;
  }
  return path;
}

/** Every node of the tree, depth first, with its parent. */
export function* walk(n: Node, parent?: Node): Generator<{ node: Node; parent: Node | undefined }> {
  yield { node: n, parent };
  for (const c of children(n)) yield* walk(c, n);
}

/** The declaration containing `offset`, or the last one starting before it (an unfinished one). */
export function declAt(program: Program, offset: number): Decl | undefined {
  let best: Decl | undefined;
  for (const d of program.decls) {
    if (d.range.start > offset) break;
    best = d;
  }
  return best;
}

export function isExpr(n: Node): n is Expr {
  return ['Ident', 'Number', 'String', 'Member', 'Call', 'Index', 'Binary', 'Unary', 'Range', 'Chain', 'List', 'ErrorExpr'].includes(n.kind);
}

export function levelOf(path: readonly Node[]): LevelDecl | undefined {
  return path.find((n): n is LevelDecl => n.kind === 'Level');
}

export function runOf(path: readonly Node[]): RunDecl | undefined {
  return path.find((n): n is RunDecl => n.kind === 'Run');
}
