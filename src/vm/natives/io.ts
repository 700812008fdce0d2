import type { Runtime } from '../runtime';
import { RuntimeError } from '../errors';
import { NativeModule } from './native';
import { Tag } from '../value';
import { expectArgCount, stringArg } from './args';
import { flushOutput } from './host';

/**
 * io: input([prompt]) (upstream's prelude has it). The prompt is program output: it goes to
 * stdout through rt.write (flushed, no newline). The line comes from the host's readLine, which
 * blocks, so the VM stays synchronous (the CLI reads fd 0; the REPL's worker asks the thread
 * that owns the terminal). A host without one has no input().
 */

/** Spaces, tabs, CR and LF at both ends (upstream's trim set). */
function trimLine(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

export const ioNatives: NativeModule = [
  {
    // input() / input(prompt): the trimmed line, or nil at end of input.
    name: 'input',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('input', argc, 0, 1);
      if (argc === 1) rt.write(stringArg(rt, 'input', args));
      flushOutput(rt);
      const readLine = rt.host.readLine;
      if (readLine === null) throw new RuntimeError('input() has no input to read here.');
      const line = readLine();
      if (line === null) { rt.resultTag = Tag.NIL; return; }
      rt.returnString(trimLine(line));
    },
  },
];
