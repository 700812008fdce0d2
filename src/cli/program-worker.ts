/**
 * The thread that runs `mufiz FILE`, `-e CODE` and `-`: see program-thread.ts for why a program
 * does not run on the main thread.
 */
import { parentPort, workerData } from 'worker_threads';
import { readProgram, runProgram } from './run';
import { ProgramSetup } from './program-thread';

const setup = workerData as ProgramSetup;
const program = readProgram(setup.options);
const status = typeof program === 'number' ? program : runProgram(setup.options, program.source, program.file, { stdout: 1, stderr: 2, interrupt: setup.interrupt }, program.libs);
parentPort!.postMessage(status);
