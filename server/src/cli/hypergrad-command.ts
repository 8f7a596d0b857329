// `mlo hypergrad FILE`: the hypergradient at the initial state, per parameter tensor: its norm
// and first values (all values with --json), so that modes can be compared on one program.
import { computeHypergradient, EXIT, knownBackend, parseModeSpec, UsageError } from '../engine/runner/index.js';
import { positiveInt, precheck, type CliIo } from './run-command.js';

export interface HypergradCommandOptions {
  level?: string;
  mode?: string;
  backend?: string;
  seed?: string;
  json?: boolean;
}

const FIRST = 6;

export async function hypergradCommand(file: string, o: HypergradCommandOptions, io: CliIo): Promise<number> {
  try {
    const seed = positiveInt('seed', o.seed, 0);
    if (o.backend !== undefined && !knownBackend(o.backend)) throw new UsageError(`unknown backend '${o.backend}'`);
    const mode = o.mode ? parseModeSpec(o.mode) : undefined;
    if (!precheck(file, io, o.json ?? false)) return EXIT.checkErrors;
    const r = await computeHypergradient({ file, ...(o.level ? { level: o.level } : {}), ...(mode ? { mode } : {}), ...(o.backend ? { backend: o.backend } : {}), ...(seed !== undefined ? { seed } : {}) });
    if (o.json) {
      io.out(JSON.stringify({ ...r, params: r.params.map((p) => ({ name: p.name, shape: p.shape, norm: p.norm, values: Array.from(p.values) })) }, null, 2));
    } else {
      io.out(`hypergradient of ${r.level} by ${r.mode} on ${r.backend}, seed ${r.seed}: loss ${r.loss.toPrecision(6)}, norm ${r.norm.toExponential(4)}`);
      const w = Math.max(...r.params.map((p) => p.name.length));
      for (const p of r.params) {
        const first = Array.from(p.values.subarray(0, FIRST), (x) => x.toExponential(4)).join(', ');
        io.out(`  ${p.name.padEnd(w)}  [${p.shape.join(', ')}]  norm ${p.norm.toExponential(4)}  [${first}${p.values.length > FIRST ? ', …' : ''}]`);
      }
      for (const m of r.warnings) io.out(`warning: ${m}`);
    }
    return EXIT.completed;
  } catch (e) {
    io.err(`mlo hypergrad: ${(e as Error).message}`);
    return e instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}
