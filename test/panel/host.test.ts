// The extension-side pieces that need no VS Code: the page's HTML and CSP, the job registry
// fed by mlo/jobState + mlo/jobEvent, and the status bar's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageHtml, contentSecurityPolicy } from '../../client/src/panel/html.js';
import { JobRegistry } from '../../client/src/jobs.js';
import { statusText } from '../../client/src/status-text.js';
import { formatValue } from '../../client/webview/format.js';
import type { StepEvent } from '../../server/src/engine/runner/events.js';
import { readStream } from './fixtures.js';

test('the page allows only its own nonce-bearing script and stylesheet; nothing from the network', () => {
  const html = pageHtml({ cspSource: 'https://res.example', scriptUri: 'https://res.example/w.js', styleUri: 'https://res.example/w.css', nonce: 'N0nce' });
  const csp = contentSecurityPolicy('https://res.example', 'N0nce');
  assert.ok(html.includes(csp));
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-N0nce'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.match(html, /<script nonce="N0nce" src="https:\/\/res.example\/w.js"><\/script>/);
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'no inline script');
  assert.notEqual(pageHtml({ cspSource: 'x', scriptUri: 'a', styleUri: 'b' }).match(/nonce-([^']+)/)![1], pageHtml({ cspSource: 'x', scriptUri: 'a', styleUri: 'b' }).match(/nonce-([^']+)/)![1]);
});

test('the registry follows a job from queued to completed and the status bar says so', () => {
  const jobs = new JobRegistry();
  const seen: string[] = [];
  jobs.onChange((j) => seen.push(j.state));
  jobs.started('j1', 'file:///w/ridge.mlo');
  jobs.state({ jobId: 'j1', state: 'queued', uri: 'file:///w/ridge.mlo' });
  assert.equal(statusText(jobs.current(), undefined)?.text, '$(clock) mlo');
  const events = readStream('ridge-cg.jsonl');
  for (const e of events.slice(0, 6)) jobs.event({ jobId: 'j1', event: e });
  const s = statusText(jobs.current(), { peakBytes: 1, file: 'x' })!;
  const step5 = events[5] as StepEvent;
  assert.equal(step5.step, 5);
  // The topmost level (the one no other level sits above) is the loss the user watches.
  assert.equal(s.text, `$(sync~spin) mlo 5/30 · tune ${formatValue(step5.levels.tune.loss)} · onnx/cpu`, 'a running job wins over the estimate');
  assert.match(s.tooltip, /estimated peak: 176 KiB/);
  for (const e of events.slice(6)) jobs.event({ jobId: 'j1', event: e });
  assert.equal(jobs.get('j1')!.state, 'completed');
  jobs.state({ jobId: 'j1', state: 'running', uri: 'file:///w/ridge.mlo' }); // late, out of order
  assert.equal(jobs.get('j1')!.state, 'completed', 'a final state is never undone');
  assert.deepEqual(jobs.running(), []);
  assert.equal(statusText(jobs.current(), { peakBytes: 3 * 1024 * 1024, file: 'ridge.mlo' })?.text, '$(dashboard) est. 3.00 MiB');
  assert.equal(seen[0], 'queued');
  assert.equal(jobs.get('j1')!.events.length, events.length);
});
