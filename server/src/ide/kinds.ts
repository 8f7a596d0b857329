// Which built-in vocabulary a call belongs to, from where it stands: the source of a `data`,
// the spec of a `model` (or a candidate inside `mixture(...)`), an `optimizer`, a
// `hypergradient`. Hover, completion and signature help share this decision.
import type { Call, Node } from '../syntax/ast.js';
import type { KindSpec } from '../model/specs.js';
import { findAnyKind, type KindList } from './texts.js';

/** The category of the call `call`, whose ancestors (outermost first) are `path` up to and including it. */
export function callCategory(path: readonly Node[], call: Call): KindList | undefined {
  const i = path.indexOf(call);
  const parent = i > 0 ? path[i - 1] : undefined;
  if (!parent) return undefined;
  if (parent.kind === 'Data' && parent.source === call) return 'data source';
  if (parent.kind === 'Model' && parent.spec === call) return 'model kind';
  if (parent.kind === 'Optimizer') return 'optimizer';
  if (parent.kind === 'Hypergradient') return 'hypergradient mode';
  if (parent.kind === 'Arg' && !parent.name) {
    const outer = path[i - 2];
    if (outer?.kind === 'Call' && callCategory(path.slice(0, i - 1), outer) === 'model kind' && calleeName(outer) === 'mixture') return 'model kind';
  }
  return undefined;
}

export function calleeName(call: Call): string | undefined {
  return call.callee.kind === 'Ident' ? call.callee.name : undefined;
}

/** The kind spec of a call in a kind position, when its name is known. */
export function callKind(path: readonly Node[], call: Call): KindSpec | undefined {
  const cat = callCategory(path, call);
  const name = calleeName(call);
  return cat && name ? findAnyKind(name, cat) : undefined;
}
