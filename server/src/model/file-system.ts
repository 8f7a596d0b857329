// How the checker reads data files: through an injectable file system (the language server
// supplies open-editor overlays, tests supply fixtures) and a cache of parsed CSV facts, so
// re-checking on every keystroke does not re-scan unchanged files.

import { readFileSync, statSync } from 'node:fs';
import { readCsvTable, type CsvTable } from './csv.js';

export interface FileSystem {
  /** The file's text, or undefined when it cannot be read. */
  readText(absPath: string): string | undefined;
  /**
   * Optional cheap version of the file (mtime and size, an editor's document version): when
   * given and unchanged, the cached table is used without reading the text again.
   */
  stamp?(absPath: string): string | number | undefined;
}

export const nodeFileSystem: FileSystem = {
  readText(absPath) {
    try {
      return readFileSync(absPath, 'utf8');
    } catch {
      return undefined;
    }
  },
  stamp(absPath) {
    try {
      const s = statSync(absPath);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return undefined;
    }
  },
};

/** A file system over a fixed map of absolute paths to texts (tests, overlays). */
export function memoryFileSystem(files: Record<string, string>, fallback?: FileSystem): FileSystem {
  return {
    readText: (p) => (p in files ? files[p] : fallback?.readText(p)),
    stamp: (p) => (p in files ? `mem:${files[p]!.length}:${hashText(files[p]!)}` : fallback?.stamp?.(p)),
  };
}

interface CacheEntry {
  stamp?: string | number;
  text: string;
  table: CsvTable;
}

const MAX_ENTRIES = 64;
const cache = new Map<string, CacheEntry>();

/** The parsed table of a CSV file, or undefined when unreadable. Cached by path + stamp, else by content. */
export function loadCsv(fs: FileSystem, absPath: string): CsvTable | undefined {
  const stamp = fs.stamp?.(absPath);
  const hit = cache.get(absPath);
  if (hit && stamp !== undefined && hit.stamp === stamp) return hit.table;
  const text = fs.readText(absPath);
  if (text === undefined) {
    cache.delete(absPath);
    return undefined;
  }
  // Same content (often the very same string object) → same table.
  if (hit && hit.text === text) {
    hit.stamp = stamp;
    return hit.table;
  }
  const table = readCsvTable(text);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(absPath, { stamp, text, table });
  return table;
}

/** FNV-1a over the text: a content stamp for in-memory files. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
