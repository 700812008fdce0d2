import { NativeModule, NativeDef } from './native';
import { Tag } from '../value';
import { expectArgCount, stringArg } from './args';
import type { Runtime } from '../runtime';
import { OutOfMemoryError } from '../../gc';
import { checkReadSize } from './read-limit';
import { nodeFs } from './node';

/**
 * fs: upstream's filesystem module. Paths are relative to the working directory. A failure
 * (missing file, no permission, …) is a result, not an error: false, or nil for read_file, as
 * upstream. Wrong arguments are runtime errors. All of them are removed by --sandbox.
 */

function boolResult(name: string, arity: number, op: (path: string, args: string[]) => void): NativeDef {
  return {
    name,
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount(name, argc, arity);
      const strings: string[] = [];
      for (let i = 0; i < arity; i++) strings.push(stringArg(rt, name, args + i));
      let ok = true;
      try {
        op(strings[0], strings);
      } catch {
        ok = false;
      }
      rt.resultTag = ok ? Tag.TRUE : Tag.FALSE;
    },
  };
}

export const fsNatives: NativeModule = [
  // Creates the file, or empties an existing one.
  boolResult('create_file', 1, (path) => nodeFs().writeFileSync(path, '')),
  // Replaces the file's contents, creating it if needed (upstream: existing files only, and
  // without truncating, so a shorter text left the old tail behind).
  boolResult('write_file', 2, (path, a) => nodeFs().writeFileSync(path, a[1])),
  {
    // The whole file as a string (no size cap; upstream: 1 MiB), or nil when it cannot be read.
    name: 'read_file',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('read_file', argc, 1);
      const path = stringArg(rt, 'read_file', args);
      let text: string;
      try {
        text = readBounded(rt, path);
      } catch (e) {
        if (e instanceof OutOfMemoryError) throw e;
        rt.resultTag = Tag.NIL;
        return;
      }
      rt.returnString(text);
    },
  },
  boolResult('delete_file', 1, (path) => nodeFs().unlinkSync(path)),
  // One level; false when it already exists.
  boolResult('create_dir', 1, (path) => nodeFs().mkdirSync(path)),
  // Only an empty directory.
  boolResult('delete_dir', 1, (path) => nodeFs().rmdirSync(path)),
];

const READ_CHUNK = 1 << 20;

/** The file's text, read in chunks so that a huge (or endless: /dev/zero) file stops at the heap's size. */
function readBounded(rt: Runtime, path: string): string {
  const { openSync, readSync, closeSync } = nodeFs();
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      const n = readSync(fd, buf, 0, READ_CHUNK, null);
      if (n === 0) break;
      total += n;
      checkReadSize(rt, total);
      chunks.push(n === READ_CHUNK ? buf : buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
