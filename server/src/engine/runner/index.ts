// The runner: one job = one process; its event stream, checkpoints and the hypergradient probe.
export * from './events.js';
export { chooseBackend, knownBackend, LANGUAGE_BACKENDS, type BackendChoice } from './backend.js';
export { CHECKPOINT_FILE, CHECKPOINT_FORMAT, checkpointPath, loadCheckpoint, saveCheckpoint, type CheckpointMeta } from './checkpoint.js';
export { DataFeeder, loadSources, sourceSeed, type FeederState, type Source } from './data-feed.js';
export { computeHypergradient, type HypergradOptions, type HypergradResult, type ParamHypergradient } from './hypergrad.js';
export { EXIT, runJob, type JobOptions, type JobResult } from './job.js';
export { CheckFailed, loadProgram, modeText, parseModeSpec, UsageError, type LoadedProgram } from './program.js';
export { adoptOutputs, assembleInputs, JobState } from './state.js';
