// The webview's handle on VS Code. Outside VS Code (the panel test in Chromium) the test
// defines `acquireVsCodeApi` itself before the page loads; without one, state stays in memory.
import type { PageMessage } from './messages.js';
import type { JobSnapshot } from './messages.js';

export interface PageState {
  jobs: JobSnapshot[];
  follow: boolean;
  logLoss: boolean;
  hidden: string[];
}

export interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export function vscodeApi(): VsCodeApi {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi();
  let state: PageState | undefined;
  return { postMessage: () => undefined, getState: () => state, setState: (s) => (state = s) };
}
