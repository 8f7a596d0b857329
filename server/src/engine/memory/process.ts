// The process's own memory accounting on Linux: resident set size and its high-water mark,
// which the kernel lets a process reset (/proc/self/clear_refs, "5"), so the peak of one call can
// be read exactly, native allocations (onnxruntime's arena and planner) included.
import { readFileSync, writeFileSync } from 'node:fs';

export interface RssSample {
  /** VmRSS: resident bytes now. */
  readonly rss: number;
  /** VmHWM: the most resident bytes since the last reset (or process start). */
  readonly hwm: number;
}

export function rssSupported(): boolean {
  try {
    readFileSync('/proc/self/status', 'utf8');
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export function sampleRss(): RssSample {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(s);
    if (!m) throw new Error(`/proc/self/status has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets the high-water mark to the current RSS. */
export function resetHwm(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}
