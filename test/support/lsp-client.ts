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
  type Range,
} from 'vscode-languageserver-protocol/node';
import { serverNodeOptions } from '../../server/src/lsp/protocol.js';
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
  /** A whole-document change (the content replaced). */
  change(uri: string, version: number, text: string): Promise<void>;
  /** An incremental change, as editors send them: `range` of the previous version replaced by `text`. */
  edit(uri: string, version: number, range: Range, text: string): Promise<void>;
  stderr(): string;
  /** Every other notification from the server (jobs, logs), in order. */
  notifications: { method: string; params: unknown }[];
  /** Resolves with the first notification of `method` matching `pred` (already received or future). */
  notification<T>(method: string, pred?: (p: T) => boolean, timeoutMs?: number): Promise<T>;
  /** shutdown + exit; resolves with the server's exit code. */
  close(): Promise<number | null>;
}

const root = process.cwd();

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

export interface StartOptions {
  /** Extra environment of the server process (MLO_RUNNER for a fake runner). */
  env?: NodeJS.ProcessEnv;
  /** Run the compiled server (out/server/src/lsp/main.js, after `npm run build`) instead of the sources. */
  built?: boolean;
  /** Node options of the server process (default: those every launcher passes, lsp/protocol.ts; add `--cpu-prof` to profile it). */
  execArgv?: string[];
}

export async function startClient(capabilities: ClientCapabilities = {}, initializationOptions?: unknown, options: StartOptions = {}): Promise<Client> {
  const server = options.built ? [join(root, 'out/server/src/lsp/main.js'), '--stdio'] : [...tsxImport, join(root, 'server/src/lsp/main.ts'), '--stdio'];
  const args = [...(options.execArgv ?? serverNodeOptions), ...server];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
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
  const notifications: { method: string; params: unknown }[] = [];
  const noteWaiters: { method: string; pred: (p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];
  for (const method of ['mlo/jobState', 'mlo/jobEvent', 'mlo/jobLog', 'window/showMessage']) {
    connection.onNotification(method, (params: unknown) => {
      notifications.push({ method, params });
      for (const w of [...noteWaiters]) {
        if (w.method === method && w.pred(params)) {
          noteWaiters.splice(noteWaiters.indexOf(w), 1);
          w.resolve(params);
        }
      }
    });
  }
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
    edit: (uri, version, range, text) =>
      connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] }),
    stderr: () => err,
    notifications,
    notification<T>(method: string, pred: (p: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
      const seen = notifications.find((n) => n.method === method && pred(n.params as T));
      if (seen) return Promise.resolve(seen.params as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        noteWaiters.push({ method, pred: (p) => pred(p as T), resolve: (p) => (clearTimeout(timer), resolve(p as T)) });
      });
    },
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
