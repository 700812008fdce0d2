/** An allocator safety check fired: a bug in the runtime, reported as `Internal error:`. */
export class HeapSafetyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeapSafetyError';
  }
}
