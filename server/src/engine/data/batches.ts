// Mini-batches and label noise. Both are seeded: the same seed gives the same batches and the
// same corrupted rows on every run, so a run can be reproduced from its .mlo file alone.
import { pickRows, type Dataset } from './dataset.js';
import { Rng, deriveSeed } from './random.js';

export interface Batch {
  /** batchSize × features, row-major. */
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  /** Row indices into the source dataset. */
  readonly indices: Int32Array;
  readonly epoch: number;
}

export interface BatcherOptions {
  readonly batchSize: number;
  /** Shuffle each epoch with a stream derived from (seed, epoch). Default true. */
  readonly shuffle?: boolean;
  readonly seed?: number;
  /** Drop the last incomplete batch of an epoch so every batch has static shape. Default true. */
  readonly dropLast?: boolean;
}

/** Where a Batcher stands: enough to continue its exact sequence (checkpoints record it). */
export interface BatcherState {
  readonly epoch: number;
  readonly pos: number;
}

/** An endless stream of batches over epochs; resumable through `state`. */
export class Batcher {
  private order: Int32Array;
  private pos = 0;
  private epochNo = 0;
  constructor(
    readonly data: Dataset,
    private readonly o: BatcherOptions,
  ) {
    if (o.batchSize < 1) throw new Error('batchSize must be ≥ 1');
    if ((o.dropLast ?? true) && o.batchSize > data.n) throw new Error(`batchSize ${o.batchSize} exceeds the ${data.n} rows`);
    this.order = this.orderFor(0);
  }

  get epoch(): number {
    return this.epochNo;
  }

  get state(): BatcherState {
    return { epoch: this.epochNo, pos: this.pos };
  }

  set state(s: BatcherState) {
    this.epochNo = s.epoch;
    this.pos = s.pos;
    this.order = this.orderFor(s.epoch);
  }

  /** Batches per epoch. */
  get perEpoch(): number {
    return (this.o.dropLast ?? true) ? Math.floor(this.data.n / this.o.batchSize) : Math.ceil(this.data.n / this.o.batchSize);
  }

  next(): Batch {
    const b = this.o.batchSize;
    const dropLast = this.o.dropLast ?? true;
    if (this.pos >= this.data.n || (dropLast && this.pos + b > this.data.n)) {
      this.epochNo++;
      this.order = this.orderFor(this.epochNo);
      this.pos = 0;
    }
    const idx = this.order.slice(this.pos, Math.min(this.pos + b, this.data.n));
    this.pos += b;
    const rows = pickRows(this.data, idx);
    return { x: rows.x, y: rows.y, indices: idx, epoch: this.epochNo };
  }

  private orderFor(epoch: number): Int32Array {
    if (this.o.shuffle === false) return Int32Array.from({ length: this.data.n }, (_, i) => i);
    return new Rng(deriveSeed(this.o.seed ?? 0, epoch)).permutation(this.data.n);
  }
}

export interface CorruptionOptions {
  /** Fraction of rows whose label is replaced, in [0, 1]; exactly round(fraction·n) rows change. */
  readonly fraction: number;
  readonly seed: number;
}

/** Replaces the labels of a seeded random subset with a different class, drawn uniformly. */
export function corruptLabels(ds: Dataset, o: CorruptionOptions): Dataset & { readonly corrupted: Uint8Array } {
  if (!(ds.y instanceof Int32Array) || ds.classes === undefined) throw new Error('label corruption needs class labels');
  if (ds.classes < 2) throw new Error('label corruption needs at least two classes');
  if (!(o.fraction >= 0 && o.fraction <= 1)) throw new Error(`corruption fraction ${o.fraction} is outside [0, 1]`);
  const rng = new Rng(o.seed);
  const chosen = rng.permutation(ds.n).subarray(0, Math.round(o.fraction * ds.n));
  const y = ds.y.slice();
  const corrupted = new Uint8Array(ds.n);
  for (const i of chosen) {
    const shift = 1 + rng.int(ds.classes - 1); // 1..k-1: never the true class
    y[i] = (y[i]! + shift) % ds.classes;
    corrupted[i] = 1;
  }
  return { ...ds, y, corrupted };
}
