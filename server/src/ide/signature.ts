// Signature help: inside the parentheses of a built-in function, a data source, a model kind,
// an optimizer, a mode, or a model applied to its input — the signature, its parameters and
// the one being written.
import type { Analysis } from './analysis.js';
import { cursorAt } from './cursor.js';
import { findAnyKind, functionDocs, kindSignature, describeType, type FunctionDoc } from './texts.js';

export interface SignatureHelp {
  label: string;
  /** Markdown. */
  documentation: string;
  parameters: { label: string; documentation?: string }[];
  activeParameter: number;
}

export function signatureHelp(a: Analysis, offset: number): SignatureHelp | undefined {
  const c = cursorAt(a.text, offset);
  if (c.inComment || c.inString && !c.call) return undefined;
  const call = c.call;
  if (!call?.callee) return undefined;
  if (call.category) {
    const kind = findAnyKind(call.callee, call.category);
    if (!kind) return undefined;
    const sig = kindSignature(kind);
    const positional = kind.options.filter((o) => o.positional !== undefined);
    const named = kind.options.filter((o) => o.positional === undefined);
    const order = [...positional.map((o) => o.name), ...(kind.rest ? ['*rest'] : []), ...named.map((o) => o.name)];
    let active: number;
    const nameNow = call.argName ?? call.listOf;
    if (nameNow) active = order.indexOf(nameNow);
    else if (call.argIndex < positional.length) active = call.argIndex;
    else if (kind.rest) active = positional.length;
    else active = order.findIndex((n, i) => i >= positional.length && !call.given.includes(n));
    return {
      label: sig.signature,
      documentation: `*${kind.category}* — ${sig.doc}`,
      parameters: sig.params.map((label, i) => {
        const o = kind.options.find((x) => x.name === order[i]);
        return { label, ...(o ? { documentation: `${describeType(o.type)}${o.required ? ' (required)' : ''}` } : {}) };
      }),
      activeParameter: Math.max(0, active),
    };
  }
  const fn: FunctionDoc | undefined = functionDocs[call.callee];
  if (fn) {
    const axis = fn.params.findIndex((p) => p.startsWith('axis'));
    const active = call.argName === 'axis' && axis >= 0 ? axis : Math.min(call.argIndex, fn.params.length - 1);
    return { label: fn.signature, documentation: fn.doc, parameters: fn.params.map((label) => ({ label })), activeParameter: active };
  }
  const net = a.result.model.nets.get(call.callee);
  if (net) {
    const input = `x [B, ${net.inWidth}]`;
    return { label: `${net.name}(${input}) → [B, ${net.outWidth}]`, documentation: `Applies model \`${net.name}\` (${net.kind}).`, parameters: [{ label: input }], activeParameter: 0 };
  }
  return undefined;
}
