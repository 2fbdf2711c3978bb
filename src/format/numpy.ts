/**
 * numpy's `str(arr)` (what `print(arr)` shows) reproduced byte for byte, with
 * numpy 2.x default print options: precision 8, threshold 1000, edgeitems 3,
 * linewidth 75, floatmode 'maxprec', suppress False, sign '-', legacy False.
 * See spec §8. Written from numpy's documented behaviour and measured output
 * (test/numpy-print.test.ts compares against thousands of real numpy prints).
 *
 * Layers, bottom up:
 *  - `floatDigits`: the digit generator numpy uses for every float it prints
 *    (the Steele–White / Burger–Dybvig "free format" scheme in exact integer
 *    arithmetic, with numpy's optional max/min digit cutoffs). Each value is
 *    printed at its own precision (float16/float32/float64).
 *  - `positional` / `scientific`: numpy's dragon4_positional/scientific
 *    (trim modes, fixed padding left/right, exponent width).
 *  - per-dtype element formatters sharing one width over the displayed
 *    elements (numpy's FloatingFormat, IntegerFormat, ...).
 *  - `layout`: nested brackets, summarisation, line wrapping.
 *
 * bfloat16: numpy has no bfloat16; TensorFlow hands such tensors to numpy as
 * `ml_dtypes.bfloat16`, which numpy prints as opaque scalars: each element is
 * the scalar's own repr (C++ `ostream << float`, i.e. printf `%g`: 6
 * significant digits, exact round-half-even, `nan` without sign), elements
 * NOT padded to a common width. Verified against ml_dtypes 0.5.4.
 */

import type { NdArray, NpDType } from "../ndarray.js";
import { halfToNumber, bfloat16ToNumber, numberToHalf, numberToBfloat16 } from "../half.js";
import { pyBytesRepr, pyStrRepr } from "./pyrepr.js";

const PRECISION = 8;
const THRESHOLD = 1000;
const EDGEITEMS = 3;
const LINEWIDTH = 75;

type FloatKind = "float16" | "float32" | "float64";

// ---------------------------------------------------------------------------
// Binary decomposition

interface FloatParts {
  /** integer significand (hidden bit included for normal numbers) */
  mant: number;
  /** value = mant * 2^exp2 */
  exp2: number;
  /** the gap to the next value below is half the gap above (significand is a power of two) */
  unequal: boolean;
}

const dv = new DataView(new ArrayBuffer(8));

/** |x| split into significand and binary exponent at the precision of `kind`; x finite. */
function floatParts(x: number, kind: FloatKind): FloatParts {
  let field: number;
  let frac: number;
  let fracBits: number;
  let bias: number;
  if (kind === "float64") {
    dv.setFloat64(0, x);
    const hi = dv.getUint32(0);
    const lo = dv.getUint32(4);
    field = (hi >>> 20) & 0x7ff;
    frac = (hi & 0xfffff) * 4294967296 + lo;
    fracBits = 52;
    bias = 1023;
  } else if (kind === "float32") {
    dv.setFloat32(0, x);
    const b = dv.getUint32(0);
    field = (b >>> 23) & 0xff;
    frac = b & 0x7fffff;
    fracBits = 23;
    bias = 127;
  } else {
    const b = numberToHalf(x);
    field = (b >> 10) & 0x1f;
    frac = b & 0x3ff;
    fracBits = 10;
    bias = 15;
  }
  if (field === 0) return { mant: frac, exp2: 1 - bias - fracBits, unequal: false };
  return { mant: frac + 2 ** fracBits, exp2: field - bias - fracBits, unequal: field !== 1 && frac === 0 };
}

// ---------------------------------------------------------------------------
// Digit generation

interface Digits {
  /** significant digits, first one non-zero unless the value is 0 */
  digits: string;
  /** decimal exponent of the first digit: value ≈ d.ddd × 10^exp */
  exp: number;
}

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1] * 10n);
  return POW10[n];
}

const LOG10_2 = 0.30102999566398119521373889472449;

/** Index of the highest set bit of a positive integer < 2^53 (exact, unlike Math.log2 near powers of two). */
function highBit(m: number): number {
  if (m < 4294967296) return 31 - Math.clz32(m);
  return 63 - Math.clz32(Math.floor(m / 4294967296));
}

/**
 * Shortest digits that identify the value among its neighbours of the same
 * precision, optionally limited to `cutoffMax` digits (and continued with the
 * exact expansion to at least `cutoffMin` digits), counted after the decimal
 * point (`fractional`) or in total. When the cutoff bites, the last digit is
 * rounded from the exact remainder, ties to even.
 */
function floatDigits(p: FloatParts, fractional: boolean, cutoffMax: number, cutoffMin: number): Digits {
  const { mant, exp2, unequal } = p;
  if (mant === 0) return { digits: "0", exp: 0 };
  const isEven = mant % 2 === 0;
  const M = BigInt(mant);
  // value = r / s, margins (half the gaps to the neighbours) = mLow / s, mHigh / s
  let r: bigint;
  let s: bigint;
  let mLow: bigint;
  let mHigh: bigint;
  if (unequal) {
    if (exp2 > 0) {
      r = M << BigInt(exp2 + 2);
      s = 4n;
      mLow = 1n << BigInt(exp2);
    } else {
      r = M << 2n;
      s = 1n << BigInt(2 - exp2);
      mLow = 1n;
    }
    mHigh = mLow * 2n;
  } else {
    if (exp2 > 0) {
      r = M << BigInt(exp2 + 1);
      s = 2n;
      mLow = 1n << BigInt(exp2);
    } else {
      r = M << 1n;
      s = 1n << BigInt(1 - exp2);
      mLow = 1n;
    }
    mHigh = mLow;
  }

  // k: estimate of floor(log10(value)) + 1, exact or one too small
  let k = Math.ceil((highBit(mant) + exp2) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && fractional && k <= -cutoffMax) k = -cutoffMax + 1;
  if (k > 0) s *= pow10(k);
  else if (k < 0) {
    const f = pow10(-k);
    r *= f;
    mLow *= f;
    mHigh = unequal ? mLow * 2n : mLow;
  }
  if (r >= s) k += 1;
  else {
    r *= 10n;
    mLow *= 10n;
    mHigh = unequal ? mLow * 2n : mLow;
  }
  const exp = k - 1;

  let maxExp = k - 16384;
  if (cutoffMax >= 0) maxExp = Math.max(maxExp, fractional ? -cutoffMax : k - cutoffMax);
  let minExp = k;
  if (cutoffMin >= 0) minExp = Math.min(minExp, fractional ? -cutoffMin : k - cutoffMin);

  let out = "";
  let d = 0;
  let low = false;
  let high = false;
  for (;;) {
    k -= 1;
    const q = r / s;
    r -= q * s;
    d = Number(q);
    low = isEven ? r <= mLow : r < mLow;
    const rh = r + mHigh;
    high = isEven ? rh >= s : rh > s;
    if (((low || high) && k <= minExp) || k === maxExp) break;
    out += d;
    r *= 10n;
    mLow *= 10n;
    mHigh = unequal ? mLow * 2n : mLow;
  }
  let roundDown = low;
  if (low === high) {
    const twice = r * 2n;
    roundDown = twice < s || (twice === s && (d & 1) === 0);
  }
  if (roundDown) return { digits: out + d, exp };
  if (d < 9) return { digits: out + (d + 1), exp };
  // carry into the previous digits
  let i = out.length - 1;
  while (i >= 0 && out[i] === "9") i--;
  if (i < 0) return { digits: "1", exp: exp + 1 };
  return { digits: out.slice(0, i) + String.fromCharCode(out.charCodeAt(i) + 1), exp };
}

// ---------------------------------------------------------------------------
// Positional / scientific text (numpy's dragon4_positional / dragon4_scientific)

/** numpy trim modes: 'k' keep, '.' trim zeros keep point, '0' leave one zero, '-' drop zeros and point */
type Trim = "k" | "." | "0" | "-";

interface FmtOpts {
  /** max digits (after the point for positional, after the first digit for scientific); -1 none */
  precision: number;
  /** min digits, same counting; -1 none */
  minDigits: number;
  trim: Trim;
  /** always print a sign ('+' for positives) */
  plus: boolean;
  padLeft: number;
  padRight: number;
  expDigits: number;
}

function signOf(x: number, plus: boolean): string {
  if (x < 0 || Object.is(x, -0)) return "-";
  return plus ? "+" : "";
}

/**
 * The fraction digits before trailing zeros are trimmed, the same in both
 * formats (numpy's dragon4): trim '0' keeps at least one digit, 'k' pads with
 * zeros up to min_digits.
 */
function padFraction(frac: string, o: FmtOpts): string {
  if (o.trim === "0") return frac.length === 0 ? "0" : frac;
  const want = Math.max(o.minDigits, 0);
  if (o.trim === "k" && want > frac.length) return frac + "0".repeat(want - frac.length);
  return frac;
}

function positional(x: number, kind: FloatKind, o: FmtOpts): string {
  const sign = signOf(x, o.plus);
  const { digits, exp } = floatDigits(floatParts(x, kind), true, o.precision, o.minDigits);
  let whole: string;
  let frac: string;
  if (exp >= 0) {
    if (digits.length <= exp + 1) {
      whole = digits + "0".repeat(exp + 1 - digits.length);
      frac = "";
    } else {
      whole = digits.slice(0, exp + 1);
      frac = digits.slice(exp + 1);
    }
  } else {
    whole = "0";
    frac = "0".repeat(-exp - 1) + digits;
  }
  let point = frac.length > 0 || o.trim !== "-";
  frac = padFraction(frac, o);
  if (o.trim !== "k" && frac.length > 0) {
    frac = frac.replace(/0+$/, "");
    if (frac.length === 0) {
      if (o.trim === "0") frac = "0";
      else if (o.trim === "-") point = false;
    }
  }
  let text = sign + whole + (point ? "." : "") + frac;
  if (o.padRight >= frac.length) {
    if (o.trim === "-" && frac.length === 0) text += " ";
    text += " ".repeat(o.padRight - frac.length);
  }
  const lead = whole.length + sign.length;
  if (o.padLeft > lead) text = " ".repeat(o.padLeft - lead) + text;
  return text;
}

function scientific(x: number, kind: FloatKind, o: FmtOpts): string {
  const sign = signOf(x, o.plus);
  const { digits, exp } = floatDigits(
    floatParts(x, kind),
    false,
    o.precision < 0 ? -1 : o.precision + 1,
    o.minDigits < 0 ? -1 : o.minDigits + 1,
  );
  let frac = digits.slice(1);
  let point = frac.length > 0 || o.trim !== "-";
  frac = padFraction(frac, o);
  if (o.trim !== "k" && frac.length > 0) {
    frac = frac.replace(/0+$/, "");
    if (frac.length === 0 && o.trim === "0") frac = "0";
    point = true; // numpy keeps the point once it had fraction digits, even in '-' mode
  }
  const ae = Math.abs(exp).toString();
  const ed = o.expDigits < 0 ? 2 : Math.min(o.expDigits, 5);
  const expText = "e" + (exp < 0 ? "-" : "+") + ae.padStart(ed, "0");
  const leftChars = 1 + sign.length;
  const pad = o.padLeft > leftChars ? " ".repeat(o.padLeft - leftChars) : "";
  return pad + sign + digits[0] + (point ? "." : "") + frac + expText;
}

const NO_PAD = { padLeft: -1, padRight: -1, expDigits: -1 };

// ---------------------------------------------------------------------------
// Array element formatters (shared widths over the displayed elements)

type Fmt = (i: number) => string;

/** A double rounded to `kind` (as numpy converts a Python float). */
function castTo(kind: FloatKind, x: number): number {
  if (kind === "float32") return Math.fround(x);
  if (kind === "float16") return halfToNumber(numberToHalf(x));
  return x;
}

/** The quotient a / b computed in `kind` (numpy computes float16 arithmetic in float32). */
function divideIn(kind: FloatKind, a: number, b: number): number {
  if (kind === "float64") return a / b;
  const q = Math.fround(a / b);
  return kind === "float32" ? q : halfToNumber(numberToHalf(q));
}

const EXP_CUTOFF: Record<FloatKind, number> = { float16: 1e3, float32: 1e6, float64: 1e8 };

/** numpy's FloatingFormat: returns the formatter for one value of the set. */
function floatFormatter(vals: ArrayLike<number>, kind: FloatKind, plus: boolean): (x: number) => string {
  const finite: number[] = [];
  let hasNegInf = false;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (Number.isFinite(v)) finite.push(v);
    else if (v === -Infinity) hasNegInf = true;
  }
  let expFormat = false;
  let maxV = -1;
  let minV = Infinity;
  for (const v of finite) {
    const a = Math.abs(v);
    if (a === 0) continue;
    if (a > maxV) maxV = a;
    if (a < minV) minV = a;
  }
  if (maxV > 0) {
    expFormat = maxV >= EXP_CUTOFF[kind] || minV < castTo(kind, 0.0001) || divideIn(kind, maxV, minV) > 1000;
  }
  let padLeft = 0;
  let padRight = 0;
  let precision = PRECISION;
  let expSize = -1;
  if (finite.length > 0) {
    if (expFormat) {
      let maxFrac = 0;
      for (const v of finite) {
        const t = scientific(v, kind, { precision: PRECISION, minDigits: -1, trim: ".", plus, ...NO_PAD });
        const e = t.indexOf("e");
        const dot = t.indexOf(".");
        padLeft = Math.max(padLeft, dot);
        maxFrac = Math.max(maxFrac, e - dot - 1);
        expSize = Math.max(expSize, t.length - e - 2);
      }
      precision = maxFrac;
      padRight = expSize + 2 + precision;
    } else {
      for (const v of finite) {
        const t = positional(v, kind, { precision: PRECISION, minDigits: -1, trim: ".", plus, ...NO_PAD });
        const dot = t.indexOf(".");
        padLeft = Math.max(padLeft, dot);
        padRight = Math.max(padRight, t.length - dot - 1);
      }
    }
  }
  if (finite.length !== vals.length) {
    const negInf = plus || hasNegInf ? 1 : 0;
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + negInf - offset);
  }
  const width = padLeft + padRight + 1;
  const opts: FmtOpts = expFormat
    ? { precision, minDigits: precision, trim: "k", plus, padLeft, padRight: -1, expDigits: expSize }
    : { precision: PRECISION, minDigits: 0, trim: ".", plus, padLeft, padRight, expDigits: -1 };
  return (x: number) => {
    if (!Number.isFinite(x)) {
      const t = Number.isNaN(x) ? (plus ? "+nan" : "nan") : x < 0 ? "-inf" : plus ? "+inf" : "inf";
      return t.length < width ? " ".repeat(width - t.length) + t : t;
    }
    return expFormat ? scientific(x, kind, opts) : positional(x, kind, opts);
  };
}

function floatKindOf(dtype: NpDType): FloatKind {
  return dtype === "float16" ? "float16" : dtype === "float32" || dtype === "complex64" ? "float32" : "float64";
}

/** Plain float values of a float16/float32/float64 array (exact doubles). */
function floatValue(a: NdArray, i: number): number {
  if (a.dtype === "float16") return halfToNumber((a.data as Uint16Array)[i]);
  return (a.data as Float32Array | Float64Array)[i];
}

// ---------------------------------------------------------------------------
// bfloat16 as ml_dtypes prints it: C++ ostream (printf %g, 6 significant digits)

/** All digits of mant × 2^exp2 (mant > 0), trailing zeros removed. */
function exactDigits(mant: number, exp2: number): Digits {
  let str: string;
  let exp: number;
  if (exp2 >= 0) {
    str = (BigInt(mant) << BigInt(exp2)).toString();
    exp = str.length - 1;
  } else {
    str = (BigInt(mant) * 5n ** BigInt(-exp2)).toString();
    exp = str.length - 1 + exp2;
  }
  return { digits: str.replace(/0+$/, ""), exp };
}

/** Rounds to `n` significant digits, ties to even (exact, like glibc printf). */
function roundDigits(d: Digits, n: number): Digits {
  const { digits, exp } = d;
  if (digits.length <= n) return d;
  const keep = digits.slice(0, n);
  const next = digits.charCodeAt(n) - 48;
  const rest = digits.length > n + 1; // digits are trailing-zero free, so anything after is non-zero
  const up = next > 5 || (next === 5 && (rest || (keep.charCodeAt(n - 1) - 48) % 2 === 1));
  if (!up) return { digits: keep.replace(/0+$/, "") || "0", exp };
  let i = n - 1;
  while (i >= 0 && keep[i] === "9") i--;
  if (i < 0) return { digits: "1", exp: exp + 1 };
  return { digits: keep.slice(0, i) + String.fromCharCode(keep.charCodeAt(i) + 1), exp };
}

/** printf("%g", x) for a finite or special double, as C++ `ostream << float` prints it. */
function printfG(x: number, prec = 6): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) return sign + "0";
  const p = floatParts(Math.abs(x), "float64");
  const { digits, exp } = roundDigits(exactDigits(p.mant, p.exp2), prec);
  if (exp < -4 || exp >= prec) {
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits[0];
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${Math.abs(exp).toString().padStart(2, "0")}`;
  }
  if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length);
  return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
}

function bfloat16Text(bits: number): string {
  const x = bfloat16ToNumber(bits);
  return printfG(x);
}

// ---------------------------------------------------------------------------
// Scalars (0-d): numpy scalar str()

/** |x| at or above this prints in scientific notation as a numpy scalar. */
const SCALAR_SCI_AT: Record<FloatKind, number> = { float16: 1e3, float32: 1e6, float64: 1e16 };

function scalarFloatText(x: number, kind: FloatKind, trimPos: Trim, trimSci: Trim): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
  const a = Math.abs(x);
  const opts = { precision: -1, minDigits: -1, plus: false, ...NO_PAD };
  if (a === 0 || (a >= 1e-4 && a < SCALAR_SCI_AT[kind])) return positional(x, kind, { ...opts, trim: trimPos });
  return scientific(x, kind, { ...opts, trim: trimSci });
}

function scalarComplexText(re: number, im: number, kind: FloatKind): string {
  const part = (v: number) => scalarFloatText(v, kind, "-", "-");
  const imText = part(im);
  if (re === 0 && !Object.is(re, -0)) return imText + "j";
  const imSigned = imText[0] === "-" ? imText : "+" + imText;
  return "(" + part(re) + imSigned + "j)";
}

// ---------------------------------------------------------------------------
// Element formatters for one array

/** Formats the displayed elements (flat indices `idx`, in order). */
function formatElements(a: NdArray, idx: number[]): string[] {
  const n = idx.length;
  const out = new Array<string>(n);
  switch (a.dtype) {
    case "bool": {
      const d = a.data as Uint8Array;
      for (let j = 0; j < n; j++) out[j] = d[idx[j]] ? " True" : "False";
      return out;
    }
    case "int8":
    case "uint8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32":
    case "int64":
    case "uint64": {
      const d = a.data as ArrayLike<number | bigint>;
      let w = 0;
      for (let j = 0; j < n; j++) {
        out[j] = d[idx[j]].toString();
        if (out[j].length > w) w = out[j].length;
      }
      for (let j = 0; j < n; j++) if (out[j].length < w) out[j] = out[j].padStart(w);
      return out;
    }
    case "float16":
    case "float32":
    case "float64": {
      const kind = floatKindOf(a.dtype);
      const vals = idx.map((i) => floatValue(a, i));
      const f = floatFormatter(vals, kind, false);
      for (let j = 0; j < n; j++) out[j] = f(vals[j]);
      return out;
    }
    case "complex64":
    case "complex128": {
      const kind = floatKindOf(a.dtype);
      const d = a.data as Float32Array | Float64Array;
      const re = idx.map((i) => d[2 * i]);
      const im = idx.map((i) => d[2 * i + 1]);
      const fr = floatFormatter(re, kind, false);
      const fi = floatFormatter(im, kind, true);
      for (let j = 0; j < n; j++) {
        const it = fi(im[j]);
        const body = it.replace(/ +$/, "");
        out[j] = fr(re[j]) + body + "j" + it.slice(body.length);
      }
      return out;
    }
    case "bfloat16": {
      const d = a.data as Uint16Array;
      for (let j = 0; j < n; j++) out[j] = bfloat16Text(d[idx[j]]);
      return out;
    }
    case "bytes": {
      const d = a.data as Uint8Array[];
      for (let j = 0; j < n; j++) out[j] = pyBytesRepr(d[idx[j]]);
      return out;
    }
    case "str": {
      const d = a.data as string[];
      for (let j = 0; j < n; j++) out[j] = pyStrRepr(d[idx[j]]);
      return out;
    }
  }
}

// ---------------------------------------------------------------------------
// Layout

/** Python len(): code points. */
function cpLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const c2 = s.charCodeAt(i + 1);
      if (c2 >= 0xdc00 && c2 <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Flat C-order indices of the elements numpy shows, in display order. */
function displayedIndices(shape: readonly number[], summarise: boolean): number[] {
  const nd = shape.length;
  const strides = new Array<number>(nd);
  let st = 1;
  for (let ax = nd - 1; ax >= 0; ax--) {
    strides[ax] = st;
    st *= shape[ax];
  }
  const perAxis = shape.map((len) => {
    if (summarise && len > 2 * EDGEITEMS) {
      const r: number[] = [];
      for (let i = 0; i < EDGEITEMS; i++) r.push(i);
      for (let i = len - EDGEITEMS; i < len; i++) r.push(i);
      return r;
    }
    return Array.from({ length: len }, (_, i) => i);
  });
  const out: number[] = [];
  const rec = (ax: number, base: number) => {
    if (ax === nd) {
      out.push(base);
      return;
    }
    for (const i of perAxis[ax]) rec(ax + 1, base + i * strides[ax]);
  };
  rec(0, 0);
  return out;
}

function layout(shape: readonly number[], words: string[], summarise: boolean, countCp: boolean): string {
  const nd = shape.length;
  let next = 0;
  const len = countCp ? cpLen : (s: string) => s.length;

  const rec = (axis: number, hanging: string, width: number): string => {
    const axesLeft = nd - axis;
    const n = shape[axis];
    const summary = summarise && 2 * EDGEITEMS < n;
    const lead = summary ? EDGEITEMS : 0;
    const trail = summary ? EDGEITEMS : n;
    let s = "";
    if (axesLeft === 1) {
      const elemWidth = width - 1;
      const indentLen = hanging.length;
      let line = hanging;
      let lineLen = indentLen;
      const extend = (word: string) => {
        const wl = len(word);
        if (lineLen + wl > elemWidth && lineLen > indentLen) {
          s += line.replace(/ +$/, "") + "\n";
          line = hanging;
          lineLen = indentLen;
        }
        line += word;
        lineLen += wl;
      };
      for (let i = 0; i < lead; i++) {
        extend(words[next++]);
        line += " ";
        lineLen += 1;
      }
      if (summary) {
        extend("...");
        line += " ";
        lineLen += 1;
      }
      for (let i = trail; i > 1; i--) {
        extend(words[next++]);
        line += " ";
        lineLen += 1;
      }
      extend(words[next++]);
      s += line;
    } else {
      const sep = "\n".repeat(axesLeft - 1);
      const nh = hanging + " ";
      for (let i = 0; i < lead; i++) s += hanging + rec(axis + 1, nh, width - 1) + sep;
      if (summary) s += hanging + "..." + sep;
      for (let i = trail; i > 1; i--) s += hanging + rec(axis + 1, nh, width - 1) + sep;
      s += hanging + rec(axis + 1, nh, width - 1);
    }
    return "[" + s.slice(hanging.length) + "]";
  };
  return rec(0, " ", LINEWIDTH);
}

// ---------------------------------------------------------------------------
// Public API

/** numpy `str()` of an array with default print options (`print(arr)` without the newline). */
export function formatNdArray(a: NdArray): string {
  const shape = a.shape;
  let size = 1;
  for (const d of shape) size *= d;
  if (shape.length === 0) return scalarText(a);
  if (size === 0) return "[]";
  const summarise = size > THRESHOLD;
  const idx = displayedIndices(shape, summarise);
  const words = formatElements(a, idx);
  return layout(shape, words, summarise, a.dtype === "str");
}

function scalarText(a: NdArray): string {
  switch (a.dtype) {
    case "bool":
      return (a.data as Uint8Array)[0] ? "True" : "False";
    case "float16":
    case "float32":
    case "float64":
      return scalarFloatText(floatValue(a, 0), floatKindOf(a.dtype), "0", "-");
    case "complex64":
    case "complex128": {
      const d = a.data as Float32Array | Float64Array;
      return scalarComplexText(d[0], d[1], floatKindOf(a.dtype));
    }
    case "bfloat16":
      return bfloat16Text((a.data as Uint16Array)[0]);
    case "bytes":
      return pyBytesRepr((a.data as Uint8Array[])[0]);
    case "str":
      return (a.data as string[])[0];
    default:
      return (a.data as ArrayLike<number | bigint>)[0].toString();
  }
}

/** A scalar value as accepted by `formatScalar`, per dtype. */
export type ScalarValue = boolean | number | bigint | string | Uint8Array | readonly [number, number];

/**
 * numpy `str()` of one scalar of `dtype` (what a 0-d result prints as).
 * Values: bool → boolean or number; integers → number or bigint; float16,
 * bfloat16, float32 → a number, first rounded to that dtype; float64 → number;
 * complex → [re, im]; bytes → Uint8Array; str → string.
 */
export function formatScalar(dtype: NpDType, value: ScalarValue): string {
  switch (dtype) {
    case "bool":
      return value ? "True" : "False";
    case "float16":
      return scalarFloatText(halfToNumber(numberToHalf(Number(value))), "float16", "0", "-");
    case "float32":
      return scalarFloatText(Math.fround(Number(value)), "float32", "0", "-");
    case "float64":
      return scalarFloatText(Number(value), "float64", "0", "-");
    case "bfloat16":
      return bfloat16Text(numberToBfloat16(Number(value)));
    case "complex64":
    case "complex128": {
      const [re, im] = value as readonly [number, number];
      const kind = floatKindOf(dtype);
      return scalarComplexText(castTo(kind, re), castTo(kind, im), kind);
    }
    case "bytes":
      return pyBytesRepr(value as Uint8Array);
    case "str":
      return String(value);
    default:
      return typeof value === "bigint" ? value.toString() : BigInt(value as number).toString();
  }
}
