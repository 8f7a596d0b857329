// Every primitive (and every composite built on them): first and second derivatives in both
// modes against float64 finite differences, over random shapes and values.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as op from '../../server/src/graph/ops.js';
import * as fn from '../../server/src/graph/composites.js';
import type { Value } from '../../server/src/graph/trace.js';
import { checkAllOrders, type DataSpec } from './gradcheck.js';

const RUNS = Number(process.env['MLO_FC_RUNS'] ?? 20);

const dim = fc.integer({ min: 1, max: 3 });
const shapeArb = (minRank = 0, maxRank = 3): fc.Arbitrary<number[]> => fc.array(dim, { minLength: minRank, maxLength: maxRank });
const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });

/** A shape that broadcasts against `s`: a suffix of it with some dimensions set to 1. */
const broadcastPartner = (s: readonly number[]): fc.Arbitrary<number[]> =>
  fc.tuple(fc.integer({ min: 0, max: s.length }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length })).map(([drop, ones]) =>
    s.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)),
  );

type Case = { specs: DataSpec[]; f: (...xs: Value[]) => Value };

function property(name: string, arb: fc.Arbitrary<Case>, seedOffset = 0): void {
  it(name, () => {
    fc.assert(
      fc.property(arb, seedArb, (c, seed) => checkAllOrders(c.specs, c.f, seed)),
      { numRuns: RUNS, seed: 1234 + seedOffset, endOnFailure: true },
    );
  });
}

const x = (shape: number[], extra: Partial<DataSpec> = {}): DataSpec => ({ name: 'x', shape, ...extra });
const unaryCase = (f: (v: Value) => Value, extra: Partial<DataSpec> = {}): fc.Arbitrary<Case> =>
  shapeArb().map((s) => ({ specs: [x(s, extra)], f }));

describe('element-wise unary primitives, all orders and modes', () => {
  property('neg', unaryCase(op.neg), 1);
  property('exp', unaryCase(op.exp), 2);
  property('log', unaryCase(op.log, { lo: 0.3, hi: 3 }), 3);
  property('tanh', unaryCase(op.tanh), 4);
  property('sigmoid', unaryCase(op.sigmoid), 5);
  property('relu (away from the kink)', unaryCase(op.relu, { lo: 0.1, hi: 2, awayFromZero: true }), 6);
  property('softplus', unaryCase(op.softplus, { lo: -4, hi: 4 }), 7);
  property('sqrt', unaryCase(op.sqrt, { lo: 0.3, hi: 3 }), 8);
  property('abs (away from the kink)', unaryCase(op.abs, { lo: 0.1, hi: 2, awayFromZero: true }), 9);
  property('safeSqrt (positive part)', unaryCase(fn.safeSqrt, { lo: 0.3, hi: 3 }), 10);
  property('elu (away from the kink)', unaryCase((v) => fn.elu(v, 0.7), { lo: 0.1, hi: 2, awayFromZero: true }), 11);
  property('square', unaryCase(fn.square), 12);
});

const pairCase = (f: (a: Value, b: Value) => Value, a: Partial<DataSpec> = {}, b: Partial<DataSpec> = {}): fc.Arbitrary<Case> =>
  shapeArb()
    .chain((s) => fc.tuple(fc.constant(s), broadcastPartner(s), fc.boolean()))
    .map(([s, t, swap]) => {
      const [sa, sb] = swap ? [t, s] : [s, t];
      return { specs: [{ name: 'a', shape: sa, ...a }, { name: 'b', shape: sb, ...b }], f };
    });

describe('broadcasting binary primitives, all orders and modes', () => {
  property('add', pairCase(op.add), 20);
  property('sub', pairCase(op.sub), 21);
  property('mul', pairCase(op.mul), 22);
  property('div', pairCase(op.div, {}, { lo: 0.5, hi: 2, awayFromZero: true }), 23);
  property('pow tensor^tensor', pairCase(op.pow, { lo: 0.5, hi: 2 }, { lo: -1.5, hi: 2.5 }), 24);
  property('pow tensor^const', fc.tuple(shapeArb(), fc.constantFrom(2, 3, 0.5, -1, 1.5)).map(([s, e]) => ({ specs: [x(s, { lo: 0.5, hi: 2 })], f: (v: Value) => op.pow(v, e) })), 25);
  property('maximum', pairCase(fn.maximum), 26);
  property('minimum', pairCase(fn.minimum), 27);
  property(
    'where with a bool condition',
    shapeArb(1).chain((s) =>
      fc.array(fc.boolean(), { minLength: s.reduce((p, d) => p * d, 1), maxLength: s.reduce((p, d) => p * d, 1) }).map((mask) => ({
        specs: [{ name: 'c', shape: s, dtype: 'bool' as const, data: mask.map(Number) }, x(s), { name: 'y', shape: s }],
        f: (c: Value, a: Value, b: Value) => op.where(c, op.mul(a, b), op.exp(b)),
      })),
    ),
    28,
  );
});

describe('matmul with batch broadcasting', () => {
  property(
    'matmul',
    fc.tuple(dim, dim, dim, fc.constantFrom<number[][]>([[], []], [[2], [2]], [[2], []], [[], [3]], [[2, 1], [3]])).map(([m, k, n, [ba, bb]]) => ({
      specs: [{ name: 'a', shape: [...ba!, m, k] }, { name: 'b', shape: [...bb!, k, n] }],
      f: (a: Value, b: Value) => op.matmul(a, b),
    })),
    30,
  );
});

const axesOf = (s: readonly number[]): fc.Arbitrary<number[]> =>
  fc.subarray([...s.keys()], { minLength: 1 }).map((a) => a.sort((p, q) => p - q));

describe('reductions', () => {
  const red = (f: (v: Value, axes: number[], keep: boolean) => Value): fc.Arbitrary<Case> =>
    shapeArb(1).chain((s) => fc.tuple(fc.constant(s), axesOf(s), fc.boolean())).map(([s, axes, keep]) => ({ specs: [x(s)], f: (v: Value) => f(v, axes, keep) }));
  property('sum', red(op.sum), 40);
  property('mean', red(fn.mean), 41);
  property('max', red(op.max), 42);
  property('min', red(fn.min), 43);
  property('logSumExp', shapeArb(1).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }))).map(([s, a]) => ({ specs: [x(s, { lo: -3, hi: 3 })], f: (v: Value) => fn.logSumExp(v, a) })), 44);
  property('logSoftmax', shapeArb(1).map((s) => ({ specs: [x(s, { lo: -3, hi: 3 })], f: (v: Value) => fn.logSoftmax(v) })), 45);
  property('softmax', shapeArb(1).map((s) => ({ specs: [x(s, { lo: -3, hi: 3 })], f: (v: Value) => fn.softmax(v, 0) })), 46);
});

describe('layout primitives (composed with tanh so that second derivatives are non-zero)', () => {
  property('reshape', shapeArb(1).map((s) => ({ specs: [x(s)], f: (v: Value) => op.tanh(op.reshape(v, [-1])) })), 50);
  property(
    'transpose',
    shapeArb(1).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length }))).map(([s, perm]) => ({
      specs: [x(s)],
      f: (v: Value) => op.mul(op.transpose(op.tanh(v), perm), op.transpose(v, perm)),
    })),
    51,
  );
  property('broadcastTo', shapeArb().chain((s) => fc.tuple(broadcastPartner(s), fc.constant(s))).map(([small, big]) => ({ specs: [x(small)], f: (v: Value) => op.tanh(op.broadcastTo(v, [2, ...big])) })), 52);
  property(
    'slice',
    shapeArb(1).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }))).chain(([s, a]) =>
      fc.tuple(fc.constant(s), fc.constant(a), fc.integer({ min: 0, max: s[a]! - 1 })).chain(([s2, a2, st]) =>
        fc.integer({ min: st + 1, max: s2[a2]! }).map((en) => ({ specs: [x(s2)], f: (v: Value) => op.exp(op.slice(op.tanh(v), [st], [en], [a2])) })),
      ),
    ),
    53,
  );
  property(
    'pad',
    shapeArb(1).chain((s) => fc.tuple(fc.constant(s), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2 * s.length, maxLength: 2 * s.length }))).map(([s, pads]) => ({
      specs: [x(s)],
      f: (v: Value) => op.tanh(op.add(op.pad(op.mul(v, v), pads), 0.3)),
    })),
    54,
  );
  property(
    'concat',
    shapeArb(1).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), dim)).map(([s, a, extra]) => {
      const t = [...s];
      t[a] = extra;
      return { specs: [x(s), { name: 'y', shape: t }], f: (u: Value, w: Value) => op.tanh(op.concat([op.exp(u), op.mul(w, w)], a)) };
    }),
    55,
  );
});

describe('indexing primitives', () => {
  const idxCase = (f: (v: Value, idx: Value) => Value): fc.Arbitrary<Case> =>
    fc.tuple(dim, shapeArb(0, 2), fc.array(fc.nat(), { minLength: 1, maxLength: 5 })).map(([rows, rest, raw]) => ({
      specs: [x([rows + 1, ...rest]), { name: 'i', shape: [raw.length], dtype: 'int32' as const, data: raw.map((r) => r % (rows + 1)) }],
      f,
    }));
  property('gather (repeated indices)', idxCase((v, i) => op.tanh(op.gather(v, i))), 60);
  property(
    'scatterAdd (repeated indices)',
    fc.tuple(dim, shapeArb(0, 2), fc.array(fc.nat(), { minLength: 1, maxLength: 5 })).map(([rows, rest, raw]) => ({
      specs: [x([raw.length, ...rest]), { name: 'i', shape: [raw.length], dtype: 'int32' as const, data: raw.map((r) => r % (rows + 1)) }],
      f: (v: Value, i: Value) => op.tanh(op.scatterAdd(op.mul(v, v), i, rows + 1)),
    })),
    61,
  );
  property(
    'oneHot · logSoftmax (cross-entropy form)',
    fc.tuple(dim, fc.integer({ min: 2, max: 4 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 })).map(([n, k, raw]) => ({
      specs: [x([n, k]), { name: 'y', shape: [n], dtype: 'int32' as const, data: raw.slice(0, n).map((r) => r % k) }],
      f: (v: Value, y: Value) => op.neg(op.sum(op.mul(fn.oneHot(y, k), fn.logSoftmax(v)), -1)),
    })),
    62,
  );
});

describe('convolution family', () => {
  const geometry = fc.record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    o: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 3, max: 5 }),
    w: fc.integer({ min: 3, max: 5 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
  });
  property(
    'conv2d (x and w together; tanh after)',
    geometry.map((g) => ({
      specs: [x([g.n, g.c, g.h, g.w]), { name: 'w', shape: [g.o, g.c, g.k, g.k] }],
      f: (a: Value, b: Value) => op.tanh(op.conv2d(a, b, { stride: g.stride, padding: g.pad })),
    })),
    70,
  );
  const outHW = (g: { h: number; w: number; k: number; stride: number; pad: number }): [number, number] => [
    Math.floor((g.h + 2 * g.pad - g.k) / g.stride) + 1,
    Math.floor((g.w + 2 * g.pad - g.k) / g.stride) + 1,
  ];
  property(
    'convBackpropInput (dy and w together)',
    geometry.map((g) => {
      const [ho, wo] = outHW(g);
      return {
        specs: [{ name: 'dy', shape: [g.n, g.o, ho, wo] }, { name: 'w', shape: [g.o, g.c, g.k, g.k] }],
        f: (dy: Value, w: Value) => op.tanh(op.convBackpropInput(dy, w, op.convGeometry({ stride: g.stride, padding: g.pad }), [g.n, g.c, g.h, g.w])),
      };
    }),
    71,
  );
  property(
    'convBackpropFilter (x and dy together)',
    geometry.map((g) => {
      const [ho, wo] = outHW(g);
      return {
        specs: [x([g.n, g.c, g.h, g.w]), { name: 'dy', shape: [g.n, g.o, ho, wo] }],
        f: (a: Value, dy: Value) => op.tanh(op.convBackpropFilter(a, dy, op.convGeometry({ stride: g.stride, padding: g.pad }), [g.o, g.c, g.k, g.k])),
      };
    }),
    72,
  );
  property(
    'avgPool2d and maxPool2d',
    fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })).map(([n, c]) => ({
      specs: [x([n, c, 4, 4])],
      f: (v: Value) => op.add(op.tanh(fn.avgPool2d(v, 2)), fn.maxPool2d(op.mul(v, v), 2)),
    })),
    73,
  );
});
