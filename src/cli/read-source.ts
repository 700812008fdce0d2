/**
 * Reading program text for the CLI and the REPL: files, stdin and -l libraries, with a clear
 * message on failure. Kept apart from run.ts so that the REPL's main thread can use it without
 * loading the VM (the REPL's worker thread loads that).
 */
import { readFileSync } from 'fs';
import { writeAll } from './output';
import { EXIT_NO_INPUT } from './status';

export const stderr = (text: string): void => writeAll(2, text.endsWith('\n') ? text : text + '\n');

/** The -l/--link files joined, each followed by a newline ('' when there are none). */
export function readLibraries(links: readonly string[]): string | number {
  const parts: string[] = [];
  for (const lib of links) {
    const text = readText(lib, lib);
    if (text === null) return EXIT_NO_INPUT;
    parts.push(text + '\n');
  }
  return parts.join('');
}

/** Reads a file (or fd 0) as UTF-8; on failure says why on stderr and returns null. */
export function readText(pathOrFd: string | number, name: string): string | null {
  try {
    return readFileSync(pathOrFd, 'utf8');
  } catch (e) {
    stderr(`mufiz: cannot read '${name}': ${readFailure(e)}`);
    return null;
  }
}

export function readFailure(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
}

