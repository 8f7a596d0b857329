// The `mlo` command line: one sub-command per job, all over the same model and engine.
import { Command } from 'commander';
import { runCheck } from './check-command.js';

const program = new Command();
program.name('mlo').description('Multilevel optimization: check, estimate and run .mlo programs').version('0.1.0');

program
  .command('check')
  .description('parse and check .mlo files; print diagnostics as file:line:col: severity CODE: message')
  .argument('<files...>', '.mlo files to check')
  .option('--json', 'print the diagnostics as JSON')
  .action((files: string[], opts: { json?: boolean }) => {
    process.exitCode = runCheck(files, opts, (line) => console.log(line));
  });

await program.parseAsync(process.argv);
