/** The heap limit was reached even after a full collection: a MufiZ runtime error. */
export class OutOfMemoryError extends Error {
  constructor(limitBytes: number) {
    super(`Out of memory: heap limit of ${Math.floor(limitBytes / (1024 * 1024))} MiB reached.`);
    this.name = 'OutOfMemoryError';
  }
}

/** The heap verifier found a broken invariant: a bug in the runtime. */
export class HeapCorruptionError extends Error {
  constructor(problems: string[]) {
    super(`heap verification failed:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
    this.name = 'HeapCorruptionError';
  }
}
