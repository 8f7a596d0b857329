// The chevrotain token types of .mlo, built once from grammar/tokens.ts, and chevrotain's lexer
// of them (the reference the scanner is tested against). Keywords are their own token types (a
// name whose whole text is a keyword is retyped, so `stepsize` stays a name) and all belong to the
// `Name` category: the parser accepts any of them where a name is expected and treats them as
// keywords only where a statement starts.
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';
import { keywords, patterns, punctuation, units, type Keyword } from '../../../grammar/tokens.js';

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

// The chevrotain lexer of these token types: the reference scanner.ts is tested against (the
// parser never sees its tokens). It matches keywords as identifiers and retypes them afterwards,
// as the scanner does: every keyword is identifier-shaped, so a keyword token is an identifier
// whose whole text is the keyword.
for (const kw of keywords) {
  if (!new RegExp(`^${patterns.identifier}$`).test(kw)) throw new Error(`keyword '${kw}' is not identifier-shaped: names cannot be retyped`);
}
const keywordTypeSet = new Set(keywordTypes.values());
let referenceLexer: Lexer | undefined;

/** The tokens and rejected character runs (offset, length) of chevrotain's lexer, keywords retyped. */
export function referenceLex(text: string): { tokens: IToken[]; comments: IToken[]; errors: { offset: number; length: number }[] } {
  referenceLexer ??= new Lexer(allTokens.filter((t) => !keywordTypeSet.has(t)), { positionTracking: 'onlyOffset', ensureOptimizations: true });
  const r = referenceLexer.tokenize(text);
  for (const t of r.tokens) {
    const kw = t.tokenType === Identifier ? keywordTypes.get(t.image as Keyword) : undefined;
    if (kw !== undefined) {
      t.tokenType = kw;
      t.tokenTypeIdx = kw.tokenTypeIdx!;
    }
  }
  return { tokens: r.tokens, comments: r.groups.comments ?? [], errors: r.errors.map((e) => ({ offset: e.offset, length: e.length })) };
}

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
