import { NativeDef } from './native';
import { coreNatives } from './core';
import { timeNatives } from './time';
import { utilsNatives } from './utils';
import { collectionsNatives } from './collections';
import { matrixNatives } from './matrix';

/** Every native, registered from this one table, in upstream's module order. */
export function allNatives(options: { sandbox: boolean }): NativeDef[] {
  const all = [...coreNatives, ...collectionsNatives, ...timeNatives, ...utilsNatives, ...matrixNatives];
  return options.sandbox ? all.filter((d) => !d.unsafe) : all;
}

export { NativeDef, NativeFn } from './native';
