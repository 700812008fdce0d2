import { isatty } from './isatty';

/**
 * Colour only on a terminal: NO_COLOR (any non-empty value) disables it and wins over
 * FORCE_COLOR; FORCE_COLOR (any value but 0) forces it; otherwise stderr must be a TTY.
 */
export function wantColor(env: NodeJS.ProcessEnv = process.env, stderrIsTTY = isatty(2)): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stderrIsTTY;
}
