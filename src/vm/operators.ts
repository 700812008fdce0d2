import { Runtime } from './runtime';
import { Tag } from './value';
import { Kind } from './kinds';
import { RuntimeError } from './errors';

/**
 * `==` as LANGUAGE.md decides: numbers by value across int and double (NaN unequal to all);
 * strings by content, which for interned strings is identity; instances, classes, functions
 * by identity. (Content equality of collections arrives with the collection kinds.)
 */
export function valuesEqual(rt: Runtime, ta: number, a: number, tb: number, b: number): boolean {
  if (ta === tb) {
    if (ta === Tag.INT || ta === Tag.DOUBLE || ta === Tag.OBJ) return a === b;
    return true; // nil, true, false: the tag is the value
  }
  if ((ta === Tag.INT || ta === Tag.DOUBLE) && (tb === Tag.INT || tb === Tag.DOUBLE)) return a === b;
  return false;
}

/**
 * `+` when the operands are not both numbers: concatenation when either is a string, else the
 * upstream error. Operands are at stack slots i and i+1 (rooted); the result replaces slot i.
 */
export function concatenate(rt: Runtime, i: number): void {
  const tags = rt.stackTags, vals = rt.stackVals, u8 = rt.u8;
  const ta = tags[i], tb = tags[i + 1];
  const aIsString = ta === Tag.OBJ && u8[vals[i] - 4] === Kind.STRING;
  const bIsString = tb === Tag.OBJ && u8[vals[i + 1] - 4] === Kind.STRING;
  if (!aIsString && !bIsString) throw new RuntimeError('Operands must be two numbers or two strings.');
  // Convert a non-string operand to a heap string in place (its slot keeps it rooted).
  if (!aIsString) { vals[i] = rt.strings.fromJs(rt.text(ta, vals[i])); tags[i] = Tag.OBJ; }
  if (!bIsString) { vals[i + 1] = rt.strings.fromJs(rt.text(tb, vals[i + 1])); tags[i + 1] = Tag.OBJ; }
  vals[i] = rt.strings.concat(vals[i], vals[i + 1]);
  tags[i] = Tag.OBJ;
}
