// Where the cursor stands, read from the tokens before it rather than from the tree: while
// someone types, the text is broken most of the time, and completion and signature help must
// still know "inside the options of adam(...)" or "at the start of a statement in level fit".
import { declarationKeywords, levelStatementKeywords, runStatementKeywords } from '../../../grammar/tokens.js';
import type { Span } from '../syntax/ast.js';
import { inSpans, tokenIndexAfter, tokensOf, type Tok } from './tokens.js';
import type { KindList } from './texts.js';

export type Block = 'top' | 'level' | 'run';

export interface OpenCall {
  /** Name before the `(`, when it is a name. */
  callee?: string;
  calleeStart?: number;
  open: number;
  /** The innermost call's category when it is a kind (`csv(`, `mlp(`, `adam(`, `cg(`). */
  category?: KindList;
  /** 0-based index of the argument the cursor is in. */
  argIndex: number;
  /** Set when the cursor is the value of `name:`. */
  argName?: string;
  /** Option names (and flags) already written in the call. */
  given: string[];
  /** Inside `[ ... ]` that is the value of `name:` of this call (`features: [a, |]`). */
  listOf?: string;
  /** The names already in that list. */
  listed?: string[];
  /** The enclosing call, if this one is an argument of another. */
  outer?: OpenCall;
}

export interface Cursor {
  offset: number;
  /** The word being typed, from its start to its end (the replace range). */
  word: Span;
  prefix: string;
  inComment: boolean;
  inString: boolean;
  block: Block;
  /** Level name (a level block, or a level header being written). */
  level?: string;
  /** Keyword that starts the current declaration or statement, if known. */
  statement?: string;
  /** Offset of that keyword. */
  statementStart?: number;
  /** Nothing but whitespace, comments, `{` `;` (and `,` in run) between the statement start position and the cursor. */
  atStatementStart: boolean;
  /** Token before the word (skipping nothing else), and the one before it. */
  prev?: Tok;
  prev2?: Tok;
  prev3?: Tok;
  call?: OpenCall;
  /** `a.b.` before the cursor: the names of the chain (`['tasks', 'support']`). */
  memberOf?: string[];
  /** In a level header, after `above` (or a comma of its list). */
  inAbove: boolean;
  /** After `reset from`. */
  afterResetFrom: boolean;
}

const declKw = new Set<string>(declarationKeywords);
const levelKw = new Set<string>(levelStatementKeywords);
const runKw = new Set<string>(runStatementKeywords);
const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

export function cursorAt(text: string, offset: number): Cursor {
  const { tokens, comments } = tokensOf(text);
  let s = offset;
  let e = offset;
  while (s > 0 && isWordChar(text[s - 1])) s--;
  while (e < text.length && isWordChar(text[e])) e++;
  const upto = tokenIndexAfter(tokens, s);
  const before = tokens.slice(0, upto);
  const strTok = tokens[upto - 1];
  const inString = !!strTok && (strTok.cls === 'string' || strTok.cls === 'bad') && strTok.start < offset && (offset < strTok.end || strTok.cls === 'bad');

  const c: Cursor = {
    offset, word: { start: s, end: e }, prefix: text.slice(s, offset), inComment: inSpans(comments, offset), inString,
    block: 'top', atStatementStart: false, inAbove: false, afterResetFrom: false,
  };
  c.prev = before[before.length - 1];
  c.prev2 = before[before.length - 2];
  c.prev3 = before[before.length - 3];

  // One pass over the tokens before the cursor: blocks, statements and open brackets.
  let block: Block = 'top';
  let pendingDecl: string | undefined;
  let levelName: string | undefined;
  let stack: { ch: string; index: number }[] = [];
  let statementIndex = -1;
  for (let i = 0; i < before.length; i++) {
    const t = before[i]!;
    const next = tokens[i + 1];
    const prevTok = before[i - 1];
    const depth = stack.length;
    if (t.cls === 'name' && prevTok?.text !== '.' && prevTok?.text !== ':' && next?.text !== ':') {
      if (block === 'top' && declKw.has(t.text) && (depth === 0 || isLineStart(text, t.start))) {
        stack = [];
        pendingDecl = t.text;
        statementIndex = i;
        levelName = t.text === 'level' && next?.cls === 'name' ? next.text : undefined;
        continue;
      }
      const kw = block === 'level' ? levelKw : block === 'run' ? runKw : undefined;
      if (kw?.has(t.text) && depth === 0 && next?.text !== '(' ) {
        statementIndex = i;
        continue;
      }
    }
    if (t.text === '(' || t.text === '[') stack.push({ ch: t.text, index: i });
    else if (t.text === ')' || t.text === ']') {
      const want = t.text === ')' ? '(' : '[';
      const k = stack.map((x) => x.ch).lastIndexOf(want);
      if (k >= 0) stack.length = k;
    } else if (t.text === '{' && (pendingDecl === 'level' || pendingDecl === 'run')) {
      block = pendingDecl;
      stack = [];
      statementIndex = -1;
    } else if (t.text === '}' && block !== 'top') {
      block = 'top';
      pendingDecl = undefined;
      stack = [];
      statementIndex = -1;
      levelName = undefined;
    }
  }
  c.block = block;
  if (levelName) c.level = levelName;
  const st = statementIndex >= 0 ? before[statementIndex] : undefined;
  if (st) {
    c.statement = st.text;
    c.statementStart = st.start;
  }

  // At a statement start: after `{`, `;`, `}` (or a `,` in run), or first on its line with no bracket open.
  const p = c.prev;
  c.atStatementStart =
    stack.length === 0 &&
    (!p || p.text === '{' || p.text === '}' || p.text === ';' || (block === 'run' && p.text === ',') || (isLineStart(text, s) && !continues(p))) &&
    !(block === 'top' && p && pendingDecl && !isLineStart(text, s));

  if (p?.text === '.') {
    const chain: string[] = [];
    let k = before.length - 2;
    while (k >= 0) {
      const t = before[k]!;
      if (t.cls === 'name') chain.unshift(t.text);
      else if (t.text === ')' && before[k - 1]?.cls === 'number' && before[k - 2]?.text === '(' && before[k - 3]?.text === 'layer') {
        chain.unshift(`layer(${before[k - 1]!.text})`);
        k -= 3;
      } else break;
      if (before[k - 1]?.text !== '.') break;
      k -= 2;
    }
    if (chain.length) c.memberOf = chain;
  }

  // The level header: `level NAME above a, |` before its `{`.
  if (block === 'top' && pendingDecl === 'level' && stack.length === 0) {
    for (let k = before.length - 1; k > statementIndex; k--) {
      if (before[k]!.text === 'above') {
        c.inAbove = before.slice(k + 1).every((t, j) => (j % 2 === 0 ? t.cls === 'name' : t.text === ',')) && (p?.text === 'above' || p?.text === ',');
        break;
      }
    }
  }
  c.afterResetFrom = p?.text === 'from' && c.prev2?.text === 'reset';

  c.call = openCall(before, tokens, stack.map((x) => x.index), stack.length - 1);
  return c;
}

function isLineStart(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const ch = text[i]!;
    if (ch === '\n' || ch === '\r') return true;
    if (ch !== ' ' && ch !== '\t') return false;
  }
  return true;
}

/** A token after which the expression must go on (an operator, `=`, `:`, `,`, `->`, `..`). */
function continues(t: Tok | undefined): boolean {
  return !!t && t.cls === 'punct' && !['{', '}', ';', ')', ']'].includes(t.text);
}

function openCall(before: readonly Tok[], all: readonly Tok[], openIdx: readonly number[], level: number): OpenCall | undefined {
  if (level < 0) return undefined;
  let idx = openIdx[level]!;
  let listOf: string | undefined;
  // `features: [a, |]`: the list is the value of an option of the call around it.
  if (before[idx]!.text === '[') {
    const colon = before[idx - 1];
    const name = before[idx - 2];
    if (colon?.text === ':' && name?.cls === 'name' && level > 0 && before[openIdx[level - 1]!]!.text === '(') {
      listOf = name.text;
      level--;
      idx = openIdx[level]!;
    } else return undefined;
  }
  const calleeTok = before[idx - 1];
  const call: OpenCall = { open: before[idx]!.start, argIndex: 0, given: [] };
  if (calleeTok?.cls === 'name') {
    call.callee = calleeTok.text;
    call.calleeStart = calleeTok.start;
  }
  if (listOf) {
    call.listOf = listOf;
    const lb = openIdx[level + 1]!;
    call.listed = before.slice(lb + 1).filter((t) => t.cls === 'name' || t.cls === 'string').map((t) => (t.cls === 'string' ? t.text.slice(1, -1) : t.text));
  }
  // Arguments directly inside this call: count commas, collect names given.
  let depth = 0;
  let argStart = idx + 1;
  for (let k = idx + 1; k < before.length; k++) {
    const t = before[k]!;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    else if (depth === 0 && t.text === ',') {
      noteGiven(before, argStart, k, call);
      call.argIndex++;
      argStart = k + 1;
    }
  }
  noteGiven(before, argStart, before.length, call);
  const last = before[before.length - 1];
  const nameTok = before[before.length - 2];
  if (!listOf && last?.text === ':' && nameTok?.cls === 'name' && before.length - 2 >= argStart) call.argName = nameTok.text;
  call.category = categoryOf(before, idx - 1, openIdx, level);
  if (level > 0) {
    const outer = openCall(before, all, openIdx, level - 1);
    if (outer) call.outer = outer;
  }
  return call;
}

function noteGiven(before: readonly Tok[], from: number, to: number, call: OpenCall): void {
  const first = before[from];
  if (!first || first.cls !== 'name') return;
  if (before[from + 1]?.text === ':' || from + 1 === to) call.given.push(first.text);
}

/** What kind of call the name at `calleeIdx` starts, from the tokens before it. */
function categoryOf(before: readonly Tok[], calleeIdx: number, openIdx: readonly number[], level: number): KindList | undefined {
  const a = before[calleeIdx - 1];
  const b = before[calleeIdx - 2];
  const d = before[calleeIdx - 3];
  if (a?.text === 'optimizer') return 'optimizer';
  if (a?.text === 'hypergradient') return 'hypergradient mode';
  if (a?.text === '=' && b?.cls === 'name' && d?.text === 'data') return 'data source';
  if (a?.text === '=' && b?.cls === 'name' && d?.text === 'model') return 'model kind';
  if (level > 0) {
    const outerOpen = openIdx[level - 1]!;
    const outerCallee = before[outerOpen - 1];
    if (outerCallee?.text === 'mixture' && (a?.text === '(' || a?.text === ',')) return 'model kind';
  }
  return undefined;
}
