// The chevrotain lexer of .mlo, built once from grammar/tokens.ts. Keywords are their own token
// types (a name whose whole text is a keyword is retyped after lexing, so `stepsize` stays a
// name) and all belong to the `Name` category: the parser accepts any of them where a name is expected and treats them as
// keywords only where a statement starts.
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';
import { keywords, patterns, punctuation, units, type Keyword } from '../../../grammar/tokens.js';
import type { Comment, SyntaxProblem } from './ast.js';

/** Category of every token the parser sees: what recovery steps over ("any token but the end"). */
export const AnyToken = createToken({ name: 'Any', pattern: Lexer.NA });
/** Category shared by identifiers and keywords. */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, categories: [AnyToken] });
export const Identifier = createToken({
  name: 'Identifier',
  pattern: new RegExp(patterns.identifier),
  categories: [Name, AnyToken],
});

const keywordTypes = new Map<Keyword, TokenType>();
for (const kw of keywords) {
  keywordTypes.set(
    kw,
    createToken({ name: `Kw_${kw}`, pattern: new RegExp(kw), longer_alt: Identifier, categories: [Name, AnyToken] }),
  );
}

/** The token type of a keyword. */
export function keywordToken(kw: Keyword): TokenType {
  return keywordTypes.get(kw)!;
}

/** Number with an optional unit suffix; the parser splits and checks the unit. */
export const NumberTok = createToken({
  name: 'Number',
  pattern: new RegExp(`${patterns.number}${patterns.unitSuffix}?`),
  categories: [AnyToken],
});
export const StringTok = createToken({ name: 'String', pattern: new RegExp(patterns.string), categories: [AnyToken] });
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: new RegExp(patterns.unterminatedString),
  categories: [AnyToken],
});
export const CommentTok = createToken({ name: 'Comment', pattern: new RegExp(patterns.comment), group: 'comments' });
const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: new RegExp(patterns.whitespace),
  group: Lexer.SKIPPED,
  line_breaks: true,
});

const punctuationTypes = new Map<string, TokenType>();
for (const p of punctuation) {
  punctuationTypes.set(p.name, createToken({ name: p.name, pattern: p.text, categories: [AnyToken] }));
}

/** The token type of a punctuation token by its name in grammar/tokens.ts (`LParen`, `DotDot`, ...). */
export function punctuationToken(name: string): TokenType {
  const t = punctuationTypes.get(name);
  if (!t) throw new Error(`no punctuation token ${name}`);
  return t;
}

// Order matters: chevrotain takes the first pattern that matches. Numbers before `.` (so `.5` is
// a number) — `0..5` is still `0`, `..`, `5` since the number pattern never ends in a dot.
export const allTokens: TokenType[] = [
  WhiteSpace,
  CommentTok,
  StringTok,
  UnterminatedString,
  NumberTok,
  ...punctuationTypes.values(),
  // Longest keyword first so `params` is not lexed as `param` + a longer_alt name.
  ...[...keywordTypes.entries()].sort((a, b) => b[0].length - a[0].length).map(([, t]) => t),
  Identifier,
  Name,
  AnyToken,
];

// The lexer itself matches keywords as identifiers and retypes them afterwards (lex below): one
// map lookup per name instead of trying every keyword's pattern (and its longer_alt) at each
// name. The result is the same, since every keyword is identifier-shaped: a keyword token is an
// identifier whose whole text is the keyword.
const keywordByImage = new Map<string, TokenType>(keywordTypes);
for (const kw of keywords) {
  if (!new RegExp(`^${patterns.identifier}$`).test(kw)) throw new Error(`keyword '${kw}' is not identifier-shaped: lex() cannot retype it`);
}
const keywordTypeSet = new Set(keywordTypes.values());
const lexer = new Lexer(allTokens.filter((t) => !keywordTypeSet.has(t)), {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
});

const unitFactors = new Map(units.map((u) => [u.text, u.factor]));

/** The factor of a unit suffix (`GiB` → 2^30), or undefined for an unknown one. */
export function unitFactor(unit: string): number | undefined {
  return unitFactors.get(unit);
}

const numberPrefix = new RegExp(`^${patterns.number}`);

/** Splits a Number token's text into its numeric value and unit as written. */
export function splitNumber(text: string): { value: number; unit?: string } {
  if (!hasUnit(text)) return { value: Number(text) };
  const m = numberPrefix.exec(text);
  const digits = m ? m[0] : '';
  const value = Number(digits);
  const unit = text.slice(digits.length);
  return unit ? { value, unit } : { value };
}

/**
 * Whether a Number token carries a unit: a unit starts with `%`, `_` or a letter, and the only
 * letter a plain number has is the `e` of an exponent, always followed by digits (`1e-3`; `1e`
 * is `1` with the unit `e`). Most numbers have none: no regular expression for them.
 */
function hasUnit(text: string): boolean {
  const n = text.length;
  for (let k = 0; k < n; k++) {
    const raw = text.charCodeAt(k);
    const c = raw | 0x20; // lower case for letters
    if (c === 0x65) continue; // e / E
    if ((c >= 0x61 && c <= 0x7a) || raw === 0x5f || raw === 0x25) return true;
  }
  const last = text.charCodeAt(n - 1);
  return !(last >= 0x30 && last <= 0x39);
}

export interface LexResult {
  tokens: IToken[];
  comments: Comment[];
  problems: SyntaxProblem[];
}

/**
 * Tokenizes a text from offset `from` (a token start: the lexer needs no other context) to `to`
 * (its end, or a line start: no token spans a line break); offsets in the result are offsets into
 * the whole text. Never throws: characters no token matches become problems.
 */
export function lex(text: string, from = 0, to = text.length): LexResult {
  const r = lexer.tokenize(from > 0 || to < text.length ? text.slice(from, to) : text);
  for (const t of r.tokens) {
    if (from > 0) t.startOffset += from;
    if (t.tokenType !== Identifier) continue;
    const kw = keywordByImage.get(t.image);
    if (kw !== undefined) {
      t.tokenType = kw;
      t.tokenTypeIdx = kw.tokenTypeIdx!;
    }
  }
  const comments: Comment[] = (r.groups.comments ?? []).map((t) => ({
    range: { start: t.startOffset + from, end: t.startOffset + from + t.image.length },
    text: t.image,
  }));
  const problems: SyntaxProblem[] = r.errors.map((e) => {
    const offset = e.offset + from;
    const bad = text.slice(offset, offset + e.length);
    const shown = bad.length > 20 ? `${bad.slice(0, 20)}…` : bad;
    return {
      kind: 'unexpected-character',
      message:
        e.length === 1 ? `unexpected character '${shown}'` : `unexpected characters '${shown}'`,
      range: { start: offset, end: offset + e.length },
    };
  });
  return { tokens: r.tokens, comments, problems };
}
