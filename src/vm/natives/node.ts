/**
 * Node's modules, loaded on first use by the natives that need them. Those natives are all
 * `unsafe`, so they are never registered under --sandbox or in a browser, where these modules do
 * not exist: importing them at the top of a file would make the engine unloadable there.
 */
/* eslint-disable @typescript-eslint/no-var-requires */
export const nodeFs = (): typeof import('fs') => require('fs');
export const nodePath = (): typeof import('path') => require('path');
export const nodeThreads = (): typeof import('worker_threads') => require('worker_threads');
export const nodeChildProcess = (): typeof import('child_process') => require('child_process');
