// The latest analysis of every open document, computed lazily and at most once per version.
// Edits only mark a document stale. An edit is analysed as soon as the messages already received
// are handled, unless it comes while the previous one still waits (a burst: paste, undo, an
// editor's batch of changes): then the wait restarts with the debounce delay, so only the last of
// the burst is analysed. A result whose version is no longer the document's is dropped rather
// than published.
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
    // The previous version's parse is the start of this one's (incremental re-parse).
    const fresh = analyze(uriToPath(doc.uri), doc.getText(), doc.version, this.fs, cached);
    this.cache.set(doc.uri, fresh);
    return fresh;
  }

  /**
   * Run `publish` with the document soon (at once, or after the debounce when an earlier edit
   * still waits), unless a newer edit came in (its own call replaces this one). The caller
   * analyses inside its own error guard, so a checker bug on some input is logged as a failure
   * instead of escaping from a timer.
   */
  schedule(doc: TextDocument, current: () => TextDocument | undefined, publish: (latest: TextDocument) => void): void {
    const waiting = this.timers.get(doc.uri);
    const inBurst = waiting !== undefined;
    clearTimeout(waiting);
    this.timers.set(
      doc.uri,
      setTimeout(() => {
        this.timers.delete(doc.uri);
        const latest = current();
        if (!latest || latest.version !== doc.version) return; // stale: a newer edit has its own timer
        publish(latest);
      }, inBurst ? this.debounceMs : 0),
    );
  }

  /** Forget cached analyses so the next request re-reads data files (a watched file changed). */
  invalidateAll(): void {
    // The versions stay as the start of the next incremental parse; only their check is stale.
    for (const [uri, a] of this.cache) this.cache.set(uri, { ...a, version: Number.NaN, filesChanged: true });
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
