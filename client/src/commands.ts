// The commands: each one checks what it needs (an .mlo file, a trusted workspace, a server
// that implements jobs) and sends the request named in server/src/lsp/protocol.ts.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import {
  ClientCommands,
  EstimateMethod,
  StartJobMethod,
  StopJobMethod,
  mloCapabilities,
  type EstimateParams,
  type EstimateResult,
  type StartJobParams,
  type StartJobResult,
  type StopJobParams,
} from '../../server/src/lsp/protocol.js';
import type { JobRegistry } from './jobs.js';
import type { MetricsPanel } from './panel/metrics-panel.js';
import type { StatusBar } from './status-bar.js';
import { firstError, showError } from './notify.js';
import { openSample } from './samples.js';
import { formatBytes } from '../webview/format.js';

export interface CommandContext {
  extensionUri: vscode.Uri;
  client: () => LanguageClient | undefined;
  jobs: JobRegistry;
  panel: MetricsPanel;
  status: StatusBar;
  output: vscode.OutputChannel;
}

export const UNTRUSTED_MESSAGE = 'jobs never start in an untrusted workspace (editing and estimates still work). Trust the workspace to run.';

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, fn);
  return [
    reg(ClientCommands.runFile, (uri?: string | vscode.Uri) => startJob(ctx, uri)),
    reg(ClientCommands.runLevel, async (uri?: string | vscode.Uri, level?: string) => {
      const doc = await mloDocument(uri);
      if (!doc) return undefined;
      const chosen = level ?? (await pickLevel(doc));
      return chosen ? startJob(ctx, doc.uri, chosen) : undefined;
    }),
    reg(ClientCommands.stopJob, (jobId?: string) => stopJob(ctx, jobId)),
    reg(ClientCommands.estimateMemory, (uri?: string | vscode.Uri, level?: string) => estimate(ctx, uri, level)),
    reg(ClientCommands.showMetricsPanel, () => ctx.panel.show()),
    reg(ClientCommands.openSample, () => openSample(ctx.extensionUri)),
  ];
}

/** The document a command acts on: its argument, else the active editor if it is .mlo. */
async function mloDocument(uri?: string | vscode.Uri): Promise<vscode.TextDocument | undefined> {
  const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
  if (target) return vscode.workspace.openTextDocument(target);
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === 'mlo') return doc;
  void vscode.window.showWarningMessage('mlo: open an .mlo file first.');
  return undefined;
}

/** Levels are declared as `level NAME {` or `level NAME above …`: enough for a picker. */
function pickLevel(doc: vscode.TextDocument): Thenable<string | undefined> {
  const names = [...doc.getText().matchAll(/^\s*level\s+([A-Za-z_][\w]*)/gm)].map((m) => m[1]);
  return vscode.window.showQuickPick(names, { placeHolder: 'Run which level (with the levels below it)?' });
}

function requireCapability(ctx: CommandContext, what: 'jobs' | 'estimate'): LanguageClient | undefined {
  const client = ctx.client();
  if (!client?.isRunning()) {
    void showError('the language server is not running.', ctx.output);
    return undefined;
  }
  if (!mloCapabilities(client.initializeResult)?.[what]) {
    void showError(
      what === 'jobs' ? 'this language server cannot run jobs yet (no job manager).' : 'this language server does not compute estimates yet.',
      ctx.output,
    );
    return undefined;
  }
  return client;
}

export async function startJob(ctx: CommandContext, uri?: string | vscode.Uri, level?: string): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    void showError(UNTRUSTED_MESSAGE, ctx.output);
    return undefined;
  }
  const doc = await mloDocument(uri);
  if (!doc) return undefined;
  const error = firstError(doc.uri);
  if (error) {
    void showError(`${vscode.workspace.asRelativePath(doc.uri)} has errors; fix them before running.`, ctx.output, { uri: doc.uri, range: error.range });
    return undefined;
  }
  const client = requireCapability(ctx, 'jobs');
  if (!client) return undefined;
  if (doc.isDirty) await doc.save(); // the job reads the file from disk
  const params: StartJobParams = { uri: doc.uri.toString(), ...(level ? { level } : {}) };
  try {
    const { jobId } = await client.sendRequest<StartJobResult>(StartJobMethod, params);
    ctx.jobs.started(jobId, params.uri, level);
    ctx.output.appendLine(`[job ${jobId}] started ${vscode.workspace.asRelativePath(doc.uri)}${level ? ` (level ${level})` : ''}`);
    ctx.panel.show(true);
    return jobId;
  } catch (e) {
    void showError(`could not start the job: ${e instanceof Error ? e.message : String(e)}`, ctx.output);
    return undefined;
  }
}

async function stopJob(ctx: CommandContext, jobId?: string): Promise<void> {
  const running = ctx.jobs.running();
  let id = jobId;
  if (!id) {
    if (running.length === 0) {
      void vscode.window.showInformationMessage('mlo: no job is running.');
      return;
    }
    id = running.length === 1 ? running[0].jobId : (await vscode.window.showQuickPick(running.map((j) => j.jobId), { placeHolder: 'Stop which job?' }));
    if (!id) return;
  }
  const client = requireCapability(ctx, 'jobs');
  if (!client) return;
  const params: StopJobParams = { jobId: id };
  await client.sendRequest(StopJobMethod, params);
  ctx.output.appendLine(`[job ${id}] stop requested`);
}

/** The whole file's estimate, or one level's (the lens above a level passes its name). */
async function estimate(ctx: CommandContext, uri?: string | vscode.Uri, level?: string): Promise<EstimateResult | undefined> {
  const doc = await mloDocument(uri);
  if (!doc) return undefined;
  const client = requireCapability(ctx, 'estimate');
  if (!client) return undefined;
  const params: EstimateParams = { uri: doc.uri.toString(), ...(level ? { level } : {}) };
  const result = await client.sendRequest<EstimateResult>(EstimateMethod, params);
  const file = vscode.workspace.asRelativePath(doc.uri);
  const what = level ? `${file}, level ${level}` : file;
  ctx.status.setEstimate({ peakBytes: result.peakBytes, file: what, uri: doc.uri.toString() });
  ctx.output.appendLine(`[estimate] ${what}: peak ${formatBytes(result.peakBytes)}`);
  for (const l of result.levels) ctx.output.appendLine(`  ${l.level}${l.mode ? ` (${l.mode})` : ''}: ${formatBytes(l.peakBytes)}`);
  void vscode.window.showInformationMessage(`mlo: ${what} — estimated peak ${formatBytes(result.peakBytes)} per outer step`);
  return result;
}
