// The differentiation core's public surface.
export * from './ir.js';
export { ShapeError, broadcastShapes, inferType, shapeEq } from './shapes.js';
export { Tracer, Value, compact, inline, traceGraph, type EmitOptions, type InputSpec } from './trace.js';
export * as op from './ops.js';
export * as fn from './composites.js';
export { ruleOf, type Rule, type RuleContext } from './rules.js';
export { gradOf, hvpOf, jvpOf, jvpValues, vjpOf, vjpValues, type HvpMode } from './autodiff.js';
export * from './transforms.js';
export * as nn from './nn/index.js';
