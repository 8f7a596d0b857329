// Inline expectations in fixture files: a comment line whose carets sit under the range they
// point at, followed by severity, code and (a prefix of) the message:
//
//   loss mean(cross_entropy(nett(x), y))
//   #                       ^^^^ error MLO012: unknown name 'nett'
//
// The carets refer to the nearest preceding line that is not itself an expectation. `|` marks
// an empty range (an insertion point). The message may be a prefix, or left out. Comparison is
// exact: every expected diagnostic present at its range, and no other diagnostic.
// `UPDATE_GOLDENS=1` lets a test rewrite a fixture's expectations from the actual diagnostics.

export interface Span {
  start: number;
  end: number;
}

export interface ExpectedDiagnostic {
  severity: string;
  code: string;
  /** A prefix of the message ('' matches any). */
  message: string;
  range: Span;
  /** 1-based line of the expectation comment, for failure messages. */
  line: number;
}

export interface ActualDiagnostic {
  severity: string;
  code: string;
  message: string;
  range: Span;
}

const EXPECT = /^(\s*#\s*)(\^+|\|)[ \t]+(error|warning|info|hint)[ \t]+(MLO\d{3})(?::[ \t]?(.*))?$/;

interface Line {
  start: number;
  text: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (const m of text.matchAll(/\r\n|\r|\n/g)) {
    out.push({ start, text: text.slice(start, m.index) });
    start = m.index + m[0].length;
  }
  out.push({ start, text: text.slice(start) });
  return out;
}

export function isExpectationLine(line: string): boolean {
  return EXPECT.test(line);
}

export function parseExpectations(text: string): ExpectedDiagnostic[] {
  const out: ExpectedDiagnostic[] = [];
  let target: Line | undefined;
  lines(text).forEach((l, i) => {
    const m = EXPECT.exec(l.text);
    if (!m) {
      target = l;
      return;
    }
    if (!target) throw new Error(`line ${i + 1}: an expectation with no line above it`);
    const col = m[1]!.length;
    const width = m[2] === '|' ? 0 : m[2]!.length;
    out.push({
      severity: m[3]!,
      code: m[4]!,
      message: (m[5] ?? '').trimEnd(),
      range: { start: target.start + col, end: target.start + col + width },
      line: i + 1,
    });
  });
  return out;
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split(/\r\n|\r|\n/).length;
  const col = offset - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) - 1;
  return `${line}:${col + 1}`;
}

export function describeDiagnostic(text: string, d: ActualDiagnostic): string {
  return `${position(text, d.range.start)}-${position(text, d.range.end)} ${d.severity} ${d.code}: ${d.message} [${JSON.stringify(text.slice(d.range.start, d.range.end))}]`;
}

/** Every mismatch between expectations and diagnostics, as readable lines; empty when they agree. */
export function compareDiagnostics(text: string, expected: readonly ExpectedDiagnostic[], actual: readonly ActualDiagnostic[]): string[] {
  const used = new Set<number>();
  const problems: string[] = [];
  for (const e of expected) {
    const i = actual.findIndex(
      (a, k) => !used.has(k) && a.code === e.code && a.severity === e.severity && a.range.start === e.range.start && a.range.end === e.range.end && a.message.startsWith(e.message),
    );
    if (i >= 0) used.add(i);
    else problems.push(`missing (expectation on line ${e.line}): ${position(text, e.range.start)}-${position(text, e.range.end)} ${e.severity} ${e.code}: ${e.message}`);
  }
  actual.forEach((a, k) => {
    if (!used.has(k)) problems.push(`unexpected: ${describeDiagnostic(text, a)}`);
  });
  return problems;
}

/**
 * The text with its expectation lines replaced by ones for `actual` (full messages). Ranges that
 * span lines or start at column 0 cannot be written as carets; they are left out (and so show
 * up as unexpected when the test runs again).
 */
export function rewriteExpectations(text: string, actual: readonly ActualDiagnostic[]): string {
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const kept = lines(text).filter((l) => !EXPECT.test(l.text));
  const out: string[] = [];
  for (const l of kept) {
    out.push(l.text);
    const end = l.start + l.text.length;
    const here = actual
      .filter((a) => a.range.start >= l.start && a.range.end <= end)
      .sort((a, b) => a.range.start - b.range.start);
    for (const a of here) {
      const col = a.range.start - l.start;
      if (col === 0) continue;
      const marks = a.range.end === a.range.start ? '|' : '^'.repeat(a.range.end - a.range.start);
      const lead = '#'.padEnd(col, ' ');
      out.push(`${lead}${marks} ${a.severity} ${a.code}: ${a.message}`);
    }
  }
  return out.join(nl);
}
