// The latest analysis of every open document, computed lazily and at most once per version.
// Edits only mark a document stale; diagnostics are published after a short debounce, and a
// result whose version is no longer the document's is dropped rather than published.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { analyze, type Analysis } from '../ide/analysis.js';
import type { FileSystem } from '../model/file-system.js';

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export class Analyses {
  private readonly cache = new Map<string, Analysis>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly fs: FileSystem,
    private readonly debounceMs: number,
  ) {}

  /** The analysis of this exact document version (computed now if needed). */
  get(doc: TextDocument): Analysis {
    const cached = this.cache.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    const fresh = analyze(uriToPath(doc.uri), doc.getText(), doc.version, this.fs);
    this.cache.set(doc.uri, fresh);
    return fresh;
  }

  /**
   * Run `publish` with the document after the debounce, unless a newer edit came in (its own
   * call replaces this one). The caller analyses inside its own error guard, so a checker bug
   * on some input is logged as a failure instead of escaping from a timer.
   */
  schedule(doc: TextDocument, current: () => TextDocument | undefined, publish: (latest: TextDocument) => void): void {
    clearTimeout(this.timers.get(doc.uri));
    this.timers.set(
      doc.uri,
      setTimeout(() => {
        this.timers.delete(doc.uri);
        const latest = current();
        if (!latest || latest.version !== doc.version) return; // stale: a newer edit has its own timer
        publish(latest);
      }, this.debounceMs),
    );
  }

  /** Forget cached analyses so the next request re-reads data files (a watched file changed). */
  invalidateAll(): void {
    this.cache.clear();
  }

  close(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.cache.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.cache.clear();
  }
}
