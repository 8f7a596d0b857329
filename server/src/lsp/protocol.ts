// The mlo extensions to the Language Server Protocol: job requests and notifications, the
// estimate request, the capability the server advertises for them, and the client command ids
// that code lenses may point at, and the node options the server process starts with. The ONE
// place both sides take these names from: the language server (job manager) implements them,
// the VS Code client (client/src) sends and receives them.
// Plain strings and types only — no vscode-languageserver import — so the browser-free client
// bundle can import it without pulling the server library in.
import type { JobEvent } from '../engine/runner/events.js';

/** Bumped when a method below changes incompatibly; fields are only ever added within one. */
export const MLO_PROTOCOL_VERSION = 1;

/**
 * What the server announces in `InitializeResult.capabilities.experimental.mlo`.
 * A client enables a feature only when its flag is true, so a server without a job manager
 * (or without estimates) still works with every client, and e2e tests skip on these flags.
 */
export interface MloServerCapabilities {
  protocolVersion: number;
  /** `mlo/startJob`, `mlo/stopJob`, `mlo/jobState`, `mlo/jobEvent`, `mlo/jobLog` are implemented. */
  jobs?: boolean;
  /** `mlo/estimate` is implemented. */
  estimate?: boolean;
}

/** Read the mlo capabilities from an initialize result (undefined when the server has none). */
export function mloCapabilities(init: { capabilities?: { experimental?: unknown } } | undefined): MloServerCapabilities | undefined {
  const exp = init?.capabilities?.experimental as { mlo?: MloServerCapabilities } | undefined;
  return exp?.mlo && typeof exp.mlo === 'object' ? exp.mlo : undefined;
}

/** `InitializeParams.initializationOptions` sent by the VS Code client. */
export interface MloInitializationOptions {
  /** The workspace is trusted; when false the server must refuse `mlo/startJob`. */
  workspaceTrusted: boolean;
  settings: MloSettings;
  /**
   * The command that runs jobs, before its arguments (`run FILE --json ...`), e.g.
   * `["node", "/path/to/bin/mlo.js"]`. Default: the repository's bin/mlo.js beside the
   * server, else `mlo` on the PATH. The environment variable MLO_RUNNER (a JSON array) overrides both.
   */
  runner?: string[];
}

/** The `mlo.*` settings, also sent as `workspace/didChangeConfiguration` { settings: { mlo } }. */
export interface MloSettings {
  /** As `mlo run --backend`: auto, onnx (compiled), gpu / node / wasm / cpu (TensorFlow.js eager). */
  backend: 'auto' | 'onnx' | 'gpu' | 'node' | 'wasm' | 'cpu';
  /** e.g. "4GiB"; null: the device's memory. */
  memoryBudget: string | null;
  maxConcurrentJobs: number;
  gpus: number[];
  logInterval: number;
  /** Relative to the workspace folder. */
  outputFolder: string;
}

// ---- requests (client → server) ----------------------------------------------------------

/** `mlo/startJob`: run a file (or only one level and those below it). */
export const StartJobMethod = 'mlo/startJob';
export interface StartJobParams {
  uri: string;
  /** Run only this level (with the levels it sits above); the whole file when absent. */
  level?: string;
  /** Overrides the `mlo.backend` setting for this job. */
  backend?: MloSettings['backend'];
  /** Overrides the file's `run { steps }` (a short trial run). */
  steps?: number;
}
export interface StartJobResult {
  jobId: string;
}

/** `mlo/stopJob`: ask a job to stop after its current step (it saves and ends `stopped`). */
export const StopJobMethod = 'mlo/stopJob';
export interface StopJobParams {
  jobId: string;
}
/** Resolves once the stop was delivered (not once the job has ended: watch `mlo/jobState`). */
export type StopJobResult = null;

/** `mlo/estimate`: the analytic memory estimate of a file, per level and differentiation mode. */
export const EstimateMethod = 'mlo/estimate';
export interface EstimateParams {
  uri: string;
  level?: string;
}
export interface EstimateResult {
  /** The document version the estimate was computed for. */
  version: number;
  /** Predicted peak bytes of one outer step with the file's chosen modes. */
  peakBytes: number;
  levels: { level: string; mode?: string; peakBytes: number }[];
  /** The same as a Markdown table (what the hover shows). */
  markdown?: string;
}

// ---- notifications (server → client) -------------------------------------------------------

export type JobStateName = 'queued' | 'running' | 'stopping' | 'completed' | 'stopped' | 'diverged' | 'failed';
/** States after which no more events of that job arrive. */
export const FINAL_JOB_STATES: readonly JobStateName[] = ['completed', 'stopped', 'diverged', 'failed'];

/** `mlo/jobState`: a job changed state (sent at least once for queued/running and once final). */
export const JobStateMethod = 'mlo/jobState';
export interface JobStateParams {
  jobId: string;
  state: JobStateName;
  uri: string;
  level?: string;
  /** Why it failed or diverged, or what it is waiting for. */
  message?: string;
  /** The last checkpoint, when the job ended with one. */
  checkpoint?: string;
}

/** `mlo/jobEvent`: one event of the job's stream (docs/events.md), forwarded unchanged. */
export const JobEventMethod = 'mlo/jobEvent';
export interface JobEventParams {
  jobId: string;
  event: JobEvent;
}

/** `mlo/jobLog`: a line of the job's stderr (not part of the event stream), for the output channel. */
export const JobLogMethod = 'mlo/jobLog';
export interface JobLogParams {
  jobId: string;
  line: string;
}

// ---- client commands that server features (code lenses, code actions) may reference ---------

export const ClientCommands = {
  /** args: [uri: string] */
  runFile: 'mlo.runFile',
  /** args: [uri: string, level: string] */
  runLevel: 'mlo.runLevel',
  /** args: [jobId?: string] */
  stopJob: 'mlo.stopJob',
  /** args: [uri?: string] */
  estimateMemory: 'mlo.estimateMemory',
  showMetricsPanel: 'mlo.showMetricsPanel',
  openSample: 'mlo.openSample',
} as const;

// The node options the language server process should start with; every launcher passes them (the
// extension's client, the protocol tests and the benchmark, and the Neovim and Emacs setups in
// docs/language-server.md). They must be given on the command line: V8 sizes its young
// generation when the process starts.
//
// Why: each analysis of a long file allocates a few MiB that die at the next edit. With V8's
// default young generation (16 MiB semi-spaces) they outlive a scavenge, are copied and promoted,
// and the old generation fills with them; at 32 MiB most die young. Measured on 400 edits of a
// 2,000-line file: scavenges 146 → 86 and their total time 727 → 241 ms, mark-compacts 8 → 2
// (docs/benchmarks.md).
export const serverNodeOptions: readonly string[] = ['--max-semi-space-size=32'];
