/**
 * chevrotain, loaded from the single-file bundle its package ships (lib/chevrotain.min.js, the
 * same code as its CommonJS entry) when it is there: requiring the package's entry resolves and
 * compiles some 60 files, about three times the cost of the one bundle. The package's "exports"
 * map does not list the bundle, so it is found beside the resolved entry. If it is missing (a
 * different packaging), the ordinary entry is used. Only the lexer and the parser import this,
 * and only they import chevrotain at run time: loading them is what compiling costs.
 * (The browser playground's bundle replaces this file by playground/src/chevrotain.ts, which
 * imports the package: see playground/vite.config.mjs.)
 */
import type * as Chevrotain from 'chevrotain';

function load(): typeof Chevrotain {
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { dirname, join } = require('path') as typeof import('path');
  let entry: string;
  try {
    entry = require.resolve('chevrotain'); // .../chevrotain/lib/src/api.js
  } catch {
    return require('chevrotain');
  }
  try {
    return require(join(dirname(entry), '..', 'chevrotain.min.js'));
  } catch {
    return require('chevrotain');
  }
  /* eslint-enable @typescript-eslint/no-var-requires */
}

export const chevrotain: typeof Chevrotain = load();
