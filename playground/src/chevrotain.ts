/**
 * chevrotain for the page: the bundle imports the package (src/compiler/chevrotain.ts, which the
 * CLI uses, loads its one-file build through Node's require.resolve). Swapped in by
 * playground/vite.config.mjs; same export.
 */
import * as chevrotain from 'chevrotain';

export { chevrotain };
