/**
 * Number text, as LANGUAGE.md fixes it: shortest round-trip digits (what JS's toString gives),
 * always positional, never exponent form; -0 prints "-0"; inf, -inf, nan.
 */
export function formatDouble(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const s = String(x);
  const e = s.indexOf('e');
  return e < 0 ? s : expandExponent(s, e);
}

/** Rewrites JS exponent notation ("1.5e-7", "1e+21") in positional form. */
function expandExponent(s: string, e: number): string {
  const negative = s[0] === '-';
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const pointAt = (dot < 0 ? mantissa.length : dot) + exp; // position of the decimal point in digits
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return negative ? '-' + out : out;
}

/**
 * Fixed decimals, rounded half away from zero on the shortest decimal digits (not on the binary
 * value, unlike toFixed): 0.125 -> "0.13", 1.005 -> "1.01", -0.0 -> "-0.00". inf/nan unpadded.
 */
export function formatFixed(x: number, decimals: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const text = formatDouble(Math.abs(x));
  const dot = text.indexOf('.');
  let intPart = dot < 0 ? text : text.slice(0, dot);
  let frac = dot < 0 ? '' : text.slice(dot + 1);
  if (frac.length > decimals) {
    const roundUp = frac.charCodeAt(decimals) >= 53; // '5'
    frac = frac.slice(0, decimals);
    if (roundUp) {
      const digits = (intPart + frac).split('').map(Number);
      let i = digits.length - 1;
      while (i >= 0) {
        if (digits[i] === 9) { digits[i] = 0; i--; } else { digits[i]++; break; }
      }
      if (i < 0) digits.unshift(1);
      const all = digits.join('');
      intPart = all.slice(0, all.length - decimals);
      frac = all.slice(all.length - decimals);
    }
  }
  frac = frac.padEnd(decimals, '0');
  return (negative ? '-' : '') + intPart + (decimals > 0 ? '.' + frac : '');
}
