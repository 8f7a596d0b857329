// Entry point of the syntax layer: text → (Program, problems). Never throws.
import type { Comment, ParseResult, Span, SyntaxProblem, TopItem } from './ast.js';
import { parser, type ProgramParse } from './parser.js';
import { scan, type Scan } from './scanner.js';
import { TokenStream } from './token-stream.js';

/** A parsed text with what `reparse` (incremental.ts) needs to re-use its unchanged parts. */
export interface ParsedText {
  readonly text: string;
  readonly result: ParseResult;
  /** Top-level items in order; their problems are the parser's, before merging with the lexer's. */
  readonly items: readonly TopItem[];
  readonly lexProblems: readonly SyntaxProblem[];
  /** False when chevrotain's own recovery acted: re-parse the whole text next time. */
  readonly reusable: boolean;
}

export function parse(text: string): ParseResult {
  return parseText(text).result;
}

export function parseText(text: string): ParsedText {
  const src = typeof text === 'string' ? text : String(text ?? '');
  let lexed: Scan;
  try {
    lexed = scan(src);
  } catch (e) {
    // The scanner does not throw on any input (fuzzed); this only guards against the unforeseen.
    const problem: SyntaxProblem = {
      kind: 'unexpected-character',
      message: `internal lexer error: ${e instanceof Error ? e.message : String(e)}`,
      range: { start: 0, end: 0 },
    };
    const program = { kind: 'Program' as const, decls: [], comments: [], range: { start: 0, end: src.length } };
    return { text: src, result: { program, problems: [problem] }, items: [], lexProblems: [], reusable: false };
  }
  const ts = new TokenStream(src, lexed);
  const run = parseTokens(ts, lexed.comments, src.length);
  return {
    text: src,
    result: { program: run.program, problems: mergeProblems(lexed.problems, run.problems) },
    items: run.items,
    lexProblems: lexed.problems,
    reusable: run.reusable,
  };
}

/**
 * Parses a token stream with shared chevrotain tokens; where chevrotain's own recovery acted (it
 * reads the offsets of tokens), parses again with real ones so its problems are placed exactly.
 */
export function parseTokens(ts: TokenStream, comments: Comment[], textLength: number, stopAt?: (offset: number, token: number) => boolean): ProgramParse {
  const run = parser.parseProgram(ts, ts.chevrotainTokens(false), comments, textLength, stopAt);
  return run.reusable ? run : parser.parseProgram(ts, ts.chevrotainTokens(true), comments, textLength, stopAt);
}

/**
 * The lexer's and the parser's problems as one list. A parser problem touching rejected
 * characters (`données`: the name `donn`) repeats the lexer's; keep the lexer's. Then one list
 * in text order for the editor.
 */
export function mergeProblems(lexProblems: readonly SyntaxProblem[], parserProblems: SyntaxProblem[]): SyntaxProblem[] {
  if (lexProblems.length === 0) return parserProblems;
  const own = parserProblems.filter((p) => !touchesAny(p.range, lexProblems));
  return [...lexProblems, ...own].sort((a, b) => a.range.start - b.range.start);
}

/** Whether a span overlaps or touches any of the (text-ordered) problems' ranges. */
function touchesAny(r: Span, sorted: readonly SyntaxProblem[]): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.range.end < r.start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]!.range.start <= r.end;
}
