// The mlo extension: starts the bundled language server, wires the job notifications into the
// job registry (status bar, metrics panel, output channel) and registers the commands. Thin:
// the language's knowledge is in the server, the charts are in the webview page.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import {
  JobEventMethod,
  JobLogMethod,
  JobStateMethod,
  EstimateMethod,
  mloCapabilities,
  type EstimateResult,
  type JobEventParams,
  type JobLogParams,
  type JobStateParams,
  type MloServerCapabilities,
} from '../../server/src/lsp/protocol.js';
import { createLanguageClient } from './language-client.js';
import { JobRegistry } from './jobs.js';
import { StatusBar } from './status-bar.js';
import { MetricsPanel, MetricsPanelSerializer, METRICS_VIEW_TYPE } from './panel/metrics-panel.js';
import { registerCommands } from './commands.js';
import { showError } from './notify.js';

/** What `activate` returns: used by the extension-host tests (and other extensions). */
export interface MloExtensionApi {
  client(): LanguageClient | undefined;
  /** Resolves once the server has answered `initialize`. */
  ready: Promise<void>;
  capabilities(): MloServerCapabilities | undefined;
  jobs: JobRegistry;
  panel: MetricsPanel;
  /** The status bar item's text, or undefined while it is hidden. */
  statusBarText(): string | undefined;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): MloExtensionApi {
  const output = vscode.window.createOutputChannel('mlo');
  const jobs = new JobRegistry();
  const status = new StatusBar(jobs);
  const panel = new MetricsPanel(context.extensionUri, jobs, (jobId) => vscode.commands.executeCommand('mlo.stopJob', jobId) as Promise<void>, output);
  context.subscriptions.push(output, status, panel);
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(METRICS_VIEW_TYPE, new MetricsPanelSerializer(() => panel)));
  context.subscriptions.push(...registerCommands({ extensionUri: context.extensionUri, client: () => client, jobs, panel, status, output }));

  const start = async (): Promise<void> => {
    client = createLanguageClient(context, output);
    client.onNotification(JobStateMethod, (p: JobStateParams) => {
      jobs.state(p);
      output.appendLine(`[job ${p.jobId}] ${p.state}${p.message ? `: ${p.message}` : ''}`);
      if (p.state === 'failed' || p.state === 'diverged') {
        void showError(`job ${p.jobId} ${p.state}${p.message ? `: ${p.message}` : ''}`, output, { uri: vscode.Uri.parse(p.uri) });
      }
    });
    client.onNotification(JobEventMethod, (p: JobEventParams) => {
      jobs.event(p);
      if (p.event.type === 'warning') output.appendLine(`[job ${p.jobId}] warning${p.event.step ? ` at step ${p.event.step}` : ''}: ${p.event.message}`);
    });
    client.onNotification(JobLogMethod, (p: JobLogParams) => output.appendLine(`[job ${p.jobId}] ${p.line}`));
    try {
      await client.start();
      const caps = mloCapabilities(client.initializeResult);
      output.appendLine(`[client] server started; mlo capabilities: ${JSON.stringify(caps ?? {})}`);
      await vscode.commands.executeCommand('setContext', 'mlo.jobsAvailable', caps?.jobs === true);
    } catch (e) {
      void showError(`the language server failed to start: ${e instanceof Error ? e.message : String(e)}`, output);
      throw e;
    }
  };
  const ready = start();

  // The status bar shows the active file's estimate, refreshed on save, when the server has one.
  const refreshEstimate = async (editor: vscode.TextEditor | undefined) => {
    status.activeUriChanged(editor?.document.uri.toString());
    if (!editor || editor.document.languageId !== 'mlo' || !client?.isRunning() || !mloCapabilities(client.initializeResult)?.estimate) return;
    try {
      const r = await client.sendRequest<EstimateResult>(EstimateMethod, { uri: editor.document.uri.toString() });
      status.setEstimate({ peakBytes: r.peakBytes, file: vscode.workspace.asRelativePath(editor.document.uri), uri: editor.document.uri.toString() });
    } catch {
      status.setEstimate(undefined); // a file with errors has no estimate: say nothing rather than something stale
    }
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor((e) => void refreshEstimate(e)),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d === vscode.window.activeTextEditor?.document) void refreshEstimate(vscode.window.activeTextEditor);
    }),
    // The server learns of trust through initializationOptions: restart it when trust is granted.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await client?.stop();
      await start();
    }),
  );
  void ready.then(() => refreshEstimate(vscode.window.activeTextEditor), () => undefined);

  return {
    client: () => client,
    ready,
    capabilities: () => mloCapabilities(client?.initializeResult),
    jobs,
    panel,
    statusBarText: () => status.shown,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
