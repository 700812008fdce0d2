import { readFileSync, writeFileSync, appendFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

export const HISTORY_SIZE = 1000;

/** ~/.mufiz_history, or the file named by MUFIZ_HISTORY (an empty MUFIZ_HISTORY disables history). */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.MUFIZ_HISTORY !== undefined) return env.MUFIZ_HISTORY === '' ? null : env.MUFIZ_HISTORY;
  return join(homedir(), '.mufiz_history');
}

/*
 * The file holds one entry per line, oldest first. A multi-line entry stays one entry: its
 * newlines are written as `\n` and its backslashes as `\\`, so it is recalled whole.
 * Entries are appended as they are made (one write each), so two sessions open at once both
 * keep theirs; the file is cut back to the newest HISTORY_SIZE entries when a session starts.
 */

export function encodeEntry(entry: string): string {
  return entry.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
}

export function decodeEntry(line: string): string {
  return line.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** The saved entries, newest first (readline's order). A missing or unreadable file is an empty history. */
export function loadHistory(path: string | null): string[] {
  if (path === null) return [];
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
  if (lines.length > 2 * HISTORY_SIZE) {
    // Cut the file back now and then rather than at every entry, which would race with
    // another session's appends.
    lines = lines.slice(-HISTORY_SIZE);
    try { writeFileSync(path, lines.join('\n') + '\n', { mode: 0o600 }); } catch { /* keep going */ }
  }
  return lines.map(decodeEntry).reverse().slice(0, HISTORY_SIZE);
}

/** Appends one entry. Failures are ignored: an unwritable home directory must not break the session. */
export function appendHistory(path: string | null, entry: string): void {
  if (path === null || entry.trim() === '') return;
  try {
    appendFileSync(path, encodeEntry(entry) + '\n', { mode: 0o600 });
  } catch {
    // ignored
  }
}

/** Writes a whole history (newest first, as readline keeps it) to the file, oldest entry first. */
export function saveHistory(path: string | null, history: readonly string[]): void {
  if (path === null) return;
  try {
    writeFileSync(path, history.slice(0, HISTORY_SIZE).reverse().map(encodeEntry).join('\n') + '\n', { mode: 0o600 });
  } catch {
    // ignored
  }
}
