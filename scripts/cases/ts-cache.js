'use strict';
/**
 * The unit tests' TypeScript as JavaScript, for the require hook ts-register.js, in place of
 * `ts-node/register` with TS_NODE_TRANSPILE_ONLY=1 (what `npm run test:unit` uses): the same
 * per-file transpilation (ts.transpileModule, options from tsconfig.json, no type check), but
 * cached on disk by path and content, so that of the many test processes of `npm test` none
 * pays for loading the TypeScript compiler: scripts/test-all.js fills the cache first (warm())
 * in a directory of its own run (MUFIZ_TS_CACHE).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const cacheDir = process.env.MUFIZ_TS_CACHE || path.join(require('os').tmpdir(), `mufiz-ts-cache-${process.getuid ? process.getuid() : 0}`);

let ts = null;
let compilerOptions = null;

function options() {
  if (compilerOptions === null) {
    ts = require('typescript');
    const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile).config || {};
    const parsed = ts.convertCompilerOptionsFromJson(config.compilerOptions || {}, root).options;
    compilerOptions = { ...parsed, sourceMap: false, inlineSourceMap: true, inlineSources: false, declaration: false, noEmit: false };
  }
  return compilerOptions;
}

/** What else decides the output: tsconfig.json and the compiler's version (read without loading it). */
let salt = null;
function saltOf() {
  if (salt === null) {
    const read = (p) => { try { return fs.readFileSync(p, 'utf8'); } catch { return ''; } };
    salt = read(path.join(root, 'tsconfig.json')) + '\0' + read(require.resolve('typescript/package.json'));
  }
  return salt;
}

function cacheFile(filename, source) {
  const hash = crypto.createHash('sha256').update(saltOf()).update('\0').update(filename).update('\0').update(source).digest('hex').slice(0, 32);
  return path.join(cacheDir, hash + '.js');
}

/** The JavaScript of a .ts file: from the cache, or transpiled and stored (write, then rename). */
function transpiled(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = cacheFile(filename, source);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const compilerOptions = options();
    const js = ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, js);
      fs.renameSync(tmp, cached);
    } catch {
      // No cache, no harm: the next process transpiles again.
    }
    return js;
  }
}

/** Transpiles every .ts file under the given folders into the cache (one process pays). */
function warm(dirs) {
  const walk = (d) => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) transpiled(p);
    }
  };
  dirs.forEach(walk);
}

module.exports = { warm, transpiled };
