import { readFileSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

export const HISTORY_SIZE = 1000;

/** ~/.mufiz_history, or the file named by MUFIZ_HISTORY (an empty MUFIZ_HISTORY disables history). */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.MUFIZ_HISTORY !== undefined) return env.MUFIZ_HISTORY === '' ? null : env.MUFIZ_HISTORY;
  return join(homedir(), '.mufiz_history');
}

/** The saved lines, newest first (readline's order). A missing or unreadable file is an empty history. */
export function loadHistory(path: string | null): string[] {
  if (path === null) return [];
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Writes readline's history (newest first) to the file, oldest line first. Failures are ignored. */
export function saveHistory(path: string | null, history: readonly string[]): void {
  if (path === null) return;
  try {
    writeFileSync(path, history.slice(0, HISTORY_SIZE).reverse().join('\n') + '\n', { mode: 0o600 });
  } catch {
    // an unwritable home directory must not break the session
  }
}
