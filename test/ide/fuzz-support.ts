// Random edits of real programs, shared by the fuzz tests: an edit replaces a random range by a
// fragment that typing produces (a half keyword, a bracket, a name, a newline, nothing).
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';

export const fuzzCorpus: { path: string; text: string }[] = readdirSync('samples')
  .filter((f) => f.endsWith('.mlo'))
  .map((f) => ({ path: resolve('samples', f), text: readFileSync(resolve('samples', f), 'utf8') }));

const fragments = [
  '', ' ', '\n', '(', ')', '[', ']', '{', '}', ',', ':', '.', '..', '->', '=', '#', '"', '"x', '-', '^', '%',
  'level', 'loss', 'params', 'let', 'run', 'steps', 'above', 'reset from', 'optimizer adam(', 'hypergradient cg(iters: ',
  'net', 'train.', 'mean(', 'csv("data/', 'label: ', 'features: [', '1e-3', '4GiB', '80%', 'é', '\t', '\r\n', 'x'.repeat(50),
];

export interface Edit {
  at: number;
  del: number;
  insert: string;
}

export const editArb = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  del: fc.integer({ min: 0, max: 12 }),
  insert: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 6 })),
});

export function applyEdit(text: string, e: { at: number; del: number; insert: string }): string {
  const at = Math.floor(e.at * text.length);
  return text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.del));
}
