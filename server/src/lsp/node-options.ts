// Node options the language server process should start with; every launcher passes them (the
// extension's client, the protocol tests and the benchmark, and the Neovim and Emacs setups in
// docs/language-server.md). They must be given on the command line: V8 sizes its young
// generation when the process starts.
//
// Why: each analysis of a long file allocates a few MiB that die at the next edit. With V8's
// default young generation (16 MiB semi-spaces) they outlive a scavenge, are copied and promoted,
// and the old generation fills with them; at 32 MiB most die young. Measured on 400 edits of a
// 2,000-line file: scavenges 146 → 86 and their total time 727 → 241 ms, mark-compacts 8 → 2
// (docs/benchmarks.md).
export const serverNodeOptions: readonly string[] = ['--max-semi-space-size=32'];
