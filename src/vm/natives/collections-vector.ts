import { NativeModule } from './native';
import type { Runtime } from '../runtime';
import { Kind } from '../kinds';
import { RuntimeError } from '../errors';
import { returnDouble, expectArgCount, isNumber } from './args';
import { objectArg, returnObject, vectorView } from './collection-args';

/**
 * The numeric float-vector functions of upstream's collections module (statistics, geometry,
 * interpolation) and the element-wise vec_* functions. Each reads its arguments as views and
 * allocates at most the one result vector, last.
 */

function vec(rt: Runtime, i: number, name: string): Float64Array {
  return vectorView(rt, objectArg(rt, i, Kind.FLOAT_VECTOR, `${name}() expects a float vector.`));
}

function twoVectors(rt: Runtime, args: number, name: string, sameLength: boolean): [Float64Array, Float64Array] {
  const a = vectorView(rt, objectArg(rt, args, Kind.FLOAT_VECTOR, `${name}() expects two float vectors.`));
  const b = vectorView(rt, objectArg(rt, args + 1, Kind.FLOAT_VECTOR, `${name}() expects two float vectors.`));
  if (sameLength && a.length !== b.length) throw new RuntimeError(`${name}() expects vectors of the same length (got ${a.length} and ${b.length}).`);
  return [a, b];
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** a·b / b·b: the projection of a onto b is this times b. */
function projectionFactor(a: Float64Array, b: Float64Array, name: string): number {
  const bb = dot(b, b);
  if (bb === 0) throw new RuntimeError(`${name}() cannot project onto a zero vector.`);
  return dot(a, b) / bb;
}

/** Sample variance (divides by n - 1); 0 for fewer than two elements (upstream). */
function variance(a: Float64Array): number {
  if (a.length < 2) return 0;
  const m = sum(a) / a.length;
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - m) * (a[k] - m);
  return s / (a.length - 1);
}

function unary(name: string, label: string, f: (x: number) => number) {
  return {
    name,
    fn(rt: Runtime, args: number, argc: number) {
      expectArgCount(name, argc, 1);
      const a = Float64Array.from(vec(rt, args, label), f);
      returnObject(rt, rt.vectors.fromArray(a));
    },
  };
}

function scalar(name: string, f: (a: Float64Array) => number) {
  return {
    name,
    fn(rt: Runtime, args: number, argc: number) {
      expectArgCount(name, argc, 1);
      returnDouble(rt, f(vec(rt, args, name)));
    },
  };
}

function extreme(name: string, pick: (a: number, b: number) => number) {
  return scalar(name, (a) => {
    if (a.length === 0) throw new RuntimeError(`${name}() of an empty vector.`);
    let m = a[0];
    for (let k = 1; k < a.length; k++) m = pick(m, a[k]);
    return m;
  });
}

export const vectorMathNatives: NativeModule = [
  scalar('sum', sum),
  scalar('mean', (a) => (a.length === 0 ? 0 : sum(a) / a.length)),
  scalar('std', (a) => Math.sqrt(variance(a))),
  scalar('vari', variance),
  extreme('maxl', Math.max),
  extreme('minl', Math.min),
  {
    name: 'dot',
    fn(rt, args, argc) {
      expectArgCount('dot', argc, 2);
      const [a, b] = twoVectors(rt, args, 'dot', true);
      returnDouble(rt, dot(a, b));
    },
  },
  {
    name: 'cross',
    fn(rt, args, argc) {
      expectArgCount('cross', argc, 2);
      const [a, b] = twoVectors(rt, args, 'cross', false);
      if (a.length !== 3 || b.length !== 3) throw new RuntimeError('cross() expects two 3-element vectors.');
      returnObject(rt, rt.vectors.fromArray([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]));
    },
  },
  {
    name: 'proj',
    fn(rt, args, argc) {
      expectArgCount('proj', argc, 2);
      const [a, b] = twoVectors(rt, args, 'proj', true);
      const f = projectionFactor(a, b, 'proj');
      returnObject(rt, rt.vectors.fromArray(Float64Array.from(b, (x) => f * x)));
    },
  },
  {
    name: 'reject',
    fn(rt, args, argc) {
      expectArgCount('reject', argc, 2);
      const [a, b] = twoVectors(rt, args, 'reject', true);
      const f = projectionFactor(a, b, 'reject');
      returnObject(rt, rt.vectors.fromArray(Float64Array.from(a, (x, k) => x - f * b[k])));
    },
  },
  {
    name: 'reflect',
    fn(rt, args, argc) {
      expectArgCount('reflect', argc, 2);
      const [v, n] = twoVectors(rt, args, 'reflect', true);
      const f = 2 * dot(v, n);
      returnObject(rt, rt.vectors.fromArray(Float64Array.from(v, (x, k) => x - f * n[k])));
    },
  },
  {
    name: 'angle',
    fn(rt, args, argc) {
      expectArgCount('angle', argc, 2);
      const [a, b] = twoVectors(rt, args, 'angle', true);
      const na = Math.sqrt(dot(a, a)), nb = Math.sqrt(dot(b, b));
      if (na === 0 || nb === 0) throw new RuntimeError('angle() expects two non-zero vectors.');
      returnDouble(rt, Math.acos(Math.min(1, Math.max(-1, dot(a, b) / (na * nb)))));
    },
  },
  {
    name: 'interp1',
    fn(rt, args, argc) {
      expectArgCount('interp1', argc, 3);
      const [xs, ys] = twoVectors(rt, args, 'interp1', true);
      if (!isNumber(rt, args + 2)) throw new RuntimeError('interp1() expects a number as the query point.');
      if (xs.length < 2) throw new RuntimeError('interp1() needs at least 2 points.');
      const q = rt.stackVals[args + 2];
      for (let k = 0; k + 1 < xs.length; k++) {
        if (xs[k] <= q && q <= xs[k + 1]) {
          const t = xs[k + 1] === xs[k] ? 0 : (q - xs[k]) / (xs[k + 1] - xs[k]);
          return returnDouble(rt, ys[k] + t * (ys[k + 1] - ys[k]));
        }
      }
      throw new RuntimeError('interp1() query point is outside the interpolation range.');
    },
  },
  {
    name: 'linspace',
    fn(rt, args, argc) {
      expectArgCount('linspace', argc, 3);
      if (!isNumber(rt, args) || !isNumber(rt, args + 1) || !isNumber(rt, args + 2)) throw new RuntimeError('linspace() expects three numbers.');
      const start = rt.stackVals[args], end = rt.stackVals[args + 1], count = rt.stackVals[args + 2];
      if (!Number.isFinite(count) || count < 0) throw new RuntimeError('linspace() count must be a non-negative number.');
      const n = Math.trunc(count);
      // The heap allocation comes first: a count too large fails there with the heap's error.
      const v = rt.vectors.make(n);
      const base = rt.vectors.data(v) >>> 3;
      const step = n > 1 ? (end - start) / (n - 1) : 0;
      for (let k = 0; k < n; k++) rt.f64[base + k] = start + k * step;
      rt.vectors.setCount(v, n);
      returnObject(rt, v);
    },
  },
  unary('vec_sin', 'vec_sin', Math.sin),
  unary('vec_cos', 'vec_cos', Math.cos),
  unary('vec_sqrt', 'vec_sqrt', Math.sqrt),
  unary('vec_abs', 'vec_abs', Math.abs),
];
