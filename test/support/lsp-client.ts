// A minimal LSP client over real stdio JSON-RPC, for protocol tests: it spawns the server
// process exactly as an editor does and speaks to it through its stdin/stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type ClientCapabilities,
  type PublishDiagnosticsParams,
  type InitializeResult,
} from 'vscode-languageserver-protocol/node';
import { tsxImport } from './tsx.js';

export interface Client {
  connection: ProtocolConnection;
  process: ChildProcess;
  init: InitializeResult;
  /** Every publishDiagnostics notification received, in order. */
  published: PublishDiagnosticsParams[];
  /** Resolves with the first diagnostics for `uri` matching `pred` (already received or future). */
  diagnostics(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): Promise<void>;
  change(uri: string, version: number, text: string): Promise<void>;
  stderr(): string;
  /** shutdown + exit; resolves with the server's exit code. */
  close(): Promise<number | null>;
}

const root = process.cwd();

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

export async function startClient(capabilities: ClientCapabilities = {}, initializationOptions?: unknown): Promise<Client> {
  const child = spawn(process.execPath, [...tsxImport, join(root, 'server/src/lsp/main.ts'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/diagnostic/refresh', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  const init = (await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: fileUri(root),
    capabilities,
    initializationOptions,
  })) as InitializeResult;
  await connection.sendNotification('initialized', {});

  return {
    connection,
    process: child,
    init,
    published,
    diagnostics(uri, pred = () => true, timeoutMs = 10_000) {
      const seen = published.find((p) => p.uri === uri && pred(p));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({ uri, pred, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    },
    open: (uri, text, version = 1) =>
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mlo', version, text } }),
    change: (uri, version, text) =>
      connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] }),
    stderr: () => err,
    async close() {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
}
