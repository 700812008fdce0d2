import { accessSync, constants, openSync, readSync, closeSync, realpathSync, statSync } from 'fs';
import { dirname, resolve } from 'path';

/**
 * Checks, before the program runs, that a report file (--gc-report=FILE) can be written without
 * destroying anything: it must not be one of the program's own inputs, an existing file must
 * look like an earlier HTML report (or be empty, or not a regular file such as /dev/null), and
 * the file (or, for a new file, its directory) must be writable. Returns why not, or null.
 */
export function reportFileProblem(file: string, inputs: readonly string[]): string | null {
  const target = canonical(file);
  for (const input of inputs) {
    if (canonical(input) === target) return `'${file}' is the program's own file ('${input}'); it will not be overwritten`;
  }
  let isFile = false, size = 0;
  try {
    const st = statSync(file);
    if (st.isDirectory()) return `'${file}' is a directory`;
    isFile = st.isFile();
    size = st.size;
  } catch {
    // does not exist yet: its directory must be writable
    try {
      accessSync(dirname(resolve(file)), constants.W_OK);
      return null;
    } catch (e) {
      return `cannot create '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : 'permission denied'}`;
    }
  }
  try {
    accessSync(file, constants.W_OK);
  } catch {
    return `cannot write '${file}': permission denied`;
  }
  if (isFile && size > 0 && !startsWithHtml(file)) {
    return `'${file}' exists and is not an HTML report; it will not be overwritten (remove it or choose another name)`;
  }
  return null;
}

/** The real path of a file, or its absolute path if it does not exist. */
function canonical(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

function startsWithHtml(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(64);
      const n = readSync(fd, head, 0, head.length, 0);
      return /^\s*<!DOCTYPE html/i.test(head.subarray(0, n).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
