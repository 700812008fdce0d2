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
process.exitCode = main(process.argv.slice(2));
