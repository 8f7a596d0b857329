// A job's checkpoint: every tensor (`tensor:NAME`) and optimizer slot (`state:…`) in
// safetensors, with the step, seed and data-stream positions as metadata, written atomically
// (a crash leaves the previous file). Loading it gives back exactly the state that was saved,
// so `--resume` continues bit for bit on the same backend.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../checkpoint/atomic-write.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../checkpoint/safetensors.js';
import type { FeederState } from './data-feed.js';
import { JobState } from './state.js';

export const CHECKPOINT_FORMAT = 'mlo-checkpoint/1';
export const CHECKPOINT_FILE = 'last.safetensors';

export interface CheckpointMeta {
  readonly step: number;
  readonly seed: number;
  readonly file: string;
  readonly data: FeederState;
  readonly mode?: string;
  readonly backend?: string;
}

export function saveCheckpoint(path: string, state: JobState, meta: CheckpointMeta): number {
  const tensors: Record<string, SafeTensor> = {};
  for (const [k, v] of state.tensors) tensors[`tensor:${k}`] = { dtype: 'F32', shape: [v.length], data: v };
  for (const [k, v] of state.optimizer) tensors[k] = { dtype: 'F32', shape: [v.length], data: v };
  const bytes = encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    step: String(meta.step),
    seed: String(meta.seed),
    file: meta.file,
    data: JSON.stringify(meta.data),
    ...(meta.mode ? { mode: meta.mode } : {}),
    ...(meta.backend ? { backend: meta.backend } : {}),
  });
  writeFileAtomic(path, bytes);
  return bytes.length;
}

/** A checkpoint file, or the `last.safetensors` inside a folder. */
export function checkpointPath(p: string): string {
  return existsSync(p) && statSync(p).isDirectory() ? join(p, CHECKPOINT_FILE) : p;
}

export function loadCheckpoint(path: string): { state: JobState; meta: CheckpointMeta } {
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(path)));
  if (metadata['format'] !== CHECKPOINT_FORMAT) throw new Error(`${path} is not an mlo checkpoint (format ${metadata['format'] ?? 'missing'})`);
  const state = new JobState();
  for (const [k, t] of Object.entries(tensors)) {
    if (t.dtype !== 'F32') throw new Error(`${path}: ${k} is ${t.dtype}, expected F32`);
    const v = Float32Array.from(t.data as Float32Array);
    if (k.startsWith('tensor:')) state.tensors.set(k.slice('tensor:'.length), v);
    else state.optimizer.set(k, v);
  }
  state.step = Number(metadata['step']);
  return {
    state,
    meta: {
      step: state.step,
      seed: Number(metadata['seed']),
      file: metadata['file'] ?? '',
      data: JSON.parse(metadata['data'] ?? '{}') as FeederState,
      ...(metadata['mode'] ? { mode: metadata['mode'] } : {}),
      ...(metadata['backend'] ? { backend: metadata['backend'] } : {}),
    },
  };
}
