// `mlo estimate FILE [--budget 8GiB] [--json] [--precision float32|float64]`: the closed-form
// memory and compute of every applicable hypergradient mode of every upper level, the breakdown
// of the recommended mode, and the recommendation. Exit 1 when the file has errors.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { check } from '../model/check.js';
import { estimateProgram, levelText, type Precision } from '../estimate/index.js';
import { formatLine, printable } from './format.js';

export interface EstimateCommandOptions {
  budget?: string;
  json?: boolean;
  precision?: string;
}

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** `8GiB`, `512 MiB`, `1e9` → bytes; undefined if unreadable. */
export function parseSize(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(s);
  if (!m) return undefined;
  const unit = m[2] ? Object.keys(UNITS).find((u) => u.toLowerCase() === m[2]!.toLowerCase()) : 'B';
  return unit ? Math.round(Number(m[1]) * UNITS[unit]!) : undefined;
}

export function runEstimate(file: string, options: EstimateCommandOptions, out: (line: string) => void): number {
  let budget: number | undefined;
  if (options.budget !== undefined) {
    budget = parseSize(options.budget);
    if (budget === undefined) {
      out(`mlo estimate: cannot read the budget '${options.budget}' (write e.g. 8GiB, 512MiB, 1e9)`);
      return 2;
    }
  }
  if (options.precision !== undefined && options.precision !== 'float32' && options.precision !== 'float64') {
    out(`mlo estimate: precision must be float32 or float64, not '${options.precision}'`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    out(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    return 1;
  }
  const result = check(text, { path: resolve(file) });
  const errors = printable(file, text, result.diagnostics).filter((d) => d.severity === 'error');
  if (errors.length) {
    for (const d of errors) out(formatLine(d));
    out(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}; fix them for an estimate`);
    return 1;
  }
  const e = estimateProgram(result, { ...(budget !== undefined ? { budget } : {}), ...(options.precision ? { precision: options.precision as Precision } : {}) });
  if (options.json) {
    out(JSON.stringify({
      file,
      precision: e.precision,
      ...(e.budget !== undefined ? { budget: e.budget } : {}),
      levels: e.levels.map((l) => ({
        level: l.level,
        lowers: l.lowers,
        modes: l.modes.map((m) => ({ mode: m.mode, label: m.label, peakBytes: m.peakBytes, flops: m.flops, plainSteps: m.plainSteps, exact: m.exact, ...(m.fits !== undefined ? { fits: m.fits } : {}), declared: m.declared, breakdown: m.breakdown })),
        recommendation: l.recommendation,
      })),
    }, null, 2));
    return 0;
  }
  if (e.levels.length === 0) out(`${file}: no level has levels below it; nothing to estimate`);
  e.levels.forEach((l, i) => {
    if (i) out('');
    out(levelText(l, e));
  });
  return 0;
}
