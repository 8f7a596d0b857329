// The status bar's words, as a pure function of what is known (tested outside VS Code).
import { formatBytes, formatValue } from '../webview/format.js';
import type { Job } from './jobs.js';

export interface StatusText {
  text: string;
  tooltip: string;
}

const icons: Record<string, string> = {
  queued: '$(clock)',
  running: '$(sync~spin)',
  stopping: '$(debug-stop)',
  completed: '$(check)',
  stopped: '$(debug-stop)',
  diverged: '$(warning)',
  failed: '$(error)',
};

/** A running job wins; otherwise the active file's estimate; otherwise nothing to show. */
export function statusText(job: Job | undefined, estimate: { peakBytes: number; file: string } | undefined): StatusText | undefined {
  if (job && (job.state === 'queued' || job.state === 'running' || job.state === 'stopping')) return jobText(job);
  if (estimate) {
    return {
      text: `$(dashboard) est. ${formatBytes(estimate.peakBytes)}`,
      tooltip: `mlo: estimated peak memory of one outer step of ${estimate.file}`,
    };
  }
  return job ? jobText(job) : undefined;
}

function jobText(job: Job): StatusText {
  const icon = icons[job.state] ?? '';
  const steps = job.start?.job.steps;
  const step = job.last?.step ?? job.end?.steps;
  const where = step !== undefined ? ` ${step}${steps ? `/${steps}` : ''}` : '';
  // The topmost level's loss is the one the user cares about (the outer objective).
  const levels = job.start?.levels ?? [];
  const top = levels.find((l) => !levels.some((o) => o.above.includes(l.name)))?.name ?? Object.keys(job.last?.levels ?? {})[0];
  const loss = top && job.last?.levels[top] ? ` · ${top} ${formatValue(job.last.levels[top].loss)}` : '';
  const backend = job.start ? ` · ${job.start.backend.name}/${job.start.backend.device}` : '';
  const name = job.start?.job.file.split(/[\\/]/).at(-1) ?? job.uri.split('/').at(-1) ?? job.jobId;
  const tooltipLines = [
    `mlo job ${job.jobId} (${name}${job.level ? `, level ${job.level}` : ''}): ${job.state}`,
    job.message ?? '',
    job.last ? `memory: ${formatBytes(job.last.memory.liveBytes)} live, ${formatBytes(job.last.memory.peakBytes)} peak` : '',
    job.start?.estimatedPeakBytes !== undefined ? `estimated peak: ${formatBytes(job.start.estimatedPeakBytes)}` : '',
    'Click to show the metrics panel',
  ];
  return { text: `${icon} mlo${where}${loss}${backend}`, tooltip: tooltipLines.filter(Boolean).join('\n') };
}
