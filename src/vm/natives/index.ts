import { NativeDef } from './native';
import { stringsNatives } from './strings';
import { coreNatives } from './core';
import { ioNatives } from './io';
import { mathNatives } from './math';
import { timeNatives } from './time';
import { fsNatives } from './fs';
import { utilsNatives } from './utils';
import { networkNatives } from './network';
import { collectionsNatives } from './collections';
import { gcNatives } from './gc';
import { complexNatives } from './math-complex';
import { matrixNatives } from './matrix';
import { processNatives } from './process';

/**
 * Every native, registered from this one table, in upstream's module order: the VM's "SIMD"
 * string natives (here with format/f: strings), the prelude (core, and its input: io), math,
 * collections, time (with utils' sleep), fs, utils, network; then complex numbers and gc (this
 * implementation's), and matrix last (it owns the type-dispatching rand, randn and norm).
 */
export function allNatives(options: { sandbox: boolean }): NativeDef[] {
  const all = [
    ...stringsNatives,
    ...coreNatives,
    ...ioNatives,
    ...processNatives,
    ...mathNatives,
    ...collectionsNatives,
    ...timeNatives,
    ...fsNatives,
    ...utilsNatives,
    ...networkNatives,
    ...complexNatives,
    ...gcNatives,
    ...matrixNatives, // last, as upstream: rand, randn and norm dispatch on their argument types
  ];
  return options.sandbox ? all.filter((d) => !d.unsafe) : all;
}

export type { NativeDef, NativeFn } from './native';
