import { NativeModule } from './native';
import type { Runtime } from '../runtime';
import { Tag } from '../value';
import { Kind } from '../kinds';
import { L } from '../layout';
import { RuntimeError } from '../errors';
import { valuesEqual, rangeLength } from '../operators';
import { returnInt, returnDouble, returnWhole, expectArgCount, isNumber } from './args';
import { addr, objectArg, intArg, returnObject, returnBool, vectorView } from './collection-args';
import { vectorMathNatives } from './collections-vector';

/**
 * collections: constructors, element access and mutation for linked lists, float vectors and
 * hash tables (upstream's collections module; the numeric vector functions are in
 * collections-vector.ts). GC discipline: arguments are rooted on the VM stack; a new object
 * held while allocating another is rooted with rt.pushRoot.
 */

const LIST_OR_VECTOR = (name: string) => `${name}() expects a linked list or a float vector.`;
const COLLECTION = (name: string) => `${name}() expects a linked list, a float vector or a hash table.`;

function numberValue(rt: Runtime, i: number, name: string): number {
  if (!isNumber(rt, i)) throw new RuntimeError(`${name}() expects numbers for a float vector, got ${rt.typeName(rt.stackTags[i], rt.stackVals[i])}.`);
  return rt.stackVals[i];
}

function stringKey(rt: Runtime, i: number, name: string): number {
  if (rt.kindAt(i) !== Kind.STRING) throw new RuntimeError(`${name}() expects a string key.`);
  return addr(rt, i);
}

/** An index argument 0 <= k < n (n = count), else "<name>() index out of bounds." */
function indexIn(rt: Runtime, i: number, n: number, name: string, allowEnd = false): number {
  const k = intArg(rt, i, `${name}() expects an integer index.`);
  if (k < 0 || k > n || (k === n && !allowEnd)) throw new RuntimeError(`${name}() index out of bounds.`);
  return k;
}

function returnNodeValue(rt: Runtime, node: number): void {
  rt.resultTag = rt.lists.nodeTag(node);
  rt.resultVal = rt.lists.nodeValue(node);
}

/** Runs `fill` with `a` rooted, then returns it as the result. */
function rootedResult(rt: Runtime, a: number, fill: () => void): void {
  rt.pushRoot(a);
  try { fill(); } finally { rt.popRoot(); }
  returnObject(rt, a);
}

function newListFrom(rt: Runtime, tags: ArrayLike<number>, vals: ArrayLike<number>, from: number, to: number): void {
  const out = rt.lists.make();
  rootedResult(rt, out, () => { for (let k = from; k < to; k++) rt.lists.pushBack(out, tags[k], vals[k]); });
}

function listContents(rt: Runtime, l: number): { tags: number[]; vals: number[] } {
  const tags: number[] = [], vals: number[] = [];
  for (let n = rt.lists.head(l); n !== 0; n = rt.lists.next(n)) { tags.push(rt.lists.nodeTag(n)); vals.push(rt.lists.nodeValue(n)); }
  return { tags, vals };
}

/**
 * Order for sort() on lists: numbers by value (NaN last), then strings by code point, then everything
 * else in its original order (the sort is stable).
 */
function compareValues(rt: Runtime, ta: number, a: number, tb: number, b: number): number {
  const rank = (t: number, v: number) => (t === Tag.INT || t === Tag.DOUBLE ? 0 : t === Tag.OBJ && rt.u8[v - 4] === Kind.STRING ? 1 : 2);
  const ra = rank(ta, a), rb = rank(tb, b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) {
    // A total order, as a float vector's sort has: NaN after every number, equal to itself.
    if (a !== a) return b !== b ? 0 : 1;
    if (b !== b) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (ra === 1) return compareCodePoints(rt.strings.toJs(a), rt.strings.toJs(b));
  return 0;
}

/** Strings in code-point order, the order of compare() (UTF-8 bytes), not UTF-16 units. */
export function compareCodePoints(x: string, y: string): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x.charCodeAt(i), b = y.charCodeAt(i);
    if (a === b) continue;
    // Surrogates (U+D800..DFFF, code points above U+FFFF) sort after U+E000..FFFF.
    const fa = a >= 0xe000 ? a - 0x800 : a >= 0xd800 ? a + 0x2000 : a;
    const fb = b >= 0xe000 ? b - 0x800 : b >= 0xd800 ? b + 0x2000 : b;
    return fa < fb ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

export const collectionsNatives: NativeModule = [
  {
    name: 'linked_list',
    fn(rt, _args, argc) {
      expectArgCount('linked_list', argc, 0);
      returnObject(rt, rt.lists.make());
    },
  },
  {
    name: 'hash_table',
    fn(rt, _args, argc) {
      expectArgCount('hash_table', argc, 0);
      returnObject(rt, rt.hashes.make());
    },
  },
  {
    name: 'fvec',
    fn(rt, args, argc) {
      expectArgCount('fvec', argc, 1);
      const n = intArg(rt, args, 'fvec() expects an integer capacity.');
      if (n < 0) throw new RuntimeError('fvec() capacity must be non-negative.');
      returnObject(rt, rt.vectors.make(n));
    },
  },
  {
    name: 'push',
    fn(rt, args, argc) {
      expectArgCount('push', argc, 2, Infinity);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.LINKED_LIST:
          for (let k = 1; k < argc; k++) rt.lists.pushBack(c, rt.stackTags[args + k], rt.stackVals[args + k]);
          return;
        case Kind.FLOAT_VECTOR:
          for (let k = 1; k < argc; k++) numberValue(rt, args + k, 'push');
          for (let k = 1; k < argc; k++) rt.vectors.push(c, rt.stackVals[args + k]);
          return;
        default:
          throw new RuntimeError(LIST_OR_VECTOR('push'));
      }
    },
  },
  {
    name: 'push_front',
    fn(rt, args, argc) {
      expectArgCount('push_front', argc, 2);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.LINKED_LIST: return rt.lists.pushFront(c, rt.stackTags[args + 1], rt.stackVals[args + 1]);
        case Kind.FLOAT_VECTOR: return rt.vectors.insert(c, 0, numberValue(rt, args + 1, 'push_front'));
        default: throw new RuntimeError(LIST_OR_VECTOR('push_front'));
      }
    },
  },
  {
    name: 'pop',
    fn(rt, args, argc) {
      expectArgCount('pop', argc, 1);
      popEnd(rt, args, 'pop', true);
    },
  },
  {
    name: 'pop_front',
    fn(rt, args, argc) {
      expectArgCount('pop_front', argc, 1);
      popEnd(rt, args, 'pop_front', false);
    },
  },
  {
    name: 'len',
    fn(rt, args, argc) {
      expectArgCount('len', argc, 1);
      const a = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.STRING: return returnInt(rt, rt.strings.charCount(a));
        case Kind.FLOAT_VECTOR: return returnInt(rt, rt.vectors.count(a));
        case Kind.LINKED_LIST: return returnInt(rt, rt.lists.count(a));
        case Kind.HASH_TABLE: return returnInt(rt, rt.hashes.count(a));
        case Kind.RANGE: return returnWhole(rt, rangeLength(rt, a)); // up to 2^32 - 1
        case Kind.PAIR: return returnInt(rt, 2);
        default:
          throw new RuntimeError(`len() expects a string or a collection, got ${rt.typeName(rt.stackTags[args], rt.stackVals[args])}.`);
      }
    },
  },
  {
    name: 'get',
    fn(rt, args, argc) {
      expectArgCount('get', argc, 2);
      const h = objectArg(rt, args, Kind.HASH_TABLE, 'get() expects a hash table.');
      const e = rt.hashes.find(h, stringKey(rt, args + 1, 'get'));
      if (e === 0) return;
      rt.resultTag = rt.hashes.entryTag(e);
      rt.resultVal = rt.hashes.entryPayload(e);
    },
  },
  {
    name: 'put',
    fn(rt, args, argc) {
      expectArgCount('put', argc, 3);
      const h = objectArg(rt, args, Kind.HASH_TABLE, 'put() expects a hash table.');
      rt.hashes.set(h, stringKey(rt, args + 1, 'put'), rt.stackTags[args + 2], rt.stackVals[args + 2]);
    },
  },
  {
    name: 'remove',
    fn(rt, args, argc) {
      expectArgCount('remove', argc, 2);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.HASH_TABLE: return returnBool(rt, rt.hashes.remove(c, stringKey(rt, args + 1, 'remove')));
        case Kind.FLOAT_VECTOR: {
          const k = indexIn(rt, args + 1, rt.vectors.count(c), 'remove');
          return returnDouble(rt, rt.vectors.removeAt(c, k));
        }
        case Kind.LINKED_LIST: {
          const node = rt.lists.nodeAt(c, indexIn(rt, args + 1, rt.lists.count(c), 'remove'));
          returnNodeValue(rt, node);
          rt.lists.unlink(c, node);
          return;
        }
        default: throw new RuntimeError('remove() expects a hash table, a float vector or a linked list.');
      }
    },
  },
  {
    name: 'nth',
    fn(rt, args, argc) {
      expectArgCount('nth', argc, 2);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.FLOAT_VECTOR:
          return returnDouble(rt, rt.vectors.get(c, indexIn(rt, args + 1, rt.vectors.count(c), 'nth')));
        case Kind.LINKED_LIST:
          return returnNodeValue(rt, rt.lists.nodeAt(c, indexIn(rt, args + 1, rt.lists.count(c), 'nth')));
        case Kind.PAIR: {
          const slot = c + (indexIn(rt, args + 1, 2, 'nth') === 0 ? L.PAIR_KEY : L.PAIR_VALUE);
          rt.resultTag = rt.u32[slot >>> 2];
          rt.resultVal = rt.f64[(slot + 8) >>> 3];
          return;
        }
        default: throw new RuntimeError('nth() expects a linked list, a float vector or a pair.');
      }
    },
  },
  {
    name: 'insert',
    fn(rt, args, argc) {
      expectArgCount('insert', argc, 3);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.FLOAT_VECTOR: {
          const k = indexIn(rt, args + 1, rt.vectors.count(c), 'insert', true);
          return rt.vectors.insert(c, k, numberValue(rt, args + 2, 'insert'));
        }
        case Kind.LINKED_LIST: {
          const n = rt.lists.count(c);
          const k = indexIn(rt, args + 1, n, 'insert', true);
          return rt.lists.insertBefore(c, k === n ? 0 : rt.lists.nodeAt(c, k), rt.stackTags[args + 2], rt.stackVals[args + 2]);
        }
        default: throw new RuntimeError(LIST_OR_VECTOR('insert'));
      }
    },
  },
  {
    name: 'contains',
    fn(rt, args, argc) {
      expectArgCount('contains', argc, 2);
      const c = addr(rt, args);
      const t = rt.stackTags[args + 1], v = rt.stackVals[args + 1];
      switch (rt.kindAt(args)) {
        case Kind.HASH_TABLE:
          return returnBool(rt, rt.kindAt(args + 1) === Kind.STRING && rt.hashes.find(c, addr(rt, args + 1)) !== 0);
        case Kind.FLOAT_VECTOR: {
          if (!isNumber(rt, args + 1)) return returnBool(rt, false);
          const n = rt.vectors.count(c);
          for (let k = 0; k < n; k++) if (rt.vectors.get(c, k) === v) return returnBool(rt, true);
          return returnBool(rt, false);
        }
        case Kind.LINKED_LIST:
          for (let n = rt.lists.head(c); n !== 0; n = rt.lists.next(n)) {
            if (valuesEqual(rt, rt.lists.nodeTag(n), rt.lists.nodeValue(n), t, v)) return returnBool(rt, true);
          }
          return returnBool(rt, false);
        case Kind.STRING:
          if (rt.kindAt(args + 1) !== Kind.STRING) throw new RuntimeError('contains() expects a string to look for in a string.');
          return returnBool(rt, rt.strings.toJs(c).includes(rt.strings.toJs(addr(rt, args + 1))));
        default: throw new RuntimeError('contains() expects a linked list, a float vector, a hash table or a string.');
      }
    },
  },
  {
    name: 'sort',
    fn(rt, args, argc) {
      expectArgCount('sort', argc, 1);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.FLOAT_VECTOR:
          vectorView(rt, c).sort(); // in place in the heap; typed arrays sort numerically (NaN last)
          return;
        case Kind.LINKED_LIST: return sortList(rt, c);
        default: throw new RuntimeError(LIST_OR_VECTOR('sort'));
      }
    },
  },
  {
    name: 'reverse',
    fn(rt, args, argc) {
      expectArgCount('reverse', argc, 1);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.FLOAT_VECTOR:
          vectorView(rt, c).reverse(); // in place in the heap
          return;
        case Kind.LINKED_LIST: {
          const { tags, vals } = listContents(rt, c);
          rt.lists.rewrite(c, tags.reverse(), vals.reverse());
          return;
        }
        default: throw new RuntimeError(LIST_OR_VECTOR('reverse'));
      }
    },
  },
  {
    name: 'slice',
    fn(rt, args, argc) {
      expectArgCount('slice', argc, 3);
      const c = addr(rt, args);
      const kind = rt.kindAt(args);
      if (kind !== Kind.FLOAT_VECTOR && kind !== Kind.LINKED_LIST) throw new RuntimeError(LIST_OR_VECTOR('slice'));
      const [from, to] = clampedRange(rt, args, 'slice', kind === Kind.FLOAT_VECTOR ? rt.vectors.count(c) : rt.lists.count(c), kind === Kind.FLOAT_VECTOR);
      if (kind === Kind.FLOAT_VECTOR) return returnObject(rt, rt.vectors.copyRange(c, from, to));
      const { tags, vals } = listContents(rt, c);
      newListFrom(rt, tags, vals, from, to);
    },
  },
  {
    name: 'splice',
    fn(rt, args, argc) {
      expectArgCount('splice', argc, 3);
      const c = addr(rt, args);
      const kind = rt.kindAt(args);
      if (kind === Kind.FLOAT_VECTOR) {
        // A new vector without elements start..end (inclusive); the original is unchanged (upstream).
        const [from, to] = clampedRange(rt, args, 'splice', rt.vectors.count(c), true);
        return returnObject(rt, rt.vectors.concat(c, 0, from, c, to, rt.vectors.count(c)));
      }
      if (kind !== Kind.LINKED_LIST) throw new RuntimeError(LIST_OR_VECTOR('splice'));
      // Lists: removes [start, end) in place and returns the removed elements as a new list.
      const [from, to] = clampedRange(rt, args, 'splice', rt.lists.count(c), false);
      const { tags, vals } = listContents(rt, c);
      newListFrom(rt, tags, vals, from, to);
      let node = from < rt.lists.count(c) ? rt.lists.nodeAt(c, from) : 0;
      for (let k = from; k < to && node !== 0; k++) {
        const next = rt.lists.next(node);
        rt.lists.unlink(c, node);
        node = next;
      }
    },
  },
  {
    name: 'merge',
    fn(rt, args, argc) {
      expectArgCount('merge', argc, 2);
      const a = addr(rt, args), b = addr(rt, args + 1);
      const ka = rt.kindAt(args);
      if (ka !== rt.kindAt(args + 1) || (ka !== Kind.FLOAT_VECTOR && ka !== Kind.LINKED_LIST)) {
        throw new RuntimeError('merge() expects two float vectors or two linked lists.');
      }
      if (ka === Kind.FLOAT_VECTOR) {
        return returnObject(rt, rt.vectors.concat(a, 0, rt.vectors.count(a), b, 0, rt.vectors.count(b)));
      }
      // Lists: the first list gets the second's elements appended, and is returned (upstream).
      const { tags, vals } = listContents(rt, b);
      for (let k = 0; k < tags.length; k++) rt.lists.pushBack(a, tags[k], vals[k]);
      returnObject(rt, a);
    },
  },
  {
    name: 'clone',
    fn(rt, args, argc) {
      expectArgCount('clone', argc, 1);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.FLOAT_VECTOR: return returnObject(rt, rt.vectors.copyRange(c, 0, rt.vectors.count(c)));
        case Kind.LINKED_LIST: {
          const { tags, vals } = listContents(rt, c);
          return newListFrom(rt, tags, vals, 0, tags.length);
        }
        case Kind.HASH_TABLE: {
          const out = rt.hashes.make();
          return rootedResult(rt, out, () => {
            for (let k = 0; k < rt.hashes.used(c); k++) {
              const e = rt.hashes.entryAt(c, k);
              const key = rt.hashes.entryKey(e);
              if (key !== 0) rt.hashes.set(out, key, rt.hashes.entryTag(e), rt.hashes.entryPayload(e));
            }
          });
        }
        default: throw new RuntimeError(COLLECTION('clone'));
      }
    },
  },
  {
    name: 'clear',
    fn(rt, args, argc) {
      expectArgCount('clear', argc, 1);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.FLOAT_VECTOR:
          rt.vectors.setCount(c, 0);
          rt.vectors.setPosition(c, 0);
          return;
        case Kind.LINKED_LIST: return rt.lists.clear(c);
        case Kind.HASH_TABLE: return rt.hashes.clear(c);
        default: throw new RuntimeError(COLLECTION('clear'));
      }
    },
  },
  {
    name: 'is_empty',
    fn(rt, args, argc) {
      expectArgCount('is_empty', argc, 1);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.FLOAT_VECTOR: return returnBool(rt, rt.vectors.count(c) === 0);
        case Kind.LINKED_LIST: return returnBool(rt, rt.lists.count(c) === 0);
        case Kind.HASH_TABLE: return returnBool(rt, rt.hashes.count(c) === 0);
        case Kind.STRING: return returnBool(rt, rt.strings.charCount(c) === 0);
        case Kind.RANGE: return returnBool(rt, rangeLength(rt, c) === 0);
        default: throw new RuntimeError(COLLECTION('is_empty'));
      }
    },
  },
  {
    name: 'search',
    fn(rt, args, argc) {
      expectArgCount('search', argc, 2);
      const c = addr(rt, args);
      switch (rt.kindAt(args)) {
        case Kind.FLOAT_VECTOR: {
          if (!isNumber(rt, args + 1)) throw new RuntimeError('search() expects a number to look for in a float vector.');
          return returnInt(rt, searchVector(rt, c, rt.stackVals[args + 1]));
        }
        case Kind.LINKED_LIST: {
          let k = 0;
          for (let n = rt.lists.head(c); n !== 0; n = rt.lists.next(n), k++) {
            if (valuesEqual(rt, rt.lists.nodeTag(n), rt.lists.nodeValue(n), rt.stackTags[args + 1], rt.stackVals[args + 1])) return returnInt(rt, k);
          }
          return returnInt(rt, -1);
        }
        default: throw new RuntimeError(LIST_OR_VECTOR('search'));
      }
    },
  },
  {
    name: 'pairs',
    fn(rt, args, argc) {
      expectArgCount('pairs', argc, 1);
      const h = objectArg(rt, args, Kind.HASH_TABLE, 'pairs() expects a hash table.');
      const out = rt.lists.make();
      rootedResult(rt, out, () => {
        for (let k = 0; k < rt.hashes.used(h); k++) {
          const e = rt.hashes.entryAt(h, k);
          const key = rt.hashes.entryKey(e);
          if (key === 0) continue;
          const pair = rt.objects.pair(Tag.OBJ, key, rt.hashes.entryTag(e), rt.hashes.entryPayload(e));
          rt.pushRoot(pair);
          try { rt.lists.pushBack(out, Tag.OBJ, pair); } finally { rt.popRoot(); }
        }
      });
    },
  },
  {
    name: 'equal_list',
    fn(rt, args, argc) {
      expectArgCount('equal_list', argc, 2);
      objectArg(rt, args, Kind.LINKED_LIST, 'equal_list() expects two linked lists.');
      objectArg(rt, args + 1, Kind.LINKED_LIST, 'equal_list() expects two linked lists.');
      returnBool(rt, valuesEqual(rt, Tag.OBJ, rt.stackVals[args], Tag.OBJ, rt.stackVals[args + 1]));
    },
  },
  {
    name: 'range_to_array',
    fn(rt, args, argc) {
      expectArgCount('range_to_array', argc, 1);
      const r = objectArg(rt, args, Kind.RANGE, 'range_to_array() expects a range.');
      const n = rangeLength(rt, r), start = rt.i32[(r + L.RANGE_START) >>> 2];
      const v = rt.vectors.make(n); // first: a range too long fails here with the heap's error
      const base = rt.vectors.data(v) >>> 3;
      for (let k = 0; k < n; k++) rt.f64[base + k] = start + k;
      rt.vectors.setCount(v, n);
      returnObject(rt, v);
    },
  },
  // The vector's own cursor: next / has_next / reset / skip, and peek (plain indexing).
  {
    name: 'next',
    fn(rt, args, argc) {
      expectArgCount('next', argc, 1);
      const v = objectArg(rt, args, Kind.FLOAT_VECTOR, 'next() expects a float vector.');
      const pos = rt.vectors.position(v);
      if (pos >= rt.vectors.count(v)) return; // nil past the end
      rt.vectors.setPosition(v, pos + 1);
      returnDouble(rt, rt.vectors.get(v, pos));
    },
  },
  {
    name: 'has_next',
    fn(rt, args, argc) {
      expectArgCount('has_next', argc, 1);
      const v = objectArg(rt, args, Kind.FLOAT_VECTOR, 'has_next() expects a float vector.');
      returnBool(rt, rt.vectors.position(v) < rt.vectors.count(v));
    },
  },
  {
    name: 'reset',
    fn(rt, args, argc) {
      expectArgCount('reset', argc, 1);
      rt.vectors.setPosition(objectArg(rt, args, Kind.FLOAT_VECTOR, 'reset() expects a float vector.'), 0);
    },
  },
  {
    name: 'skip',
    fn(rt, args, argc) {
      expectArgCount('skip', argc, 2);
      const v = objectArg(rt, args, Kind.FLOAT_VECTOR, 'skip() expects a float vector.');
      const n = intArg(rt, args + 1, 'skip() expects an integer count.');
      if (n < 0) throw new RuntimeError('skip() count must be non-negative.');
      rt.vectors.setPosition(v, Math.min(rt.vectors.count(v), rt.vectors.position(v) + n));
    },
  },
  {
    name: 'peek',
    fn(rt, args, argc) {
      expectArgCount('peek', argc, 2);
      const v = objectArg(rt, args, Kind.FLOAT_VECTOR, 'peek() expects a float vector.');
      returnDouble(rt, rt.vectors.get(v, indexIn(rt, args + 1, rt.vectors.count(v), 'peek')));
    },
  },
  {
    name: 'workspace',
    fn(rt, _args, argc) {
      expectArgCount('workspace', argc, 0);
      const lines = ['Workspace:'];
      for (let g = 0; g < rt.globalNames.length; g++) {
        const t = rt.globalTags[g];
        if (t === Tag.EMPTY) continue;
        if (t === Tag.OBJ && rt.u8[rt.globalVals[g] - 4] === Kind.NATIVE) continue;
        lines.push(`  ${rt.globalNames[g]} = ${rt.formatter.text(t, rt.globalVals[g], true)}`); // strings quoted, as in containers
      }
      rt.write(lines.join('\n') + '\n');
    },
  },
  ...vectorMathNatives,
];

/** pop / pop_front: the removed element, nil when empty. */
function popEnd(rt: Runtime, args: number, name: string, back: boolean): void {
  const c = addr(rt, args);
  switch (rt.kindAt(args)) {
    case Kind.FLOAT_VECTOR: {
      const n = rt.vectors.count(c);
      if (n === 0) return;
      return returnDouble(rt, rt.vectors.removeAt(c, back ? n - 1 : 0));
    }
    case Kind.LINKED_LIST: {
      const node = back ? rt.lists.tail(c) : rt.lists.head(c);
      if (node === 0) return;
      returnNodeValue(rt, node);
      rt.lists.unlink(c, node);
      return;
    }
    default: throw new RuntimeError(LIST_OR_VECTOR(name));
  }
}

/**
 * The [from, to) element range of slice/splice: start and end clamped to the collection;
 * `inclusiveEnd` for vectors (upstream's end rule). A negative start or end < start is an error.
 */
function clampedRange(rt: Runtime, args: number, name: string, n: number, inclusiveEnd: boolean): [number, number] {
  const start = intArg(rt, args + 1, `${name}() expects integer start and end indices.`);
  const end = intArg(rt, args + 2, `${name}() expects integer start and end indices.`);
  if (start < 0 || end < start) throw new RuntimeError(`${name}() invalid range ${start}..${end}.`);
  const from = Math.min(start, n);
  const to = Math.min(inclusiveEnd ? end + 1 : end, n);
  return [from, Math.max(from, to)];
}

/**
 * Index of the first element equal to x, or -1. (Upstream bisects vectors flagged sorted, but
 * `v[i] = x` keeps the flag, so a linear scan is the only answer that is always right.)
 */
function searchVector(rt: Runtime, v: number, x: number): number {
  const n = rt.vectors.count(v);
  for (let k = 0; k < n; k++) if (rt.vectors.get(v, k) === x) return k;
  return -1;
}

/**
 * sort() of a linked list: a stable bottom-up merge sort of the values, in two value-slot
 * buffers taken from an arena (released even if a comparison fails), written back node by node.
 * The buffers need no tracing: the list still holds every value while they are sorted.
 */
function sortList(rt: Runtime, l: number): void {
  const n = rt.lists.count(l);
  if (n < 2) return;
  const u32 = rt.u32, f64 = rt.f64;
  const arena = rt.gc.newArena(Kind.ARENA);
  try {
    let src = arena.alloc(n * L.VALUE_SLOT), dst = arena.alloc(n * L.VALUE_SLOT);
    let k = 0;
    for (let node = rt.lists.head(l); node !== 0; node = rt.lists.next(node), k++) {
      u32[(src + k * L.VALUE_SLOT) >>> 2] = rt.lists.nodeTag(node);
      f64[(src + k * L.VALUE_SLOT + 8) >>> 3] = rt.lists.nodeValue(node);
    }
    const slot = (base: number, i: number) => base + i * L.VALUE_SLOT;
    for (let width = 1; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n);
        let a = lo, b = mid, out = lo;
        while (out < hi) {
          let take = a;
          if (a >= mid) take = b++;
          else if (b < hi) {
            const x = slot(src, a), y = slot(src, b);
            // Take from the right only when strictly smaller: equal elements keep their order.
            if (compareValues(rt, u32[y >>> 2], f64[(y + 8) >>> 3], u32[x >>> 2], f64[(x + 8) >>> 3]) < 0) take = b++;
            else a++;
          } else a++;
          const from = slot(src, take), to = slot(dst, out++);
          u32[to >>> 2] = u32[from >>> 2];
          f64[(to + 8) >>> 3] = f64[(from + 8) >>> 3];
        }
      }
      const t = src; src = dst; dst = t;
    }
    k = 0;
    for (let node = rt.lists.head(l); node !== 0; node = rt.lists.next(node), k++) {
      rt.gc.writeSlot(node, node + L.NODE_VALUE, u32[(src + k * L.VALUE_SLOT) >>> 2], f64[(src + k * L.VALUE_SLOT + 8) >>> 3]);
    }
  } finally {
    arena.release();
  }
}
