/**
 * One of node's internal bindings (`process.binding(name)`), asked with its deprecation
 * warning (DEP0111) silenced for the call, so that it never reaches the user's stderr; null
 * where the binding or process.binding is missing. Used where the public module would cost
 * start-up time (isatty) or does not exist (the signal watcher's check).
 */
export function nodeBinding(name: string): Record<string, unknown> | null {
  const p = process as unknown as { binding?: (name: string) => Record<string, unknown>; noDeprecation?: boolean };
  if (typeof p.binding !== 'function') return null;
  const quiet = p.noDeprecation;
  p.noDeprecation = true;
  try {
    return p.binding(name);
  } catch {
    return null;
  } finally {
    p.noDeprecation = quiet;
  }
}
