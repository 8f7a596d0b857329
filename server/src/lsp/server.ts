// The language server: the only place that speaks the protocol. It owns the document store,
// turns protocol requests into calls of the ide layer, converts results back, and owns the
// job manager. Every handler is guarded: a bug in one feature answers null, logs, and leaves
// the server (and the other features) running.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FoldingRangeKind,
  InlayHintKind,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction as LspCodeAction,
  type CodeLens,
  type Command,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type SelectionRange,
  type WorkspaceSymbol as LspWorkspaceSymbol,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';
import { nodeFileSystem } from '../model/file-system.js';
import { analyze, type Analysis } from '../ide/analysis.js';
import { codeActions } from '../ide/actions.js';
import { complete } from '../ide/completion.js';
import { formatEdits } from '../ide/format.js';
import { hover } from '../ide/hover.js';
import { codeLenses, costLensTitle, inlayHints } from '../ide/lenses.js';
import { chosenCost, levelEstimates, treeEstimates } from '../ide/estimates.js';
import { definition, highlights, prepareRename, references, rename } from '../ide/navigation.js';
import { semanticTokens } from '../ide/semantic-tokens.js';
import { signatureHelp } from '../ide/signature.js';
import { foldingRanges, selectionRanges } from '../ide/structure.js';
import { documentSymbols, workspaceSymbols } from '../ide/symbols.js';
import { Analyses, uriToPath } from './analyses.js';
import {
  encodeSemanticTokens, semanticLegend, toCompletionItem, toDocumentSymbol, toEdits, toHighlightKind, toLspDiagnostics, toRange, toSpan, toSymbolKind,
} from './convert.js';
import { detectGpus, JobManager } from './jobs.js';
import {
  ClientCommands, EstimateMethod, JobEventMethod, JobLogMethod, JobStateMethod, MLO_PROTOCOL_VERSION, StartJobMethod, StopJobMethod,
  type EstimateParams, type EstimateResult, type MloInitializationOptions, type MloServerCapabilities, type MloSettings, type StartJobParams, type StartJobResult, type StopJobParams,
} from './protocol.js';
import { runnerCommand } from './runner-command.js';

export interface ServerOptions {
  /** Delay between the last edit and publishing diagnostics. */
  debounceMs?: number;
}

const GRACE_MS = 5000;

/** The client's Estimate command, for a level's tree when `level` is given. */
function estimateCommand(title: string, uri: string | undefined, level: string | undefined): Command {
  return { title, command: ClientCommands.estimateMemory, arguments: level ? [uri, level] : [uri] };
}

/** What an unresolved memory lens carries to its resolve request. */
interface CostLensData {
  uri: string;
  level?: string;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Analyses(nodeFileSystem, options.debounceMs ?? 10);
  let pullDiagnostics = false;
  let watchDynamically = false;
  let snippets = false;
  let trusted = true;
  let workspaceFolders: string[] = [];
  // To the client's log and to stderr (free under every transport), where tests look for failures.
  const log = (m: string) => {
    process.stderr.write(`mlo server: ${m}\n`);
    connection.console.error(`mlo server: ${m}`);
  };

  const jobs = new JobManager({
    command: runnerCommand(undefined),
    maxConcurrent: 1,
    gpus: [],
    graceMs: GRACE_MS,
    onState: (s) => void connection.sendNotification(JobStateMethod, s),
    onEvent: (jobId, event) => void connection.sendNotification(JobEventMethod, { jobId, event }),
    onLog: (jobId, line) => void connection.sendNotification(JobLogMethod, { jobId, line }),
  });
  process.on('exit', () => jobs.killAllOnExit());

  // The settings that shape each job the editor starts (the rest configure the job manager).
  let jobSettings: Partial<Pick<MloSettings, 'backend' | 'outputFolder' | 'logInterval'>> = {};
  const applySettings = (s: Partial<MloSettings> | undefined) => {
    if (!s) return;
    jobSettings = {
      ...jobSettings,
      ...(typeof s.backend === 'string' ? { backend: s.backend } : {}),
      ...(typeof s.outputFolder === 'string' && s.outputFolder.trim() ? { outputFolder: s.outputFolder } : {}),
      ...(typeof s.logInterval === 'number' && Number.isInteger(s.logInterval) && s.logInterval > 0 ? { logInterval: s.logInterval } : {}),
    };
    const gpus = Array.isArray(s.gpus) && s.gpus.length ? s.gpus.filter((g) => Number.isInteger(g) && g >= 0) : undefined;
    jobs.configure({
      ...(typeof s.maxConcurrentJobs === 'number' ? { maxConcurrent: s.maxConcurrentJobs } : {}),
      ...(gpus ? { gpus } : {}),
    });
  };

  /** Runs a feature; a throw becomes null and a log line instead of a dead server. */
  function guard<T>(what: string, f: () => T): T | null {
    try {
      return f();
    } catch (e) {
      log(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return null;
    }
  }
  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    return doc ? analyses.get(doc) : undefined;
  };
  const at = (uri: string, position: { line: number; character: number }) => {
    const a = analysisOf(uri);
    return a ? { a, offset: a.lines.offsetAt(position) } : undefined;
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const td = params.capabilities?.textDocument;
    // Clients that pull get pull only (both would show every problem twice); all others get push.
    pullDiagnostics = td?.diagnostic !== undefined;
    watchDynamically = params.capabilities?.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    snippets = td?.completion?.completionItem?.snippetSupport === true;
    const init = (params.initializationOptions ?? {}) as Partial<MloInitializationOptions>;
    trusted = init.workspaceTrusted !== false;
    jobs.configure({ command: runnerCommand(init.runner) });
    const gpus = Array.isArray(init.settings?.gpus) && init.settings.gpus.length ? undefined : detectGpus();
    if (gpus && gpus.length > 1) jobs.configure({ gpus });
    applySettings(init.settings);
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [uriToPath(params.rootUri)];
    const mlo: MloServerCapabilities = { protocolVersion: MLO_PROTOCOL_VERSION, jobs: true, estimate: true };
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...(pullDiagnostics ? { diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '(', ',', ':', '[', ' '] },
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':', ' '] },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend: semanticLegend, full: true, range: true },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeLensProvider: { resolveProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        inlayHintProvider: true,
        experimental: { mlo },
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

  connection.onDidChangeConfiguration((p) => {
    const s = (p.settings as { mlo?: Partial<MloSettings> } | undefined)?.mlo;
    guard('configuration', () => applySettings(s));
  });

  // ---------------------------------------------------------------- diagnostics
  const publish = (doc: TextDocument) => {
    if (pullDiagnostics) return;
    analyses.schedule(doc, () => documents.get(doc.uri), (latest) => {
      const result = guard('diagnostics', () => {
        const a = analyses.get(latest);
        return { version: a.version, items: toLspDiagnostics(a, doc.uri) };
      });
      if (result) void connection.sendDiagnostics({ uri: doc.uri, version: result.version, diagnostics: result.items });
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
    const a = analysisOf(params.textDocument.uri);
    const items = a ? guard('diagnostics', () => toLspDiagnostics(a, params.textDocument.uri)) : [];
    return { kind: DocumentDiagnosticReportKind.Full, items: items ?? [] };
  });

  // ---------------------------------------------------------------- features
  connection.onHover((p) => guard('hover', () => {
    const c = at(p.textDocument.uri, p.position);
    const h = c && hover(c.a, c.offset);
    return h ? { contents: { kind: 'markdown', value: h.contents }, range: toRange(c.a.lines, h.range) } : null;
  }));

  connection.onCompletion((p) => guard('completion', () => {
    const c = at(p.textDocument.uri, p.position);
    if (!c) return null;
    const r = complete(c.a, c.offset);
    return { isIncomplete: false, items: r.items.map((i) => toCompletionItem(c.a.lines, r.range, i, snippets)) };
  }));

  connection.onSignatureHelp((p) => guard('signature help', () => {
    const c = at(p.textDocument.uri, p.position);
    const s = c && signatureHelp(c.a, c.offset);
    if (!s) return null;
    return {
      signatures: [{ label: s.label, documentation: { kind: 'markdown', value: s.documentation }, parameters: s.parameters.map((x) => ({ label: x.label, ...(x.documentation ? { documentation: x.documentation } : {}) })) }],
      activeSignature: 0,
      activeParameter: s.activeParameter,
    };
  }));

  connection.onDefinition((p) => guard('definition', () => {
    const c = at(p.textDocument.uri, p.position);
    return c ? definition(c.a, c.offset).map((r) => ({ uri: p.textDocument.uri, range: toRange(c.a.lines, r) })) : null;
  }));

  connection.onReferences((p) => guard('references', () => {
    const c = at(p.textDocument.uri, p.position);
    return c ? references(c.a, c.offset, p.context.includeDeclaration).map((r) => ({ uri: p.textDocument.uri, range: toRange(c.a.lines, r) })) : null;
  }));

  connection.onDocumentHighlight((p) => guard('highlight', () => {
    const c = at(p.textDocument.uri, p.position);
    return c ? highlights(c.a, c.offset).map((h) => ({ range: toRange(c.a.lines, h.range), kind: toHighlightKind(h) })) : null;
  }));

  connection.onPrepareRename((p) => {
    const c = at(p.textDocument.uri, p.position);
    if (!c) return null;
    const r = guard('prepareRename', () => prepareRename(c.a, c.offset));
    if (!r) return null;
    if (!r.ok) throw new ResponseError(-32803 /* RequestFailed */, r.message);
    return { range: toRange(c.a.lines, r.range), placeholder: r.placeholder };
  });

  connection.onRenameRequest((p) => {
    const c = at(p.textDocument.uri, p.position);
    if (!c) return null;
    const r = guard('rename', () => rename(c.a, c.offset, p.newName));
    if (!r) return null;
    if (!r.ok) throw new ResponseError(-32803, r.message);
    return { changes: { [p.textDocument.uri]: toEdits(c.a.lines, r.edits) } };
  });

  connection.onDocumentSymbol((p) => guard('symbols', () => {
    const a = analysisOf(p.textDocument.uri);
    return a ? documentSymbols(a).map((s) => toDocumentSymbol(a.lines, s)) : null;
  }));

  connection.onWorkspaceSymbol((p) => guard('workspace symbols', () => workspaceSymbolsOf(p.query)));

  connection.onFoldingRanges((p) => guard('folding', () => {
    const a = analysisOf(p.textDocument.uri);
    return a ? foldingRanges(a).map((f) => ({ startLine: f.startLine, endLine: f.endLine, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region })) : null;
  }));

  connection.onSelectionRanges((p) => guard('selection', () => {
    const a = analysisOf(p.textDocument.uri);
    if (!a) return null;
    const chains = selectionRanges(a, p.positions.map((x) => a.lines.offsetAt(x)));
    return chains.map((chain) => {
      let parent: SelectionRange | undefined;
      for (let i = chain.length - 1; i >= 0; i--) parent = { range: toRange(a.lines, chain[i]!), ...(parent ? { parent } : {}) };
      return parent!;
    });
  }));

  connection.languages.semanticTokens.on((p) => guard('semantic tokens', () => {
    const a = analysisOf(p.textDocument.uri);
    return { data: a ? encodeSemanticTokens(a.lines, semanticTokens(a)) : [] };
  }) ?? { data: [] });
  connection.languages.semanticTokens.onRange((p) => guard('semantic tokens', () => {
    const a = analysisOf(p.textDocument.uri);
    return { data: a ? encodeSemanticTokens(a.lines, semanticTokens(a, toSpan(a.lines, p.range))) : [] };
  }) ?? { data: [] });

  connection.onDocumentFormatting((p) => guard('format', () => {
    const a = analysisOf(p.textDocument.uri);
    return a ? toEdits(a.lines, formatEdits(a)) : null;
  }));
  connection.onDocumentRangeFormatting((p) => guard('format', () => {
    const a = analysisOf(p.textDocument.uri);
    return a ? toEdits(a.lines, formatEdits(a, toSpan(a.lines, p.range))) : null;
  }));

  // The memory lenses come without a title: the client resolves the ones on screen, so a file of
  // hundreds of levels is not estimated whole on every edit.
  connection.onCodeLens((p) => guard('code lens', () => {
    const a = analysisOf(p.textDocument.uri);
    if (!a) return null;
    const uri = p.textDocument.uri;
    return codeLenses(a).map((l): CodeLens => {
      const range = toRange(a.lines, l.range);
      switch (l.command.kind) {
        case 'runLevel': return { range, command: { title: l.title ?? '', command: ClientCommands.runLevel, arguments: [uri, l.command.level] } };
        case 'runFile': return { range, command: { title: l.title ?? '', command: ClientCommands.runFile, arguments: [uri] } };
        case 'estimate':
          if (l.title === undefined) return { range, data: { uri, level: l.command.level } satisfies CostLensData };
          return { range, command: estimateCommand(l.title, uri, l.command.level) };
      }
    });
  }));

  connection.onCodeLensResolve((lens) => {
    const d = lens.data as CostLensData | undefined;
    const a = d && typeof d.uri === 'string' ? analysisOf(d.uri) : undefined;
    const title = (a && typeof d?.level === 'string' ? guard('code lens resolve', () => costLensTitle(a, d.level!)) : undefined) ?? 'peak memory: no estimate';
    return { ...lens, command: estimateCommand(title, d?.uri, d?.level) };
  });

  connection.onCodeAction((p) => guard('code action', () => {
    const a = analysisOf(p.textDocument.uri);
    if (!a) return null;
    const uri = p.textDocument.uri;
    return codeActions(a, toSpan(a.lines, p.range)).map((x): LspCodeAction => ({
      title: x.title,
      kind: x.kind === 'quickfix' ? CodeActionKind.QuickFix : CodeActionKind.Refactor,
      edit: { changes: { [uri]: toEdits(a.lines, x.edits) } },
      ...(x.preferred ? { isPreferred: true } : {}),
      ...(x.diagnostic ? { diagnostics: toLspDiagnostics({ ...a, result: { ...a.result, diagnostics: [x.diagnostic] } }, uri) } : {}),
    }));
  }));

  connection.languages.inlayHint.on((p) => guard('inlay hints', () => {
    const a = analysisOf(p.textDocument.uri);
    if (!a) return null;
    return inlayHints(a, toSpan(a.lines, p.range)).map((h) => ({
      position: a.lines.positionAt(h.offset),
      label: h.label,
      kind: h.kind === 'type' ? InlayHintKind.Type : InlayHintKind.Parameter,
      ...(h.tooltip ? { tooltip: h.tooltip } : {}),
      paddingLeft: false,
    }));
  }));

  // ---------------------------------------------------------------- workspace symbols
  const diskCache = new Map<string, { stamp: string; analysis: Analysis }>();
  function workspaceSymbolsOf(query: string): LspWorkspaceSymbol[] {
    const out: LspWorkspaceSymbol[] = [];
    const open = new Set<string>();
    const add = (uri: string, a: Analysis) => {
      for (const s of workspaceSymbols(a, query)) {
        out.push({ name: s.name, kind: toSymbolKind(s.kind), location: { uri, range: toRange(a.lines, s.range) }, ...(s.container ? { containerName: s.container } : {}) });
      }
    };
    for (const doc of documents.all()) {
      open.add(uriToPath(doc.uri));
      add(doc.uri, analyses.get(doc));
    }
    for (const path of mloFiles(workspaceFolders, 2000)) {
      if (open.has(path)) continue;
      try {
        const st = statSync(path);
        const stamp = `${st.mtimeMs}:${st.size}`;
        let hit = diskCache.get(path);
        if (!hit || hit.stamp !== stamp) {
          hit = { stamp, analysis: analyze(path, readFileSync(path, 'utf8'), 0, nodeFileSystem) };
          diskCache.set(path, hit);
        }
        add(pathToFileURL(path).href, hit.analysis);
      } catch {
        /* unreadable: skip */
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- jobs
  connection.onRequest(StartJobMethod, (p: StartJobParams): StartJobResult => {
    if (!trusted) throw new ResponseError(-32803, 'jobs never start in an untrusted workspace');
    if (!p || typeof p.uri !== 'string') throw new ResponseError(-32602, 'mlo/startJob needs a uri');
    const path = uriToPath(p.uri);
    const folder = workspaceFolders.find((f) => path.startsWith(f));
    const backend = typeof p.backend === 'string' ? p.backend : jobSettings.backend !== 'auto' ? jobSettings.backend : undefined;
    // mlo.outputFolder is relative to the workspace folder (the file's folder outside one).
    const out = jobSettings.outputFolder ? resolvePath(folder ?? dirname(path), jobSettings.outputFolder, basename(path, '.mlo')) : undefined;
    const jobId = jobs.start({
      uri: p.uri, path,
      ...(typeof p.level === 'string' ? { level: p.level } : {}),
      ...(backend ? { backend } : {}),
      ...(out ? { out } : {}),
      ...(jobSettings.logInterval ? { log: jobSettings.logInterval } : {}),
      ...(typeof p.steps === 'number' && Number.isInteger(p.steps) && p.steps > 0 ? { steps: p.steps } : {}),
      ...(folder ? { cwd: folder } : {}),
    });
    return { jobId };
  });
  connection.onRequest(StopJobMethod, (p: StopJobParams) => {
    if (!p || typeof p.jobId !== 'string' || !jobs.stop(p.jobId)) {
      if (p && typeof p.jobId === 'string' && jobs.state(p.jobId)) return null; // already ended
      throw new ResponseError(-32602, `no job ${p?.jobId}`);
    }
    return null;
  });

  connection.onRequest(EstimateMethod, (p: EstimateParams): EstimateResult => {
    const a = p && typeof p.uri === 'string' ? analysisOf(p.uri) : undefined;
    if (!a) throw new ResponseError(-32602, `${p?.uri} is not open`);
    const found = p.level ? treeEstimates(a, p.level) : levelEstimates(a)?.values();
    if (!found) throw new ResponseError(-32803, `no estimate for ${p.level ? `level ${p.level}` : 'this file'} (does it check without errors?)`);
    const est = [...found];
    const levels = est.map((e) => {
      const c = chosenCost(e);
      return { level: e.level, mode: e.chosen, peakBytes: c?.peakBytes ?? 0 };
    });
    const markdown = est.map((e) => e.markdown ?? '').join('\n\n---\n\n');
    return { version: a.version, peakBytes: Math.max(0, ...levels.map((l) => l.peakBytes)), levels, ...(markdown ? { markdown } : {}) };
  });

  connection.onShutdown(async () => {
    analyses.dispose();
    await jobs.stopAll();
  });

  documents.listen(connection);
  connection.listen();
}

/** `.mlo` files under the folders (node_modules and dot-folders skipped), at most `limit`. */
function mloFiles(folders: readonly string[], limit: number): string[] {
  const out: string[] = [];
  const visit = (dir: string, depth: number) => {
    if (out.length >= limit || depth > 8) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      if (out.length >= limit) return;
      if (n.startsWith('.') || n === 'node_modules' || n === 'out' || n === 'dist') continue;
      const p = join(dir, n);
      if (n.endsWith('.mlo')) out.push(p);
      else {
        try {
          if (statSync(p).isDirectory()) visit(p, depth + 1);
        } catch {
          /* skip */
        }
      }
    }
  };
  for (const f of folders) visit(f, 0);
  return out;
}
