// The playground's own build (not part of `npm run build`, which compiles src/ with tsc).
// `npm run playground` serves it; `npm run build:playground` writes playground/dist/.
import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * Cross-origin isolation: with these two headers the page gets SharedArrayBuffer, so Stop raises
 * the engine's interrupt flag instead of terminating the worker. Any static host that sends them
 * gives the same; without them the page still works (Stop then restarts the worker).
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The engine must not need Node in a browser: importing a Node module is a build error, not a stub. */
const noNodeModules = {
  name: 'mufiz-no-node-modules',
  enforce: 'pre',
  resolveId(id, importer) {
    const bare = id.startsWith('node:') ? id.slice(5) : id;
    if (builtinModules.includes(bare)) {
      throw new Error(`${importer} imports the Node module '${id}', which a browser does not have`);
    }
    return null;
  },
};

/**
 * src/compiler/chevrotain.ts finds chevrotain's one-file bundle with Node's require.resolve (a
 * cheaper start for the CLI); in the page the package is imported and bundled instead.
 */
const chevrotainForBrowser = {
  name: 'mufiz-chevrotain-import',
  enforce: 'pre',
  resolveId(id, importer) {
    if (id === './chevrotain' && importer !== undefined && importer.replace(/\\/g, '/').includes('/src/compiler/')) {
      return fileURLToPath(new URL('./src/chevrotain.ts', import.meta.url));
    }
    return null;
  },
};

export default defineConfig({
  root: here,
  base: './',
  plugins: [noNodeModules, chevrotainForBrowser],
  // The page imports the engine (src/) and the guide (docs/) from the repository above it.
  server: { headers: isolation, host: '127.0.0.1', fs: { allow: [repo] } },
  preview: { headers: isolation, host: '127.0.0.1' },
  // The engine runs in the worker, whose bundle has its own plugin list.
  worker: { format: 'es', plugins: () => [noNodeModules, chevrotainForBrowser] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
});
