// The long version of fuzz.test.ts: many more edits over stdio.
process.env['MLO_LSP_FUZZ_EDITS'] ??= '4000';
await import('./fuzz.test.js');
