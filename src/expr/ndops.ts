/**
 * numpy array operations for the expression evaluator: broadcasting
 * arithmetic with numpy 2 (NEP 50) promotion, basic indexing, shape
 * manipulation and matmul. Integer arithmetic is done in BigInt and wrapped
 * to the dtype width; float32/float16 results are rounded per operation.
 */
import { type NdArray, type NpDType, zeros, sizeOf, lanes } from "../ndarray.js";
import { TfsmError } from "../errors.js";
import { numberToHalf, halfToNumber } from "../half.js";
import { castArray, asArray, LIMITS, pyToInt, intToFloat } from "./convert.js";
import { complexFor, intBits, kindOf, promoteTypes, isIntegerDType } from "./dtypes.js";
import {
  type PyValue,
  NpScalar,
  PyComplex,
  PyList,
  PyTuple,
  PySlice,
  PY_ELLIPSIS,
  isNdArray,
  elementToPy,
  pyTypeName,
} from "./values.js";

export type ArithOp = "+" | "-" | "*" | "/" | "//" | "%" | "**" | "@";

export function shapeText(shape: readonly number[]): string {
  return "(" + shape.join(", ") + (shape.length === 1 ? ",)" : ")");
}

export function checkElements(shape: readonly number[]): void {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > LIMITS.maxElements)
      throw new TfsmError("ValueError", `array of shape ${shapeText(shape)} is too large (tfsm limit: ${LIMITS.maxElements} elements)`);
  }
}

/** 0-d results of ufuncs come back as numpy scalars. */
export function wrapResult(a: NdArray): NdArray | NpScalar {
  return a.shape.length === 0 ? new NpScalar(a) : a;
}

export function isNumpy(v: PyValue): v is NdArray | NpScalar {
  return v instanceof NpScalar || isNdArray(v);
}

export function arrayOf(v: NdArray | NpScalar): NdArray {
  return v instanceof NpScalar ? v.array : v;
}

function isPyNumber(v: PyValue): v is boolean | bigint | number | PyComplex {
  return typeof v === "boolean" || typeof v === "bigint" || typeof v === "number" || v instanceof PyComplex;
}

// ---------------------------------------------------------------------------
// broadcasting

export function broadcastShapes(a: readonly number[], b: readonly number[], opShapes?: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new TfsmError(
        "ValueError",
        opShapes ?? `operands could not be broadcast together with shapes ${shapeText(a)} ${shapeText(b)} `,
      );
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * The flat source index of every element of an array of `shape`, in row-major
 * order, when a step along dimension d moves `strides[d]` elements in the
 * source (0 for a broadcast dimension, the permuted strides for a transpose).
 */
function stridedIndex(shape: readonly number[], strides: readonly number[]): Int32Array {
  const nd = shape.length;
  const n = sizeOf(shape);
  const idx = new Int32Array(n);
  const counter = new Array<number>(nd).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = src;
    for (let d = nd - 1; d >= 0; d--) {
      counter[d]++;
      src += strides[d];
      if (counter[d] < shape[d]) break;
      src -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return idx;
}

/** Flat source index for each flat output index when broadcasting `shape` to `out`. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array | null {
  if (shape.length === out.length && shape.every((d, i) => d === out[i])) return null;
  const nd = out.length;
  const strides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = nd - shape.length + i;
    strides[oi] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return stridedIndex(out, strides);
}

export function broadcastTo(a: NdArray, shape: readonly number[]): NdArray {
  const idx = broadcastIndex(a.shape, shape);
  if (!idx) return a;
  return gather(a, idx, shape);
}

export function gather(a: NdArray, idx: ArrayLike<number>, shape: readonly number[]): NdArray {
  const out = zeros(a.dtype, shape);
  const l = lanes(a.dtype);
  const src = a.data as unknown as ArrayLike<unknown>;
  const dst = out.data as unknown as { [k: number]: unknown };
  for (let k = 0; k < idx.length; k++) {
    const j = idx[k];
    if (l === 2) {
      dst[2 * k] = src[2 * j];
      dst[2 * k + 1] = src[2 * j + 1];
    } else dst[k] = src[j];
  }
  return out;
}

// ---------------------------------------------------------------------------
// dtype resolution (NEP 50: Python scalars are "weak")

type Operand = { arr: NdArray | null; weak: boolean | bigint | number | PyComplex | null; dtype: NpDType };

function weakDType(v: boolean | bigint | number | PyComplex): NpDType {
  return typeof v === "boolean" ? "bool" : typeof v === "bigint" ? "int64" : typeof v === "number" ? "float64" : "complex128";
}

function operand(v: PyValue): Operand {
  if (isNumpy(v)) {
    const arr = arrayOf(v);
    return { arr, weak: null, dtype: arr.dtype };
  }
  if (isPyNumber(v)) return { arr: null, weak: v, dtype: weakDType(v) };
  if (v instanceof PyList || v instanceof PyTuple) {
    const arr = asArray(v);
    return { arr, weak: null, dtype: arr.dtype };
  }
  throw new TfsmError("TypeError", `unsupported operand type for numpy arithmetic: '${pyTypeName(v)}'`);
}

/** Result dtype of combining a strong dtype with a weak Python scalar. */
function withWeak(strong: NpDType, w: boolean | bigint | number | PyComplex): NpDType {
  const ks = kindOf(strong);
  if (typeof w === "boolean") return strong;
  if (typeof w === "bigint") return ks === "b" ? "int64" : strong;
  if (typeof w === "number") return ks === "b" || ks === "i" || ks === "u" ? "float64" : strong;
  // complex
  if (ks === "c") return strong;
  if (ks === "f") return complexFor(strong);
  return "complex128";
}

function resolve(a: Operand, b: Operand): NpDType {
  if (a.weak === null && b.weak === null) return promoteTypes(a.dtype, b.dtype);
  if (a.weak === null) return withWeak(a.dtype, b.weak!);
  if (b.weak === null) return withWeak(b.dtype, a.weak!);
  return promoteTypes(a.dtype, b.dtype);
}

function materialize(o: Operand, dtype: NpDType): NdArray {
  if (o.arr) return castArray(o.arr, dtype);
  const w = o.weak!;
  if (typeof w === "bigint" && isIntegerDType(dtype)) pyToInt(w, dtype); // OverflowError if out of range
  return asArray(w, { dtype });
}

const UFUNC_NAMES: Record<ArithOp, string> = {
  "+": "add", "-": "subtract", "*": "multiply", "/": "divide", "//": "floor_divide", "%": "remainder", "**": "power", "@": "matmul",
};

function noLoop(op: ArithOp, a: NpDType, b: NpDType): TfsmError {
  return new TfsmError(
    "TypeError",
    `ufunc '${UFUNC_NAMES[op]}' did not contain a loop with signature matching types (${a}, ${b})`,
  );
}

// ---------------------------------------------------------------------------
// element access in compute domains

function readBig(a: NdArray): (i: number) => bigint {
  const d = a.data as ArrayLike<number | bigint>;
  if (a.dtype === "int64" || a.dtype === "uint64") return (i) => d[i] as bigint;
  return (i) => BigInt(d[i] as number);
}

function readF(a: NdArray): (i: number) => number {
  if (a.dtype === "float16") {
    const d = a.data as Uint16Array;
    return (i) => halfToNumber(d[i]);
  }
  const d = a.data as Float64Array;
  return (i) => d[i];
}

function rounder(d: NpDType): (x: number) => number {
  if (d === "float32" || d === "complex64") return Math.fround;
  if (d === "float16") return (x) => Math.fround(x);
  return (x) => x;
}

function storeF(out: NdArray): (i: number, x: number) => void {
  if (out.dtype === "float16") {
    const d = out.data as Uint16Array;
    return (i, x) => {
      d[i] = numberToHalf(x);
    };
  }
  const d = out.data as Float64Array;
  return (i, x) => {
    d[i] = x;
  };
}

function storeBig(out: NdArray): (i: number, x: bigint) => void {
  const bits = intBits(out.dtype);
  const unsigned = kindOf(out.dtype) === "u";
  if (bits === 64) {
    const d = out.data as BigInt64Array;
    return unsigned ? (i, x) => void (d[i] = BigInt.asUintN(64, x)) : (i, x) => void (d[i] = BigInt.asIntN(64, x));
  }
  const d = out.data as Int32Array;
  return (i, x) => void (d[i] = Number(BigInt.asIntN(32, x)));
}

/** numpy's npy_divmod for floats (also Python's float // and %), each step rounded with `r`. */
export function floatDivmod(a: number, b: number, r: (x: number) => number = (x) => x): [number, number] {
  if (b === 0) return [r(a / b), NaN];
  let mod = r(a % b);
  let div = r(r(a - mod) / b);
  if (mod) {
    if (b < 0 !== mod < 0) {
      mod = r(mod + b);
      div = r(div - 1);
    }
  } else mod = b < 0 ? -0 : 0;
  let floordiv: number;
  if (div) {
    floordiv = Math.floor(div);
    if (r(div - floordiv) > 0.5) floordiv = r(floordiv + 1);
  } else floordiv = a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  return [floordiv, mod];
}

function bigFloorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function bigMod(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const m = a % b;
  return m !== 0n && (m < 0n) !== (b < 0n) ? m + b : m;
}

function bigPow(a: bigint, b: bigint, bits: number): bigint {
  if (b < 0n) throw new TfsmError("ValueError", "Integers to negative integer powers are not allowed.");
  const mod = 1n << BigInt(bits);
  let result = 1n;
  let base = BigInt.asUintN(bits, a);
  let e = b;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    e >>= 1n;
  }
  return result;
}

/** numpy's complex division (Smith's method as in its loops). */
function complexDiv(ar: number, ai: number, br: number, bi: number, r: (x: number) => number): [number, number] {
  const abr = Math.abs(br);
  const abi = Math.abs(bi);
  if (abr >= abi) {
    if (abr === 0 && abi === 0) return [ar / abr, ai / abi];
    const rat = r(bi / br);
    const scl = r(1.0 / r(br + r(bi * rat)));
    return [r(r(ar + r(ai * rat)) * scl), r(r(ai - r(ar * rat)) * scl)];
  }
  const rat = r(br / bi);
  const scl = r(1.0 / r(bi + r(br * rat)));
  return [r(r(r(ar * rat) + ai) * scl), r(r(r(ai * rat) - ar) * scl)];
}

/** Complex power (CPython's algorithm; numpy uses the C library's cpow, which may differ in the last bits). */
export function complexPow(ar: number, ai: number, br: number, bi: number): [number, number] {
  if (br === 0 && bi === 0) return [1, 0];
  if (ar === 0 && ai === 0) {
    if (bi !== 0 || br < 0) return [NaN, NaN];
    return [0, 0];
  }
  if (bi === 0 && Number.isInteger(br) && Math.abs(br) <= 100) {
    let n = Math.abs(br);
    let rr = 1;
    let ri = 0;
    let xr = ar;
    let xi = ai;
    while (n > 0) {
      if (n & 1) [rr, ri] = [rr * xr - ri * xi, rr * xi + ri * xr];
      [xr, xi] = [xr * xr - xi * xi, 2 * xr * xi];
      n >>= 1;
    }
    if (br < 0) return complexDiv(1, 0, rr, ri, (x) => x);
    return [rr, ri];
  }
  const vabs = Math.hypot(ar, ai);
  let len = Math.pow(vabs, br);
  const at = Math.atan2(ai, ar);
  let phase = at * br;
  if (bi !== 0) {
    len /= Math.exp(at * bi);
    phase += bi * Math.log(vabs);
  }
  return [len * Math.cos(phase), len * Math.sin(phase)];
}

// ---------------------------------------------------------------------------
// binary arithmetic

export function numpyBinary(op: ArithOp, x: PyValue, y: PyValue): PyValue {
  const a = operand(x);
  const b = operand(y);
  let common = resolve(a, b);
  const kc = kindOf(common);
  if (kc === "U" || kc === "S") {
    if (op !== "+" || kindOf(a.dtype) !== kindOf(b.dtype)) throw noLoop(op, a.dtype, b.dtype);
    return stringAdd(materialize(a, common), materialize(b, common));
  }
  if (common === "bfloat16") throw new TfsmError("TypeError", "bfloat16 arithmetic is not supported");
  if (op === "@") return matmul(materialize(a, common), materialize(b, common));
  let outDType = common;
  if (kc === "b") {
    if (op === "-")
      throw new TfsmError(
        "TypeError",
        "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.",
      );
    if (op === "/") common = outDType = "float64";
    else if (op === "//" || op === "%" || op === "**") common = outDType = "int8";
  } else if ((kc === "i" || kc === "u") && op === "/") common = outDType = "float64";
  else if (kc === "c" && (op === "//" || op === "%")) throw noLoop(op, a.dtype, b.dtype);
  const A = materialize(a, common);
  const B = materialize(b, common);
  const shape = broadcastShapes(A.shape, B.shape);
  checkElements(shape);
  const n = sizeOf(shape);
  const ia = broadcastIndex(A.shape, shape);
  const ib = broadcastIndex(B.shape, shape);
  const out = zeros(outDType, shape);
  const k = kindOf(common);
  if (k === "b") {
    const da = A.data as Uint8Array;
    const db = B.data as Uint8Array;
    const o = out.data as Uint8Array;
    for (let i = 0; i < n; i++) {
      const p = da[ia ? ia[i] : i];
      const q = db[ib ? ib[i] : i];
      o[i] = op === "+" ? p | q : p & q;
    }
    return wrapResult(out);
  }
  if (k === "i" || k === "u") {
    const ra = readBig(A);
    const rb = readBig(B);
    const st = storeBig(out);
    const bits = intBits(common);
    if (op === "**") for (let i = 0; i < n; i++) if (rb(ib ? ib[i] : i) < 0n) bigPow(0n, -1n, bits);
    for (let i = 0; i < n; i++) {
      const p = ra(ia ? ia[i] : i);
      const q = rb(ib ? ib[i] : i);
      let r: bigint;
      switch (op) {
        case "+":
          r = p + q;
          break;
        case "-":
          r = p - q;
          break;
        case "*":
          r = p * q;
          break;
        case "//":
          r = bigFloorDiv(p, q);
          break;
        case "%":
          r = bigMod(p, q);
          break;
        default:
          r = bigPow(p, q, bits);
      }
      st(i, r);
    }
    return wrapResult(out);
  }
  if (k === "f") {
    const ra = readF(A);
    const rb = readF(B);
    const st = storeF(out);
    const rnd = rounder(common);
    for (let i = 0; i < n; i++) {
      const p = ra(ia ? ia[i] : i);
      const q = rb(ib ? ib[i] : i);
      let r: number;
      switch (op) {
        case "+":
          r = p + q;
          break;
        case "-":
          r = p - q;
          break;
        case "*":
          r = p * q;
          break;
        case "/":
          r = p / q;
          break;
        case "//":
          r = floatDivmod(p, q, rnd)[0];
          break;
        case "%":
          r = floatDivmod(p, q, rnd)[1];
          break;
        default:
          r = p ** q;
      }
      st(i, rnd(r));
    }
    return wrapResult(out);
  }
  // complex
  const da = A.data as Float64Array;
  const db = B.data as Float64Array;
  const o = out.data as Float64Array;
  const r = rounder(common);
  for (let i = 0; i < n; i++) {
    const ja = ia ? ia[i] : i;
    const jb = ib ? ib[i] : i;
    const ar = da[2 * ja];
    const ai = da[2 * ja + 1];
    const br = db[2 * jb];
    const bi = db[2 * jb + 1];
    let re: number;
    let im: number;
    switch (op) {
      case "+":
        re = ar + br;
        im = ai + bi;
        break;
      case "-":
        re = ar - br;
        im = ai - bi;
        break;
      case "*":
        re = r(r(ar * br) - r(ai * bi));
        im = r(r(ar * bi) + r(ai * br));
        break;
      case "/":
        [re, im] = complexDiv(ar, ai, br, bi, r);
        break;
      default:
        [re, im] = complexPow(ar, ai, br, bi);
    }
    o[2 * i] = r(re);
    o[2 * i + 1] = r(im);
  }
  return wrapResult(out);
}

function stringAdd(A: NdArray, B: NdArray): PyValue {
  const shape = broadcastShapes(A.shape, B.shape);
  checkElements(shape);
  const ia = broadcastIndex(A.shape, shape);
  const ib = broadcastIndex(B.shape, shape);
  const out = zeros(A.dtype, shape);
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    const p = (A.data as (string | Uint8Array)[])[ia ? ia[i] : i];
    const q = (B.data as (string | Uint8Array)[])[ib ? ib[i] : i];
    if (typeof p === "string") (out.data as string[])[i] = p + (q as string);
    else {
      const r = new Uint8Array(p.length + (q as Uint8Array).length);
      r.set(p);
      r.set(q as Uint8Array, p.length);
      (out.data as Uint8Array[])[i] = r;
    }
  }
  return wrapResult(out);
}

export function numpyUnary(op: "+" | "-" | "~", x: NdArray | NpScalar): PyValue {
  const A = arrayOf(x);
  const k = kindOf(A.dtype);
  const n = sizeOf(A.shape);
  if (k === "U" || k === "S" || A.dtype === "bfloat16")
    throw new TfsmError("TypeError", `bad operand type for unary ${op}: numpy array of dtype ${A.dtype}`);
  const out = zeros(A.dtype, A.shape);
  if (op === "+") {
    if (k === "b") throw new TfsmError("TypeError", "ufunc 'positive' did not contain a loop with signature matching types (bool) -> None");
    return wrapResult(copyArray(A));
  }
  if (k === "b") {
    if (op === "-")
      throw new TfsmError(
        "TypeError",
        "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.",
      );
    const d = A.data as Uint8Array;
    const o = out.data as Uint8Array;
    for (let i = 0; i < n; i++) o[i] = d[i] ? 0 : 1;
    return wrapResult(out);
  }
  if (k === "i" || k === "u") {
    const rd = readBig(A);
    const st = storeBig(out);
    for (let i = 0; i < n; i++) st(i, op === "-" ? -rd(i) : ~rd(i));
    return wrapResult(out);
  }
  if (op === "~")
    throw new TfsmError(
      "TypeError",
      "ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
    );
  if (k === "f") {
    const rd = readF(A);
    const st = storeF(out);
    for (let i = 0; i < n; i++) st(i, -rd(i));
    return wrapResult(out);
  }
  const d = A.data as Float64Array;
  const o = out.data as Float64Array;
  for (let i = 0; i < 2 * n; i++) o[i] = -d[i];
  return wrapResult(out);
}

export function copyArray(a: NdArray): NdArray {
  const data = Array.isArray(a.data) ? [...(a.data as unknown[])] : (a.data as unknown as { slice(): unknown }).slice();
  return { dtype: a.dtype, shape: [...a.shape], data } as NdArray;
}

// ---------------------------------------------------------------------------
// matmul

export function matmul(A: NdArray, B: NdArray): PyValue {
  if (A.shape.length === 0 || B.shape.length === 0)
    throw new TfsmError("ValueError", "matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)");
  const a2 = A.shape.length === 1 ? reshape(A, [1, A.shape[0]]) : A;
  const b2 = B.shape.length === 1 ? reshape(B, [B.shape[0], 1]) : B;
  const [n, k] = a2.shape.slice(-2);
  const [k2, m] = b2.shape.slice(-2);
  if (k !== k2)
    throw new TfsmError(
      "ValueError",
      `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${k2} is different from ${k})`,
    );
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const outShape = [...batch, n, m];
  checkElements(outShape);
  const dtype = A.dtype;
  const out = zeros(dtype, outShape);
  const nb = sizeOf(batch);
  const aB = broadcastIndex(a2.shape.slice(0, -2), batch);
  const bB = broadcastIndex(b2.shape.slice(0, -2), batch);
  const kd = kindOf(dtype);
  for (let bi = 0; bi < nb; bi++) {
    const ao = (aB ? aB[bi] : bi) * n * k;
    const bo = (bB ? bB[bi] : bi) * k * m;
    const oo = bi * n * m;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        if (kd === "b") {
          const da = a2.data as Uint8Array;
          const db = b2.data as Uint8Array;
          let s = 0;
          for (let t = 0; t < k; t++) s |= da[ao + i * k + t] & db[bo + t * m + j];
          (out.data as Uint8Array)[oo + i * m + j] = s;
        } else if (kd === "i" || kd === "u") {
          const ra = readBig(a2);
          const rb = readBig(b2);
          let s = 0n;
          for (let t = 0; t < k; t++) s += ra(ao + i * k + t) * rb(bo + t * m + j);
          storeBig(out)(oo + i * m + j, s);
        } else if (kd === "f") {
          const ra = readF(a2);
          const rb = readF(b2);
          const rnd = rounder(dtype);
          let s = 0;
          for (let t = 0; t < k; t++) s = rnd(s + rnd(ra(ao + i * k + t) * rb(bo + t * m + j)));
          storeF(out)(oo + i * m + j, s);
        } else {
          const da = a2.data as Float64Array;
          const db = b2.data as Float64Array;
          const r = rounder(dtype);
          let sr = 0;
          let si = 0;
          for (let t = 0; t < k; t++) {
            const x = ao + i * k + t;
            const y = bo + t * m + j;
            sr = r(sr + r(r(da[2 * x] * db[2 * y]) - r(da[2 * x + 1] * db[2 * y + 1])));
            si = r(si + r(r(da[2 * x] * db[2 * y + 1]) + r(da[2 * x + 1] * db[2 * y])));
          }
          (out.data as Float64Array)[2 * (oo + i * m + j)] = sr;
          (out.data as Float64Array)[2 * (oo + i * m + j) + 1] = si;
        }
      }
  }
  let res: NdArray = out;
  if (A.shape.length === 1 && B.shape.length === 1) res = reshape(out, batch);
  else if (A.shape.length === 1) res = reshape(out, [...batch, m]);
  else if (B.shape.length === 1) res = reshape(out, [...batch, n]);
  return wrapResult(res);
}

// ---------------------------------------------------------------------------
// shape manipulation

export function reshape(a: NdArray, shape: readonly number[]): NdArray {
  const size = sizeOf(a.shape);
  const neg = shape.filter((d) => d === -1).length;
  if (neg > 1) throw new TfsmError("ValueError", "can only specify one unknown dimension");
  if (shape.some((d) => d < -1)) throw new TfsmError("ValueError", "negative dimensions not allowed");
  let out = [...shape];
  if (neg === 1) {
    const known = shape.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
    if (known === 0 || size % known !== 0)
      throw new TfsmError("ValueError", `cannot reshape array of size ${size} into shape ${shapeText(shape.map((d) => d))}`.replace("-1", "-1"));
    out = shape.map((d) => (d === -1 ? size / known : d));
  }
  if (sizeOf(out) !== size) throw new TfsmError("ValueError", `cannot reshape array of size ${size} into shape ${shapeText(shape)}`);
  return { dtype: a.dtype, shape: out, data: a.data } as NdArray;
}

export function normalizeAxis(axis: number, ndim: number): number {
  if (axis < -ndim || axis >= ndim)
    throw new TfsmError("ValueError", `axis ${axis} is out of bounds for array of dimension ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

export function transpose(a: NdArray, axes?: number[]): NdArray {
  const nd = a.shape.length;
  const perm = axes ? axes.map((x) => normalizeAxis(x, nd)) : [...Array(nd).keys()].reverse();
  if (perm.length !== nd) throw new TfsmError("ValueError", "axes don't match array");
  if (new Set(perm).size !== nd) throw new TfsmError("ValueError", "repeated axis in transpose");
  const shape = perm.map((p) => a.shape[p]);
  const srcStrides: number[] = new Array(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    srcStrides[i] = s;
    s *= a.shape[i];
  }
  return gather(a, stridedIndex(shape, perm.map((p) => srcStrides[p])), shape);
}

export function concatenate(arrays: NdArray[], axis: number | null, dtype?: NpDType): NdArray {
  if (arrays.length === 0) throw new TfsmError("ValueError", "need at least one array to concatenate");
  if (axis === null) {
    arrays = arrays.map((a) => reshape(a, [sizeOf(a.shape)]));
    axis = 0;
  }
  const nd = arrays[0].shape.length;
  if (nd === 0) throw new TfsmError("ValueError", "zero-dimensional arrays cannot be concatenated");
  const ax = normalizeAxis(axis, nd);
  arrays.forEach((a, i) => {
    if (a.shape.length !== nd)
      throw new TfsmError(
        "ValueError",
        `all the input array dimensions except for the concatenation axis must match exactly, but along dimension 0, the array at index 0 has ${nd} dimension(s) and the array at index ${i} has ${a.shape.length} dimension(s)`.replace(
          /.*/,
          `all the input arrays must have same number of dimensions, but the array at index 0 has ${nd} dimension(s) and the array at index ${i} has ${a.shape.length} dimension(s)`,
        ),
      );
    for (let d = 0; d < nd; d++)
      if (d !== ax && a.shape[d] !== arrays[0].shape[d])
        throw new TfsmError(
          "ValueError",
          `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${arrays[0].shape[d]} and the array at index ${i} has size ${a.shape[d]}`,
        );
  });
  const dt = dtype ?? arrays.map((a) => a.dtype).reduce(promoteTypes);
  const cast = arrays.map((a) => castArray(a, dt));
  const shape = [...arrays[0].shape];
  shape[ax] = arrays.reduce((s, a) => s + a.shape[ax], 0);
  checkElements(shape);
  const out = zeros(dt, shape);
  const outer = sizeOf(shape.slice(0, ax));
  const inner = sizeOf(shape.slice(ax + 1));
  const l = lanes(dt);
  const dst = out.data as unknown as { [k: number]: unknown };
  let o = 0;
  for (let p = 0; p < outer; p++)
    for (const a of cast) {
      const chunk = a.shape[ax] * inner;
      const src = a.data as unknown as ArrayLike<unknown>;
      for (let q = 0; q < chunk * l; q++) dst[o * l + q] = src[p * chunk * l + q];
      o += chunk;
    }
  return out;
}

export function expandDims(a: NdArray, axes: number[]): NdArray {
  const nd = a.shape.length + axes.length;
  const norm = axes.map((x) => normalizeAxis(x, nd));
  if (new Set(norm).size !== norm.length) throw new TfsmError("ValueError", "repeated axis");
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < nd; i++) shape.push(norm.includes(i) ? 1 : a.shape[j++]);
  return reshape(a, shape);
}

export function squeeze(a: NdArray, axes?: number[]): NdArray {
  if (!axes) return reshape(a, a.shape.filter((d) => d !== 1));
  const norm = axes.map((x) => normalizeAxis(x, a.shape.length));
  for (const ax of norm)
    if (a.shape[ax] !== 1) throw new TfsmError("ValueError", "cannot select an axis to squeeze out which has size not equal to one");
  return reshape(a, a.shape.filter((_, i) => !norm.includes(i)));
}

// ---------------------------------------------------------------------------
// indexing

/** Python's slice.indices(length). */
export function sliceIndices(s: PySlice, length: number): [number, number, number] {
  const num = (v: PyValue, what: string): number | null => {
    if (v === null) return null;
    if (typeof v === "bigint") return Number(v > BigInt(2 ** 53) ? BigInt(2 ** 53) : v < -BigInt(2 ** 53) ? -BigInt(2 ** 53) : v);
    if (typeof v === "boolean") return v ? 1 : 0;
    if (v instanceof NpScalar && isIntegerDType(v.dtype)) return Number(elementToPy(v.array, 0));
    throw new TfsmError("TypeError", `slice ${what} must be integers or None or have an __index__ method`);
  };
  const stepN = num(s.step, "indices");
  const step = stepN ?? 1;
  if (step === 0) throw new TfsmError("ValueError", "slice step cannot be zero");
  let start = num(s.start, "indices");
  let stop = num(s.stop, "indices");
  if (start === null) start = step < 0 ? length - 1 : 0;
  else {
    if (start < 0) start += length;
    if (start < 0) start = step < 0 ? -1 : 0;
    else if (start >= length) start = step < 0 ? length - 1 : length;
  }
  if (stop === null) stop = step < 0 ? -1 : length;
  else {
    if (stop < 0) stop += length;
    if (stop < 0) stop = step < 0 ? -1 : 0;
    else if (stop >= length) stop = step < 0 ? length - 1 : length;
  }
  return [start, stop, step];
}

export function sliceLength(start: number, stop: number, step: number): number {
  if (step > 0) return start < stop ? Math.floor((stop - start - 1) / step) + 1 : 0;
  return start > stop ? Math.floor((start - stop - 1) / -step) + 1 : 0;
}

function indexInt(v: PyValue): number | null {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof NpScalar && isIntegerDType(v.dtype)) return Number(elementToPy(v.array, 0));
  return null;
}

/** Basic numpy indexing: ints, slices, None/np.newaxis, Ellipsis. */
export function indexArray(a: NdArray, index: PyValue): PyValue {
  if (index instanceof PyList || (isNdArray(index) && index.shape.length >= 1)) return takeAxis0(a, index);
  const items = index instanceof PyTuple ? [...index.items] : [index];
  for (const it of items)
    if (
      !(it === null || it === PY_ELLIPSIS || it instanceof PySlice || indexInt(it) !== null)
    ) {
      if (it instanceof PyList || isNumpy(it) || typeof it === "boolean")
        throw new TfsmError("IndexError", "advanced (integer or boolean array) indexing is not supported by tfsm");
      throw new TfsmError(
        "IndexError",
        "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices",
      );
    }
  const ell = items.filter((x) => x === PY_ELLIPSIS).length;
  if (ell > 1) throw new TfsmError("IndexError", "an index can only have a single ellipsis ('...')");
  const consumed = items.filter((x) => x !== null && x !== PY_ELLIPSIS).length;
  if (consumed > a.shape.length)
    throw new TfsmError(
      "IndexError",
      `too many indices for array: array is ${a.shape.length}-dimensional, but ${consumed} were indexed`,
    );
  const full: PyValue[] = [];
  for (const it of items) {
    if (it === PY_ELLIPSIS) for (let k = 0; k < a.shape.length - consumed; k++) full.push(new PySlice(null, null, null));
    else full.push(it);
  }
  if (!ell) while (full.filter((x) => x !== null).length < a.shape.length) full.push(new PySlice(null, null, null));
  // per source dim: list of (start, step, count, keep)
  const outShape: number[] = [];
  const dims: { start: number; step: number; count: number }[] = [];
  let sd = 0;
  for (const it of full) {
    if (it === null) {
      outShape.push(1);
      continue;
    }
    const len = a.shape[sd];
    const iv = indexInt(it);
    if (iv !== null) {
      const j = iv < 0 ? iv + len : iv;
      if (j < 0 || j >= len)
        throw new TfsmError("IndexError", `index ${iv} is out of bounds for axis ${sd} with size ${len}`);
      dims.push({ start: j, step: 0, count: 1 });
    } else {
      const [start, stop, step] = sliceIndices(it as PySlice, len);
      const count = sliceLength(start, stop, step);
      dims.push({ start, step, count });
      outShape.push(count);
    }
    sd++;
  }
  // gather
  const strides: number[] = new Array(a.shape.length);
  let s = 1;
  for (let i = a.shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= a.shape[i];
  }
  const n = sizeOf(outShape);
  const idx = new Int32Array(n);
  const counts = dims.map((d) => d.count);
  const counter = new Array<number>(dims.length).fill(0);
  let base = dims.reduce((acc, d, i) => acc + d.start * strides[i], 0);
  for (let k = 0; k < n; k++) {
    idx[k] = base;
    for (let d = dims.length - 1; d >= 0; d--) {
      counter[d]++;
      base += dims[d].step * strides[d];
      if (counter[d] < counts[d]) break;
      base -= dims[d].step * strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  const out = gather(a, idx, outShape);
  if (outShape.length === 0 && a.shape.length > 0) return new NpScalar(out);
  if (outShape.length === 0 && index instanceof PyTuple && index.items.length === 0) return new NpScalar(out);
  return out;
}

/** Advanced indexing with one integer or boolean index array on axis 0 (`a[[0, 2]]`, `a[mask]`). */
function takeAxis0(a: NdArray, index: PyList | NdArray): PyValue {
  const idx = asArray(index);
  if (a.shape.length === 0) throw new TfsmError("IndexError", "too many indices for array: array is 0-dimensional, but 1 were indexed");
  const len = a.shape[0];
  let rows: number[];
  if (idx.dtype === "bool") {
    if (idx.shape.length !== 1 || idx.shape[0] !== len)
      throw new TfsmError(
        "IndexError",
        `boolean index did not match indexed array along axis 0; size of axis is ${len} but size of corresponding boolean axis is ${idx.shape[0] ?? 1}`,
      );
    rows = [];
    (idx.data as Uint8Array).forEach((v, i) => v && rows.push(i));
  } else if (isIntegerDType(idx.dtype) || sizeOf(idx.shape) === 0) {
    if (idx.shape.length !== 1) throw new TfsmError("IndexError", "multi-dimensional index arrays are not supported by tfsm");
    rows = Array.from({ length: sizeOf(idx.shape) }, (_, i) => {
      const v = Number(elementToPy(idx, i) as bigint);
      if (v < -len || v >= len) throw new TfsmError("IndexError", `index ${v} is out of bounds for axis 0 with size ${len}`);
      return v < 0 ? v + len : v;
    });
  } else throw new TfsmError("IndexError", "arrays used as indices must be of integer (or boolean) type");
  const inner = sizeOf(a.shape.slice(1));
  const gidx: number[] = [];
  for (const r of rows) for (let k = 0; k < inner; k++) gidx.push(r * inner + k);
  return gather(a, gidx, [rows.length, ...a.shape.slice(1)]);
}

// ---------------------------------------------------------------------------
// Python-int helpers shared with the evaluator

/** Python `int / int` (true division), correctly rounded. */
export function intTrueDiv(a: bigint, b: bigint): number {
  if (b === 0n) throw new TfsmError("ValueError", "division by zero");
  const lim = 1n << 53n;
  if (a < lim && a > -lim && b < lim && b > -lim) return Number(a) / Number(b);
  const neg = a < 0n !== b < 0n;
  const n = a < 0n ? -a : a;
  const d = b < 0n ? -b : b;
  // scale so the quotient has at least 64 significant bits, keep a sticky bit
  const shift = Math.max(0, 66 - (n.toString(2).length - d.toString(2).length));
  const q = (n << BigInt(shift)) / d;
  const r = (n << BigInt(shift)) % d;
  const q2 = (q << 1n) | (r !== 0n ? 1n : 0n);
  const res = Number(q2) * 2 ** -(shift + 1);
  if (!Number.isFinite(res)) throw new TfsmError("OverflowError", "integer division result too large for a float");
  return neg ? -res : res;
}

export { intToFloat };
