'use strict';
/**
 * One program run in this process (thread), as `node bin/mufiz.js FLAGS... FILE` (or `FLAGS... -`
 * with the source on stdin) would run it, without starting a process: the same option parser
 * (src/cli/options.ts) and the same runProgram (src/cli/run.ts) with a fresh engine, writing into
 * memory instead of fd 1 and 2. Stdin is empty, as under the file runners (`</dev/null`).
 *
 * Returns { stdout: Buffer, stderr: Buffer, status } byte-identical to the CLI's; the check is
 * tests/in-process.test.ts. Needs the compiled dist/ (npm test builds it first).
 */
const path = require('path');

const dist = path.join(__dirname, '..', '..', 'dist');
const { parseCommandLine, UsageError } = require(path.join(dist, 'cli', 'options.js'));
const { readProgram, runProgram } = require(path.join(dist, 'cli', 'run.js'));
const { EXIT_USAGE } = require(path.join(dist, 'cli', 'status.js'));

/** Empty stdin: input() reads end of input. */
const noInput = () => null;

/**
 * flags: the mode's flags; file: the path to run, or null with `source` for a program from stdin.
 * interrupt: an Int32Array over a SharedArrayBuffer; raising it stops the program ("Interrupted.").
 */
function runInProcess(flags, file, source, interrupt) {
  const out = [], err = [];
  const io = {
    // Each chunk is encoded as the CLI's writeAll encodes it (a split surrogate pair gives the same bytes).
    stdout: (text) => { out.push(Buffer.from(text, 'utf8')); },
    stderr: (text) => { err.push(Buffer.from(text, 'utf8')); },
    interrupt,
    readLine: noInput,
  };
  const done = (status) => ({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status });
  let o;
  try {
    o = parseCommandLine(file === null ? [...flags, '-'] : [...flags, file], process.env.MUFIZ_OPTIONS);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`mufiz: ${e.message}\n`);
    return done(EXIT_USAGE);
  }
  let program;
  if (file === null) program = { source, file: '<stdin>' };
  else {
    program = readProgram(o);
    if (typeof program === 'number') return done(program);
  }
  try {
    return done(runProgram(o, program.source, program.file, io, program.libs || []));
  } catch (e) {
    // What node prints for an exception that escapes bin/mufiz.js: a bug either way.
    io.stderr(`Uncaught ${e && e.stack ? e.stack : String(e)}\n`);
    return done(1);
  }
}

module.exports = { runInProcess };
