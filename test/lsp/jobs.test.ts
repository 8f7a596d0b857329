// Jobs over stdio: start a job (a fake runner: test/lsp/fake-runner.mjs, a test double that
// prints a valid event stream), receive its states and events, stop one, see a crash reported
// without harm to the server, queueing under the concurrency limit, GPU pinning, and every job
// stopped when the client shuts down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startClient, fileUri } from '../support/lsp-client.js';
import type { JobEventParams, JobStateParams } from '../../server/src/lsp/protocol.js';

const fake = JSON.stringify([process.execPath, join(process.cwd(), 'test/lsp/fake-runner.mjs')]);
const uri = fileUri(join(process.cwd(), 'samples/ridge.mlo'));
const final = (id: string) => (p: JobStateParams) => p.jobId === id && ['completed', 'stopped', 'failed', 'diverged'].includes(p.state);

test('a job runs, streams its events and completes', async () => {
  const client = await startClient({}, { workspaceTrusted: true, settings: { maxConcurrentJobs: 1, gpus: [] } }, { env: { MLO_RUNNER: fake } });
  try {
    const { jobId } = (await client.connection.sendRequest('mlo/startJob', { uri, steps: 3 })) as { jobId: string };
    const end = await client.notification<JobStateParams>('mlo/jobState', final(jobId));
    assert.equal(end.state, 'completed');
    const events = client.notifications.filter((n) => n.method === 'mlo/jobEvent' && (n.params as JobEventParams).jobId === jobId).map((n) => (n.params as JobEventParams).event.type);
    assert.deepEqual(events, ['start', 'step', 'step', 'step', 'end']);
    const states = client.notifications.filter((n) => n.method === 'mlo/jobState' && (n.params as JobStateParams).jobId === jobId).map((n) => (n.params as JobStateParams).state);
    assert.deepEqual(states, ['queued', 'running', 'completed']);
  } finally {
    assert.equal(await client.close(), 0);
  }
});

test('stop, crash, queueing, GPU pinning, and shutdown stops running jobs', async () => {
  const client = await startClient({}, { workspaceTrusted: true, settings: { maxConcurrentJobs: 2, gpus: [3, 5] } }, { env: { MLO_RUNNER: fake, FAKE_RUNNER_STEP_MS: '50' } });
  const c = client.connection;
  try {
    // Three long jobs, two slots on two GPUs: the third waits.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await c.sendRequest('mlo/startJob', { uri, steps: 10_000 })) as { jobId: string }).jobId);
    const starts = await Promise.all(ids.slice(0, 2).map((id) => client.notification<JobEventParams>('mlo/jobEvent', (p) => p.jobId === id && p.event.type === 'start')));
    const devices = starts.map((s) => (s.event.type === 'start' ? s.event.backend.device : '')).sort();
    assert.deepEqual(devices, ['cuda:3', 'cuda:5']);
    assert.ok(!client.notifications.some((n) => n.method === 'mlo/jobState' && (n.params as JobStateParams).jobId === ids[2] && (n.params as JobStateParams).state === 'running'));

    await c.sendRequest('mlo/stopJob', { jobId: ids[0] });
    const stopped = await client.notification<JobStateParams>('mlo/jobState', final(ids[0]!));
    assert.equal(stopped.state, 'stopped');
    // The queued one takes the freed slot and GPU.
    const third = await client.notification<JobEventParams>('mlo/jobEvent', (p) => p.jobId === ids[2] && p.event.type === 'start');
    const freed = starts[0]!.event.type === 'start' ? starts[0]!.event.backend.device : '';
    assert.equal(third.event.type === 'start' ? third.event.backend.device : '', freed);

    await assert.rejects(c.sendRequest('mlo/stopJob', { jobId: 'nope' }), /no job/);
  } finally {
    // Shutdown must stop the two running jobs (SIGTERM → end `stopped`) before the server exits.
    assert.equal(await client.close(), 0);
    const finals = client.notifications.filter((n) => n.method === 'mlo/jobState' && ['stopped', 'completed', 'failed'].includes((n.params as JobStateParams).state));
    assert.equal(finals.length, 3, JSON.stringify(finals));
  }
});

test('a crashing job is reported as failed and the server goes on', async () => {
  const client = await startClient({}, { workspaceTrusted: true, settings: { maxConcurrentJobs: 1, gpus: [] } }, { env: { MLO_RUNNER: fake, FAKE_RUNNER_MODE: 'crash' } });
  try {
    const { jobId } = (await client.connection.sendRequest('mlo/startJob', { uri })) as { jobId: string };
    const end = await client.notification<JobStateParams>('mlo/jobState', final(jobId));
    assert.equal(end.state, 'failed');
    assert.match(end.message ?? '', /code 3/);
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(hover, null); // not open: answered, not crashed
  } finally {
    assert.equal(await client.close(), 0);
  }
});

test('an untrusted workspace refuses jobs', async () => {
  const client = await startClient({}, { workspaceTrusted: false, settings: {} }, { env: { MLO_RUNNER: fake } });
  try {
    await assert.rejects(client.connection.sendRequest('mlo/startJob', { uri }), /untrusted/);
  } finally {
    assert.equal(await client.close(), 0);
  }
});

// The real runner: skipped until `mlo run` exists (a `run` command in the CLI).
const cliMain = join(process.cwd(), 'server/src/cli/main.ts');
const hasRun = existsSync(cliMain) && /\.command\('run'\)/.test(readFileSync(cliMain, 'utf8'));
test('a real short job through `mlo run` (skipped until it exists)', { skip: !hasRun && 'mlo run does not exist yet' }, async () => {
  // The job follows the editor's settings: checkpoints under mlo.outputFolder, logging every step.
  const settings = { maxConcurrentJobs: 1, gpus: [], outputFolder: '.mlo-out/lsp-test', logInterval: 1 };
  const client = await startClient({}, { workspaceTrusted: true, settings, runner: [process.execPath, join(process.cwd(), 'bin/mlo.js')] });
  try {
    const { jobId } = (await client.connection.sendRequest('mlo/startJob', { uri, steps: 2 })) as { jobId: string };
    const end = await client.notification<JobStateParams>('mlo/jobState', final(jobId), 120_000);
    assert.equal(end.state, 'completed', end.message);
    assert.ok(end.checkpoint?.startsWith(join(process.cwd(), '.mlo-out/lsp-test/ridge')), `checkpoint at ${end.checkpoint}`);
    const steps = client.notifications.filter((n) => n.method === 'mlo/jobEvent' && (n.params as JobEventParams).event.type === 'step');
    assert.equal(steps.length, 2, 'logInterval 1 gives a step event per step');
    assert.ok(client.notifications.some((n) => n.method === 'mlo/jobEvent' && (n.params as JobEventParams).event.type === 'step'));
  } finally {
    assert.equal(await client.close(), 0);
  }
});
