/**
 * The compiler's identity for the code cache: a hash of the compiler's own files as loaded
 * (dist/compiler/*.js, or src/compiler/*.ts under ts-node). Any change to the code generator, the
 * opcode numbering or the cache format changes it, with nobody to remember to bump a number;
 * a rebuild that produces the same files keeps the cache. Reading ~150 KB and hashing it costs
 * well under a millisecond, and no compiler module has to be loaded to compute it.
 */
import { createHash } from 'crypto';
import { readdirSync, readFileSync } from 'fs';
import { extname, join } from 'path';

let cached: string | null = null;

/** Hex SHA-256 over the names and contents of this directory's source files (of this file's kind). */
export function compilerFingerprint(): string {
  if (cached !== null) return cached;
  const ext = extname(__filename);
  const hash = createHash('sha256');
  for (const name of readdirSync(__dirname).filter((f) => extname(f) === ext).sort()) {
    hash.update(name);
    hash.update('\0');
    hash.update(readFileSync(join(__dirname, name)));
    hash.update('\0');
  }
  cached = hash.digest('hex');
  return cached;
}
