// A supervised dataset in memory: row-major float32 features and one label per row.
export interface Dataset {
  /** n × features, row-major. */
  readonly x: Float32Array;
  /** Class indices (Int32Array, 0..classes-1) or regression targets (Float32Array). */
  readonly y: Int32Array | Float32Array;
  readonly n: number;
  readonly features: number;
  readonly featureNames: readonly string[];
  /** Number of classes for class labels; undefined for regression targets. */
  readonly classes?: number;
  /** For labels read as strings: class index → original string. */
  readonly classNames?: readonly string[];
}

/** Per-feature mean and standard deviation (population, std 0 replaced by 1). */
export interface Standardizer {
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

export function fitStandardizer(ds: Dataset): Standardizer {
  const { n, features: f, x } = ds;
  if (n === 0) throw new Error('cannot standardise an empty dataset');
  const mean = new Float64Array(f);
  const sq = new Float64Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j]! += x[i * f + j]!;
  for (let j = 0; j < f; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < f; j++) {
      const d = x[i * f + j]! - mean[j]!;
      sq[j]! += d * d;
    }
  const std = new Float32Array(f);
  for (let j = 0; j < f; j++) {
    const s = Math.sqrt(sq[j]! / n);
    std[j] = s > 0 ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/** (x − mean) / std, feature-wise; labels untouched. */
export function standardize(ds: Dataset, s: Standardizer): Dataset {
  if (s.mean.length !== ds.features) throw new Error(`standardiser has ${s.mean.length} features, dataset ${ds.features}`);
  const x = new Float32Array(ds.x.length);
  const f = ds.features;
  for (let i = 0; i < ds.n; i++) for (let j = 0; j < f; j++) x[i * f + j] = (ds.x[i * f + j]! - s.mean[j]!) / s.std[j]!;
  return { ...ds, x };
}

/** Rows [start, end) as a new dataset. */
export function takeRows(ds: Dataset, start: number, end: number): Dataset {
  if (start < 0 || end > ds.n || start > end) throw new Error(`rows [${start}, ${end}) outside 0..${ds.n}`);
  const f = ds.features;
  return { ...ds, n: end - start, x: ds.x.slice(start * f, end * f), y: ds.y.slice(start, end) };
}

/** Rows picked by index, in that order. */
export function pickRows(ds: Dataset, idx: ArrayLike<number>): Dataset {
  const f = ds.features;
  const x = new Float32Array(idx.length * f);
  const y = ds.y instanceof Int32Array ? new Int32Array(idx.length) : new Float32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    x.set(ds.x.subarray(i * f, (i + 1) * f), k * f);
    y[k] = ds.y[i]!;
  }
  return { ...ds, n: idx.length, x, y };
}
