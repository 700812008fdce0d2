/**
 * The command-line entry. Which mode runs:
 *
 *   --help / --version                  print and exit
 *   -e CODE, FILE, -r FILE, -           run that program (stdin for `-`)
 *   --repl                              the REPL (interactive on a terminal, entry by entry on a pipe)
 *   no program, stdin is a terminal     the REPL
 *   no program, stdin is not a terminal run stdin as one program (as node does)
 */
import { CliOptions, UsageError, parseCommandLine, helpText } from './options';
import { writeAll } from './output';
import { reportFileProblem } from './report-file';
import { canWatchSignals, runProgramHere } from './program-main';
import { EXIT_OK, EXIT_USAGE, VERSION_LINE } from './status';

export { VERSION, EXIT_OK, EXIT_USAGE, EXIT_COMPILE, EXIT_RUNTIME, EXIT_NO_INPUT } from './status';
export { wantColor } from './color';

const stderr = (text: string): void => writeAll(2, text + '\n');

/**
 * Returns the exit status: a number for --help, --version, usage errors and a program (which
 * runs on this thread, a signal watcher beside it: program-main.ts; or, without the internal
 * signal binding, in a worker thread: program-thread.ts), a promise of one for the REPL.
 * Never lets a JS stack trace out.
 */
export function main(argv: readonly string[]): number | Promise<number> {
  let options: CliOptions;
  try {
    options = parseCommandLine(argv, process.env.MUFIZ_OPTIONS);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr(`mufiz: ${e.message}`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (options.help) { writeAll(1, helpText() + '\n'); return EXIT_OK; }
  if (options.version) { writeAll(1, VERSION_LINE + '\n'); return EXIT_OK; }

  if (options.gcReport !== null) {
    // Before anything runs: a report that cannot be written must not cost a whole run, and must
    // never replace the program or a library.
    const problem = reportFileProblem(options.gcReport, [options.file, ...options.links].filter((f): f is string => f !== null));
    if (problem !== null) { stderr(`mufiz: --gc-report: ${problem}`); return EXIT_USAGE; }
  }
  const hasProgram = options.eval !== null || options.file !== null || options.stdin;
  if (options.repl || (!hasProgram && process.stdin.isTTY === true)) {
    if (hasProgram) {
      stderr('mufiz: --repl cannot be combined with a program (FILE, -e CODE or -)');
      return EXIT_USAGE;
    }
    // Loaded only when needed: the REPL pulls in readline and worker_threads.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { startRepl } = require('./repl') as typeof import('./repl');
    return startRepl(options);
  }
  if (canWatchSignals()) return runProgramHere(options);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { runProgramThread } = require('./program-thread') as typeof import('./program-thread');
  return runProgramThread(options);
}
