// Long soak: 20 000 training steps per executor (tfjs-cpu excluded: too slow to be useful at this
// length) with live tensors and RSS checked every 5 000 steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainStepWorkload } from '../../bench/workloads.js';
import { TfjsExecutor } from '../../server/src/engine/tfjs/executor.js';
import { collectGarbage, executors } from './support.js';

test('20 000 steps: no tensor leak, RSS flat', async () => {
  const w = trainStepWorkload({ sizes: [32, 32, 4], batch: 16 });
  for (const ex of (await executors()).filter((e) => e.info.name !== 'tfjs-cpu')) {
    const c = await ex.compile(w.graph);
    let params = w.inputs.slice(0, 4);
    const rest = w.inputs.slice(4);
    for (let i = 0; i < 500; i++) params = (await c.run([...params, ...rest])).slice(1);
    const tensors = ex instanceof TfjsExecutor ? ex.liveTensors() : 0;
    collectGarbage();
    const rss0 = process.memoryUsage().rss;
    for (let block = 0; block < 4; block++) {
      for (let i = 0; i < 5000; i++) params = (await c.run([...params, ...rest])).slice(1);
      if (ex instanceof TfjsExecutor) assert.equal(ex.liveTensors(), tensors);
      collectGarbage();
      const grown = process.memoryUsage().rss - rss0;
      assert.ok(grown < 32 * 2 ** 20, `${ex.info.name}: RSS +${(grown / 2 ** 20).toFixed(1)} MiB after ${(block + 1) * 5000} steps`);
    }
  }
});
