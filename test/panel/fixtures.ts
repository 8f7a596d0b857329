// Reads the recorded event streams in test/panel/fixtures through the real stream reader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvent, type JobEvent } from '../../server/src/engine/runner/events.js';

export const FIXTURES = join(process.cwd(), 'test/panel/fixtures');

export function readStream(name: string): JobEvent[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .map(parseEvent)
    .filter((e): e is JobEvent => e !== undefined);
}

/** A CSV as written by toCsv (no quoted commas in these fixtures) → rows keyed by header. */
export function parseCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}
