// The long version of fuzz.test.ts: many more random edit sequences.
process.env['MLO_FUZZ_RUNS'] ??= '5000';
await import('./fuzz.test.js');
