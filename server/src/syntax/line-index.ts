// Offsets ↔ 0-based {line, character} for one text. Lines end at `\n`, `\r\n` or a lone `\r`
// (as LSP counts them); characters are UTF-16 code units, the same unit as string offsets.
// Built in one pass; lookups are a binary search over line starts.

export interface LineCharacter {
  line: number;
  character: number;
}

export class LineIndex {
  /** Offset at which each line starts; lineStarts[0] === 0. */
  readonly lineStarts: readonly number[];
  /** Offset at which each line's content ends, before its line break. */
  private readonly lineEnds: readonly number[];
  readonly length: number;

  constructor(text: string) {
    const starts = [0];
    const ends: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        ends.push(i);
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        ends.push(i);
        starts.push(i + 1);
      }
    }
    ends.push(text.length);
    this.lineStarts = starts;
    this.lineEnds = ends;
    this.length = text.length;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line and character of an offset; offsets outside the text are clamped to it. */
  positionAt(offset: number): LineCharacter {
    const o = Math.max(0, Math.min(Math.floor(offset) || 0, this.length));
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo]! };
  }

  /** The offset of a line and character, clamped to the text and to the end of that line (before its break). */
  offsetAt(pos: LineCharacter): number {
    if (!(pos.line >= 0)) return 0;
    if (pos.line >= this.lineStarts.length) return this.length;
    const line = Math.floor(pos.line);
    const start = this.lineStarts[line]!;
    const end = this.lineEnds[line]!;
    return Math.min(start + Math.max(0, Math.floor(pos.character) || 0), end);
  }
}
