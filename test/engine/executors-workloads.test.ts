// Whole steps (a training step, an HVP, an exact MAML step) give the same numbers on every
// executor that loads here and on the float64 reference: the engine's core promise.
import { test } from 'node:test';
import { hvpWorkload, mamlWorkload, trainStepWorkload } from '../../bench/workloads.js';
import { assertMatchesReference, executors, tensor } from './support.js';

const small = { sizes: [12, 8, 8, 3], batch: 6 };

for (const w of [trainStepWorkload(small), hvpWorkload(small), mamlWorkload(small, 3, 0.5, 0.1)]) {
  test(`${w.name}: every executor matches the float64 reference`, async () => {
    const args = w.graph.inputs.map((id, k) => tensor(w.graph.nodes[id]!.shape, w.inputs[k]!));
    for (const ex of await executors()) await assertMatchesReference(ex, w.graph, args, w.name, 1e-4);
  });
}
