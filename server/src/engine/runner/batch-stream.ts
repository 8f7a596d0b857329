// A resumable stream of mini-batches: the engine's Batcher algorithm (seeded permutation per
// epoch, static batch shape, every row once per epoch) with its position exposed, so that a
// checkpoint can record where the data order stands and `--resume` continues it exactly.
import { pickRows, type Dataset } from '../data/dataset.js';
import { Rng, deriveSeed } from '../data/random.js';

export interface StreamState {
  readonly epoch: number;
  readonly pos: number;
}

export interface RowBatch {
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  /** Positions of the rows within the source, 0..n−1. */
  readonly index: Int32Array;
}

export class BatchStream {
  private order: Int32Array;
  private epoch = 0;
  private pos = 0;

  constructor(
    readonly data: Dataset,
    readonly batchSize: number,
    private readonly shuffle: boolean,
    private readonly seed: number,
  ) {
    if (batchSize < 1 || batchSize > data.n) throw new Error(`batch ${batchSize} must be within 1..${data.n} rows`);
    this.order = this.orderFor(0);
  }

  next(): RowBatch {
    if (this.pos + this.batchSize > this.data.n) {
      this.epoch++;
      this.order = this.orderFor(this.epoch);
      this.pos = 0;
    }
    const index = this.order.slice(this.pos, this.pos + this.batchSize);
    this.pos += this.batchSize;
    const rows = pickRows(this.data, index);
    return { x: rows.x, y: rows.y, index };
  }

  get state(): StreamState {
    return { epoch: this.epoch, pos: this.pos };
  }

  set state(s: StreamState) {
    this.epoch = s.epoch;
    this.pos = s.pos;
    this.order = this.orderFor(s.epoch);
  }

  private orderFor(epoch: number): Int32Array {
    if (!this.shuffle) return Int32Array.from({ length: this.data.n }, (_, i) => i);
    return new Rng(deriveSeed(this.seed, epoch)).permutation(this.data.n);
  }
}
