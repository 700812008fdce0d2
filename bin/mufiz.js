#!/usr/bin/env node
'use strict';
// The command-line entry: runs the compiled CLI from dist/ (build it with `npm run build`).
let main;
try {
  main = require('../dist/cli/main.js').main;
} catch (e) {
  process.stderr.write('mufiz: the compiled sources are missing (dist/). Run `npm install` or `npm run build` first.\n');
  process.exit(70);
}
const status = main(process.argv.slice(2));
if (typeof status === 'number') {
  process.exitCode = status;
} else {
  // The REPL: exit explicitly, so a stray handle (the worker, stdin) cannot keep the process alive.
  status.then((code) => process.exit(code), (e) => {
    process.stderr.write(`Internal error: ${e && e.message ? e.message : String(e)}\n`);
    process.exit(70);
  });
}
