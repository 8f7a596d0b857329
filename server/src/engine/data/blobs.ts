// Gaussian blobs: `classes` isotropic clusters in `features` dimensions. Centres are drawn
// uniformly in [-centerBox, centerBox]^features; points are centre + spread·N(0, I).
import type { Dataset } from './dataset.js';
import { Rng } from './random.js';

export interface BlobsOptions {
  readonly n: number;
  readonly features: number;
  readonly classes: number;
  readonly spread: number;
  readonly seed: number;
  /** Half-width of the box the centres are drawn from. Default 5. */
  readonly centerBox?: number;
}

export function gaussianBlobs(o: BlobsOptions): Dataset & { readonly centers: Float32Array } {
  const rng = new Rng(o.seed);
  const box = o.centerBox ?? 5;
  const centers = new Float32Array(o.classes * o.features);
  for (let i = 0; i < centers.length; i++) centers[i] = rng.between(-box, box);
  const x = new Float32Array(o.n * o.features);
  const y = new Int32Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const c = i % o.classes; // balanced classes, interleaved
    y[i] = c;
    for (let j = 0; j < o.features; j++) x[i * o.features + j] = centers[c * o.features + j]! + o.spread * rng.normal();
  }
  const featureNames = Array.from({ length: o.features }, (_, j) => `x${j}`);
  return { x, y, n: o.n, features: o.features, featureNames, classes: o.classes, centers };
}
