// Extension-host tests: the packaged extension in real VS Code, through the real `vscode` API.
// Tests of features other parts still build (hover, code lenses, estimates, jobs) are written
// now and skip, saying why, until the language server advertises them.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MloExtensionApi } from '../../../client/src/extension.js';
import { ClientCommands, FINAL_JOB_STATES } from '../../../server/src/lsp/protocol.js';
import { log, runAll, skip, test, waitFor } from './harness.js';

const EXT_ID = 'mlo.mlo-vscode';
let api: MloExtensionApi;
const workspace = () => vscode.workspace.workspaceFolders![0].uri;
const file = (name: string) => vscode.Uri.joinPath(workspace(), name);
const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
const caps = () => api.client()?.initializeResult?.capabilities;

async function open(name: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file(name)));
}

test('an .mlo file activates the extension and the bundled server answers initialize', async () => {
  const editor = await open('ridge.mlo');
  assert.equal(editor.document.languageId, 'mlo');
  const ext = vscode.extensions.getExtension<MloExtensionApi>(EXT_ID);
  assert.ok(ext, `${EXT_ID} is installed`);
  api = await waitFor('activation', () => (ext.isActive ? ext.exports : undefined));
  await api.ready;
  const init = api.client()!.initializeResult!;
  assert.equal(init.serverInfo?.name, 'mlo-language-server');
  log(process.env.MLO_SERVER_MODULE ? 'SERVER: replay test double (real server + recorded job stream)' : 'SERVER: the bundled language server');
  log('server capabilities:', JSON.stringify(init.capabilities), '| workspace trusted:', vscode.workspace.isTrusted);
});

test('the language is registered with its grammar and language configuration', async () => {
  assert.ok((await vscode.languages.getLanguages()).includes('mlo'));
  const ext = vscode.extensions.getExtension(EXT_ID)!;
  const grammar = ext.packageJSON.contributes.grammars[0];
  assert.equal(grammar.scopeName, 'source.mlo');
  const shipped = readFileSync(join(ext.extensionPath, grammar.path), 'utf8');
  assert.equal(JSON.parse(shipped).scopeName, 'source.mlo');
  // The language configuration is live: toggling a line comment uses `#`.
  const doc = await vscode.workspace.openTextDocument({ language: 'mlo', content: 'param x = 1\n' });
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(0, 0, 0, 0);
  await vscode.commands.executeCommand('editor.action.commentLine');
  assert.match(doc.getText(), /^#\s?param x = 1/);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  // One source of truth: what ships is grammar/mlo.tmLanguage.json, byte for byte (run.sh sets MLO_REPO).
  const source = join(process.env.MLO_REPO ?? '', 'grammar/mlo.tmLanguage.json');
  if (process.env.MLO_REPO && existsSync(source)) assert.equal(shipped, readFileSync(source, 'utf8'), 'the shipped grammar is grammar/mlo.tmLanguage.json');
  else skip('MLO_REPO is not set: cannot compare the shipped grammar with grammar/');
});

test('every command is contributed and registered', async () => {
  const registered = await vscode.commands.getCommands(true);
  const contributed = (vscode.extensions.getExtension(EXT_ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
  assert.deepEqual([...contributed].sort(), Object.values(ClientCommands).sort());
  for (const id of contributed) assert.ok(registered.includes(id), `${id} is registered`);
});

test('diagnostics: the broken program gets its error, a valid sample none', async () => {
  await open('broken.mlo');
  const uri = file('broken.mlo');
  const diags = await waitFor('diagnostics of broken.mlo', () => {
    const d = vscode.languages.getDiagnostics(uri);
    return d.length ? d : undefined;
  });
  log('broken.mlo:', JSON.stringify(diags.map((d) => [codeOf(d), d.message, d.range.start.line])));
  const errors = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  assert.equal(errors.length, 1);
  assert.match(codeOf(errors[0]), /^MLO\d{3}$/);
  assert.match(errors[0].message, /trian/);
  assert.equal(errors[0].range.start.line, 5);
  assert.equal(errors[0].source, 'mlo');
  // The server has answered for broken.mlo, so it has had ridge.mlo (opened first) for a while.
  await new Promise((r) => setTimeout(r, 500));
  const ridge = vscode.languages.getDiagnostics(file('ridge.mlo')).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  assert.deepEqual(ridge.map((d) => d.message), []);
});

test('the metrics panel opens as a webview and comes back to the front when shown again', async () => {
  await vscode.commands.executeCommand(ClientCommands.showMetricsPanel);
  const tab = await waitFor('the metrics tab', () =>
    vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('mlo.metrics')),
  );
  assert.equal(tab.label, 'mlo metrics');
  await open('ridge.mlo');
  await vscode.commands.executeCommand(ClientCommands.showMetricsPanel);
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('mlo.metrics'));
  assert.equal(tabs.length, 1, 'one panel, revealed, not a second one');
});

test('Open a sample copies the chosen sample and its data into the workspace and opens it', async () => {
  let settled = false;
  const opened = Promise.resolve(vscode.commands.executeCommand<vscode.TextEditor | undefined>(ClientCommands.openSample)).finally(() => (settled = true));
  // Accept the first item once the quick pick is up (it reads the samples first: retry until it is).
  for (let i = 0; i < 50 && !settled; i++) {
    await new Promise((r) => setTimeout(r, 200));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  const editor = await opened;
  assert.ok(editor, 'an editor');
  assert.equal(editor.document.languageId, 'mlo');
  assert.match(editor.document.uri.path, /\/mlo-samples\/[a-z_]+\.mlo$/);
  const data = await vscode.workspace.fs.readDirectory(file('mlo-samples/data'));
  assert.ok(data.some(([name]) => name.endsWith('.csv')), 'its data came along');
});

test('without a job manager, Run refuses and starts nothing', async () => {
  if (api.capabilities()?.jobs) skip('the server runs jobs: covered by "Run produces metrics"');
  await open('ridge.mlo');
  const jobId = await vscode.commands.executeCommand(ClientCommands.runFile, file('ridge.mlo'));
  assert.equal(jobId, undefined);
  assert.deepEqual(api.jobs.all(), []);
});

async function hoverOnLevel(name: string): Promise<string> {
  const editor = await open('ridge.mlo');
  const line = editor.document.getText().split('\n').findIndex((l) => l.startsWith(`level ${name}`));
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, 7));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

test('hover on a level names it', async () => {
  if (!caps()?.hoverProvider) skip('the language server has no hover yet (hoverProvider not advertised)');
  const text = await hoverOnLevel('tune');
  log('hover:', JSON.stringify(text.slice(0, 400)));
  assert.match(text, /tune/);
});

test('hover on a level shows the memory table', async () => {
  if (!caps()?.hoverProvider) skip('the language server has no hover yet (hoverProvider not advertised)');
  if (!api.capabilities()?.estimate) skip('the language server has no estimates yet (experimental.mlo.estimate), so hovers carry no memory table');
  const text = await hoverOnLevel('tune');
  assert.match(text, /memory|peak/i);
  assert.match(text, /\|.*\|/, 'a Markdown table');
});

test('code lenses offer Run and Estimate, pointing at the client commands', async () => {
  if (!caps()?.codeLensProvider) skip('the language server has no code lenses yet (codeLensProvider not advertised)');
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file('ridge.mlo'), 10);
  const commands = lenses.map((l) => l.command?.command);
  assert.ok(commands.includes(ClientCommands.runFile) || commands.includes(ClientCommands.runLevel), JSON.stringify(commands));
  // The memory lens is resolved by VS Code (codeLens/resolve): its title names a mode and a peak.
  const titles = lenses.map((l) => l.command?.title ?? '');
  assert.ok(titles.some((t) => /^\w+: peak [\d.]+ [KMG]?i?B/.test(t)), JSON.stringify(titles));
});

test('Estimate memory gives a positive peak and the status bar shows it', async () => {
  if (!api.capabilities()?.estimate) skip('the language server does not implement mlo/estimate yet (experimental.mlo.estimate)');
  const result = await vscode.commands.executeCommand<{ peakBytes: number }>(ClientCommands.estimateMemory, file('ridge.mlo'));
  assert.ok(result && result.peakBytes > 0);
  if (api.jobs.running().length === 0) assert.match(api.statusBarText() ?? '', /^\$\(dashboard\) est\. [\d.]+ [KMG]?i?B$/);
  log('estimate:', result.peakBytes, 'bytes; status bar', JSON.stringify(api.statusBarText()));
});

async function runToEnd(name: string, stopAfterFirstStep: boolean) {
  await open(name);
  const jobId = await vscode.commands.executeCommand<string | undefined>(ClientCommands.runFile, file(name));
  assert.ok(jobId, 'a job id');
  if (stopAfterFirstStep) {
    await waitFor('the first step', () => api.jobs.get(jobId)?.last, 120_000);
    assert.match(api.statusBarText() ?? '', /^\$\(sync~spin\) mlo \d+/, 'the status bar shows the running job');
    await vscode.commands.executeCommand(ClientCommands.stopJob, jobId);
  }
  const job = await waitFor('the end of the job', () => {
    const j = api.jobs.get(jobId);
    return j && FINAL_JOB_STATES.includes(j.state) ? j : undefined;
  }, 240_000);
  return job;
}

test('Run produces metrics: start, steps and end reach the registry and the panel', async () => {
  if (!api.capabilities()?.jobs) skip('the language server has no job manager yet (experimental.mlo.jobs)');
  if (!vscode.workspace.isTrusted) skip('the workspace is not trusted here');
  const job = await runToEnd('ridge.mlo', false);
  assert.equal(job.state, 'completed', job.message);
  assert.ok(job.start, 'a start event');
  assert.ok(job.events.filter((e) => e.type === 'step').length >= 1);
  assert.equal(job.end?.status, 'completed');
  assert.ok(api.panel.visible, 'the panel shows the job');
  const steps = job.events.filter((e) => e.type === 'step').length;
  assert.match(api.statusBarText() ?? '', new RegExp(`^\\$\\(check\\) mlo ${job.end!.steps}/${job.start!.job.steps} · `), 'the status bar shows the finished job');
  log(`job ${job.jobId}: ${steps} steps, status bar "${api.statusBarText()}"`);
}, 300_000);

test('Stop stops a running job after its current step', async () => {
  if (!api.capabilities()?.jobs) skip('the language server has no job manager yet (experimental.mlo.jobs)');
  if (!vscode.workspace.isTrusted) skip('the workspace is not trusted here');
  const job = await runToEnd('reweight_digits.mlo', true);
  assert.equal(job.state, 'stopped', job.message);
  assert.equal(job.end?.status, 'stopped');
}, 300_000);

export function run(): Promise<void> {
  return runAll();
}
