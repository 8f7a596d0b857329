// Entry point of the syntax layer: text → (Program, problems). Never throws.
import type { ParseResult, Span, SyntaxProblem } from './ast.js';
import { lex } from './lexer.js';
import { parser } from './parser.js';
import { TokenStream } from './token-stream.js';

export function parse(text: string): ParseResult {
  const src = typeof text === 'string' ? text : String(text ?? '');
  let lexed: ReturnType<typeof lex>;
  try {
    lexed = lex(src);
  } catch (e) {
    // chevrotain's lexer does not throw on bad input; this only guards against the unforeseen.
    const problem: SyntaxProblem = {
      kind: 'unexpected-character',
      message: `internal lexer error: ${e instanceof Error ? e.message : String(e)}`,
      range: { start: 0, end: 0 },
    };
    return { program: { kind: 'Program', decls: [], comments: [], range: { start: 0, end: src.length } }, problems: [problem] };
  }
  const ts = new TokenStream(src, lexed.tokens, lexed.problems.map((p) => p.range.start));
  const { program, problems } = parser.parseProgram(ts, lexed.tokens, lexed.comments, src.length);
  if (lexed.problems.length === 0) return { program, problems };
  // A parser problem touching rejected characters (`données`: the name `donn`) repeats the
  // lexer's; keep the lexer's. Then one list in text order for the editor.
  const own = problems.filter((p) => !touchesAny(p.range, lexed.problems));
  return { program, problems: [...lexed.problems, ...own].sort((a, b) => a.range.start - b.range.start) };
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
