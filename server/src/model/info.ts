// The checked model of a program as plain data: what the editor features, the memory
// estimator and the engine read. Shapes are concrete where the checker could know them;
// a `null` dimension is unknown (a data file could not be read — an error says so).

import type { Span } from '../syntax/ast.js';
import type { LevelGraph } from './levels.js';

export type Dim = number | null;
export type Shape = Dim[];

/** Bytes of one float32 element: every parameter and activation is float32 for the estimate. */
export const FLOAT32_BYTES = 4;

/** One parameter tensor: a layer's weight or bias, a param, or the initial copy of either. */
export interface TensorInfo {
  /** Unique key and display name: `net.layer(1).weight`, `logwd`, `init(f).layer(2).bias`. */
  name: string;
  shape: Shape;
  /** Number of scalars (null when a dimension is unknown). */
  count: number | null;
  /** count × 4 (float32). */
  bytes: number | null;
  /** The model or param declaring it. */
  declaredBy: string;
  /** An `init(MODEL)` copy (a meta-learned initialisation). */
  init: boolean;
}

export interface LayerInfo {
  /** Counted from 1, as `net.layer(i)`. */
  index: number;
  kind: 'dense' | 'conv';
  weight: TensorInfo;
  bias?: TensorInfo;
}

/** A declared model: its architecture, widths and parameters. */
export interface NetInfo {
  name: string;
  kind: 'linear' | 'mlp' | 'conv' | 'mixture';
  /** Input width IN (for conv: C·H·W) and output width OUT. */
  inWidth: number;
  outWidth: number;
  /** All layers, numbered from 1 (a mixture's are its candidates', in order). */
  layers: LayerInfo[];
  tensors: TensorInfo[];
  /** Total parameter count (scalars). */
  count: number;
  /** Mixture only: the candidates and the architecture param. */
  candidates?: NetInfo[];
  arch?: string;
  /** conv only: the image [C, H, W]. */
  image?: [number, number, number];
  declRange: Span;
}

export interface ParamInfo {
  name: string;
  shape: Shape;
  count: number | null;
  bytes: number | null;
  declRange: Span;
}

/** The value of a data field: a tensor (float features/targets, or integer indices), or nested fields. */
export type FieldInfo =
  | {
      kind: 'tensor';
      shape: Shape;
      int: boolean;
      /** int fields: values lie in 0..bound−1 */
      bound?: Dim;
      /** A constant (`n`): its value, absent when unknown. */
      constant?: boolean;
      value?: number;
    }
  | { kind: 'fields'; fields: Record<string, FieldInfo> };

export interface DataInfo {
  name: string;
  source: 'csv' | 'sinusoid' | 'blobs' | 'ridge';
  /** Rows of this source (csv/blobs; after `rows:`), null when unknown. */
  rows?: Dim;
  /** Rows per step (batch, or all rows). */
  batch?: Dim;
  features?: Dim;
  classes?: Dim;
  /** A few-shot task source (sinusoid): levels reading it run once per task. */
  tasks?: number;
  fields: Record<string, FieldInfo>;
  /** csv: the path as written, the absolute path, and the header. */
  file?: { path: string; resolved: string; columns?: string[]; fileRows?: number };
  declRange: Span;
}

/** A tensor a level's loss reads from data (the estimator sizes activations with it). */
export interface BatchRead {
  data: string;
  /** `x`, `y`, `index`, `support.x`, … */
  field: string;
  shape: Shape;
}

export interface OptimizerInfo {
  name: string;
  /** Options given as constants (others are expressions of params: dependency edges). */
  constants: Record<string, number | boolean>;
  /** Option names given as expressions of upper-level params. */
  learned: string[];
}

export interface ModeInfo {
  name: string;
  /** True when written in the file; false when it is the default `unrolled`. */
  explicit: boolean;
  options: Record<string, number>;
}

export interface LevelInfo {
  name: string;
  nameRange: Span;
  /** Levels directly below (named in `above`) and directly above this one. */
  lowers: string[];
  uppers: string[];
  /** 0 for top levels, else 1 + the deepest upper's depth. */
  depth: number;
  /** Has both a level above and a level below. */
  middle: boolean;
  /** Steps per step of the level above (default 1). */
  steps: number;
  optimizer: OptimizerInfo;
  mode: ModeInfo;
  /** The parameter tensors this level owns and optimises. */
  owned: TensorInfo[];
  ownedCount: number | null;
  ownedBytes: number | null;
  /** Data fields its loss reads (through `let`s too), each once. */
  batches: BatchRead[];
  /** Its loss reads a task source: it runs once per task, `tasks` times per step above. */
  taskBatched: boolean;
  resetFrom?: string;
  proximal?: number;
  /** Its hypergradient paths, e.g. [['tune', 'fit', 'tune']]. */
  paths: string[][];
}

export interface RunInfo {
  steps: number;
  seed: number;
  backend: string;
  log: number;
  eval?: number;
  checkpoint: number;
  /** Bytes. */
  budget?: number;
  precision: string;
  reports: { name?: string; range: Span }[];
}

export interface ModelInfo {
  data: Map<string, DataInfo>;
  nets: Map<string, NetInfo>;
  params: Map<string, ParamInfo>;
  levels: Map<string, LevelInfo>;
  graph: LevelGraph;
  run: RunInfo;
}

export function shapeCount(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export function makeTensor(name: string, shape: Shape, declaredBy: string, init = false): TensorInfo {
  const count = shapeCount(shape);
  return { name, shape, count, bytes: count === null ? null : count * FLOAT32_BYTES, declaredBy, init };
}
