// Messages between the metrics panel's host (client/src/panel) and its page (client/webview).
import type { JobEvent } from '../../server/src/engine/runner/events.js';
import type { JobStateName } from '../../server/src/lsp/protocol.js';

export interface JobSnapshot {
  jobId: string;
  /** How the job is named in legends, e.g. "ridge.mlo #2 (cg)". */
  label: string;
  state: JobStateName;
  events: JobEvent[];
}

/** Host → page. */
export type HostMessage =
  /** Replace these jobs wholesale (sent when the page says it is ready). */
  | { type: 'replay'; jobs: JobSnapshot[] }
  | { type: 'event'; jobId: string; label: string; event: JobEvent }
  | { type: 'state'; jobId: string; label: string; state: JobStateName; message?: string };

export type ExportFormat = 'csv' | 'json' | 'png';

/** Page → host. */
export type PageMessage =
  | { type: 'ready' }
  | { type: 'export'; format: 'csv' | 'json'; fileName: string; content: string }
  | { type: 'export'; format: 'png'; fileName: string; dataUrl: string }
  | { type: 'stop'; jobId: string };
