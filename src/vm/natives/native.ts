import type { Runtime } from '../runtime';

/**
 * A native function. Its arguments are on the VM stack at rt.stackTags/stackVals[args ..
 * args+argc-1]; it leaves its result in rt.resultTag / rt.resultVal (nil unless set) and
 * throws RuntimeError to fail. Natives check their own argument counts (upstream does too).
 */
export type NativeFn = (rt: Runtime, args: number, argc: number) => void;

export interface NativeDef {
  readonly name: string;
  readonly fn: NativeFn;
  /** Removed by --sandbox (fs, net, input, exit). */
  readonly unsafe?: boolean;
}

export type NativeModule = readonly NativeDef[];
