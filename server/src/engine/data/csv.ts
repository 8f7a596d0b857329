// CSV → Dataset: columns chosen by header name, one label column, an optional row range, and
// standardisation with the statistics of these rows or of another source (e.g. the train split,
// so that validation rows are scaled like the rows the model learnt from).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { fitStandardizer, standardize, type Dataset, type Standardizer } from './dataset.js';

export interface CsvOptions {
  /** A file to read, or `text` itself. */
  readonly path?: string;
  readonly text?: string;
  /** Feature columns by header name; default every column except the label. */
  readonly columns?: readonly string[];
  /** The label column's header name. */
  readonly label: string;
  /**
   * 'class': labels become class indices (numbers kept if they are 0..k-1 integers, otherwise
   * sorted distinct values are numbered); 'value': float targets. Default: 'class' when every
   * label is an integer or a non-numeric string, else 'value'.
   */
  readonly labelKind?: 'class' | 'value';
  /** Data rows [start, end), 0-based after the header; default all. */
  readonly rows?: { readonly start?: number; readonly end?: number };
  /** 'self': mean/std of the selected rows; a Standardizer: those statistics (e.g. the train split's). */
  readonly standardize?: 'self' | Standardizer;
}

export interface CsvDataset extends Dataset {
  /** The statistics applied, if any (reuse them for the other splits). */
  readonly standardizer?: Standardizer;
}

export function loadCsv(o: CsvOptions): CsvDataset {
  const text = o.text ?? (o.path !== undefined ? readFileSync(o.path, 'utf8') : undefined);
  if (text === undefined) throw new Error('loadCsv: give `path` or `text`');
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const header = records.length > 0 ? Object.keys(records[0]!) : [];
  const where = o.path ?? 'CSV text';
  if (!header.includes(o.label)) throw new Error(`${where}: no label column '${o.label}' (columns: ${header.join(', ')})`);
  const columns = o.columns ?? header.filter((h) => h !== o.label);
  for (const c of columns) if (!header.includes(c)) throw new Error(`${where}: no column '${c}' (columns: ${header.join(', ')})`);
  const start = o.rows?.start ?? 0;
  const end = Math.min(o.rows?.end ?? records.length, records.length);
  if (start < 0 || start > end) throw new Error(`${where}: row range [${start}, ${end}) is empty or negative`);
  const rows = records.slice(start, end);
  const f = columns.length;
  const x = new Float32Array(rows.length * f);
  rows.forEach((r, i) =>
    columns.forEach((c, j) => {
      const v = Number(r[c]);
      if (r[c] === '' || !Number.isFinite(v)) throw new Error(`${where}: row ${start + i + 1}, column '${c}': '${r[c]}' is not a number`);
      x[i * f + j] = v;
    }),
  );
  const raw = rows.map((r) => r[o.label]!);
  const nums = raw.map(Number);
  const numeric = raw.every((s, i) => s !== '' && Number.isFinite(nums[i]!));
  const kind = o.labelKind ?? (!numeric || nums.every(Number.isInteger) ? 'class' : 'value');
  let ds: CsvDataset;
  if (kind === 'value') {
    if (!numeric) throw new Error(`${where}: label column '${o.label}' has non-numeric values`);
    ds = { x, y: Float32Array.from(nums), n: rows.length, features: f, featureNames: columns };
  } else {
    const { y, classes, classNames } = classIndices(raw, numeric ? nums : undefined);
    ds = { x, y, n: rows.length, features: f, featureNames: columns, classes, ...(classNames ? { classNames } : {}) };
  }
  if (!o.standardize) return ds;
  const s = o.standardize === 'self' ? fitStandardizer(ds) : o.standardize;
  return { ...standardize(ds, s), standardizer: s };
}

function classIndices(raw: readonly string[], nums: number[] | undefined): { y: Int32Array; classes: number; classNames?: string[] } {
  if (nums && nums.every((v) => Number.isInteger(v) && v >= 0)) {
    const classes = nums.length ? Math.max(...nums) + 1 : 0;
    return { y: Int32Array.from(nums), classes };
  }
  const names = [...new Set(raw)].sort((a, b) => (nums ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(names.map((s, i) => [s, i]));
  return { y: Int32Array.from(raw, (s) => index.get(s)!), classes: names.length, classNames: names };
}
