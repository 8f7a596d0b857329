// The closed form (what the hover shows) against the liveness of the real lowering (graph/program)
// on the nine samples, every mode listed for the top level. Slow: it traces every inner step of
// every mode (tens of seconds on the 2-core machine).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../../server/src/model/check.js';
import { estimateProgram, tracedProgramPeak } from '../../server/src/estimate/index.js';
import type { ModeSpec } from '../../server/src/graph/modes/problem.js';

const dir = join(process.cwd(), 'samples');

/**
 * What the closed form reaches on the samples (docs/estimates.md, "Against the real lowering"):
 * most pairs within ±15%; the outliers are the MLP-shaped units applied to losses they do not
 * describe (a mixture of candidate models, iMAML's proximal term, the implicit modes on MAML).
 */
const PAIR_TOLERANCE_PCT = 70; // worst now 69.4% (iMAML truncated, its proximal term)
const WITHIN_15_SHARE = 0.7;

it('closed form vs traced liveness on the nine samples', () => {
  const rows: string[] = [];
  const errs: number[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.mlo'))) {
    const r = check(readFileSync(join(dir, f), 'utf8'), { path: join(dir, f) });
    const top = estimateProgram(r).levels[0]!;
    for (const m of top.modes) {
      const mode = { mode: m.mode, ...m.choice.options } as ModeSpec;
      const traced = tracedProgramPeak(r, mode).peakBytes;
      const err = (100 * (m.peakBytes - traced)) / traced;
      errs.push(err);
      rows.push(`${f.padEnd(36)} ${m.label.padEnd(32)} closed ${String(m.peakBytes).padStart(9)} traced ${String(traced).padStart(9)} ${err.toFixed(1).padStart(6)}%`);
    }
  }
  console.log(rows.join('\n'));
  assert.ok(errs.length >= 60, `${errs.length} pairs`);
  const within = errs.filter((e) => Math.abs(e) <= 15).length;
  console.log(`within ±15%: ${within}/${errs.length}; worst ${Math.max(...errs.map(Math.abs)).toFixed(1)}%`);
  for (let i = 0; i < errs.length; i++) assert.ok(Math.abs(errs[i]!) <= PAIR_TOLERANCE_PCT, rows[i]);
  assert.ok(within >= WITHIN_15_SHARE * errs.length, `only ${within}/${errs.length} pairs within ±15%`);
});
