// The lexer's tokens flattened into parallel arrays (kind, keyword, start, end) with an
// end-of-file sentinel, so the parser's lookahead is plain array reads.
import type { IToken, TokenType } from 'chevrotain';
import { keywords, punctuation, type Keyword } from '../../../grammar/tokens.js';
import { Identifier, keywordToken, NumberTok, punctuationToken, StringTok, UnterminatedString } from './lexer.js';

/**
 * `name` for identifiers and keywords alike (`keyword` tells them apart), `number`, `string`,
 * `ustring` (unterminated), `eof`, or the punctuation's own text (`(`, `..`, ...).
 */
export type TokenKind = string;

const kindByTypeIdx: TokenKind[] = [];
const keywordByTypeIdx: (Keyword | null)[] = [];
function register(t: TokenType, kind: TokenKind, kw: Keyword | null = null): void {
  kindByTypeIdx[t.tokenTypeIdx!] = kind;
  keywordByTypeIdx[t.tokenTypeIdx!] = kw;
}
register(Identifier, 'name');
register(NumberTok, 'number');
register(StringTok, 'string');
register(UnterminatedString, 'ustring');
for (const kw of keywords) register(keywordToken(kw), 'name', kw);
for (const p of punctuation) register(punctuationToken(p.name), p.text);

export class TokenStream {
  readonly kinds: TokenKind[];
  readonly keywords: (Keyword | null)[];
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly images: string[];
  /** Index of the end-of-file sentinel (= number of real tokens). */
  readonly eof: number;
  /** Tokens that come right after characters the lexer rejected (already reported by it). */
  readonly afterBadChars: Set<number>;

  constructor(
    readonly text: string,
    tokens: IToken[],
    badCharOffsets: readonly number[] = [],
  ) {
    const n = tokens.length;
    // Sized up front and filled by index: half the cost of growing by push (V8 keeps arrays of
    // this size in fast elements).
    const kinds: TokenKind[] = (this.kinds = new Array<TokenKind>(n + 2));
    const kws: (Keyword | null)[] = (this.keywords = new Array<Keyword | null>(n + 2));
    const images: string[] = (this.images = new Array<string>(n + 2));
    this.starts = new Int32Array(n + 2);
    this.ends = new Int32Array(n + 2);
    for (let i = 0; i < n; i++) {
      const t = tokens[i]!;
      const idx = t.tokenTypeIdx;
      kinds[i] = kindByTypeIdx[idx] ?? 'unknown';
      kws[i] = keywordByTypeIdx[idx] ?? null;
      this.starts[i] = t.startOffset;
      this.ends[i] = t.startOffset + t.image.length;
      images[i] = t.image;
    }
    // Two sentinels so `i + 1` lookahead at the last token is always defined.
    for (let i = n; i < n + 2; i++) {
      kinds[i] = 'eof';
      kws[i] = null;
      this.starts[i] = text.length;
      this.ends[i] = text.length;
      images[i] = '';
    }
    this.eof = n;
    this.afterBadChars = new Set();
    // Each rejected run of characters lies before exactly one token (or the end of the file).
    let t = 0;
    for (const off of badCharOffsets) {
      while (t < n && this.starts[t]! < off) t++;
      this.afterBadChars.add(t);
    }
  }

  /** Whether a line break lies between two offsets (only comments and whitespace lie between tokens). */
  newlineBetween(from: number, to: number): boolean {
    const text = this.text;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === 10 || c === 13) return true;
    }
    return false;
  }

  /** How a token is named in a message: `'loss'`, `a number`, `the end of the file`. */
  describe(i: number): string {
    const kind = this.kinds[i];
    if (kind === 'eof') return 'the end of the file';
    if (kind === 'string' || kind === 'ustring') return 'a string';
    const img = this.images[i]!;
    return `'${img.length > 24 ? `${img.slice(0, 24)}…` : img}'`;
  }
}
