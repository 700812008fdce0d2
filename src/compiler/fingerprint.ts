/**
 * The compiler's identity for the code cache, derived from the compiler's own files as loaded
 * (dist/compiler/*.js, or src/compiler/*.ts under ts-node): their names, sizes and modification
 * times. Any rebuild of the code generator, the opcode numbering or the cache format changes it,
 * with nobody to remember to bump a version number. Stat-ing ~20 files costs a fraction of a
 * millisecond; hashing their contents would cost several on every start, for no practical gain
 * (a rebuild that changes a file also changes its mtime).
 */
import { Digest } from './digest';

let cached: string | null = null;

export function compilerFingerprint(): string {
  if (cached !== null) return cached;
  // Required here, not imported: only the CLI's code cache calls this, and the compiler's
  // folder must load in a browser too (tests/host.test.ts).
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { readdirSync, statSync } = require('fs') as typeof import('fs');
  const { extname, join } = require('path') as typeof import('path');
  /* eslint-enable @typescript-eslint/no-var-requires */
  const ext = extname(__filename);
  const digest = new Digest();
  for (const name of readdirSync(__dirname).filter((f) => extname(f) === ext).sort()) {
    const s = statSync(join(__dirname, name));
    digest.text(`${name}\0${s.size}\0${s.mtimeMs}\0`);
  }
  cached = digest.hex();
  return cached;
}
