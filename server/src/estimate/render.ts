// Renderings of an estimate: Markdown for the hover, a plain-text table for the CLI.
import type { LevelEstimate, ModeEstimate, WorkloadEstimate } from './estimate.js';
import { BREAKDOWN_KEYS, type Breakdown } from './memory.js';
import { formatBytes } from './recommend.js';

export { formatBytes };

const LABELS: Record<keyof Breakdown, string> = {
  parameters: 'parameters',
  gradients: 'gradients',
  optimizerState: 'optimizer state',
  activations: 'activations',
  gradientGraphs: 'differentiable-gradient graphs',
  checkpoints: 'per-step checkpoints',
  tangents: 'tangents',
  solverVectors: 'solver vectors',
  data: 'data batches',
};

export function formatFlops(f: number): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P'];
  let v = f;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)} ${units[i]}FLOP`;
}

/** The non-zero parts of a breakdown, largest first. */
export function breakdownRows(b: Breakdown): { part: string; bytes: number }[] {
  return BREAKDOWN_KEYS.filter((k) => b[k] > 0)
    .map((k) => ({ part: LABELS[k], bytes: b[k] }))
    .sort((a, c) => c.bytes - a.bytes);
}

export interface TableRow {
  readonly mode: string;
  readonly peak: string;
  readonly compute: string;
  readonly plain: string;
  readonly exact: string;
  readonly fits: string;
}

export function tableRows(l: LevelEstimate): TableRow[] {
  return l.modes.map((m) => ({
    mode: `${m.label}${m.declared ? ' *' : ''}${m.mode === l.recommendation.mode ? ' ←' : ''}`,
    peak: formatBytes(m.peakBytes),
    compute: formatFlops(m.flops),
    plain: `${m.plainSteps.toFixed(1)}×`,
    exact: m.exact ? 'yes' : 'no',
    fits: m.fits === undefined ? '—' : m.fits ? 'yes' : 'no',
  }));
}

const HEAD = ['mode', 'peak memory', 'compute', '× plain step', 'exact?', 'fits?'];

function chosen(l: LevelEstimate): ModeEstimate | undefined {
  return l.modes.find((m) => m.mode === l.recommendation.mode);
}

/** Markdown for one upper level: the table, the chosen mode's breakdown, the recommendation. */
export function levelMarkdown(l: LevelEstimate, e: Pick<WorkloadEstimate, 'budget' | 'precision'>): string {
  const rows = tableRows(l).map((r) => `| ${[r.mode, r.peak, r.compute, r.plain, r.exact, r.fits].join(' | ')} |`);
  const c = chosen(l);
  const parts = c ? breakdownRows(c.breakdown).map((r) => `${r.part} ${formatBytes(r.bytes)}`).join(' · ') : '';
  return [
    `**${l.level}** over ${l.lowers.join(', ')} (${l.lowerSteps} lower step${l.lowerSteps === 1 ? '' : 's'}; ${e.precision}${e.budget !== undefined ? `; budget ${formatBytes(e.budget)}` : ''})`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...rows,
    '',
    `**Recommended:** \`${l.recommendation.label}\` — ${l.recommendation.reason}`,
    ...(c ? ['', `Peak of \`${c.label}\`: ${parts}`] : []),
  ].join('\n');
}

export function estimateMarkdown(e: WorkloadEstimate): string {
  return e.levels.map((l) => levelMarkdown(l, e)).join('\n\n---\n\n');
}

/** A plain-text table for a terminal. */
export function levelText(l: LevelEstimate, e: Pick<WorkloadEstimate, 'budget' | 'precision'>): string {
  const rows = tableRows(l).map((r) => [r.mode, r.peak, r.compute, r.plain, r.exact, r.fits]);
  const w = HEAD.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: readonly string[]): string => r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ').trimEnd();
  const c = chosen(l);
  const out = [
    `${l.level} over ${l.lowers.join(', ')} (${l.lowerSteps} lower step${l.lowerSteps === 1 ? '' : 's'}, ${e.precision}${e.budget !== undefined ? `, budget ${formatBytes(e.budget)}` : ''})`,
    line(HEAD),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map(line),
  ];
  if (c) {
    out.push('', `peak of ${c.label}: ${formatBytes(c.peakBytes)}`);
    for (const r of breakdownRows(c.breakdown)) out.push(`  ${r.part.padEnd(32)} ${formatBytes(r.bytes).padStart(10)}`);
  }
  out.push('', `recommended: ${l.recommendation.label} — ${l.recommendation.reason}`);
  return out.join('\n');
}
