// The scanner: text → parallel typed arrays of tokens (a code per token, start, end), one pass
// over the character codes; a token's text is sliced only when asked for. It recognises exactly
// the tokens of the chevrotain lexer that lexer.ts builds from grammar/tokens.ts (same patterns,
// same order: the first pattern that matches at a position wins; its character classes are those
// patterns', written out), which test/syntax/scanner.test.ts checks on every sample and fixture,
// random edits and random strings.
// Why not the chevrotain lexer itself: it makes a token object and a string for every token and
// every run of whitespace (4 MiB for a 5,000-line file), and the parser reads parallel arrays;
// scanning straight into them takes about a third of the time (docs/benchmarks.md, "Parse and check").
import type { IToken, TokenType } from 'chevrotain';
import { keywords, punctuation, type Keyword } from '../../../grammar/tokens.js';
import type { Comment, SyntaxProblem } from './ast.js';
import { Identifier, keywordToken, NumberTok, punctuationToken, StringTok, UnterminatedString } from './lexer.js';

/** The tokens of a text (or of a part of it: offsets are always into the whole text). */
export interface Scan {
  /** Number of tokens; two end-of-file sentinels follow them in the arrays (which may be longer still). */
  count: number;
  /** Each token's code: see `kindOf`, `keywordOf`, `typeOf`. */
  codes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  comments: Comment[];
  /** Runs of characters no token matches, in text order. */
  problems: SyntaxProblem[];
}

/**
 * `name` for identifiers and keywords alike (`keyword` tells them apart), `number`, `string`,
 * `ustring` (unterminated), or the punctuation's own text (`(`, `..`, ...); `eof` past the end.
 */
export type TokenKind = string;

// Token codes: one per kind, and one per keyword (whose kind is `name`).
const codeKinds: TokenKind[] = [];
const codeKeywords: (Keyword | null)[] = [];
const codeTypes: TokenType[] = [];
/** The fixed text of a keyword or punctuation code; undefined where the text varies. */
const codeImages: (string | undefined)[] = [];
function code(kind: TokenKind, keyword: Keyword | null, type: TokenType | undefined, image?: string): number {
  codeKinds.push(kind);
  codeKeywords.push(keyword);
  codeTypes.push(type!);
  codeImages.push(image);
  return codeKinds.length - 1;
}
const EOF = code('eof', null, undefined, '');
const NAME = code('name', null, Identifier);
const NUMBER = code('number', null, NumberTok);
const STRING = code('string', null, StringTok);
const USTRING = code('ustring', null, UnterminatedString);
const keywordCodes = new Map<Keyword, number>(keywords.map((kw) => [kw, code('name', kw, keywordToken(kw), kw)]));
const punctCodes = new Map<string, number>(punctuation.map((p) => [p.text, code(p.text, null, punctuationToken(p.name), p.text)]));
if (codeKinds.length > 256) throw new Error('more than 256 token codes: widen Scan.codes');

/** The kind of a token code. */
export const kindOf = (c: number): TokenKind => codeKinds[c]!;
/** The keyword of a token code (a name that spells one), else null. */
export const keywordOf = (c: number): Keyword | null => codeKeywords[c]!;
/** The chevrotain token type of a token code (undefined for the end of the file). */
export const typeOf = (c: number): TokenType => codeTypes[c]!;
/** The text of token `i` of a scan of `text`. */
export function imageAt(text: string, s: Scan, i: number): string {
  return codeImages[s.codes[i]!] ?? text.slice(s.starts[i]!, s.ends[i]!);
}

// Character classes of the patterns in grammar/tokens.ts.
const WS = 1; // whitespace: [ \t\r\n\f\v\uFEFF]
const IDSTART = 2; // [A-Za-z_]
const DIGIT = 4; // [0-9]
const PUNCT = 8; // the first character of a punctuation token
const cls = new Uint8Array(128);
for (const c of ' \t\r\n\f\v') cls[c.charCodeAt(0)]! |= WS;
for (let c = 65; c <= 90; c++) cls[c]! |= IDSTART;
for (let c = 97; c <= 122; c++) cls[c]! |= IDSTART;
cls[95]! |= IDSTART;
for (let c = 48; c <= 57; c++) cls[c]! |= DIGIT;
for (const p of punctuation) cls[p.text.charCodeAt(0)]! |= PUNCT;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdPart = (c: number) => c < 128 && (cls[c]! & (IDSTART | DIGIT)) !== 0;
const isWs = (c: number) => (c < 128 ? (cls[c]! & WS) !== 0 : c === 0xfeff);
const isLineBreak = (c: number) => c === 10 || c === 13;

/** Punctuation codes by first character: the one-character token, and a two-character one (`..`, `->`). */
const punctOne: (number | undefined)[] = [];
const punctTwo: (number | undefined)[] = [];
for (const [i, p] of punctuation.entries()) {
  const c = p.text.charCodeAt(0);
  const one = punctuation.find((q) => q.text === p.text[0]);
  // First match wins, so a longer token must come before the one-character token it starts with.
  if (one === undefined || (p.text.length === 2 && punctuation.indexOf(one) < i)) throw new Error(`punctuation '${p.text}': scan() needs '${p.text[0]}' as a token after it`);
  if (p.text.length === 1) punctOne[c] = punctCodes.get(p.text);
  else if (p.text.length === 2 && punctTwo[c] === undefined) punctTwo[c] = punctCodes.get(p.text);
  else throw new Error(`punctuation '${p.text}': scan() knows one- and two-character tokens, one of each per first character`);
}

/** Keywords by first character, to tell a name from a keyword without hashing its text. */
const keywordsByChar: { text: Keyword; code: number }[][] = [];
for (const kw of keywords) (keywordsByChar[kw.charCodeAt(0)] ??= []).push({ text: kw, code: keywordCodes.get(kw)! });

/** The code of the name `text[k, j)`: its keyword's, or NAME. */
function nameCode(text: string, k: number, j: number): number {
  const candidates = keywordsByChar[text.charCodeAt(k)];
  if (candidates === undefined) return NAME;
  for (const kw of candidates) if (kw.text.length === j - k && text.startsWith(kw.text, k)) return kw.code;
  return NAME;
}

/** Whether some token starts at `k` (`#`, `"` and `.` always start one). */
function startsToken(text: string, k: number): boolean {
  const c = text.charCodeAt(k);
  if (c >= 128) return c === 0xfeff;
  return cls[c] !== 0 || c === 35 || c === 34;
}

/** End of the number pattern (with its unit) starting at `k`, or -1 when none starts there. */
function numberEnd(text: string, k: number, end: number): number {
  let j = k;
  if (isDigit(text.charCodeAt(j))) {
    while (j < end && isDigit(text.charCodeAt(j))) j++;
    if (j + 1 < end && text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
      j += 2;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
    }
  } else if (text.charCodeAt(j) === 46 && j + 1 < end && isDigit(text.charCodeAt(j + 1))) {
    j += 2;
    while (j < end && isDigit(text.charCodeAt(j))) j++;
  } else {
    return -1;
  }
  // Exponent: [eE][+-]?[0-9]+, taken only whole.
  if (j < end && (text.charCodeAt(j) | 0x20) === 101) {
    let e = j + 1;
    const s = e < end ? text.charCodeAt(e) : 0;
    if (s === 43 || s === 45) e++;
    if (e < end && isDigit(text.charCodeAt(e))) {
      while (e < end && isDigit(text.charCodeAt(e))) e++;
      j = e;
    }
  }
  // Unit: % or a word.
  if (j < end) {
    const u = text.charCodeAt(j);
    if (u === 37) j++;
    else if (u < 128 && (cls[u]! & IDSTART) !== 0) {
      j++;
      while (j < end && isIdPart(text.charCodeAt(j))) j++;
    }
  }
  return j;
}

/**
 * End of the string starting at the `"` at `k`: after its closing `"`, or (an unterminated
 * string, returned negated) at the line break or the end. A `\` escapes the next character
 * unless that is a line break; a `\` with nothing to escape ends an unterminated string.
 */
function stringEnd(text: string, k: number, end: number): number {
  let j = k + 1;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (isLineBreak(c)) break;
    if (c === 92) {
      if (j + 1 < end && !isLineBreak(text.charCodeAt(j + 1))) {
        j += 2;
        continue;
      }
      return -(j + 1);
    }
    j++;
  }
  return -j;
}

/** Growable parallel arrays, sized from the text's length (in practice a token per three characters at most). */
class TokenArrays {
  cap: number;
  n = 0;
  codes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  constructor(length: number) {
    this.cap = ((length / 3) | 0) + 16;
    this.codes = new Uint8Array(this.cap);
    this.starts = new Int32Array(this.cap);
    this.ends = new Int32Array(this.cap);
  }
  push(code: number, start: number, end: number): void {
    const n = this.n;
    if (n === this.cap) this.grow();
    this.codes[n] = code;
    this.starts[n] = start;
    this.ends[n] = end;
    this.n = n + 1;
  }
  private grow(): void {
    this.cap *= 2;
    this.codes = grown(this.codes, new Uint8Array(this.cap));
    this.starts = grown(this.starts, new Int32Array(this.cap));
    this.ends = grown(this.ends, new Int32Array(this.cap));
  }
}

function grown<T extends Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Scans `text` from `from` (a token start: the scanner needs no context) to `to` (its end, or a
 * line start: no token spans a line break). Never throws: characters no token matches become
 * problems.
 */
export function scan(text: string, from = 0, to = text.length): Scan {
  const out = new TokenArrays(to - from);
  const comments: Comment[] = [];
  const problems: SyntaxProblem[] = [];
  let k = from;
  while (k < to) {
    const c = text.charCodeAt(k);
    const cc = c < 128 ? cls[c]! : 0;
    if (cc & WS || c === 0xfeff) {
      k++;
      while (k < to && isWs(text.charCodeAt(k))) k++;
    } else if (cc & IDSTART) {
      let j = k + 1;
      while (j < to && isIdPart(text.charCodeAt(j))) j++;
      out.push(nameCode(text, k, j), k, j);
      k = j;
    } else if (cc & DIGIT || (c === 46 && numberEnd(text, k, to) > 0)) {
      const j = numberEnd(text, k, to);
      out.push(NUMBER, k, j);
      k = j;
    } else if (cc & PUNCT) {
      const two = punctTwo[c];
      const len = two !== undefined && k + 1 < to && text.charCodeAt(k + 1) === codeImages[two]!.charCodeAt(1) ? 2 : 1;
      out.push(len === 2 ? two! : punctOne[c]!, k, k + len);
      k += len;
    } else if (c === 35) {
      let j = k + 1;
      while (j < to && !isLineBreak(text.charCodeAt(j))) j++;
      comments.push({ range: { start: k, end: j }, text: text.slice(k, j) });
      k = j;
    } else if (c === 34) {
      const e = stringEnd(text, k, to);
      const j = Math.abs(e);
      out.push(e > 0 ? STRING : USTRING, k, j);
      k = j;
    } else {
      let j = k + 1;
      while (j < to && !startsToken(text, j)) j++;
      problems.push(unexpected(text, k, j));
      k = j;
    }
  }
  const n = out.n;
  // Two end-of-file sentinels, so that lookahead at the last token reads a defined one.
  out.push(EOF, text.length, text.length);
  out.push(EOF, text.length, text.length);
  return { count: n, codes: out.codes, starts: out.starts, ends: out.ends, comments, problems };
}

function unexpected(text: string, start: number, end: number): SyntaxProblem {
  const bad = text.slice(start, end);
  const shown = bad.length > 20 ? `${bad.slice(0, 20)}…` : bad;
  return {
    kind: 'unexpected-character',
    message: end - start === 1 ? `unexpected character '${shown}'` : `unexpected characters '${shown}'`,
    range: { start, end },
  };
}

export interface LexResult {
  tokens: IToken[];
  comments: Comment[];
  problems: SyntaxProblem[];
}

/** The scan as chevrotain tokens (image, offset, type): what the tests compare with chevrotain's lexer and edit texts by. */
export function lex(text: string, from = 0, to = text.length): LexResult {
  const s = scan(text, from, to);
  const tokens: IToken[] = new Array<IToken>(s.count);
  for (let i = 0; i < s.count; i++) tokens[i] = tokenAt(text, s, i);
  return { tokens, comments: s.comments, problems: s.problems };
}

/** Token `i` of a scan of `text` as a chevrotain token. */
export function tokenAt(text: string, s: Scan, i: number): IToken {
  const type = typeOf(s.codes[i]!);
  return { image: imageAt(text, s, i), startOffset: s.starts[i]!, tokenTypeIdx: type.tokenTypeIdx!, tokenType: type } as IToken;
}
