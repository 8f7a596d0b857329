// Long soak: 20 000 training steps per executor (tfjs-cpu excluded: too slow to be useful at this
// length), measured every 5 000 steps after a 5 000-step warm-up. Three signs of a leak, from the
// most to the least exact: tfjs's live tensors, the JS heap after a full GC (a per-step leak of a
// few hundred bytes shows here: tfjs's IS_TEST flag leaked ≈500 B a step), and the process RSS,
// compared to its value after the warm-up (see settledMemory).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainStepWorkload } from '../../bench/workloads.js';
import { TfjsExecutor } from '../../server/src/engine/tfjs/executor.js';
import { executors, settledMemory } from './support.js';

const MiB = 2 ** 20;

test('20 000 steps: no tensor leak, JS heap and RSS flat', async () => {
  const w = trainStepWorkload({ sizes: [32, 32, 4], batch: 16 });
  for (const ex of (await executors()).filter((e) => e.info.name !== 'tfjs-cpu')) {
    const c = await ex.compile(w.graph);
    let params = w.inputs.slice(0, 4);
    const rest = w.inputs.slice(4);
    const steps = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) params = (await c.run([...params, ...rest])).slice(1);
    };
    await steps(5000);
    const tensors = ex instanceof TfjsExecutor ? ex.liveTensors() : 0;
    const base = await settledMemory();
    for (let block = 1; block <= 4; block++) {
      await steps(5000);
      if (ex instanceof TfjsExecutor) assert.equal(ex.liveTensors(), tensors, `${ex.info.name}: live tensors`);
      const now = await settledMemory();
      const at = `${ex.info.name} after ${block * 5000} more steps`;
      assert.ok(now.js - base.js < 2 * MiB, `${at}: JS heap +${((now.js - base.js) / MiB).toFixed(1)} MiB`);
      assert.ok(now.rss - base.rss < 32 * MiB, `${at}: RSS +${((now.rss - base.rss) / MiB).toFixed(1)} MiB`);
    }
    c.dispose();
  }
});
