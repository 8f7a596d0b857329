// Starts the bundled language server (dist/server.cjs) over stdio with vscode-languageclient.
// All protocol knowledge beyond LSP itself lives in server/src/lsp/protocol.ts.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';
import { serverNodeOptions, type MloInitializationOptions, type MloSettings } from '../../server/src/lsp/protocol.js';

export function readSettings(): MloSettings {
  const c = vscode.workspace.getConfiguration('mlo');
  return {
    backend: c.get<MloSettings['backend']>('backend', 'auto'),
    memoryBudget: c.get<string | null>('memoryBudget', null),
    maxConcurrentJobs: c.get<number>('maxConcurrentJobs', 1),
    gpus: c.get<number[]>('gpus', []),
    logInterval: c.get<number>('logInterval', 1),
    outputFolder: c.get<string>('outputFolder', '.mlo-out'),
  };
}

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  // MLO_SERVER_MODULE swaps the server for another module speaking the same protocol: the e2e
  // tests use it to run the client's job flow against a recorded stream (test/e2e/fixtures).
  const module = process.env.MLO_SERVER_MODULE || context.asAbsolutePath('dist/server.cjs');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, options: { execArgv: [...serverNodeOptions] } },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: [...serverNodeOptions, '--nolazy', '--inspect=6019'] } },
  };
  const runner = vscode.workspace.getConfiguration('mlo').get<string[] | null>('runner', null);
  const initializationOptions: MloInitializationOptions = {
    workspaceTrusted: vscode.workspace.isTrusted,
    settings: readSettings(),
    ...(runner && runner.length ? { runner } : {}),
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'mlo' }],
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions,
    synchronize: {
      // Sends workspace/didChangeConfiguration { settings: { mlo: … } } on every change.
      configurationSection: 'mlo',
      // A changed CSV header changes the diagnostics of programs that read it.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{csv,CSV}'),
    },
  };
  return new LanguageClient('mlo', 'mlo language server', serverOptions, clientOptions);
}
