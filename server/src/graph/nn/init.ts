// Parameter specifications and their seeded initialisation: plain numbers, deterministic for a
// seed, so that a run, its estimate and its test all see the same starting point.
import type { Shape } from '../ir.js';

export type InitKind = 'zeros' | 'ones' | 'constant' | 'normal' | 'uniform' | 'glorot' | 'he';

export interface InitSpec {
  readonly kind: InitKind;
  /** constant: the value; normal: the standard deviation; uniform: the half-width. */
  readonly scale?: number;
}

export interface ParamSpec {
  readonly name: string;
  readonly shape: Shape;
  readonly init: InitSpec;
}

/** mulberry32: 32-bit state, good enough for initialisation and reproducible everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string, to derive a per-parameter stream from one seed and the parameter's name. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Fan-in and fan-out as PyTorch counts them: [in, out] for a dense weight, [O, C, kh, kw] for a conv filter. */
function fans(shape: Shape): [number, number] {
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  if (shape.length === 4) {
    const rf = shape[2]! * shape[3]!;
    return [shape[1]! * rf, shape[0]! * rf];
  }
  const n = shape.reduce((p, d) => p * d, 1);
  return [n, n];
}

/** The initial values of one parameter. Each parameter draws from its own stream (seed, name). */
export function initParam(spec: ParamSpec, seed: number): Float32Array {
  const n = spec.shape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  const r = mulberry32(seed ^ hash(spec.name));
  const normal = (): number => {
    const u = Math.max(r(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  };
  const [fanIn, fanOut] = fans(spec.shape);
  const s = spec.init.scale;
  for (let i = 0; i < n; i++) {
    switch (spec.init.kind) {
      case 'zeros':
        out[i] = 0;
        break;
      case 'ones':
        out[i] = 1;
        break;
      case 'constant':
        out[i] = s ?? 0;
        break;
      case 'normal':
        out[i] = normal() * (s ?? 1);
        break;
      case 'uniform':
        out[i] = (2 * r() - 1) * (s ?? 1);
        break;
      case 'glorot': {
        const a = Math.sqrt(6 / (fanIn + fanOut));
        out[i] = (2 * r() - 1) * a;
        break;
      }
      case 'he':
        out[i] = normal() * Math.sqrt(2 / fanIn);
        break;
    }
  }
  return out;
}

export function initParams(specs: readonly ParamSpec[], seed: number): Map<string, Float32Array> {
  return new Map(specs.map((s) => [s.name, initParam(s, seed)]));
}

export const paramCount = (specs: readonly ParamSpec[]): number => specs.reduce((p, s) => p + s.shape.reduce((q, d) => q * d, 1), 0);
