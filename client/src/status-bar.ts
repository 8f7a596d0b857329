// One status bar item: the running job (step, loss, backend), or the active file's estimated
// peak memory when the server offers estimates, or hidden.
import * as vscode from 'vscode';
import type { JobRegistry } from './jobs.js';
import { statusText } from './status-text.js';
import { ClientCommands } from '../../server/src/lsp/protocol.js';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlo.status', vscode.StatusBarAlignment.Left, 10);
  private estimate: { peakBytes: number; file: string; uri: string } | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly jobs: JobRegistry) {
    this.item.name = 'mlo';
    this.item.command = ClientCommands.showMetricsPanel;
    this.unsubscribe = jobs.onChange(() => this.render());
  }

  /** What the item shows now (undefined when hidden); for tests. */
  get shown(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }
  private visible = false;

  setEstimate(estimate: { peakBytes: number; file: string; uri: string } | undefined): void {
    this.estimate = estimate;
    this.render();
  }

  /** The estimate belongs to one file: forget it when another editor becomes active. */
  activeUriChanged(uri: string | undefined): void {
    if (this.estimate && this.estimate.uri !== uri) this.setEstimate(undefined);
  }

  render(): void {
    const s = statusText(this.jobs.current(), this.estimate);
    this.visible = s !== undefined;
    if (!s) {
      this.item.hide();
      return;
    }
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.show();
  }

  dispose(): void {
    this.unsubscribe();
    this.item.dispose();
  }
}
