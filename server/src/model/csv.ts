// The facts the checker needs from a CSV file: its header, its row count, and per column
// whether the values are non-negative integers and how many classes they span. Plain numeric
// CSV (as the project's data sets are): no quoted commas.

export interface ColumnStats {
  /** Every value parses as a finite number. */
  numeric: boolean;
  /** Every value is a whole number ≥ 0 (usable as a class label). */
  labels: boolean;
  /** Largest value (labels: classes = max + 1). */
  max: number;
  /** Number of distinct values. */
  distinct: number;
  /** First row (0-based, after the header) whose value is not a label, if any. */
  firstBadRow?: number;
}

export interface CsvTable {
  columns: string[];
  rows: number;
  /** Statistics of one column, computed on first request. */
  stats(column: string): ColumnStats | undefined;
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

export function readCsvTable(text: string): CsvTable {
  const lines = splitLines(text);
  const columns = lines.length ? lines[0]!.split(',').map(unquote) : [];
  const body = lines.slice(1);
  const memo = new Map<string, ColumnStats>();
  return {
    columns,
    rows: body.length,
    stats(column) {
      const k = columns.indexOf(column);
      if (k < 0) return undefined;
      const hit = memo.get(column);
      if (hit) return hit;
      let numeric = true;
      let labels = true;
      let max = -Infinity;
      let firstBadRow: number | undefined;
      const seen = new Set<number>();
      for (let r = 0; r < body.length; r++) {
        const line = body[r]!;
        // Find the k-th field without splitting the whole line.
        let start = 0;
        for (let c = 0; c < k && start >= 0; c++) {
          const i = line.indexOf(',', start);
          start = i < 0 ? -1 : i + 1;
        }
        const end = start < 0 ? -1 : line.indexOf(',', start);
        const field = start < 0 ? '' : line.slice(start, end < 0 ? undefined : end);
        const v = Number(unquote(field));
        if (field.trim() === '' || !Number.isFinite(v)) {
          numeric = false;
          labels = false;
          firstBadRow ??= r;
          continue;
        }
        if (!Number.isInteger(v) || v < 0) {
          labels = false;
          firstBadRow ??= r;
        }
        if (v > max) max = v;
        if (seen.size <= 100_000) seen.add(v);
      }
      const s: ColumnStats = { numeric, labels, max, distinct: seen.size, ...(firstBadRow !== undefined ? { firstBadRow } : {}) };
      memo.set(column, s);
      return s;
    },
  };
}
