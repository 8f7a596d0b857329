// `mlo check FILE...`: parse and check each file, print its diagnostics, exit 1 on any error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { check } from '../model/check.js';
import { diagnostic } from '../model/diagnostics.js';
import { nodeFileSystem } from '../model/file-system.js';
import { formatLine, printable, type PrintedDiagnostic } from './format.js';

export interface CheckCommandOptions {
  json?: boolean;
}

export function runCheck(files: string[], options: CheckCommandOptions, out: (line: string) => void): number {
  const all: PrintedDiagnostic[] = [];
  let errors = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message);
      all.push(...printable(file, '', [diagnostic('MLO000', { start: 0, end: 0 }, { file, reason })]));
      errors++;
      continue;
    }
    const result = check(text, { path: resolve(file), fs: nodeFileSystem });
    const printed = printable(file, text, result.diagnostics);
    errors += printed.filter((d) => d.severity === 'error').length;
    all.push(...printed);
  }
  if (options.json) {
    out(JSON.stringify({ files: files.length, errors, diagnostics: all }, null, 2));
  } else {
    for (const d of all) out(formatLine(d));
    if (files.length > 1 || all.length > 0) {
      out(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${all.length - errors} other diagnostic${all.length - errors === 1 ? '' : 's'}`);
    }
  }
  return errors > 0 ? 1 : 0;
}
