// The language server: the only place that speaks the protocol. It owns the document store,
// turns protocol requests into calls of the ide layer, and converts results back.
import {
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from '../model/file-system.js';
import { Analyses } from './analyses.js';
import { toLspDiagnostics } from './convert.js';

export interface ServerOptions {
  /** Delay between the last edit and publishing diagnostics. */
  debounceMs?: number;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Analyses(nodeFileSystem, options.debounceMs ?? 10);
  let pullDiagnostics = false;
  let watchDynamically = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const td = params.capabilities.textDocument;
    // Clients that pull get pull only (both would show every problem twice); all others get push.
    pullDiagnostics = td?.diagnostic !== undefined;
    watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...(pullDiagnostics ? { diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'mlo-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (watchDynamically) {
      // Data files: a changed CSV header changes the diagnostics of the programs that read it.
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{csv,CSV}' }] });
    }
  });

  const publish = (doc: TextDocument) => {
    if (pullDiagnostics) return;
    analyses.schedule(doc, () => documents.get(doc.uri), (a) => {
      void connection.sendDiagnostics({ uri: doc.uri, version: a.version, diagnostics: toLspDiagnostics(a, doc.uri) });
    });
  };

  documents.onDidOpen((e) => publish(e.document));
  documents.onDidChangeContent((e) => publish(e.document));
  documents.onDidClose((e) => {
    analyses.close(e.document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onDidChangeWatchedFiles(() => {
    analyses.invalidateAll();
    if (pullDiagnostics) connection.languages.diagnostics.refresh();
    else for (const doc of documents.all()) publish(doc);
  });

  connection.languages.diagnostics.on((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    return { kind: DocumentDiagnosticReportKind.Full, items: toLspDiagnostics(analyses.get(doc), doc.uri) };
  });

  connection.onShutdown(() => analyses.dispose());

  documents.listen(connection);
  connection.listen();
}
