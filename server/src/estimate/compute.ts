// Compute per outer step, in FLOPs, mode by mode. G is one forward+backward pass of a level's
// loss (≈ 3 forward passes: the backward multiplies twice per layer); a Hessian-vector product
// or one differentiated step costs ≈ 2G (docs/estimates.md, "Compute").
import { lossUnits } from './units.js';
import type { LevelWork, ModeChoice } from './workload.js';

/** One forward+backward pass of the level's loss, in FLOPs. */
export const passFlops = (l: LevelWork): number => 3 * lossUnits(l).forwardFlops;

/** FLOPs of one step of `level` (its children's runs included), its children run as `mode` requires. */
export function stepFlops(level: LevelWork, mode: ModeChoice = level.mode): number {
  const own = passFlops(level);
  let f = own;
  for (const c of level.children) {
    const G = passFlops(c);
    const run = (c.replicas ?? 1) * c.steps * stepFlops(c);
    f += run + productFlops(c, mode, run, G);
  }
  return f;
}

/** The mode's best-response product across child `c` (after its run of cost `run`). */
function productFlops(c: LevelWork, mode: ModeChoice, run: number, G: number): number {
  const J = mode.options['iters'] ?? 10;
  switch (mode.name) {
    case 'unrolled':
      return 2 * run;
    case 'truncated':
      return (2 * run * Math.min(c.steps, mode.options['steps'] ?? c.steps)) / c.steps;
    case 'mixflow':
      // per step: recompute the gradient from the checkpoint (G) and one JVP of it (≈2G)
      return 3 * run;
    case 'forward':
      return 2 * c.upperScalars * run;
    case 'first_order':
      return 0;
    case 'darts':
    case 'sama':
      return 2 * G;
    case 'neumann':
    case 'cg':
    case 'mrml':
      // a differentiable gradient at θ_K, J HVPs, the mixed product
      return G + 2 * J * G + G;
  }
}

/** One plain training step of the lowest level under `root` (the unit of "× plain step"). */
export function plainStepFlops(root: LevelWork): number {
  let l = root;
  while (l.children.length) l = l.children[0]!;
  return passFlops(l);
}
