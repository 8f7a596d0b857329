// The scanner's tokens as the parser reads them: the scan's typed arrays (a code per token, start,
// end, with end-of-file sentinels), read through kind(i), keyword(i) and image(i), so the parser's
// lookahead is plain array reads; and the token vector chevrotain consumes.
import type { IToken } from 'chevrotain';
import type { Keyword } from '../../../grammar/tokens.js';
import { imageAt, keywordOf, kindOf, scan, tokenAt, typeOf, type Scan, type TokenKind } from './scanner.js';

export type { TokenKind } from './scanner.js';

/**
 * One shared token per code: all chevrotain's matching reads (`tokenTypeIdx`). Its recovery
 * reads offsets and images too; a parse in which it acted is redone with real tokens
 * (`parse.ts`), so what it reports is exact.
 */
const sharedTokens: IToken[] = [];
function sharedToken(code: number): IToken {
  let t = sharedTokens[code];
  if (t === undefined) {
    const type = typeOf(code);
    t = sharedTokens[code] = { image: '', startOffset: NaN, tokenTypeIdx: type.tokenTypeIdx!, tokenType: type } as IToken;
  }
  return t;
}

/** The shared-token vector, grown to the longest text parsed so far. */
const sharedVector: IToken[] = [];

export class TokenStream {
  readonly codes: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Index of the end-of-file sentinel (= number of real tokens). */
  readonly eof: number;
  /** Tokens that come right after characters the lexer rejected (already reported by it). */
  readonly afterBadChars: Set<number>;

  constructor(
    readonly text: string,
    private readonly scanned: Scan = scan(''),
  ) {
    const n = scanned.count;
    this.codes = scanned.codes;
    this.starts = scanned.starts;
    this.ends = scanned.ends;
    this.eof = n;
    this.afterBadChars = new Set();
    // Each rejected run of characters lies before exactly one token (or the end of the file).
    let t = 0;
    for (const p of scanned.problems) {
      const off = p.range.start;
      while (t < n && this.starts[t]! < off) t++;
      this.afterBadChars.add(t);
    }
  }

  /** The kind of token `i` (`eof` at and past the end). */
  kind(i: number): TokenKind {
    return kindOf(this.codes[i]!);
  }
  /** The keyword token `i` spells, or null. */
  keyword(i: number): Keyword | null {
    return keywordOf(this.codes[i]!);
  }
  /** The text of token `i`. */
  image(i: number): string {
    return imageAt(this.text, this.scanned, i);
  }

  /**
   * The tokens for chevrotain, as many as `eof` (the array may be longer: the parser tells
   * chevrotain the length): shared ones per type, in one array every parse re-uses (`exact`
   * false), or each with its own offset and image, for a parse whose recovery errors must say
   * where they are.
   */
  chevrotainTokens(exact: boolean): IToken[] {
    const n = this.eof;
    const s = this.scanned;
    if (exact) {
      const out = new Array<IToken>(n);
      for (let i = 0; i < n; i++) out[i] = tokenAt(this.text, s, i);
      return out;
    }
    const out = sharedVector;
    const codes = s.codes;
    for (let i = 0; i < n; i++) out[i] = sharedToken(codes[i]!);
    return out;
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
    const kind = this.kind(i);
    if (kind === 'eof') return 'the end of the file';
    if (kind === 'string' || kind === 'ustring') return 'a string';
    const img = this.image(i);
    return `'${img.length > 24 ? `${img.slice(0, 24)}…` : img}'`;
  }
}
