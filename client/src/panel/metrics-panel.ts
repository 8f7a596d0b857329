// The metrics panel's host: one webview panel that shows every job's event stream. It replays
// the jobs the extension knows when the page (re)loads, forwards live events, and turns the
// page's export requests into files the user chooses. Restored after a window reload by the
// serializer; the page keeps its own state with setState, so a hidden panel costs no replay.
import * as vscode from 'vscode';
import type { JobRegistry, Job } from '../jobs.js';
import type { HostMessage, JobSnapshot, PageMessage } from '../../webview/messages.js';
import { pageHtml } from './html.js';

export const METRICS_VIEW_TYPE = 'mlo.metrics';

export function jobLabel(job: Job): string {
  const file = (job.start?.job.file ?? job.uri).split(/[\\/]/).at(-1) ?? job.jobId;
  const modes = [...new Set((job.start?.levels ?? []).map((l) => l.mode).filter(Boolean))];
  return `${file}${job.level ? `:${job.level}` : ''} #${job.jobId}${modes.length ? ` (${modes.join(', ')})` : ''}`;
}

export class MetricsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly jobs: JobRegistry,
    private readonly stopJob: (jobId: string) => Promise<void>,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push({ dispose: jobs.onChange((job) => this.forward(job)) });
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      METRICS_VIEW_TYPE,
      'mlo metrics',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] },
    );
    this.attach(panel);
  }

  /** Called by the serializer with a panel VS Code restored after a reload. */
  attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'images', 'mlo-file.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
    const dist = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', name)).toString();
    panel.webview.html = pageHtml({ cspSource: panel.webview.cspSource, scriptUri: dist('webview.js'), styleUri: dist('webview.css') });
    panel.webview.onDidReceiveMessage((m: PageMessage) => void this.receive(m), undefined, this.disposables);
    panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  private forward(job: Job): void {
    if (!this.panel) return;
    const last = job.events.at(-1);
    // The registry calls back once per event and once per state change; send what changed.
    if (last && last !== this.lastSent.get(job.jobId)) {
      this.lastSent.set(job.jobId, last);
      this.post({ type: 'event', jobId: job.jobId, label: jobLabel(job), event: last });
    }
    if (this.lastState.get(job.jobId) !== job.state) {
      this.lastState.set(job.jobId, job.state);
      this.post({ type: 'state', jobId: job.jobId, label: jobLabel(job), state: job.state, message: job.message });
    }
  }
  private readonly lastSent = new Map<string, unknown>();
  private readonly lastState = new Map<string, string>();

  private async receive(m: PageMessage): Promise<void> {
    switch (m.type) {
      case 'ready': {
        const jobs: JobSnapshot[] = this.jobs.all().map((j) => ({ jobId: j.jobId, label: jobLabel(j), state: j.state, events: j.events }));
        for (const j of this.jobs.all()) {
          this.lastSent.set(j.jobId, j.events.at(-1));
          this.lastState.set(j.jobId, j.state);
        }
        this.post({ type: 'replay', jobs });
        return;
      }
      case 'stop':
        return this.stopJob(m.jobId);
      case 'export': {
        const filters: Record<string, string[]> = { csv: ['csv'], json: ['json'], png: ['png'] };
        const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd());
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(base, m.fileName),
          filters: { [m.format.toUpperCase()]: filters[m.format] },
        });
        if (!target) return;
        const bytes = m.format === 'png' ? Buffer.from(m.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64') : Buffer.from(m.content, 'utf8');
        await vscode.workspace.fs.writeFile(target, bytes);
        this.log.appendLine(`[panel] exported ${m.format.toUpperCase()} to ${target.fsPath}`);
        void vscode.window.showInformationMessage(`mlo: exported ${m.fileName}`, 'Open').then((a) => {
          if (a) void vscode.commands.executeCommand('vscode.open', target);
        });
        return;
      }
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Brings the panel back after a window reload; the page restores its charts from getState. */
export class MetricsPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly panel: () => MetricsPanel) {}
  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel): Promise<void> {
    this.panel().attach(webviewPanel);
  }
}
