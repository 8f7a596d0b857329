// The `mlo` command line: one sub-command per job, all over the same model and engine.
import { Command } from 'commander';
import { hypergradCommand } from './hypergrad-command.js';
import { runCommand } from './run-command.js';
import { runCheck } from './check-command.js';
import { runEstimate } from './estimate-command.js';

const program = new Command();
program.name('mlo').description('Multilevel optimization: check, estimate and run .mlo programs').version('0.1.0');
// Usage errors exit with 2 (docs/running.md); help and --version with 0.
program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('check')
  .description('parse and check .mlo files; print diagnostics as file:line:col: severity CODE: message')
  .argument('<files...>', '.mlo files to check')
  .option('--json', 'print the diagnostics as JSON')
  .action((files: string[], opts: { json?: boolean }) => {
    process.exitCode = runCheck(files, opts, (line) => console.log(line));
  });

program
  .command('estimate')
  .description('peak memory and compute of every hypergradient mode of every upper level, and the mode to use')
  .argument('<file>', '.mlo file')
  .option('--budget <size>', 'memory budget, e.g. 8GiB (default: the run block\'s budget)')
  .option('--precision <p>', 'float32 | float64 (default: the run block\'s precision)')
  .option('--json', 'print every applicable mode with its peak bytes as JSON')
  .action((file: string, opts: { budget?: string; precision?: string; json?: boolean }) => {
    process.exitCode = runEstimate(file, opts, (line) => console.log(line));
  });

const io = { out: (l: string) => console.log(l), err: (l: string) => console.error(l), isTTY: Boolean(process.stdout.isTTY) };

program
  .command('run')
  .description('run a .mlo program: trace one outer step, replay it every step; events, checkpoints, resume')
  .argument('<file>', '.mlo file')
  .option('--steps <n>', 'total outer steps (default: the run block\'s steps; a resumed job continues up to it)')
  .option('--backend <b>', 'auto | onnx | gpu | node | wasm | cpu, or an engine name such as onnx-cpu')
  .option('--seed <s>', 'seed (default: the run block\'s seed)')
  .option('--mode <m>', 'replace the top level\'s hypergradient mode, e.g. cg(iters: 20)')
  .option('--log <n>', 'a step event every N outer steps (default: the run block\'s log)')
  .option('--out <dir>', 'checkpoint folder (default .mlo-out/<file name>)')
  .option('--resume <path>', 'continue from a checkpoint file or folder')
  .option('--json', 'print the event stream (docs/events.md) as JSON lines')
  .action(async (file: string, opts: Record<string, string | boolean | undefined>) => {
    process.exitCode = await runCommand(file, opts, io);
  });

program
  .command('hypergrad')
  .description('the hypergradient of a level at the initial state, per parameter tensor (compare modes)')
  .argument('<file>', '.mlo file')
  .option('--level <name>', 'the level (default: the top level)')
  .option('--mode <m>', 'the mode to compute it with, e.g. unrolled, mixflow, forward, cg(iters: 20)')
  .option('--backend <b>', 'auto | onnx | gpu | node | wasm | cpu, or an engine name')
  .option('--seed <s>', 'seed (default: the run block\'s seed)')
  .option('--json', 'all values as JSON')
  .action(async (file: string, opts: Record<string, string | boolean | undefined>) => {
    process.exitCode = await hypergradCommand(file, opts, io);
  });

await program.parseAsync(process.argv);
