// Lowering of checked .mlo programs to the hypergradient modes' problem tree, and their graphs.
export { LoweringError, exprText } from './args.js';
export { dataSpecs, rowsPerDraw, type BlobsSpec, type CsvSpec, type DataSpec, type RidgeSpec, type SinusoidSpec } from './data-specs.js';
export { compile, scalarOf, type CV, type Scope } from './expr.js';
export { fieldAt, lowerProgram, modeSpecOf, programEnv, type Feed, type FeedSource, type LowerOptions, type LoweredLevel, type LoweredProgram, type ProgramEnv, type ReportSpec } from './lower.js';
export { netModels, type NetModel } from './nets.js';
export { initialValues, tensorSpecs, type TensorSpec } from './params.js';
export { hypergradientGraph, outerStepGraph, reportsGraph, traceHypergradient, traceOuterStep, type ReportGraph, type ReportInput, type TracedProgram } from './trace.js';
