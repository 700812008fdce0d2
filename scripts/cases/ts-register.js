'use strict';
/**
 * `node -r ./scripts/cases/ts-register.js node_modules/uvu/bin.js tests PATTERN`: loads .ts
 * files through ts-cache.js (transpiled as ts-node --transpile-only would, cached on disk).
 */
const { transpiled } = require('./ts-cache');

if (process.setSourceMapsEnabled) process.setSourceMapsEnabled(true);
require.extensions['.ts'] = (module, filename) => {
  module._compile(transpiled(filename), filename);
};
