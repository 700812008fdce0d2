import { NativeModule } from './native';
import type { Runtime } from '../runtime';
import { Kind } from '../kinds';
import { L } from '../layout';
import { RuntimeError } from '../errors';
import { returnDouble, expectArgCount, isNumber } from './args';
import { returnObject } from './collection-args';

/** The complex-number part of the math module: complex(), phase(), and abs() of a complex. */

export function isComplex(rt: Runtime, i: number): boolean {
  return rt.kindAt(i) === Kind.COMPLEX;
}

/** |z| of the complex number in argument slot i. */
export function complexModulus(rt: Runtime, i: number): number {
  const z = rt.stackVals[i];
  return Math.hypot(rt.f64[(z + L.CPX_RE) >>> 3], rt.f64[(z + L.CPX_IM) >>> 3]);
}

export const complexNatives: NativeModule = [
  {
    name: 'complex',
    fn(rt, args, argc) {
      expectArgCount('complex', argc, 2);
      if (!isNumber(rt, args) || !isNumber(rt, args + 1)) throw new RuntimeError('complex() expects two numbers.');
      returnObject(rt, rt.objects.complex(rt.stackVals[args], rt.stackVals[args + 1]));
    },
  },
  {
    name: 'phase',
    fn(rt, args, argc) {
      expectArgCount('phase', argc, 1);
      if (isNumber(rt, args)) return returnDouble(rt, Math.atan2(0, rt.stackVals[args]));
      if (!isComplex(rt, args)) throw new RuntimeError('phase() expects a complex number.');
      const z = rt.stackVals[args];
      returnDouble(rt, Math.atan2(rt.f64[(z + L.CPX_IM) >>> 3], rt.f64[(z + L.CPX_RE) >>> 3]));
    },
  },
];
