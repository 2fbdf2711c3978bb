/**
 * Elementwise arithmetic, comparisons, casts, reductions, scans, matrix
 * products, einsum, linear algebra, segment reductions and bincounts, with
 * TensorFlow's CPU semantics for every dtype TF registers them for
 * (complex64/complex128 included where TF has them).
 *
 * Dispatch: float32/half/bfloat16 and the ≤32-bit integer types run on the
 * tfjs backend where a tfjs kernel computes exactly what TF computes; float64,
 * int64, uint64, uint32 and complex run on the host in exact arithmetic, and
 * so does everything tfjs gets wrong (integer division, which must raise on a
 * zero divisor; wasm's int32 abs/neg, computed through float32; its sin/cos
 * and log1p, ~1e-7 absolute error; its mod, NaN for infinite divisors). Small
 * tensors whose values are already on the host (shape arithmetic) are
 * computed on the host too: that avoids a backend round trip.
 *
 * Semantics decisions (where C++ leaves them to the platform, we follow
 * x86-64, the platform TF's CPU kernels are usually run on):
 *  - float→int Cast truncates toward zero; NaN and out-of-range values give
 *    the "integer indefinite" value of cvttss2si: INT_MIN for int32/int64,
 *    and for narrower types the low bits of that int32 conversion (so
 *    300.0→uint8 is 44, -1.0→uint8 is 255, NaN→uint8 is 0); float→uint32
 *    goes through int64, float→uint64 as compilers emit it. (The cpu tfjs
 *    backend, a fallback only, turns NaN into 0 on the backend path.)
 *  - double→half/bfloat16 rounds through float, as Eigen does; Truncate
 *    zeroes the dropped mantissa bits first (TF's LSBZeroSetter pairs only).
 *  - integer results wrap (two's complement), as TF's do; integer
 *    Div/FloorDiv/FloorMod/TruncateMod by zero raise "Integer division by
 *    zero", INT_MIN / -1 wraps; integer Pow with a negative exponent raises.
 *  - Maximum/Minimum and Max/Min reductions propagate NaN from either side
 *    (Eigen::PropagateNaN); Sign(NaN) is NaN; ArgMax/ArgMin take the first
 *    extreme and skip NaN on the host (Eigen's comparisons), while the tfjs
 *    backend may return a NaN's index.
 *  - half/bfloat16 ops round after every step, as Eigen's half arithmetic
 *    does (composite ops take the host path for those types); reductions
 *    accumulate in double on the host, float32 on the backend.
 *  - special functions (erfc, lgamma, digamma, igamma, ndtri, erfinv) are
 *    computed in double on the host; float32 Erf uses tfjs's erf (≤3e-7).
 *  - linear algebra (determinants, inverse, solves, Cholesky) is computed in
 *    double with partial-pivoting LU and rounded to the dtype.
 */
import { op, type KernelTable, type KernelContext, type KernelFn, type KernelSpec } from "./types.js";
import { broadcastShapes, broadcastIndex, type BinarySpec } from "./elementwise.js";
import { tf, type TfTensor } from "../backend.js";
import * as compute from "../compute.js";
import { Tensor, computeDtype } from "../tensor.js";
import { DataType, cppDtypeName, npDtypeOf } from "../../dtypes.js";
import { sizeOf, zeros, toLittleEndianBytes, fromLittleEndianBytes, type NdArray, type NpDType } from "../../ndarray.js";
import { halfToNumber, numberToHalf, bfloat16ToNumber, numberToBfloat16 } from "../../half.js";
import { TfsmError } from "../../errors.js";

// Kept for resource.ts (AssignAddVariableOp & co. update through elementwise.binary).
export const ADD: BinarySpec = { tf: tf.add, num: (x, y) => x + y, big: (x, y) => x + y };
export const SUB: BinarySpec = { tf: tf.sub, num: (x, y) => x - y, big: (x, y) => x - y };
export const MUL: BinarySpec = { tf: tf.mul, num: (x, y) => x * y, big: (x, y) => x * y, u32: (x, y) => Number((BigInt(x) * BigInt(y)) & 0xffffffffn) };

const D = DataType;

// ---------------------------------------------------------------------------
// Errors: helpers throw plain TfsmErrors, the kernel wrapper names the node.

function invalid(msg: string): TfsmError {
  return new TfsmError("InvalidArgumentError", msg);
}

function unimplemented(msg: string): TfsmError {
  return new TfsmError("UnimplementedError", msg);
}

function k(outputs: string, fn: KernelFn, extra: Omit<KernelSpec, "run" | "outputs"> = {}): KernelSpec {
  return op(
    outputs,
    (ctx) => {
      try {
        return fn(ctx);
      } catch (e) {
        if (e instanceof TfsmError) {
          const where = ctx.graph.where(ctx.node);
          if (!e.message.includes(where)) throw ctx.error(e.pyClass, e.message);
        }
        throw e;
      }
    },
    extra,
  );
}

function noKernel(opName: string, dtype: number): TfsmError {
  return unimplemented(`${opName} is not supported for ${cppDtypeName(dtype)} tensors`);
}

// ---------------------------------------------------------------------------
// Dtype facts.

type Kind = "float" | "int" | "big" | "bool" | "string" | "complex" | "none";

function kindOf(dt: number): Kind {
  switch (dt) {
    case D.DT_FLOAT:
    case D.DT_DOUBLE:
    case D.DT_HALF:
    case D.DT_BFLOAT16:
      return "float";
    case D.DT_INT8:
    case D.DT_INT16:
    case D.DT_INT32:
    case D.DT_UINT8:
    case D.DT_UINT16:
    case D.DT_UINT32:
    case D.DT_QINT8:
    case D.DT_QUINT8:
    case D.DT_QINT16:
    case D.DT_QUINT16:
    case D.DT_QINT32:
      return "int";
    case D.DT_INT64:
    case D.DT_UINT64:
      return "big";
    case D.DT_BOOL:
      return "bool";
    case D.DT_STRING:
      return "string";
    case D.DT_COMPLEX64:
    case D.DT_COMPLEX128:
      return "complex";
    default:
      return "none";
  }
}

function isUnsigned(dt: number): boolean {
  return dt === D.DT_UINT8 || dt === D.DT_UINT16 || dt === D.DT_UINT32 || dt === D.DT_UINT64 || dt === D.DT_QUINT8 || dt === D.DT_QUINT16;
}

function intBits(dt: number): number {
  switch (dt) {
    case D.DT_INT8:
    case D.DT_UINT8:
    case D.DT_QINT8:
    case D.DT_QUINT8:
      return 8;
    case D.DT_INT16:
    case D.DT_UINT16:
    case D.DT_QINT16:
    case D.DT_QUINT16:
      return 16;
    case D.DT_INT64:
    case D.DT_UINT64:
      return 64;
    default:
      return 32;
  }
}

/** Smallest and largest value of an integer type (numbers for ≤32 bits). */
function intRange(dt: number): [number, number] {
  const bits = intBits(dt);
  if (isUnsigned(dt)) return [0, 2 ** bits - 1];
  return [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

function bigRange(dt: number): [bigint, bigint] {
  return dt === D.DT_UINT64 ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
}

/**
 * How a tensor of this dtype computes on the tfjs backend, exactly: "f"
 * float32 (also half/bfloat16, rounded back on the way out), "i" int32 (ints
 * of ≤16 bits and int32, wrapped back to their width), "b" bool; null when
 * only the host is exact (float64, uint32, int64, uint64, strings, complex).
 */
function tfKind(dt: number): "f" | "i" | "b" | null {
  switch (dt) {
    case D.DT_FLOAT:
    case D.DT_HALF:
    case D.DT_BFLOAT16:
      return "f";
    case D.DT_INT8:
    case D.DT_INT16:
    case D.DT_INT32:
    case D.DT_UINT8:
    case D.DT_UINT16:
    case D.DT_QINT8:
    case D.DT_QUINT8:
    case D.DT_QINT16:
    case D.DT_QUINT16:
    case D.DT_QINT32:
      return "i";
    case D.DT_BOOL:
      return "b";
    default:
      return null;
  }
}

/** Inputs whose values are all on the host and few: computing there avoids the backend round trip. */
const SMALL = 4096;
function preferHost(ts: readonly Tensor[], n: number): boolean {
  if (n > SMALL) return false;
  for (const t of ts) if (!t.onHost) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Host values.

type Num = ArrayLike<number>;
type Big = BigInt64Array | BigUint64Array;

/** Values of a non-64-bit numeric or bool tensor as numbers (half/bfloat16 decoded). */
function nums(t: Tensor): Num {
  const h = t.host();
  switch (h.dtype) {
    case "float16": {
      const s = h.data as Uint16Array;
      const o = new Float32Array(s.length);
      for (let i = 0; i < s.length; i++) o[i] = halfToNumber(s[i]);
      return o;
    }
    case "bfloat16": {
      const s = h.data as Uint16Array;
      const o = new Float32Array(s.length);
      for (let i = 0; i < s.length; i++) o[i] = bfloat16ToNumber(s[i]);
      return o;
    }
    case "int64":
    case "uint64":
    case "bytes":
    case "str":
    case "complex64":
    case "complex128":
      throw new Error(`internal: ${h.dtype} values are not plain numbers`);
    default:
      return h.data as Num;
  }
}

function bigs(t: Tensor): Big {
  return t.host().data as Big;
}

/** Values as numbers or bigints (for comparisons). */
function anyVals(t: Tensor): ArrayLike<number | bigint> {
  return kindOf(t.dtype) === "big" ? bigs(t) : nums(t);
}

/** A writable output: `data` takes numbers (or bigints for 64-bit ints); `done()` wraps it as a tensor. */
interface Out<T = number> {
  data: { [i: number]: T; length: number };
  done(): Tensor;
}

function alloc(dtype: number, shape: readonly number[]): Out<number> {
  const np = npDtypeOf(dtype) as NpDType;
  if (np === "float16" || np === "bfloat16") {
    const scratch = new Float32Array(sizeOf(shape));
    return {
      data: scratch,
      done() {
        const o = new Uint16Array(scratch.length);
        const enc = np === "float16" ? numberToHalf : numberToBfloat16;
        for (let i = 0; i < o.length; i++) o[i] = enc(scratch[i]);
        return Tensor.fromHost(dtype, { dtype: np, shape: [...shape], data: o });
      },
    };
  }
  const nd = zeros(np, shape);
  return { data: nd.data as unknown as Out["data"], done: () => Tensor.fromHost(dtype, nd) };
}

function allocBig(dtype: number, shape: readonly number[]): Out<bigint> {
  const nd = zeros(npDtypeOf(dtype) as "int64" | "uint64", shape);
  return { data: nd.data, done: () => Tensor.fromHost(dtype, nd) };
}

function boolTensor(shape: readonly number[], data: Uint8Array): Tensor {
  return Tensor.fromHost(D.DT_BOOL, { dtype: "bool", shape: [...shape], data });
}

/** Takes a tfjs result made inside tidy; never hands out an input's own tensor. */
function fromTf(dtype: number, fn: () => TfTensor, inputs: readonly TfTensor[] = []): Tensor {
  const want = computeDtype(dtype) as "float32";
  const r = tf.tidy(() => {
    let t = fn();
    if (t.dtype !== want) t = tf.cast(t, want);
    if (inputs.includes(t)) t = tf.clone(t);
    return t;
  });
  return Tensor.fromTf(dtype, r);
}

// ---------------------------------------------------------------------------
// Numeric helpers with C semantics.

const TWO31 = 2 ** 31;
const TWO63 = 2 ** 63;
const INT64_MIN = -(2n ** 63n);

/** C's pow(): pow(1, y) and pow(x, 0) are 1 even for NaN; pow(-1, ±inf) is 1. */
function cpow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** float → int32 as cvttss2si: truncate; NaN/out of range → INT_MIN. */
function f2i32(x: number): number {
  const t = Math.trunc(x);
  return t >= -TWO31 && t < TWO31 ? t : -TWO31;
}

/** float → int64 as cvttsd2si: truncate; NaN/out of range → INT64_MIN. */
function f2i64(x: number): bigint {
  const t = Math.trunc(x);
  return t >= -TWO63 && t < TWO63 ? BigInt(t) : INT64_MIN;
}

/** float → uint64 as x86-64 compilers emit it (signed conversion, with a 2^63 offset above 2^63). */
function f2u64(x: number): bigint {
  if (x < TWO63) return BigInt.asUintN(64, f2i64(x));
  return BigInt.asUintN(64, f2i64(x - TWO63) ^ INT64_MIN);
}

/** float → uint32 goes through a 64-bit signed conversion, keeping the low 32 bits. */
function f2u32(x: number): number {
  return Number(BigInt.asUintN(32, f2i64(x)));
}

/** int64 → float32 with a single correct rounding (Number() then fround would round twice). */
function bigToF32(v: bigint): number {
  const neg = v < 0n;
  let a = neg ? -v : v;
  if (a < 2n ** 53n) return Math.fround(neg ? -Number(a) : Number(a));
  const shift = BigInt(a.toString(2).length - 53);
  const sticky = (a & ((1n << shift) - 1n)) !== 0n ? 1n : 0n;
  a = (a >> shift) | sticky;
  const r = Math.fround(Number(a) * 2 ** Number(shift));
  return neg ? -r : r;
}

function wrapBig(v: bigint, unsigned: boolean): bigint {
  return unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
}

/** Integer power by squaring, wrapping at 32 bits (callers store into the dtype, which wraps further). */
function ipow(x: number, y: number): number {
  let r = 1;
  let b = x | 0;
  let e = y;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
    e = Math.floor(e / 2);
  }
  return r;
}

function bpow(x: bigint, y: bigint, unsigned: boolean): bigint {
  let r = 1n;
  let b = x;
  let e = y;
  while (e > 0n) {
    if (e & 1n) r = wrapBig(r * b, unsigned);
    b = wrapBig(b * b, unsigned);
    e >>= 1n;
  }
  return r;
}

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

// Special functions, double precision.

const SQRT_PI = Math.sqrt(Math.PI);

/** erf via the all-positive series erf(x) = 2/√π·e^{-x²}·Σ 2ⁿx^{2n+1}/(2n+1)!! for |x| < 2.5, else 1 − erfc. */
function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 2.5) return Math.sign(x) * (1 - erfcLarge(a));
  const x2 = a * a;
  let term = a;
  let sum = a;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.sign(x) * ((2 / SQRT_PI) * Math.exp(-x2) * sum);
}

/** erfc(x) for x ≥ 2.5 by its continued fraction (modified Lentz). */
function erfcLarge(x: number): number {
  if (x === Infinity) return 0;
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : d;
    c = x + an / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2.5) return erfcLarge(x);
  return 1 - erf(x);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log|Γ(x)| (Lanczos, g = 7), with the reflection formula below 0.5. */
function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  if (x === 1 || x === 2) return 0;
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ψ(x): recurrence up to x ≥ 6, then the asymptotic series; NaN at non-positive integers (as Eigen). */
function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12))))));
  return r + Math.log(x) - 0.5 / x - series;
}

/** Inverse of the standard normal CDF: Acklam's approximation plus one Halley step on erfc. */
function ndtri(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - 0.02425) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Regularized lower incomplete gamma P(a, x) (series below a+1, continued fraction above). */
function igamma(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) return igammaSeries(a, x);
  return 1 - igammacFraction(a, x);
}

function igammac(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - igammaSeries(a, x);
  return igammacFraction(a, x);
}

function igammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < 2000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}

function igammacFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 2000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

// ---------------------------------------------------------------------------
// Binary elementwise ops.

interface Bin {
  /** Backend function on float32-compute tensors. */
  tf?: (a: TfTensor, b: TfTensor) => TfTensor;
  /** Backend function on int32-compute tensors (exact, incl. wrap-around). */
  tfInt?: (a: TfTensor, b: TfTensor) => TfTensor;
  tfBool?: (a: TfTensor, b: TfTensor) => TfTensor;
  /**
   * Host, floating types: double arithmetic, rounded to the dtype on store;
   * `r` rounds an intermediate result to the dtype, as TF's kernels do.
   */
  f?: (x: number, y: number, r: (v: number) => number) => number;
  /** Host, integers of ≤32 bits; the result is wrapped to the dtype on store. */
  i?: (x: number, y: number, bits: number, unsigned: boolean) => number;
  /** Host, int64/uint64; the result is wrapped to 64 bits on store. */
  b?: (x: bigint, y: bigint, unsigned: boolean) => bigint;
  /** Host, bool operands (0/1). */
  l?: (x: number, y: number) => number;
  /** Host, strings. */
  s?: (x: Uint8Array, y: Uint8Array) => Uint8Array;
  /** Host, complex operands (re, im pairs); writes the result into `o[0], o[1]`. */
  c?: (ar: number, ai: number, br: number, bi: number, o: Float64Array) => void;
  /** Comparison: bool output; `cmp` works on numbers and bigints, `cmpStr` on strings, `cmpC` on complex pairs. */
  cmpC?: (ar: number, ai: number, br: number, bi: number) => boolean;
  cmp?: (x: number | bigint, y: number | bigint) => boolean;
  cmpStr?: (x: Uint8Array, y: Uint8Array) => boolean;
  /** Integer divisors must not be zero ("Integer division by zero"). */
  intDiv?: boolean;
  /**
   * `tf` is several float32 ops where TF rounds half/bfloat16 after each:
   * those dtypes take the host path, which rounds the same way.
   */
  composite?: boolean;
}

function sameDtype(opName: string, a: Tensor, b: Tensor, index = 1): void {
  if (a.dtype !== b.dtype) {
    throw invalid(
      `cannot compute ${opName} as input #${index}(zero-based) was expected to be a ${cppDtypeName(a.dtype)} tensor but is a ${cppDtypeName(b.dtype)} tensor`,
    );
  }
}

function binaryOp(ctx: KernelContext, spec: Bin, a: Tensor = ctx.inputs[0], b: Tensor = ctx.inputs[1]): Tensor {
  sameDtype(ctx.node.op, a, b);
  const shape = broadcastShapes(a.shape, b.shape);
  const n = sizeOf(shape);
  const outDt = spec.cmp || spec.cmpStr || spec.cmpC ? D.DT_BOOL : a.dtype;
  const tk = tfKind(a.dtype);
  if (n > 0 && tk && !preferHost([a, b], n)) {
    const fn = tk === "f" ? (spec.composite && a.dtype !== D.DT_FLOAT ? undefined : spec.tf) : tk === "i" ? spec.tfInt : spec.tfBool;
    if (fn) {
      const at = a.tf(ctx.node.name);
      const bt = b.tf(ctx.node.name);
      return fromTf(outDt, () => fn(at, bt), [at, bt]);
    }
  }
  return binaryHost(ctx.node.op, spec, a, b, shape, outDt);
}

function checkDivisors(t: Tensor): void {
  const y = anyVals(t);
  for (let i = 0; i < y.length; i++) if (y[i] == 0) throw invalid("Integer division by zero");
}

function binaryHost(opName: string, spec: Bin, a: Tensor, b: Tensor, shape: readonly number[], outDt: number): Tensor {
  const n = sizeOf(shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const kind = kindOf(a.dtype);
  if (spec.cmp || spec.cmpStr || spec.cmpC) {
    const out = new Uint8Array(n);
    if (kind === "complex") {
      const f = spec.cmpC;
      if (!f) throw noKernel(opName, a.dtype);
      const x = a.host().data as Float32Array | Float64Array;
      const y = b.host().data as Float32Array | Float64Array;
      for (let k = 0; k < n; k++) {
        const p = 2 * (ia ? ia[k] : k);
        const q = 2 * (ib ? ib[k] : k);
        out[k] = f(x[p], x[p + 1], y[q], y[q + 1]) ? 1 : 0;
      }
    } else if (kind === "string") {
      const f = spec.cmpStr;
      if (!f) throw noKernel(opName, a.dtype);
      const x = a.strings();
      const y = b.strings();
      for (let k = 0; k < n; k++) out[k] = f(x[ia ? ia[k] : k], y[ib ? ib[k] : k]) ? 1 : 0;
    } else {
      const f = spec.cmp;
      if (!f || kind === "none") throw noKernel(opName, a.dtype);
      const x = anyVals(a);
      const y = anyVals(b);
      for (let k = 0; k < n; k++) out[k] = f(x[ia ? ia[k] : k], y[ib ? ib[k] : k]) ? 1 : 0;
    }
    return boolTensor(shape, out);
  }
  switch (kind) {
    case "float": {
      const f = spec.f;
      if (!f) break;
      const x = nums(a);
      const y = nums(b);
      const o = alloc(outDt, shape);
      const r = o.data;
      const rnd = rounder(a.dtype);
      if (!ia && !ib) for (let k = 0; k < n; k++) r[k] = f(x[k], y[k], rnd);
      else for (let k = 0; k < n; k++) r[k] = f(x[ia ? ia[k] : k], y[ib ? ib[k] : k], rnd);
      return o.done();
    }
    case "int": {
      const f = spec.i;
      if (!f) break;
      if (spec.intDiv) checkDivisors(b);
      const bits = intBits(a.dtype);
      const uns = isUnsigned(a.dtype);
      const x = nums(a);
      const y = nums(b);
      const o = alloc(outDt, shape);
      const r = o.data;
      for (let k = 0; k < n; k++) r[k] = f(x[ia ? ia[k] : k], y[ib ? ib[k] : k], bits, uns);
      return o.done();
    }
    case "big": {
      const f = spec.b;
      if (!f) break;
      if (spec.intDiv) checkDivisors(b);
      const uns = isUnsigned(a.dtype);
      const x = bigs(a);
      const y = bigs(b);
      const o = allocBig(outDt, shape);
      const r = o.data;
      for (let k = 0; k < n; k++) r[k] = f(x[ia ? ia[k] : k], y[ib ? ib[k] : k], uns);
      return o.done();
    }
    case "bool": {
      const f = spec.l;
      if (!f) break;
      const x = nums(a);
      const y = nums(b);
      const out = new Uint8Array(n);
      for (let k = 0; k < n; k++) out[k] = f(x[ia ? ia[k] : k], y[ib ? ib[k] : k]) ? 1 : 0;
      return boolTensor(shape, out);
    }
    case "complex": {
      const f = spec.c;
      if (!f) break;
      const x = a.host().data as Float32Array | Float64Array;
      const y = b.host().data as Float32Array | Float64Array;
      const nd = zeros(npDtypeOf(outDt) as "complex64" | "complex128", shape);
      const r = nd.data;
      const t = new Float64Array(2);
      for (let k = 0; k < n; k++) {
        const p = 2 * (ia ? ia[k] : k);
        const q = 2 * (ib ? ib[k] : k);
        f(x[p], x[p + 1], y[q], y[q + 1], t);
        r[2 * k] = t[0];
        r[2 * k + 1] = t[1];
      }
      return Tensor.fromHost(outDt, nd);
    }
    case "string": {
      const f = spec.s;
      if (!f) break;
      const x = a.strings();
      const y = b.strings();
      const out: Uint8Array[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = f(x[ia ? ia[k] : k], y[ib ? ib[k] : k]);
      return Tensor.fromHost(D.DT_STRING, { dtype: "bytes", shape: [...shape], data: out });
    }
    default:
      break;
  }
  throw noKernel(opName, a.dtype);
}

function cadd(ar: number, ai: number, br: number, bi: number, o: Float64Array): void {
  o[0] = ar + br;
  o[1] = ai + bi;
}
function csub(ar: number, ai: number, br: number, bi: number, o: Float64Array): void {
  o[0] = ar - br;
  o[1] = ai - bi;
}
function cmul(ar: number, ai: number, br: number, bi: number, o: Float64Array): void {
  o[0] = ar * br - ai * bi;
  o[1] = ar * bi + ai * br;
}
/** Complex division by Smith's method (no overflow of |b|² for large b). */
function cdiv(ar: number, ai: number, br: number, bi: number, o: Float64Array): void {
  if (Math.abs(br) >= Math.abs(bi)) {
    if (br === 0 && bi === 0) {
      o[0] = ar / 0;
      o[1] = ai / 0;
      return;
    }
    const r = bi / br;
    const d = br + bi * r;
    o[0] = (ar + ai * r) / d;
    o[1] = (ai - ar * r) / d;
  } else {
    const r = br / bi;
    const d = br * r + bi;
    o[0] = (ar * r + ai) / d;
    o[1] = (ai * r - ar) / d;
  }
}

const identity = (v: number) => v;
const roundHalf = (v: number) => halfToNumber(numberToHalf(Math.fround(v)));
const roundBf16 = (v: number) => bfloat16ToNumber(numberToBfloat16(v));

/** Rounds a double to a floating dtype's precision. */
function rounder(dt: number): (v: number) => number {
  return dt === D.DT_DOUBLE ? identity : dt === D.DT_HALF ? roundHalf : dt === D.DT_BFLOAT16 ? roundBf16 : Math.fround;
}

function concatBytes(x: Uint8Array, y: Uint8Array): Uint8Array {
  const r = new Uint8Array(x.length + y.length);
  r.set(x);
  r.set(y, x.length);
  return r;
}

function bytesEqual(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Broadcasts `t` to `shape`. On wasm, broadcastTo/tile (and tf.where, which
 * broadcasts through them) take milliseconds where an add of zeros takes
 * microseconds.
 */
function expandTo(t: TfTensor, shape: readonly number[]): TfTensor {
  if (sameShape(t.shape, shape)) return t;
  if (t.dtype === "bool") return tf.logicalOr(t, tf.zeros([...shape], "bool"));
  return tf.add(t, tf.zeros([...shape], t.dtype));
}

/** `r`, with zeros where `sel` (broadcast to r's shape) is zero. */
function zeroWhere(sel: TfTensor, r: TfTensor): TfTensor {
  return tf.where(tf.equal(expandTo(sel, r.shape), 0), tf.zerosLike(r), r);
}

/** Whether a tfjs tensor certainly holds no NaN: small ones are read, large ones reduced. */
function noNaN(t: TfTensor): boolean {
  if (t.dtype !== "float32") return true;
  if (t.size <= 16) return !(t.dataSync() as Float32Array).some((v) => v !== v);
  return !tf.tidy(() => tf.any(tf.isNaN(t)).dataSync()[0]);
}

/** Integer division truncating toward zero (exact in doubles for 32-bit operands). */
const idiv = (x: number, y: number) => Math.trunc(x / y);
/** Floor division on ints (unsigned values are non-negative, so the same formula holds). */
const ifloordiv = (x: number, y: number) => Math.floor(x / y);
const bfloordiv = (x: bigint, y: bigint) => {
  const z = x / y;
  return z * y !== x && x < 0n !== y < 0n ? z - 1n : z;
};
const fmodFloor = (x: number, y: number) => {
  const r = x % y;
  return r !== 0 && y < 0 !== r < 0 ? r + y : r;
};
const bmodFloor = (x: bigint, y: bigint) => {
  const r = x % y;
  return r !== 0n && y < 0n !== r < 0n ? r + y : r;
};
const fmax = (x: number, y: number) => (x !== x ? x : y !== y ? y : x > y ? x : y);
const fmin = (x: number, y: number) => (x !== x ? x : y !== y ? y : x < y ? x : y);

/**
 * wasm's maximum/minimum return their first operand when either is NaN
 * (std::max), so only a NaN in `a` propagates; TF propagates both.
 */
function nanPropagating(fn: (a: TfTensor, b: TfTensor) => TfTensor) {
  return (a: TfTensor, b: TfTensor): TfTensor => {
    // max(x, 0) is relu, 20× faster on wasm (and NaN-propagating).
    if (fn === tf.maximum && b.size === 1 && a.size > 1 && b.dataSync()[0] === 0 && !Object.is(b.dataSync()[0], -0)) {
      return b.rank <= a.rank ? tf.relu(a) : tf.reshape(tf.relu(a), broadcastShapes(a.shape, b.shape));
    }
    if (noNaN(b)) return fn(a, b);
    if (noNaN(a)) return fn(b, a);
    // both hold NaNs: fn(b, a) is NaN exactly where b is
    const shape = broadcastShapes(a.shape, b.shape);
    const r1 = expandTo(fn(a, b), shape);
    const r2 = expandTo(fn(b, a), shape);
    return tf.where(tf.isNaN(r2), r2, r1);
  };
}

export const BIN = {
  Add: { tf: tf.add, tfInt: tf.add, f: (x, y) => x + y, i: (x, y) => x + y, b: (x, y) => x + y, s: concatBytes, c: cadd },
  Sub: { tf: tf.sub, tfInt: tf.sub, f: (x, y) => x - y, i: (x, y) => x - y, b: (x, y) => x - y, c: csub },
  Mul: { tf: tf.mul, tfInt: tf.mul, f: (x, y) => x * y, i: (x, y) => Math.imul(x, y), b: (x, y) => x * y, c: cmul },
  Div: { tf: tf.div, f: (x, y) => x / y, i: idiv, b: (x, y) => x / y, intDiv: true, c: cdiv },
  TruncateDiv: { f: (x, y, r) => Math.trunc(r(x / y)), i: idiv, b: (x, y) => x / y, intDiv: true },
  FloorDiv: {
    tf: (a, b) => tf.floor(tf.div(a, b)),
    f: (x, y, r) => Math.floor(r(x / y)),
    i: ifloordiv,
    b: (x, y, u) => (u ? x / y : bfloordiv(x, y)),
    intDiv: true,
  },
  // tfjs's mod computes fmod(fmod(x, y) + y, y): NaN for infinite y, and 0 where TF's rem + y rounds to y.
  FloorMod: { f: fmodFloor, i: fmodFloor, b: (x, y, u) => (u ? x % y : bmodFloor(x, y)), intDiv: true },
  TruncateMod: { f: (x, y) => x % y, i: (x, y) => x % y, b: (x, y) => x % y, intDiv: true },
  Pow: {
    tf: tf.pow,
    f: cpow,
    i: (x, y) => {
      if (y < 0) throw invalid("Integers to negative integer powers are not allowed");
      return ipow(x, y);
    },
    b: (x, y, u) => {
      if (y < 0n) throw invalid("Integers to negative integer powers are not allowed");
      return bpow(x, y, u);
    },
  },
  Maximum: { tf: nanPropagating(tf.maximum), tfInt: tf.maximum, f: fmax, i: (x, y) => Math.max(x, y), b: (x, y) => (x > y ? x : y) },
  Minimum: { tf: nanPropagating(tf.minimum), tfInt: tf.minimum, f: fmin, i: (x, y) => Math.min(x, y), b: (x, y) => (x < y ? x : y) },
  SquaredDifference: {
    tf: tf.squaredDifference,
    tfInt: tf.squaredDifference,
    f: (x, y, r) => r(x - y) * r(x - y),
    composite: true,
    i: (x, y) => Math.imul(x - y, x - y),
    b: (x, y) => (x - y) * (x - y),
    // conj(x - y) * (x - y) = |x - y|², real
    c: (ar, ai, br, bi, o) => {
      o[0] = (ar - br) * (ar - br) + (ai - bi) * (ai - bi);
      o[1] = 0;
    },
  },
  DivNoNan: {
    c: (ar, ai, br, bi, o) => (br === 0 && bi === 0 ? ((o[0] = 0), (o[1] = 0)) : cdiv(ar, ai, br, bi, o)),
    tf: (a, b) => zeroWhere(b, tf.div(a, b)), f: (x, y) => (y === 0 ? 0 : x / y), i: (x, y) => (y === 0 ? 0 : idiv(x, y)), b: (x, y) => (y === 0n ? 0n : x / y) },
  MulNoNan: { tf: (a, b) => zeroWhere(b, tf.mul(a, b)), f: (x, y) => (y === 0 ? 0 : x * y), i: (x, y) => (y === 0 ? 0 : Math.imul(x, y)), b: (x, y) => (y === 0n ? 0n : x * y) },
  Xdivy: { tf: (a, b) => zeroWhere(a, tf.div(a, b)), f: (x, y) => (x === 0 ? 0 : x / y) },
  Xlogy: { tf: (a, b) => zeroWhere(a, tf.mul(a, tf.log(b))), f: (x, y, r) => (x === 0 ? 0 : x * r(Math.log(y))), composite: true },
  Xlog1py: { f: (x, y, r) => (x === 0 ? 0 : x * r(Math.log1p(y))) },
  Atan2: { tf: tf.atan2, f: (y, x) => Math.atan2(y, x) },
  Igamma: { f: igamma },
  Igammac: { f: igammac },
  BitwiseAnd: { i: (x, y) => x & y, b: (x, y) => x & y },
  BitwiseOr: { i: (x, y) => x | y, b: (x, y) => x | y },
  BitwiseXor: { i: (x, y) => x ^ y, b: (x, y) => x ^ y },
  LeftShift: {
    i: (x, y, bits) => x << Math.min(Math.max(y, 0), bits - 1),
    b: (x, y) => x << (y < 0n ? 0n : y > 63n ? 63n : y),
  },
  RightShift: {
    i: (x, y, bits, u) => {
      const s = Math.min(Math.max(y, 0), bits - 1);
      return u ? x >>> s : x >> s;
    },
    b: (x, y) => x >> (y < 0n ? 0n : y > 63n ? 63n : y),
  },
  // Gradients of unary ops: (y, dy) → dx.
  RsqrtGrad: { tf: (y, dy) => tf.mul(tf.mul(tf.mul(y, tf.square(y)), dy), -0.5), f: (y, dy) => y * y * y * dy * -0.5, composite: true },
  SqrtGrad: { tf: (y, dy) => tf.div(tf.mul(dy, 0.5), y), f: (y, dy) => (0.5 * dy) / y, composite: true },
  ReciprocalGrad: { tf: (y, dy) => tf.neg(tf.mul(dy, tf.square(y))), f: (y, dy) => -dy * y * y, composite: true },
  // Comparisons.
  Equal: { tf: tf.equal, tfInt: tf.equal, tfBool: tf.equal, cmp: (x, y) => x === y, cmpStr: bytesEqual, cmpC: (ar, ai, br, bi) => ar === br && ai === bi },
  NotEqual: {
    tf: tf.notEqual,
    tfInt: tf.notEqual,
    tfBool: tf.notEqual,
    cmp: (x, y) => x !== y,
    cmpStr: (x, y) => !bytesEqual(x, y),
    cmpC: (ar, ai, br, bi) => ar !== br || ai !== bi,
  },
  Less: { tf: tf.less, tfInt: tf.less, cmp: (x, y) => x < y },
  LessEqual: { tf: tf.lessEqual, tfInt: tf.lessEqual, cmp: (x, y) => x <= y },
  Greater: { tf: tf.greater, tfInt: tf.greater, cmp: (x, y) => x > y },
  GreaterEqual: { tf: tf.greaterEqual, tfInt: tf.greaterEqual, cmp: (x, y) => x >= y },
  LogicalAnd: { tfBool: tf.logicalAnd, l: (x, y) => x & y },
  LogicalOr: { tfBool: tf.logicalOr, l: (x, y) => x | y },
} satisfies Record<string, Bin>;

const bin = (spec: Bin) => (ctx: KernelContext) => [binaryOp(ctx, spec)];

// ---------------------------------------------------------------------------
// Unary elementwise ops.

interface Un {
  tf?: (x: TfTensor) => TfTensor;
  tfInt?: (x: TfTensor) => TfTensor;
  tfBool?: (x: TfTensor) => TfTensor;
  f?: (x: number) => number;
  i?: (x: number, bits: number, unsigned: boolean) => number;
  b?: (x: bigint, unsigned: boolean) => bigint;
  l?: (x: number) => number;
  /** Host, complex: writes the result into `o[0], o[1]`. */
  c?: (re: number, im: number, o: Float64Array) => void;
  /** Output dtype when it is not the input's (bool for predicates, uint8 for PopulationCount). */
  out?: number;
  /** Integer inputs are returned unchanged (Floor, Ceil, Round on ints). */
  intIdentity?: boolean;
}

function unaryOp(ctx: KernelContext, spec: Un, x: Tensor = ctx.inputs[0]): Tensor {
  const kind = kindOf(x.dtype);
  if (spec.intIdentity && (kind === "int" || kind === "big")) return x;
  const outDt = spec.out ?? x.dtype;
  const n = x.size;
  const tk = tfKind(x.dtype);
  if (n > 0 && tk && !preferHost([x], n)) {
    const fn = tk === "f" ? spec.tf : tk === "i" ? spec.tfInt : spec.tfBool;
    if (fn) {
      const xt = x.tf(ctx.node.name);
      return fromTf(outDt, () => fn(xt), [xt]);
    }
  }
  switch (kind) {
    case "float": {
      const f = spec.f;
      if (!f) break;
      const v = nums(x);
      const o = alloc(outDt, x.shape);
      for (let k = 0; k < n; k++) o.data[k] = f(v[k]);
      return o.done();
    }
    case "int": {
      const f = spec.i;
      if (!f) break;
      const v = nums(x);
      const bits = intBits(x.dtype);
      const uns = isUnsigned(x.dtype);
      const o = alloc(outDt, x.shape);
      for (let k = 0; k < n; k++) o.data[k] = f(v[k], bits, uns);
      return o.done();
    }
    case "big": {
      const uns = isUnsigned(x.dtype);
      const v = bigs(x);
      if (spec.b && kindOf(outDt) === "big") {
        const o = allocBig(outDt, x.shape);
        for (let k = 0; k < n; k++) o.data[k] = spec.b(v[k], uns);
        return o.done();
      }
      if (spec.i) {
        // Predicates and counts on 64-bit ints: the callback gets the value as a (possibly inexact) number.
        const o = alloc(outDt, x.shape);
        for (let k = 0; k < n; k++) o.data[k] = spec.i(Number(v[k]), 64, uns);
        return o.done();
      }
      break;
    }
    case "bool": {
      const f = spec.l;
      if (!f) break;
      const v = nums(x);
      const out = new Uint8Array(n);
      for (let k = 0; k < n; k++) out[k] = f(v[k]);
      return boolTensor(x.shape, out);
    }
    case "complex": {
      const f = spec.c;
      if (!f) break;
      const v = x.host().data as Float32Array | Float64Array;
      const nd = zeros(npDtypeOf(outDt) as "complex64", x.shape);
      const t = new Float64Array(2);
      for (let k = 0; k < n; k++) {
        f(v[2 * k], v[2 * k + 1], t);
        nd.data[2 * k] = t[0];
        nd.data[2 * k + 1] = t[1];
      }
      return Tensor.fromHost(outDt, nd);
    }
    default:
      break;
  }
  throw noKernel(ctx.node.op, x.dtype);
}

const isNanTf = (x: TfTensor) => tf.isNaN(x);

const UN = {
  // wasm computes int32 abs/neg through float32 (wrong beyond 2^24); int32 sub/max are exact.
  Abs: { tf: tf.abs, tfInt: (x) => tf.maximum(x, tf.sub(tf.scalar(0, "int32"), x)), f: Math.abs, i: (x, _b, u) => (u ? x : Math.abs(x)), b: (x, u) => (u || x >= 0n ? x : -x) },
  Neg: {
    tf: tf.neg,
    tfInt: (x) => tf.sub(tf.scalar(0, "int32"), x),
    f: (x) => -x,
    i: (x) => -x,
    b: (x) => -x,
    c: (re, im, o) => ((o[0] = -re), (o[1] = -im)),
  },
  Conj: { c: (re, im, o) => ((o[0] = re), (o[1] = -im)), f: identity, i: identity, b: (x) => x },
  Sign: {
    tf: (x) => tf.where(isNanTf(x), x, tf.sign(x)),
    tfInt: tf.sign,
    f: (x) => (x !== x ? x : x > 0 ? 1 : x < 0 ? -1 : 0),
    i: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
    b: (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n),
    // x / |x|, 0 at 0
    c: (re, im, o) => {
      const m = Math.hypot(re, im);
      o[0] = m === 0 ? 0 : re / m;
      o[1] = m === 0 ? 0 : im / m;
    },
  },
  Square: { tf: tf.square, tfInt: (x) => tf.mul(x, x), f: (x) => x * x, i: (x) => Math.imul(x, x), b: (x) => x * x, c: (re, im, o) => cmul(re, im, re, im, o) },
  Sqrt: { tf: tf.sqrt, f: Math.sqrt, c: csqrt },
  Rsqrt: { tf: tf.rsqrt, f: (x) => 1 / Math.sqrt(x) },
  Reciprocal: {
    tf: tf.reciprocal,
    f: (x) => 1 / x,
    i: (x) => {
      if (x === 0) throw invalid("Integer division by zero");
      return Math.trunc(1 / x);
    },
    b: (x) => {
      if (x === 0n) throw invalid("Integer division by zero");
      return 1n / x;
    },
    c: (re, im, o) => cdiv(1, 0, re, im, o),
  },
  Exp: {
    tf: tf.exp,
    f: Math.exp,
    c: (re, im, o) => {
      const m = Math.exp(re);
      o[0] = im === 0 ? m : m * Math.cos(im);
      o[1] = im === 0 ? im : m * Math.sin(im);
    },
  },
  Expm1: { tf: tf.expm1, f: Math.expm1 },
  Log: { tf: tf.log, f: Math.log, c: (re, im, o) => ((o[0] = Math.log(Math.hypot(re, im))), (o[1] = Math.atan2(im, re))) },
  Log1p: { f: Math.log1p }, // wasm's log1p is log(1 + x): it loses small arguments entirely
  // wasm's sin/cos have ~1e-7 absolute error (sin(π) and sin(1e-12) come out wrong): host.
  Sin: { f: Math.sin },
  Cos: { f: Math.cos },
  Tan: { tf: tf.tan, f: Math.tan },
  Asin: { tf: tf.asin, f: Math.asin },
  Acos: { tf: tf.acos, f: Math.acos },
  Atan: { tf: tf.atan, f: Math.atan },
  Sinh: { tf: tf.sinh, f: Math.sinh },
  Cosh: { tf: tf.cosh, f: Math.cosh },
  Asinh: { tf: tf.asinh, f: Math.asinh },
  Acosh: { tf: tf.acosh, f: Math.acosh },
  Atanh: { tf: tf.atanh, f: Math.atanh },
  Erf: { tf: tf.erf, f: erf },
  Erfc: { f: erfc },
  Erfinv: { f: (x) => ndtri(0.5 * x + 0.5) * Math.SQRT1_2 },
  Ndtri: { f: ndtri },
  Lgamma: { f: lgamma },
  Digamma: { f: digamma },
  Floor: { tf: tf.floor, f: Math.floor, intIdentity: true },
  Ceil: { tf: tf.ceil, f: Math.ceil, intIdentity: true },
  // Half to even (TF's round and rint); tfjs rounds half to even too.
  Round: { tf: tf.round, f: roundHalfEven, intIdentity: true },
  Rint: { tf: tf.round, f: roundHalfEven },
  IsNan: { tf: tf.isNaN, f: (x) => (x !== x ? 1 : 0), out: D.DT_BOOL },
  IsInf: { tf: tf.isInf, f: (x) => (x === Infinity || x === -Infinity ? 1 : 0), out: D.DT_BOOL },
  IsFinite: { tf: tf.isFinite, f: (x) => (Number.isFinite(x) ? 1 : 0), out: D.DT_BOOL },
  Invert: { i: (x) => ~x, b: (x) => ~x },
  PopulationCount: {
    i: (x, bits) => popcount32(bits === 32 ? x : x & (2 ** bits - 1)),
    out: D.DT_UINT8,
  },
  LogicalNot: { tfBool: tf.logicalNot, l: (x) => (x ? 0 : 1) },
} satisfies Record<string, Un>;

/** Principal square root of a complex number. */
function csqrt(re: number, im: number, o: Float64Array): void {
  if (re === 0 && im === 0) {
    o[0] = 0;
    o[1] = im;
    return;
  }
  const m = Math.hypot(re, im);
  const t = Math.sqrt((m + Math.abs(re)) / 2);
  if (re >= 0) {
    o[0] = t;
    o[1] = im / (2 * t);
  } else {
    o[0] = Math.abs(im) / (2 * t);
    o[1] = im < 0 ? -t : t;
  }
}

/** Complex → real parts: ComplexAbs, Real, Imag, Angle (Tout); real inputs to Real/Imag/Angle as TF allows. */
function complexPart(part: "abs" | "real" | "imag" | "angle") {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const kind = kindOf(x.dtype);
    const outDt = ctx.attrs.type("Tout", x.dtype === D.DT_COMPLEX128 ? D.DT_DOUBLE : D.DT_FLOAT);
    const o = alloc(outDt, x.shape);
    if (kind === "complex") {
      const v = x.host().data as Float32Array | Float64Array;
      for (let k = 0; k < x.size; k++) {
        const re = v[2 * k];
        const im = v[2 * k + 1];
        o.data[k] = part === "abs" ? Math.hypot(re, im) : part === "real" ? re : part === "imag" ? im : Math.atan2(im, re);
      }
      return [o.done()];
    }
    if (kind !== "float" || part === "abs") throw noKernel(ctx.node.op, x.dtype);
    if (part === "real") return [x];
    const v = nums(x);
    for (let k = 0; k < x.size; k++) o.data[k] = part === "imag" ? 0 : Math.atan2(0, v[k]);
    return [o.done()];
  };
}

/** Complex(real, imag) with broadcasting. */
function complexKernel(ctx: KernelContext): Tensor[] {
  const [re, im] = ctx.inputs;
  sameDtype(ctx.node.op, re, im);
  const outDt = ctx.attrs.type("Tout", re.dtype === D.DT_DOUBLE ? D.DT_COMPLEX128 : D.DT_COMPLEX64);
  const shape = broadcastShapes(re.shape, im.shape);
  const ia = broadcastIndex(re.shape, shape);
  const ib = broadcastIndex(im.shape, shape);
  const x = nums(re);
  const y = nums(im);
  const nd = zeros(npDtypeOf(outDt) as "complex64", shape);
  for (let k = 0; k < sizeOf(shape); k++) {
    nd.data[2 * k] = x[ia ? ia[k] : k];
    nd.data[2 * k + 1] = y[ib ? ib[k] : k];
  }
  return [Tensor.fromHost(outDt, nd)];
}

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x); // half up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function popcountKernel(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  if (kindOf(x.dtype) !== "big") return [unaryOp(ctx, UN.PopulationCount)];
  const v = bigs(x);
  const out = new Uint8Array(x.size);
  for (let i = 0; i < v.length; i++) {
    const u = BigInt.asUintN(64, v[i]);
    out[i] = popcount32(Number(u & 0xffffffffn)) + popcount32(Number(u >> 32n));
  }
  return [Tensor.fromHost(D.DT_UINT8, { dtype: "uint8", shape: [...x.shape], data: out })];
}

const un = (spec: Un) => (ctx: KernelContext) => [unaryOp(ctx, spec)];

// ---------------------------------------------------------------------------
// Cast and Bitcast.

/** Zeroes the low mantissa bits the narrower type cannot hold (Cast's Truncate attr). */
const f64 = new Float64Array(1);
const f64bits = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const f32bits = new Uint32Array(f32.buffer);
function truncBits64(x: number, n: number): number {
  if (x !== x) return x;
  f64[0] = x;
  f64bits[0] &= ~((1n << BigInt(n)) - 1n);
  return f64[0];
}
function truncBits32(x: number, n: number): number {
  if (x !== x) return x;
  f32[0] = x;
  f32bits[0] = (f32bits[0] >>> n) << n;
  return f32[0];
}

/** Converts `x` to `dst` with TF's (C++ static_cast) semantics, on the backend when that is exact. */
export function castTensor(x: Tensor, dst: number, truncate = false, where = ""): Tensor {
  const src = x.dtype;
  if (src === dst) return x;
  const sk = kindOf(src);
  const dk = kindOf(dst);
  if (sk === "string" || dk === "string" || sk === "none" || dk === "none") {
    throw unimplemented(`Cast ${cppDtypeName(src)} to ${cppDtypeName(dst)} is not supported`);
  }
  const truncating =
    truncate && ((src === D.DT_FLOAT && (dst === D.DT_HALF || dst === D.DT_BFLOAT16)) || (src === D.DT_DOUBLE && (dst === D.DT_FLOAT || dst === D.DT_HALF)));
  // Backend: the input lives there, and both types compute there exactly. An
  // int64/uint32/uint64 tensor on the backend is known to fit int32.
  const srcTf = tfKind(src) ?? (x.onBackend && (sk === "int" || sk === "big") ? "i" : null);
  const dstTf = tfKind(dst) ?? (dk === "big" || dst === D.DT_UINT32 ? "i" : dst === D.DT_DOUBLE ? "d" : null);
  if (x.onBackend && x.size > 0 && srcTf && dstTf && !truncating) {
    const xt = x.tf(where);
    if (srcTf === dstTf && srcTf !== "b") return fromTf(dst, () => xt, [xt]); // width changes wrap/round on the way out
    if (dstTf === "d" && srcTf === "f") return fromTf(dst, () => xt, [xt]); // float32 → double is exact
    if (dstTf === "b") return fromTf(dst, () => tf.notEqual(xt, tf.scalar(0, xt.dtype)));
    if (srcTf === "b" && dstTf !== "d") return fromTf(dst, () => tf.cast(xt, dstTf === "f" ? "float32" : "int32"));
    if (srcTf === "i" && dstTf === "f") return fromTf(dst, () => tf.cast(xt, "float32"));
    if (srcTf === "f" && dstTf === "i" && kindOf(dst) === "int" && dst !== D.DT_UINT32) {
      // Clamping to [-2^31, 2^31] makes NaN (→ the lower bound on wasm) and
      // overflow (→ 2^31, which wraps) come out as INT_MIN, as on x86.
      return fromTf(dst, () => tf.cast(tf.clipByValue(xt, -TWO31, TWO31), "int32"));
    }
  }
  return castHost(x, dst, truncating);
}

function castHost(x: Tensor, dst: number, truncating: boolean): Tensor {
  const src = x.dtype;
  const sk = kindOf(src);
  const dk = kindOf(dst);
  const n = x.size;
  const shape = x.shape;
  // Complex sources keep their real part; complex destinations get a zero imaginary part.
  if (sk === "complex" || dk === "complex") {
    const srcC = sk === "complex";
    const re = srcC ? (x.host().data as Float32Array | Float64Array) : null;
    if (dk === "complex") {
      const nd = zeros(npDtypeOf(dst) as "complex64", shape);
      const o = nd.data;
      if (srcC) for (let i = 0; i < 2 * n; i++) o[i] = re![i];
      else {
        const v = sk === "big" ? Array.from(bigs(x), Number) : nums(x);
        for (let i = 0; i < n; i++) o[2 * i] = v[i];
      }
      return Tensor.fromHost(dst, nd);
    }
    const real = new Float64Array(n);
    for (let i = 0; i < n; i++) real[i] = re![2 * i];
    return castHost(Tensor.fromHost(D.DT_DOUBLE, { dtype: "float64", shape: [...shape], data: real }), dst, false);
  }
  if (dk === "bool") {
    const v = anyVals(x);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = v[i] != 0 || v[i] !== v[i] ? 1 : 0;
    return boolTensor(shape, out);
  }
  if (dk === "big") {
    const o = allocBig(dst, shape);
    const r = o.data;
    if (sk === "big") {
      const v = bigs(x);
      for (let i = 0; i < n; i++) r[i] = v[i];
    } else if (sk === "float") {
      const v = nums(x);
      const conv = dst === D.DT_UINT64 ? f2u64 : f2i64;
      for (let i = 0; i < n; i++) r[i] = conv(v[i]);
    } else {
      const v = nums(x);
      for (let i = 0; i < n; i++) r[i] = BigInt(v[i]);
    }
    return o.done();
  }
  const o = alloc(dst, shape);
  const r = o.data;
  if (dk === "float") {
    if (sk === "big") {
      const v = bigs(x);
      if (dst === D.DT_DOUBLE) for (let i = 0; i < n; i++) r[i] = Number(v[i]);
      else for (let i = 0; i < n; i++) r[i] = bigToF32(v[i]);
    } else {
      const v = nums(x);
      if (truncating) {
        const bits = src === D.DT_DOUBLE ? (dst === D.DT_FLOAT ? 29 : 42) : dst === D.DT_HALF ? 13 : 16;
        if (src === D.DT_DOUBLE) for (let i = 0; i < n; i++) r[i] = Math.fround(truncBits64(v[i], bits));
        else for (let i = 0; i < n; i++) r[i] = truncBits32(v[i], bits);
      } else if (dst === D.DT_DOUBLE) for (let i = 0; i < n; i++) r[i] = v[i];
      else for (let i = 0; i < n; i++) r[i] = Math.fround(v[i]); // double → half/bfloat16 rounds through float
    }
    return o.done();
  }
  // Integer destinations of ≤32 bits: the typed array store wraps.
  if (sk === "big") {
    const v = bigs(x);
    for (let i = 0; i < n; i++) r[i] = Number(BigInt.asIntN(32, v[i]));
  } else if (sk === "float") {
    const v = nums(x);
    const conv = dst === D.DT_UINT32 ? f2u32 : f2i32;
    for (let i = 0; i < n; i++) r[i] = conv(v[i]);
  } else {
    const v = nums(x);
    for (let i = 0; i < n; i++) r[i] = v[i];
  }
  return o.done();
}

function castKernel(ctx: KernelContext): Tensor[] {
  const dst = ctx.attrs.type("DstT");
  return [castTensor(ctx.inputs[0], dst, ctx.attrs.bool("Truncate", false), ctx.node.name)];
}

function bitcastKernel(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  const dst = ctx.attrs.type("type");
  if (x.dtype === dst) return [x];
  const inNp = npDtypeOf(x.dtype);
  const outNp = npDtypeOf(dst);
  const inSize = byteWidth(x.dtype);
  const outSize = byteWidth(dst);
  if (!inNp || !outNp || !inSize || !outSize) throw unimplemented(`Bitcast from ${cppDtypeName(x.dtype)} to ${cppDtypeName(dst)} is not supported`);
  let shape = [...x.shape];
  if (inSize > outSize) shape.push(inSize / outSize);
  else if (inSize < outSize) {
    const last = shape[shape.length - 1];
    if (shape.length === 0 || last * inSize !== outSize) {
      throw invalid(`Cannot bitcast from ${cppDtypeName(x.dtype)} to ${cppDtypeName(dst)}: shape [${x.shape.join(",")}]`);
    }
    shape = shape.slice(0, -1);
  }
  const bytes = toLittleEndianBytes(x.host()).slice();
  return [Tensor.fromHost(dst, fromLittleEndianBytes(outNp, shape, bytes) as NdArray)];
}

function byteWidth(dt: number): number {
  const np = npDtypeOf(dt);
  switch (np) {
    case undefined:
    case "bytes":
    case "str":
      return 0;
    case "bool":
    case "int8":
    case "uint8":
      return 1;
    case "int16":
    case "uint16":
    case "float16":
    case "bfloat16":
      return 2;
    case "int32":
    case "uint32":
    case "float32":
      return 4;
    case "complex128":
      return 16;
    default:
      return 8;
  }
}

// ---------------------------------------------------------------------------
// ClipByValue, AddN, ApproximateEqual, L2Loss.

function clipByValue(ctx: KernelContext): Tensor[] {
  const [x, lo, hi] = ctx.inputs;
  sameDtype("ClipByValue", x, lo);
  sameDtype("ClipByValue", x, hi, 2);
  const sameOrScalar = (t: Tensor) => t.size === 1 && t.rank === 0 || (t.rank === x.rank && t.shape.every((d, i) => d === x.shape[i]));
  if (!sameOrScalar(lo)) {
    throw invalid(`clip_value_min must be either of the same shape as input, or a scalar. input shape: [${x.shape.join(",")}]clip_value_min shape: [${lo.shape.join(",")}]`);
  }
  if (!sameOrScalar(hi)) {
    throw invalid(`clip_value_max must be either of the same shape as input, or a scalar. input shape: [${x.shape.join(",")}]clip_value_max shape: [${hi.shape.join(",")}]`);
  }
  // TF: x.cwiseMin(max).cwiseMax(min), i.e. C's (hi < x ? hi : x), then (v < lo ? lo : v): NaN in x stays NaN.
  const tk = tfKind(x.dtype);
  if (x.size > 0 && (tk === "f" || tk === "i") && !preferHost([x, lo, hi], x.size)) {
    const [xt, lt, ht] = [x.tf(ctx.node.name), lo.tf(ctx.node.name), hi.tf(ctx.node.name)];
    return [fromTf(x.dtype, () => tf.maximum(tf.minimum(xt, ht), lt))];
  }
  const kind = kindOf(x.dtype);
  const n = x.size;
  const idx = (t: Tensor, i: number) => (t.size === 1 ? 0 : i);
  // one loop for bigints (64-bit ints) and numbers
  const clip = <T extends number | bigint>(v: ArrayLike<T>, l: ArrayLike<T>, h: ArrayLike<T>, o: Out<T>): Tensor[] => {
    for (let i = 0; i < n; i++) {
      const hv = h[idx(hi, i)];
      const lv = l[idx(lo, i)];
      const m = hv < v[i] ? hv : v[i];
      o.data[i] = m < lv ? lv : m;
    }
    return [o.done()];
  };
  if (kind === "big") return clip(bigs(x), bigs(lo), bigs(hi), allocBig(x.dtype, x.shape));
  if (kind !== "float" && kind !== "int") throw noKernel("ClipByValue", x.dtype);
  return clip(nums(x), nums(lo), nums(hi), alloc(x.dtype, x.shape));
}

function addN(ctx: KernelContext): Tensor[] {
  const xs = ctx.inputs;
  if (xs.length === 0) throw invalid("AddN expects at least one input");
  const x0 = xs[0];
  for (let i = 1; i < xs.length; i++) {
    sameDtype(ctx.node.op, x0, xs[i], i);
    const s = xs[i].shape;
    if (s.length !== x0.rank || s.some((d, j) => d !== x0.shape[j])) {
      throw invalid(`Inputs to operation ${ctx.node.name} of type ${ctx.node.op} must have the same size and shape.  Input 0: [${x0.shape.join(",")}] != input ${i}: [${s.join(",")}]`);
    }
  }
  if (xs.length === 1) return [x0];
  const tk = tfKind(x0.dtype);
  if (x0.size > 0 && (tk === "f" || tk === "i") && !preferHost(xs, x0.size)) {
    const ts = xs.map((t) => t.tf(ctx.node.name));
    return [fromTf(x0.dtype, () => tf.addN(ts))];
  }
  let acc = xs[0];
  for (let i = 1; i < xs.length; i++) acc = binaryHost(ctx.node.op, BIN.Add, acc, xs[i], x0.shape, x0.dtype);
  return [acc];
}

function approximateEqual(ctx: KernelContext): Tensor[] {
  const [x, y] = ctx.inputs;
  sameDtype(ctx.node.op, x, y);
  if (x.rank !== y.rank || x.shape.some((d, i) => d !== y.shape[i])) {
    throw invalid(`x and y must be of the same shape. x shape: [${x.shape.join(",")}]. y shape: [${y.shape.join(",")}]`);
  }
  const tol = ctx.attrs.float("tolerance", 1e-5);
  const tk = tfKind(x.dtype);
  if (x.size > 0 && tk === "f" && !preferHost([x, y], x.size)) {
    const [xt, yt] = [x.tf(ctx.node.name), y.tf(ctx.node.name)];
    return [fromTf(D.DT_BOOL, () => tf.less(tf.abs(tf.sub(xt, yt)), Math.fround(tol)))];
  }
  const kind = kindOf(x.dtype);
  const out = new Uint8Array(x.size);
  if (kind === "big") {
    const [a, b] = [bigs(x), bigs(y)];
    for (let i = 0; i < out.length; i++) out[i] = Math.abs(Number(a[i] - b[i])) < tol ? 1 : 0;
  } else if (kind === "float" || kind === "int") {
    const [a, b] = [nums(x), nums(y)];
    const t = x.dtype === D.DT_DOUBLE ? tol : Math.fround(tol);
    for (let i = 0; i < out.length; i++) out[i] = Math.abs(a[i] - b[i]) < t ? 1 : 0;
  } else throw noKernel(ctx.node.op, x.dtype);
  return [boolTensor(x.shape, out)];
}

function l2Loss(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  if (kindOf(x.dtype) !== "float") throw noKernel("L2Loss", x.dtype);
  if (tfKind(x.dtype) === "f" && x.size > 0 && !preferHost([x], x.size)) {
    const xt = x.tf(ctx.node.name);
    return [fromTf(x.dtype, () => tf.div(tf.sum(tf.square(xt)), 2))];
  }
  const v = nums(x);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const o = alloc(x.dtype, []);
  o.data[0] = s / 2;
  return [o.done()];
}

// ---------------------------------------------------------------------------
// Reductions.

type Reducer = "sum" | "prod" | "max" | "min" | "mean" | "all" | "any" | "euclid";

function reductionAxes(axesT: Tensor, rank: number): number[] {
  const raw = axesT.numbers();
  const seen = new Set<number>();
  for (const a0 of raw) {
    if (a0 < -rank || a0 >= rank) throw invalid(`Invalid reduction dimension (${a0} for input with ${rank} dimension(s)`);
    const a = a0 < 0 ? a0 + rank : a0;
    if (seen.has(a)) throw invalid(`Invalid reduction arguments: Axes contains duplicate dimension: ${a}`);
    seen.add(a);
  }
  return [...seen].sort((p, q) => p - q);
}

/** For each input element, the flat index of the output element it reduces into. */
function reduceMap(shape: readonly number[], axes: readonly number[]): { outSize: number; map: Int32Array } {
  const rank = shape.length;
  const red = new Set(axes);
  const ostr = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (!red.has(d)) {
      ostr[d] = s;
      s *= shape[d];
    }
  }
  const n = sizeOf(shape);
  const map = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  let flat = 0;
  for (let k = 0; k < n; k++) {
    map[k] = flat;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      flat += ostr[d];
      if (counter[d] < shape[d]) break;
      flat -= ostr[d] * counter[d];
      counter[d] = 0;
    }
  }
  return { outSize: s, map };
}

function reducedShape(shape: readonly number[], axes: readonly number[], keep: boolean): number[] {
  const red = new Set(axes);
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!red.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

function reduceKernel(r: Reducer) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const axes = reductionAxes(ctx.inputs[1], x.rank);
    const keep = ctx.attrs.bool("keep_dims", false);
    return [reduce(ctx, r, x, axes, keep)];
  };
}

function reduce(ctx: KernelContext, r: Reducer, x: Tensor, axes: number[], keep: boolean): Tensor {
  const kind = kindOf(x.dtype);
  if ((r === "all" || r === "any") !== (kind === "bool")) throw noKernel(ctx.node.op, x.dtype);
  const outShape = reducedShape(x.shape, axes, keep);
  if (axes.length === 0 && r !== "euclid") return x; // nothing to reduce (the output is the input, even for Mean)
  const tk = tfKind(x.dtype);
  const outSize = sizeOf(outShape);
  if (x.size > 0 && outSize > 0 && tk && !preferHost([x], x.size)) {
    const xt = x.tf(ctx.node.name);
    if (tk === "f") {
      const fn = { sum: tf.sum, prod: tf.prod, max: tf.max, min: tf.min, mean: tf.mean, euclid: null, all: null, any: null }[r];
      if (fn) return fromTf(x.dtype, () => fn(xt, axes, keep), [xt]);
      if (r === "euclid") return fromTf(x.dtype, () => tf.sqrt(tf.sum(tf.square(xt), axes, keep)));
    } else if (tk === "i") {
      const fn = { sum: tf.sum, prod: tf.prod, max: tf.max, min: tf.min, mean: null, euclid: null, all: null, any: null }[r];
      if (fn) return fromTf(x.dtype, () => fn(xt, axes, keep), [xt]);
    } else if (tk === "b" && (r === "all" || r === "any")) {
      const fn = r === "all" ? tf.all : tf.any;
      return fromTf(x.dtype, () => fn(xt, axes, keep), [xt]);
    }
  }
  return reduceHost(ctx.node.op, r, x, axes, outShape);
}

function reduceHost(opName: string, r: Reducer, x: Tensor, axes: number[], outShape: number[]): Tensor {
  const { outSize, map } = reduceMap(x.shape, axes);
  const n = x.size;
  const count = outSize === 0 ? 0 : n / outSize;
  const kind = kindOf(x.dtype);
  if (kind === "bool") {
    const v = nums(x);
    const out = new Uint8Array(outSize).fill(r === "all" || r === "min" || r === "prod" ? 1 : 0);
    if (r === "all" || r === "min" || r === "prod") {
      for (let i = 0; i < n; i++) if (!v[i]) out[map[i]] = 0;
    } else {
      for (let i = 0; i < n; i++) if (v[i]) out[map[i]] = 1;
    }
    return boolTensor(outShape, out);
  }
  if (kind === "float") {
    const v = nums(x);
    const acc = new Float64Array(outSize);
    if (r === "prod") acc.fill(1);
    else if (r === "max") acc.fill(-Infinity);
    else if (r === "min") acc.fill(Infinity);
    switch (r) {
      case "sum":
      case "mean":
        for (let i = 0; i < n; i++) acc[map[i]] += v[i];
        break;
      case "euclid":
        for (let i = 0; i < n; i++) acc[map[i]] += v[i] * v[i];
        break;
      case "prod":
        for (let i = 0; i < n; i++) acc[map[i]] *= v[i];
        break;
      case "max":
        for (let i = 0; i < n; i++) {
          const o = map[i];
          if (v[i] > acc[o] || v[i] !== v[i]) acc[o] = acc[o] !== acc[o] ? acc[o] : v[i];
        }
        break;
      case "min":
        for (let i = 0; i < n; i++) {
          const o = map[i];
          if (v[i] < acc[o] || v[i] !== v[i]) acc[o] = acc[o] !== acc[o] ? acc[o] : v[i];
        }
        break;
      default:
        throw noKernel(opName, x.dtype);
    }
    const o = alloc(x.dtype, outShape);
    for (let i = 0; i < outSize; i++) o.data[i] = r === "mean" ? acc[i] / count : r === "euclid" ? Math.sqrt(acc[i]) : acc[i];
    return o.done();
  }
  if (kind === "int") {
    const v = nums(x);
    const [lo, hi] = intRange(x.dtype);
    const o = alloc(x.dtype, outShape);
    if (r === "mean" || r === "euclid") {
      // TF accumulates small-int means in 64 bits and divides truncating.
      const acc = new Float64Array(outSize);
      if (r === "mean") for (let i = 0; i < n; i++) acc[map[i]] += v[i];
      else for (let i = 0; i < n; i++) acc[map[i]] = (acc[map[i]] + Math.imul(v[i], v[i])) | 0;
      for (let i = 0; i < outSize; i++) o.data[i] = r === "mean" ? (count === 0 ? 0 : Math.trunc(acc[i] / count)) : Math.trunc(Math.sqrt(acc[i]));
      return o.done();
    }
    const acc = new Int32Array(outSize); // wraps like the dtype (the final store narrows further)
    const m = new Float64Array(r === "max" || r === "min" ? outSize : 0).fill(r === "max" ? lo : hi);
    switch (r) {
      case "sum":
        for (let i = 0; i < n; i++) acc[map[i]] += v[i];
        break;
      case "prod":
        acc.fill(1);
        for (let i = 0; i < n; i++) acc[map[i]] = Math.imul(acc[map[i]], v[i]);
        break;
      case "max":
        for (let i = 0; i < n; i++) if (v[i] > m[map[i]]) m[map[i]] = v[i];
        break;
      case "min":
        for (let i = 0; i < n; i++) if (v[i] < m[map[i]]) m[map[i]] = v[i];
        break;
      default:
        throw noKernel(opName, x.dtype);
    }
    const src = r === "max" || r === "min" ? m : acc;
    for (let i = 0; i < outSize; i++) o.data[i] = src[i];
    return o.done();
  }
  if (kind === "complex" && (r === "sum" || r === "mean" || r === "prod")) {
    const v = x.host().data as Float32Array | Float64Array;
    const acc = new Float64Array(2 * outSize);
    if (r === "prod") for (let i = 0; i < outSize; i++) acc[2 * i] = 1;
    const t = new Float64Array(2);
    for (let i = 0; i < n; i++) {
      const o = 2 * map[i];
      if (r === "prod") {
        cmul(acc[o], acc[o + 1], v[2 * i], v[2 * i + 1], t);
        acc[o] = t[0];
        acc[o + 1] = t[1];
      } else {
        acc[o] += v[2 * i];
        acc[o + 1] += v[2 * i + 1];
      }
    }
    if (r === "mean") for (let i = 0; i < 2 * outSize; i++) acc[i] /= count;
    const nd = zeros(npDtypeOf(x.dtype) as "complex64", outShape);
    nd.data.set(acc);
    return Tensor.fromHost(x.dtype, nd);
  }
  if (kind === "big") {
    const v = bigs(x);
    const uns = isUnsigned(x.dtype);
    const [lo, hi] = bigRange(x.dtype);
    const o = allocBig(x.dtype, outShape);
    const acc = o.data;
    switch (r) {
      case "sum":
      case "mean":
        for (let i = 0; i < n; i++) acc[map[i]] += v[i];
        if (r === "mean") for (let i = 0; i < outSize; i++) acc[i] = count === 0 ? 0n : acc[i] / BigInt(count);
        break;
      case "euclid": {
        for (let i = 0; i < n; i++) acc[map[i]] += v[i] * v[i];
        for (let i = 0; i < outSize; i++) acc[i] = BigInt(Math.trunc(Math.sqrt(Number(acc[i]))));
        break;
      }
      case "prod":
        for (let i = 0; i < outSize; i++) acc[i] = 1n;
        for (let i = 0; i < n; i++) acc[map[i]] = wrapBig(acc[map[i]] * v[i], uns);
        break;
      case "max":
        for (let i = 0; i < outSize; i++) acc[i] = lo;
        for (let i = 0; i < n; i++) if (v[i] > acc[map[i]]) acc[map[i]] = v[i];
        break;
      case "min":
        for (let i = 0; i < outSize; i++) acc[i] = hi;
        for (let i = 0; i < n; i++) if (v[i] < acc[map[i]]) acc[map[i]] = v[i];
        break;
      default:
        throw noKernel(opName, x.dtype);
    }
    return o.done();
  }
  throw noKernel(opName, x.dtype);
}

function argMinMax(isMax: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const outDt = ctx.attrs.type("output_type", D.DT_INT64);
    const a0 = ctx.inputs[1].scalarNumber();
    const rank = x.rank;
    if (a0 < -rank || a0 >= rank || rank === 0) {
      throw invalid(`Expected dimension in the range [${-rank}, ${rank}), but got ${a0}`);
    }
    const axis = a0 < 0 ? a0 + rank : a0;
    const dim = x.shape[axis];
    if (dim === 0) throw invalid(`Reduction axis ${axis} is empty in shape [${x.shape.join(",")}]`);
    const outShape = x.shape.filter((_, i) => i !== axis);
    const tk = tfKind(x.dtype);
    if (x.size > 0 && (tk === "f" || tk === "i") && !preferHost([x], x.size) && (outDt === D.DT_INT32 || outDt === D.DT_INT64)) {
      const xt = x.tf(ctx.node.name);
      return [fromTf(outDt, () => (isMax ? tf.argMax(xt, axis) : tf.argMin(xt, axis)))];
    }
    const kind = kindOf(x.dtype);
    if (kind !== "float" && kind !== "int" && kind !== "big" && kind !== "bool") throw noKernel(ctx.node.op, x.dtype);
    const v = anyVals(x);
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outer = sizeOf(x.shape.slice(0, axis));
    const res = new Float64Array(outer * inner);
    // Eigen's tuple reducers keep the first extreme; NaN never compares, so it is skipped.
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * dim * inner + i;
        let best = v[base];
        let bi = 0;
        if (best !== best) {
          for (bi = 1; bi < dim && v[base + bi * inner] !== v[base + bi * inner]; bi++);
          if (bi === dim) bi = 0;
          best = v[base + bi * inner];
        }
        for (let j = bi + 1; j < dim; j++) {
          const c = v[base + j * inner];
          if (isMax ? c > best : c < best) {
            best = c;
            bi = j;
          }
        }
        res[o * inner + i] = bi;
      }
    }
    return [Tensor.fromValues(outDt, outShape, res)];
  };
}

// ---------------------------------------------------------------------------
// Scans.

function scanKernel(kindName: "sum" | "prod" | "logsumexp") {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const exclusive = ctx.attrs.bool("exclusive", false);
    const reverse = ctx.attrs.bool("reverse", false);
    const a0 = ctx.inputs[1].scalarNumber();
    const rank = x.rank;
    if (a0 < -rank || a0 >= rank) throw invalid(`ScanOp: Expected scan axis in the range [${-rank}, ${rank}), but got ${a0}`);
    const axis = a0 < 0 ? a0 + rank : a0;
    const kind = kindOf(x.dtype);
    if (kindName === "logsumexp" && kind !== "float") throw noKernel(ctx.node.op, x.dtype);
    const tk = tfKind(x.dtype);
    // half/bfloat16 scans round every partial result (Eigen's scan is sequential in the dtype): host
    if (kindName !== "logsumexp" && x.size > 0 && ((tk === "f" && x.dtype === D.DT_FLOAT) || tk === "i") && !preferHost([x], x.size)) {
      const xt = x.tf(ctx.node.name);
      const fn = kindName === "sum" ? tf.cumsum : tf.cumprod;
      return [fromTf(x.dtype, () => fn(xt, axis, exclusive, reverse))];
    }
    const dim = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outer = sizeOf(x.shape.slice(0, axis));
    const lines = (fn: (base: number, step: number) => void) => {
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          const start = o * dim * inner + i;
          if (reverse) fn(start + (dim - 1) * inner, -inner);
          else fn(start, inner);
        }
    };
    if (kind === "big") {
      const v = bigs(x);
      const uns = isUnsigned(x.dtype);
      const o = allocBig(x.dtype, x.shape);
      lines((base, step) => {
        let acc = kindName === "sum" ? 0n : 1n;
        for (let j = 0, p = base; j < dim; j++, p += step) {
          if (exclusive) {
            o.data[p] = acc;
            acc = wrapBig(kindName === "sum" ? acc + v[p] : acc * v[p], uns);
          } else {
            acc = wrapBig(kindName === "sum" ? acc + v[p] : acc * v[p], uns);
            o.data[p] = acc;
          }
        }
      });
      return [o.done()];
    }
    if (kind !== "float" && kind !== "int") throw noKernel(ctx.node.op, x.dtype);
    const v = nums(x);
    const o = alloc(x.dtype, x.shape);
    const isInt = kind === "int";
    const rnd = isInt ? identity : rounder(x.dtype);
    const step = (acc: number, y: number): number => {
      if (kindName === "sum") return isInt ? (acc + y) | 0 : rnd(acc + y);
      if (kindName === "prod") return isInt ? Math.imul(acc, y) : rnd(acc * y);
      // log(exp(acc) + exp(y)), stable
      if (acc === -Infinity) return y;
      if (y === -Infinity) return acc;
      const m = Math.max(acc, y);
      return rnd(m + Math.log1p(Math.exp(-Math.abs(acc - y))));
    };
    const init = kindName === "sum" ? 0 : kindName === "prod" ? 1 : -Infinity;
    lines((base, st) => {
      let acc = init;
      for (let j = 0, p = base; j < dim; j++, p += st) {
        if (exclusive) {
          o.data[p] = acc;
          acc = step(acc, v[p]);
        } else {
          acc = step(acc, v[p]);
          o.data[p] = acc;
        }
      }
    });
    return [o.done()];
  };
}

// ---------------------------------------------------------------------------
// Matrix products.

/** Multiply-add accumulation over the host kinds. */
function matmulHost(a: Tensor, b: Tensor, ta: boolean, tb: boolean, batchShape: number[], outDt: number, opName: string, adjoint: boolean): Tensor {
  const ar = a.rank;
  const br = b.rank;
  const M = ta ? a.shape[ar - 1] : a.shape[ar - 2];
  const K = ta ? a.shape[ar - 2] : a.shape[ar - 1];
  const N = tb ? b.shape[br - 2] : b.shape[br - 1];
  const outShape = [...batchShape, M, N];
  const batches = sizeOf(batchShape);
  const aBatch = broadcastIndex(a.shape.slice(0, -2), batchShape);
  const bBatch = broadcastIndex(b.shape.slice(0, -2), batchShape);
  const aMat = M * K;
  const bMat = K * N;
  // element (i, k) of op(a), (k, j) of op(b)
  const [aRow, aCol] = ta ? [1, M] : [K, 1];
  const [bRow, bCol] = tb ? [1, K] : [N, 1];
  const kind = kindOf(a.dtype);
  if (kind === "big") {
    const x = bigs(a);
    const y = bigs(b);
    const o = allocBig(outDt, outShape);
    for (let bt = 0; bt < batches; bt++) {
      const ao = (aBatch ? aBatch[bt] : bt) * aMat;
      const bo = (bBatch ? bBatch[bt] : bt) * bMat;
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0n;
          for (let kk = 0; kk < K; kk++) s = BigInt.asIntN(64, s + x[ao + i * aRow + kk * aCol] * y[bo + kk * bRow + j * bCol]);
          o.data[(bt * M + i) * N + j] = s;
        }
    }
    return o.done();
  }
  if (kind === "complex") {
    const x = a.host().data as Float32Array | Float64Array;
    const y = b.host().data as Float32Array | Float64Array;
    const nd = zeros(npDtypeOf(outDt) as "complex64", outShape);
    for (let bt = 0; bt < batches; bt++) {
      const ao = (aBatch ? aBatch[bt] : bt) * aMat;
      const bo = (bBatch ? bBatch[bt] : bt) * bMat;
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let re = 0;
          let im = 0;
          for (let kk = 0; kk < K; kk++) {
            const p = 2 * (ao + i * aRow + kk * aCol);
            const q = 2 * (bo + kk * bRow + j * bCol);
            // BatchMatMul's adj_x/adj_y conjugate as well as transpose; MatMul's transpose_a/b do not
            const ai = ta && adjoint ? -x[p + 1] : x[p + 1];
            const bi = tb && adjoint ? -y[q + 1] : y[q + 1];
            re += x[p] * y[q] - ai * bi;
            im += x[p] * bi + ai * y[q];
          }
          nd.data[2 * ((bt * M + i) * N + j)] = re;
          nd.data[2 * ((bt * M + i) * N + j) + 1] = im;
        }
    }
    return Tensor.fromHost(outDt, nd);
  }
  if (kind !== "float" && kind !== "int") throw noKernel(opName, a.dtype);
  const x = nums(a);
  const y = nums(b);
  const o = alloc(outDt, outShape);
  const isInt = kind === "int";
  for (let bt = 0; bt < batches; bt++) {
    const ao = (aBatch ? aBatch[bt] : bt) * aMat;
    const bo = (bBatch ? bBatch[bt] : bt) * bMat;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        if (isInt) for (let kk = 0; kk < K; kk++) s = (s + Math.imul(x[ao + i * aRow + kk * aCol], y[bo + kk * bRow + j * bCol])) | 0;
        else for (let kk = 0; kk < K; kk++) s += x[ao + i * aRow + kk * aCol] * y[bo + kk * bRow + j * bCol];
        o.data[(bt * M + i) * N + j] = s;
      }
  }
  return o.done();
}

function matmulCore(ctx: KernelContext, a: Tensor, b: Tensor, ta: boolean, tb: boolean, mode: "2d" | "batch" | "bcast", outDt: number): Tensor {
  sameDtype(ctx.node.op, a, b);
  if (mode === "2d") {
    if (a.rank !== 2) throw invalid(`In[0] is not a matrix. Instead it has shape [${a.shape.join(",")}]`);
    if (b.rank !== 2) throw invalid(`In[1] is not a matrix. Instead it has shape [${b.shape.join(",")}]`);
  } else {
    if (a.rank < 2) throw invalid(`In[0] ndims must be >= 2: ${a.rank}`);
    if (b.rank < 2) throw invalid(`In[1] ndims must be >= 2: ${b.rank}`);
  }
  const K1 = ta ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const K2 = tb ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  if (K1 !== K2) {
    if (mode === "2d") throw invalid(`Matrix size-incompatible: In[0]: [${a.shape.join(",")}], In[1]: [${b.shape.join(",")}]`);
    throw invalid(`Matrix size-incompatible: In[0]: [${a.shape.join(",")}], In[1]: [${b.shape.join(",")}]`);
  }
  const aB = a.shape.slice(0, -2);
  const bB = b.shape.slice(0, -2);
  let batch: number[];
  if (mode === "batch") {
    if (aB.length !== bB.length || aB.some((d, i) => d !== bB[i])) {
      throw invalid(`In[0] and In[1] must have compatible batch dimensions: [${a.shape.join(",")}] vs. [${b.shape.join(",")}]`);
    }
    batch = aB;
  } else {
    try {
      batch = broadcastShapes(aB, bB);
    } catch {
      throw invalid(`In[0] and In[1] must have compatible batch dimensions: [${a.shape.join(",")}] vs. [${b.shape.join(",")}]`);
    }
  }
  const M = ta ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
  const N = tb ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  const outSize = sizeOf(batch) * M * N;
  if (tfKind(a.dtype) === "f" && tfKind(outDt) === "f" && K1 > 0 && outSize > 0 && !preferHost([a, b], outSize * Math.max(1, K1 / 4))) {
    const [at, bt] = [a.tf(ctx.node.name), b.tf(ctx.node.name)];
    // tfjs broadcasts batch dimensions right only when they match or one
    // side's are all 1 (wrongly when the ranks differ): flatten them to one,
    // and expand the rest here.
    return fromTf(outDt, () => {
      if (batch.length === 0) return compute.matMul({ a: at, b: bt, transposeA: ta, transposeB: tb });
      if (bB.length === 0 && !ta) {
        // [..., M, K] @ [K, N]: one 2-D product over all rows, no copies
        const a2 = tf.reshape(at, [sizeOf(aB) * a.shape[a.rank - 2], K1]);
        return tf.reshape(compute.matMul({ a: a2, b: bt, transposeA: false, transposeB: tb }), [...batch, M, N]);
      }
      const flat = (t: TfTensor, own: readonly number[]) => {
        const n = sizeOf(own);
        const keep = n === 1 || sameShape(own, batch);
        const e = keep ? t : expandTo(t, [...batch, ...t.shape.slice(-2)]);
        return tf.reshape(e, [keep ? n : sizeOf(batch), t.shape[t.rank - 2], t.shape[t.rank - 1]]);
      };
      return tf.reshape(tf.matMul(flat(at, aB), flat(bt, bB), ta, tb), [...batch, M, N]);
    });
  }
  return matmulHost(a, b, ta, tb, batch, outDt, ctx.node.op, mode !== "2d");
}

function matMulKernel(ctx: KernelContext): Tensor[] {
  const [a, b] = ctx.inputs;
  return [matmulCore(ctx, a, b, ctx.attrs.bool("transpose_a", false), ctx.attrs.bool("transpose_b", false), "2d", a.dtype)];
}

/** SparseMatMul (TF1): a MatMul of float/bfloat16 operands into float; the sparsity hints only steer TF's algorithm. */
function sparseMatMulKernel(ctx: KernelContext): Tensor[] {
  const a = castTensor(ctx.inputs[0], D.DT_FLOAT, false, ctx.node.name);
  const b = castTensor(ctx.inputs[1], D.DT_FLOAT, false, ctx.node.name);
  return [matmulCore(ctx, a, b, ctx.attrs.bool("transpose_a", false), ctx.attrs.bool("transpose_b", false), "2d", D.DT_FLOAT)];
}

function batchMatMulKernel(mode: "batch" | "bcast", v3 = false) {
  return (ctx: KernelContext): Tensor[] => {
    let [a, b] = ctx.inputs;
    let outDt = a.dtype;
    if (v3) {
      outDt = ctx.attrs.type("Tout");
      a = castTensor(a, outDt, false, ctx.node.name);
      b = castTensor(b, outDt, false, ctx.node.name);
    }
    return [matmulCore(ctx, a, b, ctx.attrs.bool("adj_x", false), ctx.attrs.bool("adj_y", false), mode, outDt)];
  };
}

// ---------------------------------------------------------------------------
// Einsum.

interface EinsumPlan {
  inputs: number[][]; // label ids per input axis
  output: number[];
  sizes: Map<number, number>;
}

/** Parses an equation; an ellipsis becomes negative label ids, one per broadcast dimension (aligned right). */
function parseEinsum(eq: string, shapes: (readonly number[])[]): EinsumPlan {
  const compact = eq.replace(/\s+/g, "");
  const arrow = compact.indexOf("->");
  const lhs = arrow >= 0 ? compact.slice(0, arrow) : compact;
  const terms = lhs.split(",");
  if (terms.length !== shapes.length) throw invalid(`Expecting ${terms.length} inputs but got ${shapes.length}`);
  const bad = (m: string) => invalid(`Invalid Einsum equation '${eq}': ${m}`);
  let ellRank = 0;
  const parsed = terms.map((term, i) => {
    const parts = term.split("...");
    if (parts.length > 2) throw bad("more than one ellipsis in an input");
    const named = parts.join("").length;
    if (parts.length === 1 && named !== shapes[i].length) {
      throw invalid(`Expected input ${i} to have rank ${named} but got: ${shapes[i].length}`);
    }
    const er = parts.length === 2 ? shapes[i].length - named : 0;
    if (er < 0) throw invalid(`Expected input ${i} to have rank at least ${named} but got: ${shapes[i].length}`);
    ellRank = Math.max(ellRank, er);
    return { parts, er };
  });
  const letter = (c: string) => {
    if (!/[A-Za-z]/.test(c)) throw bad(`invalid character '${c}'`);
    return c.charCodeAt(0);
  };
  const ell = (er: number) => Array.from({ length: er }, (_, j) => -(ellRank - er + j) - 1);
  const inputs = parsed.map(({ parts, er }) => {
    const ids = [...parts[0]].map(letter);
    if (parts.length === 2) ids.push(...ell(er), ...[...parts[1]].map(letter));
    return ids;
  });
  const sizes = new Map<number, number>();
  inputs.forEach((ids, i) =>
    ids.forEach((id, ax) => {
      const d = shapes[i][ax];
      const prev = sizes.get(id);
      if (prev === undefined || prev === 1) sizes.set(id, d);
      else if (d !== prev && d !== 1) {
        const name = id < 0 ? "..." : String.fromCharCode(id);
        throw invalid(`Expected dimension ${prev} at axis ${ax} of input ${i} for label '${name}', got ${d}`);
      }
    }),
  );
  let output: number[];
  if (arrow >= 0) {
    const rhs = compact.slice(arrow + 2);
    const parts = rhs.split("...");
    if (parts.length > 2) throw bad("more than one ellipsis in the output");
    output = [...parts[0]].map(letter);
    if (parts.length === 2) output.push(...ell(ellRank), ...[...parts[1]].map(letter));
    else if (ellRank > 0 && [...sizes.entries()].some(([id, d]) => id < 0 && d !== 1)) {
      throw bad("output has no ellipsis but the inputs broadcast over one");
    }
    const seen = new Set<number>();
    for (const id of output) {
      if (seen.has(id)) throw bad(`output subscript '${String.fromCharCode(id)}' appears more than once`);
      if (!sizes.has(id)) throw bad(`output subscript '${String.fromCharCode(id)}' does not appear in the inputs`);
      seen.add(id);
    }
  } else {
    // Implicit mode: the ellipsis, then labels appearing exactly once, alphabetically.
    const counts = new Map<number, number>();
    for (const ids of inputs) for (const id of ids) if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + 1);
    output = [...ell(ellRank), ...[...counts.entries()].filter(([, c]) => c === 1).map(([id]) => id).sort((p, q) => p - q)];
  }
  return { inputs, output, sizes };
}

function einsumKernel(ctx: KernelContext): Tensor[] {
  const eq = ctx.attrs.str("equation");
  const xs = ctx.inputs;
  if (xs.length < 1 || xs.length > 2) throw invalid(`Expecting 1 or 2 input operands but got: ${xs.length}`);
  for (let i = 1; i < xs.length; i++) sameDtype(ctx.node.op, xs[0], xs[i], i);
  const plan = parseEinsum(eq, xs.map((x) => x.shape));
  const outShape = plan.output.map((id) => plan.sizes.get(id)!);
  const dt = xs[0].dtype;
  const outSize = sizeOf(outShape);
  const work = sizeOf([...plan.sizes.values()]);
  if (tfKind(dt) === "f" && outSize > 0 && xs.every((x) => x.size > 0) && !preferHost(xs, work)) {
    const ts = xs.map((x) => x.tf(ctx.node.name));
    return [fromTf(dt, () => einsumTf(plan, ts), ts)];
  }
  return [einsumHost(ctx.node.op, plan, xs, outShape)];
}

/** Einsum on the backend: diagonals, then sums over private labels, then one batched matmul. */
function einsumTf(plan: EinsumPlan, inputs: TfTensor[]): TfTensor {
  const outSet = new Set(plan.output);
  const ops = inputs.map((t, i) => ({ t, ids: [...plan.inputs[i]] }));
  for (const o of ops) {
    // Repeated labels: take the diagonal (multiply by an identity mask, sum one copy away).
    for (;;) {
      const dup = o.ids.findIndex((id, ax) => o.ids.indexOf(id) !== ax);
      if (dup < 0) break;
      const first = o.ids.indexOf(o.ids[dup]);
      const n = o.t.shape[dup];
      const rank = o.ids.length;
      const maskShape = new Array<number>(rank).fill(1);
      maskShape[first] = n;
      maskShape[dup] = n;
      const eye = tf.reshape(tf.eye(n), maskShape);
      o.t = tf.sum(tf.mul(o.t, eye), dup);
      o.ids.splice(dup, 1);
    }
  }
  // Labels only one operand has and the output lacks are summed away first.
  for (const [i, o] of ops.entries()) {
    const others = ops.filter((_, j) => j !== i);
    const axes = o.ids.map((id, ax) => (!outSet.has(id) && !others.some((p) => p.ids.includes(id)) ? ax : -1)).filter((ax) => ax >= 0);
    if (axes.length) {
      o.t = tf.sum(o.t, axes);
      o.ids = o.ids.filter((_, ax) => !axes.includes(ax));
    }
  }
  const size = (id: number) => plan.sizes.get(id)!;
  const toOutput = (t: TfTensor, ids: number[]): TfTensor => {
    // broadcast labels of size 1 up to the output's sizes, then transpose into output order
    const perm = plan.output.map((id) => ids.indexOf(id));
    let r = perm.every((p, i) => p === i) && perm.length === ids.length ? t : tf.transpose(t, perm);
    const want = plan.output.map(size);
    r = expandTo(r, want);
    return r;
  };
  if (ops.length === 1) return toOutput(ops[0].t, ops[0].ids);
  const [A, B] = ops;
  const inA = new Set(A.ids);
  const inB = new Set(B.ids);
  const batch = plan.output.filter((id) => inA.has(id) && inB.has(id));
  const contract = A.ids.filter((id) => inB.has(id) && !outSet.has(id));
  const freeA = A.ids.filter((id) => !inB.has(id));
  const freeB = B.ids.filter((id) => !inA.has(id));
  const arrange = (o: { t: TfTensor; ids: number[] }, order: number[]) => {
    const perm = order.map((id) => o.ids.indexOf(id));
    let t = perm.every((p, i) => p === i) ? o.t : tf.transpose(o.t, perm);
    const want = order.map(size);
    t = expandTo(t, want);
    return t;
  };
  const prod = (ids: number[]) => ids.reduce((p, id) => p * size(id), 1);
  // Prefer the layout (plain or transposed matrix) that needs no transpose of the operand.
  const inOrder = (o: { ids: number[] }, order: number[]) => order.every((id, i) => o.ids[i] === id) && order.length === o.ids.length;
  const ta = !inOrder(A, [...batch, ...freeA, ...contract]) && inOrder(A, [...batch, ...contract, ...freeA]);
  const tb = !inOrder(B, [...batch, ...contract, ...freeB]) && inOrder(B, [...batch, ...freeB, ...contract]);
  const [a1, a2] = ta ? [contract, freeA] : [freeA, contract];
  const [b1, b2] = tb ? [freeB, contract] : [contract, freeB];
  const a3 = tf.reshape(arrange(A, [...batch, ...a1, ...a2]), [prod(batch), prod(a1), prod(a2)]);
  const b3 = tf.reshape(arrange(B, [...batch, ...b1, ...b2]), [prod(batch), prod(b1), prod(b2)]);
  const c = tf.reshape(tf.matMul(a3, b3, ta, tb), [...batch, ...freeA, ...freeB].map(size));
  const cIds = [...batch, ...freeA, ...freeB];
  // Output labels that no operand still has cannot occur (parse checked); free labels absent from
  // the output were summed away above.
  return toOutput(c, cIds);
}

/** Einsum on the host: one loop over every label combination (operands are small here). */
function einsumHost(opName: string, plan: EinsumPlan, xs: readonly Tensor[], outShape: number[]): Tensor {
  const dt = xs[0].dtype;
  const kind = kindOf(dt);
  if (kind !== "float" && kind !== "int" && kind !== "big") throw noKernel(opName, dt);
  const outSet = new Set(plan.output);
  const all = [...plan.output, ...[...plan.sizes.keys()].filter((id) => !outSet.has(id))];
  const dims = all.map((id) => plan.sizes.get(id)!);
  const pos = new Map(all.map((id, i) => [id, i]));
  // per input: stride of each label position (0 when the operand broadcasts that label)
  const strides = xs.map((x, i) => {
    const st = new Array<number>(all.length).fill(0);
    let s = 1;
    for (let ax = x.rank - 1; ax >= 0; ax--) {
      if (x.shape[ax] !== 1) st[pos.get(plan.inputs[i][ax])!] += s;
      s *= x.shape[ax];
    }
    return st;
  });
  const outSize = sizeOf(outShape);
  const inner = sizeOf(dims.slice(plan.output.length));
  const total = outSize * inner;
  const counter = new Array<number>(all.length).fill(0);
  const offs = xs.map(() => 0);
  const step = () => {
    for (let d = all.length - 1; d >= 0; d--) {
      counter[d]++;
      for (let i = 0; i < xs.length; i++) offs[i] += strides[i][d];
      if (counter[d] < dims[d]) return;
      for (let i = 0; i < xs.length; i++) offs[i] -= strides[i][d] * counter[d];
      counter[d] = 0;
    }
  };
  if (kind === "big") {
    const vs = xs.map(bigs);
    const o = allocBig(dt, outShape);
    for (let k = 0, out = 0; k < total; out++) {
      let s = 0n;
      for (let j = 0; j < inner; j++, k++) {
        let p = 1n;
        for (let i = 0; i < vs.length; i++) p = BigInt.asIntN(64, p * vs[i][offs[i]]);
        s = BigInt.asIntN(64, s + p);
        step();
      }
      o.data[out] = s;
    }
    return o.done();
  }
  const vs = xs.map(nums);
  const o = alloc(dt, outShape);
  const isInt = kind === "int";
  for (let k = 0, out = 0; k < total; out++) {
    let s = 0;
    for (let j = 0; j < inner; j++, k++) {
      let p = 1;
      for (let i = 0; i < vs.length; i++) p = isInt ? Math.imul(p, vs[i][offs[i]]) : p * vs[i][offs[i]];
      s = isInt ? (s + p) | 0 : s + p;
      step();
    }
    o.data[out] = s;
  }
  return o.done();
}

// ---------------------------------------------------------------------------
// Segment reductions and bincounts (host: the id tensors are small and irregular).

type SegOp = "sum" | "prod" | "max" | "min" | "mean";

/** `sorted`: Segment* (ids sorted, 1-D); `withCount`: the num_segments input gives the output's first dimension. */
function segmentKernel(r: SegOp, sorted: boolean, withCount = !sorted) {
  return (ctx: KernelContext): Tensor[] => {
    const data = ctx.inputs[0];
    const idsT = ctx.inputs[1];
    const kind = kindOf(data.dtype);
    if (kind !== "float" && kind !== "int" && kind !== "big") throw noKernel(ctx.node.op, data.dtype);
    const ids = idsT.numbers();
    let numSegments = 0;
    if (sorted) {
      if (idsT.rank !== 1) throw invalid(`segment_ids should be a vector.`);
      if (data.rank < 1 || ids.length !== data.shape[0]) {
        throw invalid(`segment_ids should be the same size as dimension 0 of input.`);
      }
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] < 0) throw invalid(`segment ids must be >= 0`);
        if (i > 0 && ids[i] < ids[i - 1]) throw invalid(`segment ids are not increasing`);
      }
      numSegments = ids.length ? ids[ids.length - 1] + 1 : 0;
    }
    if (withCount) {
      numSegments = ctx.inputs[2].scalarNumber();
      if (numSegments < 0) throw invalid(`Input num_segments == ${numSegments} must not be negative.`);
      const prefix = data.shape.slice(0, idsT.rank);
      if (prefix.length !== idsT.rank || prefix.some((d, i) => d !== idsT.shape[i])) {
        throw invalid(`data.shape = [${data.shape.join(",")}] does not start with segment_ids.shape = [${idsT.shape.join(",")}]`);
      }
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] >= numSegments) {
          throw invalid(`segment_ids[${i}] = ${ids[i]} is out of range [0, ${numSegments})`);
        }
      }
    }
    const rest = data.shape.slice(sorted ? 1 : idsT.rank);
    const inner = sizeOf(rest);
    const outShape = [numSegments, ...rest];
    const counts = new Float64Array(numSegments);
    for (const id of ids) if (id >= 0) counts[id]++;
    // Empty segments: sorted ops give 0 (1 for prod); unsorted max/min give the type's lowest/highest.
    if (kind === "big") {
      const v = bigs(data);
      const [lo, hi] = bigRange(data.dtype);
      const uns = isUnsigned(data.dtype);
      const o = allocBig(data.dtype, outShape);
      const acc = o.data;
      const init = r === "prod" ? 1n : r === "max" ? lo : r === "min" ? hi : 0n;
      for (let i = 0; i < acc.length; i++) acc[i] = init;
      ids.forEach((id, s) => {
        if (id < 0) return;
        for (let j = 0; j < inner; j++) {
          const p = id * inner + j;
          const x = v[s * inner + j];
          if (r === "sum" || r === "mean") acc[p] += x;
          else if (r === "prod") acc[p] = wrapBig(acc[p] * x, uns);
          else if (r === "max" ? x > acc[p] : x < acc[p]) acc[p] = x;
        }
      });
      for (let sg = 0; sg < numSegments; sg++) {
        for (let j = 0; j < inner; j++) {
          const p = sg * inner + j;
          if (counts[sg] === 0) acc[p] = sorted || r === "sum" || r === "mean" ? (r === "prod" ? 1n : 0n) : acc[p];
          else if (r === "mean") acc[p] = acc[p] / BigInt(counts[sg]);
        }
      }
      return [o.done()];
    }
    const v = nums(data);
    const isInt = kind === "int";
    let lo = -Infinity;
    let hi = Infinity;
    if (isInt) [lo, hi] = intRange(data.dtype);
    else if (data.dtype !== D.DT_DOUBLE) [lo, hi] = lowestHighest(data.dtype);
    else [lo, hi] = [-Number.MAX_VALUE, Number.MAX_VALUE];
    const acc = new Float64Array(numSegments * inner).fill(r === "prod" ? 1 : r === "max" ? lo : r === "min" ? hi : 0);
    ids.forEach((id, s) => {
      if (id < 0) return;
      for (let j = 0; j < inner; j++) {
        const p = id * inner + j;
        const x = v[s * inner + j];
        if (r === "sum" || r === "mean") acc[p] = isInt ? (acc[p] + x) | 0 : acc[p] + x;
        else if (r === "prod") acc[p] = isInt ? Math.imul(acc[p], x) : acc[p] * x;
        else if (r === "max" ? x > acc[p] : x < acc[p]) acc[p] = x;
      }
    });
    const o = alloc(data.dtype, outShape);
    for (let sg = 0; sg < numSegments; sg++) {
      for (let j = 0; j < inner; j++) {
        const p = sg * inner + j;
        let val = acc[p];
        if (counts[sg] === 0) val = sorted && (r === "max" || r === "min") ? 0 : val;
        else if (r === "mean") val = isInt ? Math.trunc(val / counts[sg]) : val / counts[sg];
        o.data[p] = val;
      }
    }
    return [o.done()];
  };
}

/** numeric_limits<T>::lowest()/max() of the floating types. */
function lowestHighest(dt: number): [number, number] {
  switch (dt) {
    case D.DT_HALF:
      return [-65504, 65504];
    case D.DT_BFLOAT16:
      return [-3.3895313892515355e38, 3.3895313892515355e38];
    default:
      return [-3.4028234663852886e38, 3.4028234663852886e38];
  }
}

/**
 * Counts `values` into `size` bins per row (`rowLen` values make a row; the
 * output is [rows, size], or [size] when `rowLen` is 0), adding the matching
 * weight, or 1 without weights; `binary` records presence only.
 */
function countBins(values: readonly number[], rowLen: number, size: number, weights: Tensor, outDt: number, binary: boolean, inShape: readonly number[]): Tensor {
  if (size < 0) throw invalid(`size (${size}) must be non-negative`);
  const rows = rowLen > 0 ? values.length / rowLen : 0;
  const outShape = rowLen > 0 ? [rows, size] : [size];
  const w = weights.size > 0 && !binary ? weights : undefined;
  if (w && w.size !== values.length) {
    throw invalid(`Input arr and weights must have the same shape: [${inShape.join(",")}] vs. [${w.shape.join(",")}]`);
  }
  for (const v of values) if (v < 0) throw invalid(`Input arr must be non-negative!`);
  const bin = (i: number) => (rowLen > 0 ? Math.floor(i / rowLen) * size : 0) + values[i];
  if (kindOf(outDt) === "big") {
    const o = allocBig(outDt, outShape);
    const wv = w ? bigs(castTensor(w, outDt)) : undefined;
    for (let i = 0; i < values.length; i++) {
      if (values[i] >= size) continue;
      const p = bin(i);
      o.data[p] = binary ? 1n : o.data[p] + (wv ? wv[i] : 1n);
    }
    return o.done();
  }
  const acc = new Float64Array(sizeOf(outShape));
  const wv = w ? nums(w) : undefined;
  for (let i = 0; i < values.length; i++) {
    if (values[i] >= size) continue;
    const p = bin(i);
    acc[p] = binary ? 1 : acc[p] + (wv ? wv[i] : 1);
  }
  const o = alloc(outDt, outShape);
  for (let i = 0; i < acc.length; i++) o.data[i] = acc[i];
  return o.done();
}

function bincount(ctx: KernelContext): Tensor[] {
  const [arr, sizeT, weights] = ctx.inputs;
  return [countBins(arr.numbers(), 0, sizeT.scalarNumber(), weights, ctx.attrs.type("T", weights.dtype), false, arr.shape)];
}

function denseBincount(ctx: KernelContext): Tensor[] {
  const [input, sizeT, weights] = ctx.inputs;
  if (input.rank > 2) throw invalid(`Shape must be at most rank 2 but is rank ${input.rank}`);
  const rowLen = input.rank === 2 ? input.shape[1] : 0;
  const outDt = ctx.attrs.type("T", weights.dtype);
  const size = sizeT.scalarNumber();
  if (input.rank === 2 && rowLen === 0) return [alloc(outDt, [input.shape[0], Math.max(size, 0)]).done()];
  return [countBins(input.numbers(), rowLen, size, weights, outDt, ctx.attrs.bool("binary_output", false), input.shape)];
}

/** Bucketize: for each value, the number of boundaries ≤ it (std::upper_bound over the float boundaries). */
function bucketize(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  const bounds = ctx.attrs.floats("boundaries", []);
  for (let i = 1; i < bounds.length; i++) if (bounds[i] < bounds[i - 1]) throw invalid("Expected sorted boundaries");
  const kind = kindOf(x.dtype);
  if (kind !== "float" && kind !== "int" && kind !== "big") throw noKernel("Bucketize", x.dtype);
  const v = anyVals(x);
  const out = new Int32Array(x.size);
  for (let i = 0; i < out.length; i++) {
    const e = Number(v[i]);
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e < bounds[mid]) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo;
  }
  return [Tensor.fromHost(D.DT_INT32, { dtype: "int32", shape: [...x.shape], data: out })];
}

/** Cross product of the 3-vectors in the last dimension. */
function cross(ctx: KernelContext): Tensor[] {
  const [a, b] = ctx.inputs;
  sameDtype("Cross", a, b);
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw invalid(`a and b must be the same shape: [${a.shape.join(",")}] vs [${b.shape.join(",")}]`);
  }
  if (a.rank < 1 || a.shape[a.rank - 1] !== 3) throw invalid(`Dimension 0 in both shapes must be equal to 3: [${a.shape.join(",")}]`);
  const kind = kindOf(a.dtype);
  if (kind === "big") {
    const [x, y] = [bigs(a), bigs(b)];
    const o = allocBig(a.dtype, a.shape);
    for (let i = 0; i < a.size; i += 3) {
      o.data[i] = x[i + 1] * y[i + 2] - x[i + 2] * y[i + 1];
      o.data[i + 1] = x[i + 2] * y[i] - x[i] * y[i + 2];
      o.data[i + 2] = x[i] * y[i + 1] - x[i + 1] * y[i];
    }
    return [o.done()];
  }
  if (kind !== "float" && kind !== "int") throw noKernel("Cross", a.dtype);
  const [x, y] = [nums(a), nums(b)];
  const o = alloc(a.dtype, a.shape);
  const isInt = kind === "int";
  const r = rounder(a.dtype);
  const m = (p: number, q: number) => (isInt ? Math.imul(p, q) : r(p * q));
  for (let i = 0; i < a.size; i += 3) {
    o.data[i] = m(x[i + 1], y[i + 2]) - m(x[i + 2], y[i + 1]);
    o.data[i + 1] = m(x[i + 2], y[i]) - m(x[i], y[i + 2]);
    o.data[i + 2] = m(x[i], y[i + 1]) - m(x[i + 1], y[i]);
  }
  return [o.done()];
}

// ---------------------------------------------------------------------------
// Linear algebra on batches of square matrices (host, double precision).

/** The batch of [..., M, N] matrices of a real floating tensor, each as a Float64Array. */
function matrices(t: Tensor, opName: string): { mats: Float64Array[]; batch: number[]; rows: number; cols: number } {
  if (kindOf(t.dtype) !== "float") throw noKernel(opName, t.dtype);
  if (t.rank < 2) throw invalid(`Input must have rank >= 2, got ${t.rank}`);
  const rows = t.shape[t.rank - 2];
  const cols = t.shape[t.rank - 1];
  const batch = t.shape.slice(0, -2);
  const v = nums(t);
  const n = rows * cols;
  const mats = Array.from({ length: sizeOf(batch) }, (_, b) => Float64Array.from({ length: n }, (_, i) => v[b * n + i]));
  return { mats, batch, rows, cols };
}

function squareCheck(rows: number, cols: number): void {
  if (rows !== cols) throw invalid(`Input matrices must be squares, got ${rows} != ${cols}`);
}

/** In-place LU with partial pivoting; returns the permutation sign (0 when singular). */
function lu(a: Float64Array, n: number, perm: Int32Array): number {
  let sign = 1;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best === 0 || best !== best) return 0;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      sign = -sign;
    }
    const d = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k] /= d);
      if (f !== 0) for (let j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return sign;
}

function transposeSquare(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

/** Row i of the n×k matrix x += f × row r. */
function axpyRow(x: Float64Array, k: number, i: number, r: number, f: number): void {
  if (f !== 0) for (let j = 0; j < k; j++) x[i * k + j] += f * x[r * k + j];
}

/** Solves A X = B (B: n×k) given A's LU factors and permutation. */
function luSolve(lu_: Float64Array, perm: Int32Array, n: number, b: Float64Array, k: number): Float64Array {
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) x[i * k + j] = b[perm[i] * k + j];
  // forward substitution with L (unit diagonal), then back substitution with U
  for (let i = 0; i < n; i++) for (let r = 0; r < i; r++) axpyRow(x, k, i, r, -lu_[i * n + r]);
  for (let i = n - 1; i >= 0; i--) {
    for (let r = i + 1; r < n; r++) axpyRow(x, k, i, r, -lu_[i * n + r]);
    const d = lu_[i * n + i];
    for (let j = 0; j < k; j++) x[i * k + j] /= d;
  }
  return x;
}

function writeMatrices(dtype: number, shape: readonly number[], mats: Float64Array[]): Tensor {
  const o = alloc(dtype, shape);
  let p = 0;
  for (const m of mats) for (let i = 0; i < m.length; i++) o.data[p++] = m[i];
  return o.done();
}

function determinantKernel(log: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const { mats, batch, rows, cols } = matrices(x, ctx.node.op);
    squareCheck(rows, cols);
    const signs = new Float64Array(mats.length);
    const logs = new Float64Array(mats.length);
    const perm = new Int32Array(rows);
    mats.forEach((m, b) => {
      let sign = lu(m, rows, perm);
      let l = 0;
      if (sign !== 0) {
        for (let i = 0; i < rows; i++) {
          const d = m[i * rows + i];
          if (d < 0) sign = -sign;
          l += Math.log(Math.abs(d));
        }
      }
      signs[b] = sign;
      logs[b] = sign === 0 ? -Infinity : l;
    });
    if (log) return [writeMatrices(x.dtype, batch, [signs]), writeMatrices(x.dtype, batch, [logs])];
    return [writeMatrices(x.dtype, batch, [Float64Array.from(signs, (sg, b) => (sg === 0 ? 0 : sg * Math.exp(logs[b])))])];
  };
}

function matrixInverse(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  const adjoint = ctx.attrs.bool("adjoint", false);
  const { mats, rows, cols } = matrices(x, ctx.node.op);
  squareCheck(rows, cols);
  const perm = new Int32Array(rows);
  const eye = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) eye[i * rows + i] = 1;
  const out = mats.map((m0) => {
    const m = adjoint ? transposeSquare(m0, rows) : m0;
    if (lu(m, rows, perm) === 0) throw invalid("Input is not invertible.");
    return luSolve(m, perm, rows, eye, rows);
  });
  return [writeMatrices(x.dtype, x.shape, out)];
}

function matrixSolve(ctx: KernelContext): Tensor[] {
  const [a, b] = ctx.inputs;
  sameDtype(ctx.node.op, a, b);
  const adjoint = ctx.attrs.bool("adjoint", false);
  const A = matrices(a, ctx.node.op);
  const B = matrices(b, ctx.node.op);
  squareCheck(A.rows, A.cols);
  if (B.rows !== A.rows || !sameShape(A.batch, B.batch)) {
    throw invalid(`Input matrix and right-hand side must have the same number of rows: [${a.shape.join(",")}] vs. [${b.shape.join(",")}]`);
  }
  const perm = new Int32Array(A.rows);
  const out = A.mats.map((m0, i) => {
    const m = adjoint ? transposeSquare(m0, A.rows) : m0;
    if (lu(m, A.rows, perm) === 0) throw invalid("Input matrix is not invertible.");
    return luSolve(m, perm, A.rows, B.mats[i], B.cols);
  });
  return [writeMatrices(b.dtype, b.shape, out)];
}

function cholesky(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  const { mats, rows: n, cols } = matrices(x, ctx.node.op);
  squareCheck(n, cols);
  const out = mats.map((a) => {
    const l = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      let d = a[j * n + j];
      for (let k2 = 0; k2 < j; k2++) d -= l[j * n + k2] * l[j * n + k2];
      if (!(d > 0)) throw invalid("Cholesky decomposition was not successful. The input might not be valid.");
      const ljj = Math.sqrt(d);
      l[j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let v = a[i * n + j];
        for (let k2 = 0; k2 < j; k2++) v -= l[i * n + k2] * l[j * n + k2];
        l[i * n + j] = v / ljj;
      }
    }
    return l;
  });
  return [writeMatrices(x.dtype, x.shape, out)];
}

function matrixTriangularSolve(ctx: KernelContext): Tensor[] {
  const [a, b] = ctx.inputs;
  sameDtype(ctx.node.op, a, b);
  const lower = ctx.attrs.bool("lower", true);
  const adjoint = ctx.attrs.bool("adjoint", false);
  const A = matrices(a, ctx.node.op);
  const B = matrices(b, ctx.node.op);
  squareCheck(A.rows, A.cols);
  const n = A.rows;
  const k2 = B.cols;
  if (B.rows !== n) throw invalid(`Incompatible shapes: [${a.shape.join(",")}] vs. [${b.shape.join(",")}]`);
  const batch = broadcastShapes(A.batch, B.batch);
  const ia = broadcastIndex(A.batch, batch);
  const ib = broadcastIndex(B.batch, batch);
  const out = Array.from({ length: sizeOf(batch) }, (_, t) => {
    let m = A.mats[ia ? ia[t] : t];
    // Only the named triangle is read; the adjoint of a lower matrix is upper.
    if (adjoint) m = transposeSquare(m, n);
    const lo = adjoint ? !lower : lower;
    const x = Float64Array.from(B.mats[ib ? ib[t] : t]);
    if (lo) {
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < i; r++) axpyRow(x, k2, i, r, -m[i * n + r]);
        for (let j = 0; j < k2; j++) x[i * k2 + j] /= m[i * n + i];
      }
    } else {
      for (let i = n - 1; i >= 0; i--) {
        for (let r = i + 1; r < n; r++) axpyRow(x, k2, i, r, -m[i * n + r]);
        for (let j = 0; j < k2; j++) x[i * k2 + j] /= m[i * n + i];
      }
    }
    return x;
  });
  return [writeMatrices(b.dtype, [...batch, n, k2], out)];
}

// ---------------------------------------------------------------------------

export const mathKernels: KernelTable = {
  // binary arithmetic
  Add: k("z", bin(BIN.Add)),
  AddV2: k("z", bin(BIN.Add)),
  Sub: k("z", bin(BIN.Sub)),
  Mul: k("z", bin(BIN.Mul)),
  Div: k("z", bin(BIN.Div)),
  RealDiv: k("z", bin(BIN.Div)),
  TruncateDiv: k("z", bin(BIN.TruncateDiv)),
  FloorDiv: k("z", bin(BIN.FloorDiv)),
  FloorMod: k("z", bin(BIN.FloorMod)),
  TruncateMod: k("z", bin(BIN.TruncateMod)),
  Mod: k("z", bin(BIN.TruncateMod)),
  Pow: k("z", bin(BIN.Pow)),
  Maximum: k("z", bin(BIN.Maximum)),
  Minimum: k("z", bin(BIN.Minimum)),
  SquaredDifference: k("z", bin(BIN.SquaredDifference)),
  DivNoNan: k("z", bin(BIN.DivNoNan)),
  MulNoNan: k("z", bin(BIN.MulNoNan)),
  Xdivy: k("z", bin(BIN.Xdivy)),
  Xlogy: k("z", bin(BIN.Xlogy)),
  Xlog1py: k("z", bin(BIN.Xlog1py)),
  Atan2: k("z", bin(BIN.Atan2)),
  Igamma: k("z", bin(BIN.Igamma)),
  Igammac: k("z", bin(BIN.Igammac)),
  BitwiseAnd: k("z", bin(BIN.BitwiseAnd)),
  BitwiseOr: k("z", bin(BIN.BitwiseOr)),
  BitwiseXor: k("z", bin(BIN.BitwiseXor)),
  LeftShift: k("z", bin(BIN.LeftShift)),
  RightShift: k("z", bin(BIN.RightShift)),
  RsqrtGrad: k("z", bin(BIN.RsqrtGrad)),
  SqrtGrad: k("z", bin(BIN.SqrtGrad)),
  ReciprocalGrad: k("z", bin(BIN.ReciprocalGrad)),
  InvGrad: k("z", bin(BIN.ReciprocalGrad)),
  // comparisons and logic
  Equal: k("z", bin(BIN.Equal)),
  NotEqual: k("z", bin(BIN.NotEqual)),
  Less: k("z", bin(BIN.Less)),
  LessEqual: k("z", bin(BIN.LessEqual)),
  Greater: k("z", bin(BIN.Greater)),
  GreaterEqual: k("z", bin(BIN.GreaterEqual)),
  ApproximateEqual: k("z", approximateEqual),
  LogicalAnd: k("z", bin(BIN.LogicalAnd)),
  LogicalOr: k("z", bin(BIN.LogicalOr)),
  LogicalNot: k("y", un(UN.LogicalNot)),
  // unary
  Abs: k("y", un(UN.Abs)),
  Neg: k("y", un(UN.Neg)),
  Sign: k("y", un(UN.Sign)),
  Square: k("y", un(UN.Square)),
  Sqrt: k("y", un(UN.Sqrt)),
  Rsqrt: k("y", un(UN.Rsqrt)),
  Reciprocal: k("y", un(UN.Reciprocal)),
  Inv: k("y", un(UN.Reciprocal)),
  Exp: k("y", un(UN.Exp)),
  Expm1: k("y", un(UN.Expm1)),
  Log: k("y", un(UN.Log)),
  Log1p: k("y", un(UN.Log1p)),
  Sin: k("y", un(UN.Sin)),
  Cos: k("y", un(UN.Cos)),
  Tan: k("y", un(UN.Tan)),
  Asin: k("y", un(UN.Asin)),
  Acos: k("y", un(UN.Acos)),
  Atan: k("y", un(UN.Atan)),
  Sinh: k("y", un(UN.Sinh)),
  Cosh: k("y", un(UN.Cosh)),
  Asinh: k("y", un(UN.Asinh)),
  Acosh: k("y", un(UN.Acosh)),
  Atanh: k("y", un(UN.Atanh)),
  Erf: k("y", un(UN.Erf)),
  Erfc: k("y", un(UN.Erfc)),
  Erfinv: k("y", un(UN.Erfinv)),
  Ndtri: k("y", un(UN.Ndtri)),
  Lgamma: k("y", un(UN.Lgamma)),
  Digamma: k("y", un(UN.Digamma)),
  Floor: k("y", un(UN.Floor)),
  Ceil: k("y", un(UN.Ceil)),
  Round: k("y", un(UN.Round)),
  Rint: k("y", un(UN.Rint)),
  IsNan: k("y", un(UN.IsNan)),
  IsInf: k("y", un(UN.IsInf)),
  IsFinite: k("y", un(UN.IsFinite)),
  Invert: k("y", un(UN.Invert)),
  PopulationCount: k("y", popcountKernel),
  // complex numbers
  Complex: k("out", complexKernel),
  ComplexAbs: k("y", complexPart("abs")),
  Real: k("output", complexPart("real")),
  Imag: k("output", complexPart("imag")),
  Angle: k("output", complexPart("angle")),
  Conj: k("output", un(UN.Conj)),
  // casts, clipping, sums of lists
  Cast: k("y", castKernel),
  Bitcast: k("output", bitcastKernel),
  ClipByValue: k("output", clipByValue),
  AddN: k("sum", addN),
  AccumulateNV2: k("sum", addN),
  L2Loss: k("output", l2Loss),
  // reductions and scans
  Sum: k("output", reduceKernel("sum")),
  Prod: k("output", reduceKernel("prod")),
  Mean: k("output", reduceKernel("mean")),
  Max: k("output", reduceKernel("max")),
  Min: k("output", reduceKernel("min")),
  All: k("output", reduceKernel("all")),
  Any: k("output", reduceKernel("any")),
  EuclideanNorm: k("output", reduceKernel("euclid")),
  ArgMax: k("output", argMinMax(true)),
  ArgMin: k("output", argMinMax(false)),
  Cumsum: k("out", scanKernel("sum")),
  Cumprod: k("out", scanKernel("prod")),
  CumulativeLogsumexp: k("out", scanKernel("logsumexp")),
  // matrix products
  MatMul: k("product", matMulKernel),
  SparseMatMul: k("product", sparseMatMulKernel),
  BatchMatMul: k("output", batchMatMulKernel("batch")),
  BatchMatMulV2: k("output", batchMatMulKernel("bcast")),
  BatchMatMulV3: k("output", batchMatMulKernel("bcast", true)),
  Einsum: k("output", einsumKernel),
  // linear algebra
  MatrixDeterminant: k("output", determinantKernel(false)),
  LogMatrixDeterminant: k("sign,log_abs_determinant", determinantKernel(true)),
  MatrixInverse: k("output", matrixInverse),
  MatrixSolve: k("output", matrixSolve),
  Cholesky: k("output", cholesky),
  MatrixTriangularSolve: k("output", matrixTriangularSolve),
  // segments and counts
  SegmentSum: k("output", segmentKernel("sum", true)),
  SegmentProd: k("output", segmentKernel("prod", true)),
  SegmentMax: k("output", segmentKernel("max", true)),
  SegmentMin: k("output", segmentKernel("min", true)),
  SegmentMean: k("output", segmentKernel("mean", true)),
  SegmentSumV2: k("output", segmentKernel("sum", true, true)),
  SegmentProdV2: k("output", segmentKernel("prod", true, true)),
  SegmentMaxV2: k("output", segmentKernel("max", true, true)),
  SegmentMinV2: k("output", segmentKernel("min", true, true)),
  UnsortedSegmentSum: k("output", segmentKernel("sum", false)),
  UnsortedSegmentProd: k("output", segmentKernel("prod", false)),
  UnsortedSegmentMax: k("output", segmentKernel("max", false)),
  UnsortedSegmentMin: k("output", segmentKernel("min", false)),
  Bincount: k("bins", bincount),
  Bucketize: k("output", bucketize),
  Cross: k("product", cross),
  DenseBincount: k("output", denseBincount),
};
