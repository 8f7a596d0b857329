// The public face of the syntax layer.
export * from './ast.js';
export { parse } from './parse.js';
export { LineIndex, type LineCharacter } from './line-index.js';
export { lex, scan, type LexResult, type Scan } from './scanner.js';
