/**
 * Reading program text for the CLI and the REPL: files, stdin and -l libraries, with a clear
 * message on failure. Kept apart from run.ts so that the REPL's main thread can use it without
 * loading the VM (the REPL's worker thread loads that).
 */
import { readFileSync } from 'fs';
import { writeAll } from './output';
import { EXIT_NO_INPUT } from './status';

export const stderr = (text: string): void => writeAll(2, text.endsWith('\n') ? text : text + '\n');

/** A source text and the file name its messages use. */
export interface SourceFile { source: string; file: string }

/** The -l/--link files, in order (each runs as its own script, with its own file name and lines). */
export function readLibraries(links: readonly string[]): SourceFile[] | number {
  const libs: SourceFile[] = [];
  for (const lib of links) {
    const text = readText(lib, lib);
    if (text === null) return EXIT_NO_INPUT;
    libs.push({ source: text, file: lib });
  }
  return libs;
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

