/**
 * The safe numpy-expression evaluator (tfsm extension for `--input_exprs`).
 *
 * It walks the AST from `parse.ts` against a fixed namespace: `np`/`numpy`
 * with an allowlist of members (constructors, shape functions, `np.random`,
 * scalar types, constants) and the builtins `int`, `float`, `bool`,
 * `complex`, `str`, `bytes`. Any other name is an error naming it; nothing
 * is looked up dynamically, no attribute starting with `_` is reachable, and
 * no JavaScript is ever generated from user text.
 *
 * One Evaluator holds one RandomState: pieces evaluated in order share it, so
 * `np.random.seed(0)` (value None) in an earlier piece seeds later draws.
 */
import { type NdArray, type NpDType, zeros, sizeOf } from "../ndarray.js";
import { TfsmError, type PyErrorClass } from "../errors.js";
import { type Node, parseExpression, ParseError } from "./parse.js";
import { constantValue } from "./literal.js";
import {
  type PyValue,
  NpDTypeObj,
  NpScalar,
  PyCallable,
  PyComplex,
  PyDict,
  PyList,
  PyModule,
  PySet,
  PySlice,
  PyTuple,
  PY_ELLIPSIS,
  elementToPy,
  hashKey,
  isNdArray,
  pyRepr,
  pyStr,
  pyTypeName,
  dtypeStr,
} from "./values.js";
import { LIMITS, asArray, castArray, floatToPyInt, intToFloat, parsePyFloat, pyToInt, type Target } from "./convert.js";
import { intBits, intRange, isIntegerDType, kindOf, parseDTypeString, promoteTypes } from "./dtypes.js";
import { RandomState } from "./random.js";
import {
  type ArithOp,
  arrayOf,
  broadcastTo,
  checkElements,
  complexPow,
  concatenate,
  copyArray,
  expandDims,
  floatDivmod,
  indexArray,
  intTrueDiv,
  isNumpy,
  numpyBinary,
  numpyUnary,
  reshape,
  sliceIndices,
  sliceLength,
  squeeze,
  transpose,
  wrapResult,
} from "./ndops.js";

export interface EvaluatorOptions {
  /** Seed for the shared RandomState (default: fresh entropy, like numpy). */
  seed?: number;
  /** Use this RandomState instead of creating one. */
  rng?: RandomState;
}


/** An error already tied to a column of the expression. */
class LocatedError extends TfsmError {}

// ---------------------------------------------------------------------------
// argument binding

const REQUIRED = Symbol("required");
type Param = [name: string, dflt: PyValue | typeof REQUIRED];

function bind(fname: string, args: PyValue[], kwargs: Map<string, PyValue>, params: Param[]): PyValue[] {
  if (args.length > params.length)
    throw new TfsmError("TypeError", `${fname}() takes at most ${params.length} positional arguments (${args.length} given)`);
  const out: PyValue[] = [];
  const used = new Set<string>();
  params.forEach(([name, dflt], i) => {
    if (i < args.length) {
      if (kwargs.has(name)) throw new TfsmError("TypeError", `${fname}() got multiple values for argument '${name}'`);
      out.push(args[i]);
    } else if (kwargs.has(name)) {
      out.push(kwargs.get(name)!);
      used.add(name);
    } else if (dflt === REQUIRED) throw new TfsmError("TypeError", `${fname}() missing required argument '${name}' (pos ${i + 1})`);
    else out.push(dflt);
  });
  for (const k of kwargs.keys())
    if (!used.has(k)) throw new TfsmError("TypeError", `${fname}() got an unexpected keyword argument '${k}'`);
  return out;
}

function noKwargs(fname: string, kwargs: Map<string, PyValue>, allowed: string[] = []): void {
  for (const k of kwargs.keys())
    if (!allowed.includes(k)) throw new TfsmError("TypeError", `${fname}() got an unexpected keyword argument '${k}'`);
}

// ---------------------------------------------------------------------------
// argument coercion

function pyIndex(v: PyValue, what = "integer"): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (v instanceof NpScalar && (isIntegerDType(v.dtype) || v.dtype === "bool")) {
    const x = elementToPy(v.array, 0);
    return typeof x === "boolean" ? (x ? 1n : 0n) : (x as bigint);
  }
  throw new TfsmError("TypeError", `'${pyTypeName(v)}' object cannot be interpreted as an ${what}`);
}

function smallInt(v: PyValue): number {
  const b = pyIndex(v);
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new TfsmError("ValueError", `integer ${b} is too large`);
  return Number(b);
}

function shapeArg(v: PyValue): number[] {
  let dims: number[];
  if (v instanceof PyTuple || v instanceof PyList) dims = v.items.map(smallInt);
  else if (isNdArray(v)) dims = sizeOf(v.shape) === 0 ? [] : Array.from({ length: sizeOf(v.shape) }, (_, i) => smallInt(elementToPy(v, i)));
  else dims = [smallInt(v)];
  if (dims.some((d) => d < 0)) throw new TfsmError("ValueError", "negative dimensions are not allowed");
  checkElements(dims);
  return dims;
}

function axesArg(v: PyValue): number[] {
  if (v instanceof PyTuple || v instanceof PyList) return v.items.map(smallInt);
  return [smallInt(v)];
}

function dtypeArg(v: PyValue): NpDTypeObj | undefined {
  if (v === null) return undefined;
  if (v instanceof NpDTypeObj) return v;
  if (v instanceof PyCallable && v.asDType) return v.asDType;
  if (typeof v === "string") return parseDTypeString(v);
  if (isNdArray(v) || v instanceof NpScalar) return new NpDTypeObj(arrayOf(v).dtype);
  throw new TfsmError("TypeError", `Cannot interpret '${safeRepr(v)}' as a data type`);
}

function target(d: NpDTypeObj): Target {
  return { dtype: d.dtype, chars: d.itemChars };
}

function toArray(v: PyValue, d?: NpDTypeObj): NdArray {
  return asArray(v, d ? target(d) : undefined);
}

function safeRepr(v: PyValue): string {
  try {
    const r = pyRepr(v);
    return r.length > 80 ? r.slice(0, 77) + "..." : r;
  } catch {
    return `<${pyTypeName(v)}>`;
  }
}

function pyTruthy(v: PyValue): boolean {
  if (v === null || v === false) return false;
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof PyComplex) return v.re !== 0 || v.im !== 0;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict || v instanceof PySet) return v.size > 0;
  if (isNumpy(v)) {
    const a = arrayOf(v);
    if (sizeOf(a.shape) !== 1)
      throw new TfsmError(
        "ValueError",
        "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
      );
    return (castArray(a, "bool").data as Uint8Array)[0] !== 0;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Python arithmetic (no numpy operand)

function checkIntSize(x: bigint): bigint {
  const bits = (x < 0n ? -x : x).toString(16).length * 4;
  if (bits > LIMITS.maxIntBits + 4) throw new TfsmError("OverflowError", `integer result too large (tfsm limit: ${LIMITS.maxIntBits} bits)`);
  return x;
}

function zeroDiv(msg: string): TfsmError {
  // Python raises ZeroDivisionError (an ArithmeticError); tfsm's error classes have no such name.
  return new TfsmError("ValueError", `ZeroDivisionError: ${msg}`);
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : (x < 0n ? -x : x).toString(2).length;
}

/** CPython's complex division (_Py_c_quot). */
function pyComplexDiv(ar: number, ai: number, br: number, bi: number): [number, number] {
  const abr = Math.abs(br);
  const abi = Math.abs(bi);
  if (abr >= abi) {
    if (abr === 0) throw zeroDiv("complex division by zero");
    const ratio = bi / br;
    const denom = br + bi * ratio;
    return [(ar + ai * ratio) / denom, (ai - ar * ratio) / denom];
  }
  if (abi >= abr) {
    const ratio = br / bi;
    const denom = br * ratio + bi;
    return [(ar * ratio + ai) / denom, (ai * ratio - ar) / denom];
  }
  return [NaN, NaN];
}

function pyFloatPow(a: number, b: number): PyValue {
  if (b === 0) return 1;
  if (a === 1) return 1;
  if (a === 0 && b < 0) throw zeroDiv("0.0 cannot be raised to a negative power");
  if (a < 0 && Number.isFinite(a) && Number.isFinite(b) && !Number.isInteger(b)) {
    const [re, im] = complexPow(a, 0, b, 0);
    return new PyComplex(re, im);
  }
  if (a === -1 && !Number.isFinite(b)) return 1;
  const r = a ** b;
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b))
    throw new TfsmError("OverflowError", "(34, 'Numerical result out of range')");
  return r;
}

function seqRepeat(v: PyList | PyTuple | string | Uint8Array, n: bigint): PyValue {
  const count = n < 0n ? 0n : n;
  const len = typeof v === "string" || v instanceof Uint8Array ? v.length : v.items.length;
  if (BigInt(len) * count > BigInt(LIMITS.maxSequence))
    throw new TfsmError("OverflowError", `repeated sequence too long (tfsm limit: ${LIMITS.maxSequence} items)`);
  const c = Number(count);
  if (typeof v === "string") return v.repeat(c);
  if (v instanceof Uint8Array) {
    const out = new Uint8Array(v.length * c);
    for (let k = 0; k < c; k++) out.set(v, k * v.length);
    return out;
  }
  const items: PyValue[] = [];
  for (let k = 0; k < c; k++) items.push(...v.items);
  return v instanceof PyList ? new PyList(items) : new PyTuple(items);
}

const OP_NAMES: Record<ArithOp, string> = { "+": "+", "-": "-", "*": "*", "/": "/", "//": "//", "%": "%", "**": "** or pow()", "@": "@" };

function unsupportedOperands(op: ArithOp, a: PyValue, b: PyValue): TfsmError {
  return new TfsmError("TypeError", `unsupported operand type(s) for ${OP_NAMES[op]}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function pyBinary(op: ArithOp, a: PyValue, b: PyValue): PyValue {
  if (isNumpy(a) || isNumpy(b)) {
    if (typeof a === "string" || typeof b === "string" || a instanceof Uint8Array || b instanceof Uint8Array)
      throw unsupportedOperands(op, a, b);
    return numpyBinary(op, a, b);
  }
  // sequences
  if (op === "+") {
    if (typeof a === "string" && typeof b === "string") {
      if (a.length + b.length > LIMITS.maxSequence) throw new TfsmError("OverflowError", "string too long");
      return a + b;
    }
    if (a instanceof Uint8Array && b instanceof Uint8Array) {
      const out = new Uint8Array(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      return out;
    }
    if (a instanceof PyList && b instanceof PyList) return new PyList([...a.items, ...b.items]);
    if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
    if (a instanceof PyList || a instanceof PyTuple || typeof a === "string" || a instanceof Uint8Array) {
      const what = a instanceof PyList ? "list" : a instanceof PyTuple ? "tuple" : typeof a === "string" ? "str" : "bytes";
      if (what === "str") throw new TfsmError("TypeError", `can only concatenate str (not "${pyTypeName(b)}") to str`);
      if (what === "bytes") throw new TfsmError("TypeError", `can't concat ${pyTypeName(b)} to bytes`);
      throw new TfsmError("TypeError", `can only concatenate ${what} (not "${pyTypeName(b)}") to ${what}`);
    }
  }
  if (op === "*") {
    const isSeq = (v: PyValue) => v instanceof PyList || v instanceof PyTuple || typeof v === "string" || v instanceof Uint8Array;
    const isInt = (v: PyValue) => typeof v === "bigint" || typeof v === "boolean";
    if (isSeq(a) && isInt(b)) return seqRepeat(a as PyList, pyIndex(b));
    if (isInt(a) && isSeq(b)) return seqRepeat(b as PyList, pyIndex(a));
    if (isSeq(a) || isSeq(b)) throw new TfsmError("TypeError", `can't multiply sequence by non-int of type '${pyTypeName(isSeq(a) ? b : a)}'`);
  }
  const isNum = (v: PyValue) => typeof v === "boolean" || typeof v === "bigint" || typeof v === "number" || v instanceof PyComplex;
  if (!isNum(a) || !isNum(b) || op === "@") throw unsupportedOperands(op, a, b);
  const x = typeof a === "boolean" ? (a ? 1n : 0n) : (a as bigint | number | PyComplex);
  const y = typeof b === "boolean" ? (b ? 1n : 0n) : (b as bigint | number | PyComplex);
  if (typeof x === "bigint" && typeof y === "bigint") {
    switch (op) {
      case "+":
        return checkIntSize(x + y);
      case "-":
        return checkIntSize(x - y);
      case "*":
        if (bitLength(x) + bitLength(y) > LIMITS.maxIntBits + 1) checkIntSize(1n << BigInt(LIMITS.maxIntBits + 8));
        return x * y;
      case "/":
        if (y === 0n) throw zeroDiv("division by zero");
        return intTrueDiv(x, y);
      case "//":
      case "%": {
        if (y === 0n) throw zeroDiv(op === "//" ? "integer division or modulo by zero" : "integer modulo by zero");
        const q = x / y;
        const m = x % y;
        const adj = m !== 0n && m < 0n !== y < 0n;
        return op === "//" ? (adj ? q - 1n : q) : adj ? m + y : m;
      }
      default: {
        if (y < 0n) return pyFloatPow(intToFloat(x), intToFloat(y));
        if (x === 0n || x === 1n || x === -1n) return x === -1n ? (y % 2n === 0n ? 1n : -1n) : y === 0n ? 1n : x;
        if (BigInt(bitLength(x)) * y > BigInt(LIMITS.maxIntBits))
          throw new TfsmError("OverflowError", `integer result too large (tfsm limit: ${LIMITS.maxIntBits} bits)`);
        return x ** y;
      }
    }
  }
  if (x instanceof PyComplex || y instanceof PyComplex) {
    const toC = (v: bigint | number | PyComplex): [number, number] =>
      v instanceof PyComplex ? [v.re, v.im] : [typeof v === "bigint" ? intToFloat(v) : v, 0];
    const [ar, ai] = toC(x);
    const [br, bi] = toC(y);
    switch (op) {
      case "+":
        return new PyComplex(ar + br, ai + bi);
      case "-":
        return new PyComplex(ar - br, ai - bi);
      case "*":
        return new PyComplex(ar * br - ai * bi, ar * bi + ai * br);
      case "/": {
        const [re, im] = pyComplexDiv(ar, ai, br, bi);
        return new PyComplex(re, im);
      }
      case "**": {
        if (ar === 0 && ai === 0 && (bi !== 0 || br < 0)) throw zeroDiv("0.0 to a negative or complex power");
        if (bi === 0 && Number.isInteger(br) && Math.abs(br) <= 100) {
          const [rr, ri] = complexPow(ar, ai, Math.abs(br), 0);
          if (br >= 0) return new PyComplex(rr, ri);
          const [qr, qi] = pyComplexDiv(1, 0, rr, ri);
          return new PyComplex(qr, qi);
        }
        const [re, im] = complexPow(ar, ai, br, bi);
        return new PyComplex(re, im);
      }
      default:
        throw unsupportedOperands(op, a, b);
    }
  }
  const p = typeof x === "bigint" ? intToFloat(x) : (x as number);
  const q = typeof y === "bigint" ? intToFloat(y) : (y as number);
  switch (op) {
    case "+":
      return p + q;
    case "-":
      return p - q;
    case "*":
      return p * q;
    case "/":
      if (q === 0) throw zeroDiv("float division by zero");
      return p / q;
    case "//":
      if (q === 0) throw zeroDiv("float floor division by zero");
      return floatDivmod(p, q)[0];
    case "%":
      if (q === 0) throw zeroDiv("float modulo");
      return floatDivmod(p, q)[1];
    default:
      return pyFloatPow(p, q);
  }
}

function pyUnary(op: "+" | "-" | "~", v: PyValue): PyValue {
  if (isNumpy(v)) return numpyUnary(op, v);
  if (typeof v === "boolean") v = v ? 1n : 0n;
  if (typeof v === "bigint") return op === "-" ? -v : op === "~" ? -v - 1n : v;
  if (typeof v === "number" && op !== "~") return op === "-" ? -v : v;
  if (v instanceof PyComplex && op !== "~") return op === "-" ? new PyComplex(-v.re, -v.im) : v;
  if (v instanceof PyList || v instanceof PyTuple) return numpyUnaryOnList(op, v);
  throw new TfsmError("TypeError", `bad operand type for unary ${op}: '${pyTypeName(v)}'`);
}

function numpyUnaryOnList(op: "+" | "-" | "~", v: PyList | PyTuple): PyValue {
  throw new TfsmError("TypeError", `bad operand type for unary ${op}: '${pyTypeName(v)}'`);
}

// ---------------------------------------------------------------------------
// Python subscripts

function pySubscript(v: PyValue, index: PyValue): PyValue {
  if (isNumpy(v)) {
    const a = arrayOf(v);
    if (v instanceof NpScalar) {
      if (index instanceof PyTuple && index.items.length === 0) return v;
      if (index === PY_ELLIPSIS) return a;
      throw new TfsmError("IndexError", "invalid index to scalar variable.");
    }
    return indexArray(a, index);
  }
  if (v instanceof PyDict) {
    const r = v.get(index);
    if (r === undefined) throw new TfsmError("KeyError", safeRepr(index));
    return r;
  }
  if (v instanceof PyList || v instanceof PyTuple || typeof v === "string" || v instanceof Uint8Array) {
    const len = typeof v === "string" || v instanceof Uint8Array ? v.length : v.items.length;
    const what = v instanceof PyList ? "list" : v instanceof PyTuple ? "tuple" : typeof v === "string" ? "string" : "index";
    if (index instanceof PySlice) {
      const [start, stop, step] = sliceIndices(index, len);
      const n = sliceLength(start, stop, step);
      const pick: number[] = [];
      for (let k = 0; k < n; k++) pick.push(start + k * step);
      if (typeof v === "string") return pick.map((i) => v[i]).join("");
      if (v instanceof Uint8Array) return Uint8Array.from(pick, (i) => v[i]);
      const items = pick.map((i) => v.items[i]);
      return v instanceof PyList ? new PyList(items) : new PyTuple(items);
    }
    let i: bigint;
    try {
      i = pyIndex(index);
    } catch {
      throw new TfsmError("TypeError", `${what === "index" ? "byte" : what} indices must be integers or slices, not ${pyTypeName(index)}`);
    }
    const j = i < 0n ? i + BigInt(len) : i;
    if (j < 0n || j >= BigInt(len)) throw new TfsmError("IndexError", `${what} index out of range`);
    const k = Number(j);
    if (typeof v === "string") return v[k];
    if (v instanceof Uint8Array) return BigInt(v[k]);
    return v.items[k];
  }
  throw new TfsmError("TypeError", `'${pyTypeName(v)}' object is not subscriptable`);
}

// ---------------------------------------------------------------------------
// the numpy namespace

function fn(name: string, call: (args: PyValue[], kwargs: Map<string, PyValue>) => PyValue): () => PyValue {
  const c = new PyCallable(name, call);
  return () => c;
}

function fullArray(shape: number[], fill: PyValue, d?: NpDTypeObj, zeroFill = false): NdArray {
  if (zeroFill && d && (d.dtype === "str" || d.dtype === "bytes")) return zeros(d.dtype, shape);
  const f = toArray(fill, d);
  return copyArray(broadcastTo(f, shape));
}

function likeArgs(v: PyValue): NdArray {
  return isNumpy(v) ? arrayOf(v) : toArray(v);
}

/** numpy's `arange`, including its length rule (ceil((stop-start)/step) on Python numbers) and `fill`. */
function arange(args: PyValue[], kwargs: Map<string, PyValue>): NdArray {
  const [a0, a1, a2, dt] = bind("arange", args, kwargs, [
    ["start", REQUIRED],
    ["stop", null],
    ["step", null],
    ["dtype", null],
  ]);
  let start = a0;
  let stop = a1;
  if (stop === null) {
    stop = start;
    start = 0n;
  }
  const step = a2 === null ? 1n : a2;
  const nums = [start, stop, step].map((v) => (v instanceof NpScalar ? elementToPy(v.array, 0) : v));
  for (const v of nums)
    if (!(typeof v === "bigint" || typeof v === "number" || typeof v === "boolean"))
      throw new TfsmError("TypeError", `unsupported type for arange: '${pyTypeName(v)}'`);
  const stepIsZero = nums[2] === 0n || nums[2] === 0 || nums[2] === false;
  if (stepIsZero) throw zeroDiv("division by zero");
  const val = pyBinary("/", pyBinary("-", nums[1], nums[0]), nums[2]) as number;
  if (Number.isNaN(val)) throw new TfsmError("ValueError", "arange: cannot compute length");
  if (!Number.isFinite(val)) throw new TfsmError("ValueError", "Maximum allowed size exceeded");
  const len = Math.max(0, Math.ceil(val));
  let dtype: NpDType;
  const d = dtypeArg(dt);
  if (d) dtype = d.dtype;
  else {
    const strong = [start, stop, step].filter((v) => v instanceof NpScalar).map((v) => (v as NpScalar).dtype);
    const weak = nums.some((v) => typeof v === "number") ? "float64" : "int64";
    dtype = strong.length ? strong.reduce(promoteTypes) : weak;
    if (strong.length && weak === "float64" && isIntegerDType(dtype)) dtype = "float64";
  }
  checkElements([len]);
  const out = zeros(dtype, [len]);
  if (len === 0) return out;
  const first = asArray(nums[0], { dtype });
  const second = asArray(pyBinary("+", nums[0], nums[2]), { dtype });
  const k = kindOf(dtype);
  if (k === "c" || k === "U" || k === "S") throw new TfsmError("TypeError", `arange() does not support dtype ${dtype}`);
  if (k === "b") {
    if (len > 2) throw new TfsmError("TypeError", "arange() is only supported for booleans when the result has at most length 2.");
    (out.data as Uint8Array)[0] = (first.data as Uint8Array)[0];
    if (len === 2) (out.data as Uint8Array)[1] = (second.data as Uint8Array)[0];
    return out;
  }
  if (k === "i" || k === "u") {
    const s0 = BigInt(elementToPy(first, 0) as bigint);
    const s1 = BigInt(elementToPy(second, 0) as bigint);
    const delta = s1 - s0;
    const bits = intBits(dtype);
    const unsigned = k === "u";
    for (let i = 0; i < len; i++) {
      const v = i === 0 ? s0 : i === 1 ? s1 : s0 + BigInt(i) * delta;
      const w = unsigned ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
      if (bits === 64) (out.data as BigInt64Array)[i] = w as never;
      else (out.data as Int32Array)[i] = Number(w);
    }
    return out;
  }
  const f0 = elementToPy(first, 0) as number;
  const f1 = elementToPy(second, 0) as number;
  const r = dtype === "float64" ? (x: number) => x : Math.fround;
  const delta = r(f1 - f0);
  const vals = new Float64Array(len);
  vals[0] = f0;
  if (len > 1) vals[1] = f1;
  for (let i = 2; i < len; i++) vals[i] = r(f0 + r(r(i) * delta));
  return castArray({ dtype: "float64", shape: [len], data: vals }, dtype);
}

function linspace(args: PyValue[], kwargs: Map<string, PyValue>): PyValue {
  const [start, stop, numV, endpointV, retstepV, dt, axisV] = bind("linspace", args, kwargs, [
    ["start", REQUIRED],
    ["stop", REQUIRED],
    ["num", 50n],
    ["endpoint", true],
    ["retstep", false],
    ["dtype", null],
    ["axis", 0n],
  ]);
  const num = smallInt(numV);
  if (num < 0) throw new TfsmError("ValueError", `Number of samples, ${num}, must be non-negative.`);
  checkElements([num]);
  if (smallInt(axisV) !== 0) throw new TfsmError("ValueError", "linspace: only axis=0 is supported by tfsm");
  const endpoint = pyTruthy(endpointV);
  const div = endpoint ? num - 1 : num;
  const s = toArray(start);
  const e = toArray(stop);
  if (s.shape.length || e.shape.length) throw new TfsmError("ValueError", "linspace: array-valued start/stop are not supported by tfsm");
  const strong = [start, stop].filter(isNumpy).map((v) => arrayOf(v).dtype);
  let dt0: NpDType = strong.length ? strong.reduce(promoteTypes) : "float64";
  if (strong.length && [start, stop].some((v) => !isNumpy(v) && (typeof v === "number" || v instanceof PyComplex)) && kindOf(dt0) !== "f" && kindOf(dt0) !== "c")
    dt0 = "float64";
  if (kindOf(dt0) !== "f" && kindOf(dt0) !== "c") dt0 = "float64";
  if (kindOf(dt0) === "c") throw new TfsmError("ValueError", "linspace: complex endpoints are not supported by tfsm");
  const r = dt0 === "float64" ? (x: number) => x : Math.fround;
  const sv = r(elementToPy(castArray(s, dt0), 0) as number);
  const ev = r(elementToPy(castArray(e, dt0), 0) as number);
  const delta = r(ev - sv);
  const y = new Float64Array(num);
  for (let i = 0; i < num; i++) y[i] = i;
  let step: number;
  if (div > 0) {
    step = r(delta / div);
    if (step === 0) for (let i = 0; i < num; i++) y[i] = r(r(y[i] / div) * delta);
    else for (let i = 0; i < num; i++) y[i] = r(y[i] * step);
  } else {
    step = NaN;
    for (let i = 0; i < num; i++) y[i] = r(y[i] * delta);
  }
  for (let i = 0; i < num; i++) y[i] = r(y[i] + sv);
  if (endpoint && num > 1) y[num - 1] = ev;
  const d = dtypeArg(dt);
  if (d && isIntegerDType(d.dtype)) for (let i = 0; i < num; i++) y[i] = Math.floor(y[i]);
  let out: NdArray = castArray({ dtype: "float64", shape: [num], data: y }, dt0);
  if (d) out = castArray(out, target(d));
  if (pyTruthy(retstepV)) return new PyTuple([out, new NpScalar(castArray({ dtype: "float64", shape: [], data: new Float64Array([step]) }, dt0))]);
  return out;
}

function eye(args: PyValue[], kwargs: Map<string, PyValue>, name = "eye"): NdArray {
  const [nV, mV, kV, dt] = bind(name, args, kwargs, [
    ["N", REQUIRED],
    ["M", null],
    ["k", 0n],
    ["dtype", new NpDTypeObj("float64")],
  ]);
  const n = smallInt(nV);
  const m = mV === null ? n : smallInt(mV);
  const k = smallInt(kV);
  if (n < 0 || m < 0) throw new TfsmError("ValueError", "negative dimensions are not allowed");
  checkElements([n, m]);
  const out = new Uint8Array(n * m);
  for (let i = 0; i < n; i++) if (i + k >= 0 && i + k < m) out[i * m + i + k] = 1;
  return castArray({ dtype: "bool", shape: [n, m], data: out }, target(dtypeArg(dt) ?? new NpDTypeObj("float64")));
}

function arraysArg(v: PyValue): NdArray[] {
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map((x) => likeArgs(x));
  if (isNdArray(v)) {
    if (v.shape.length === 0) throw new TfsmError("ValueError", "need at least one array to concatenate");
    return Array.from({ length: v.shape[0] }, (_, i) => indexArray(v, BigInt(i)) as NdArray).map((x) => (x instanceof NpScalar ? x.array : x));
  }
  throw new TfsmError("TypeError", `expected a sequence of arrays, got '${pyTypeName(v)}'`);
}

/** `size` arguments of np.random: None → scalar draw. */
function sizeArg(v: PyValue): number[] | null {
  return v === null ? null : shapeArg(v);
}

function realArg(v: PyValue, name: string): number {
  const x = v instanceof NpScalar ? elementToPy(v.array, 0) : v;
  if (typeof x === "number") return x;
  if (typeof x === "bigint") return intToFloat(x);
  if (typeof x === "boolean") return x ? 1 : 0;
  if (typeof x === "string") return parsePyFloat(x);
  throw new TfsmError("TypeError", `${name} must be a real number (array-valued parameters are not supported by tfsm)`);
}

function drawFloats(shape: number[] | null, draw: () => number): PyValue {
  if (shape === null) return draw();
  const n = sizeOf(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = draw();
  return { dtype: "float64", shape, data } as NdArray;
}

function randint(rng: RandomState, args: PyValue[], kwargs: Map<string, PyValue>): PyValue {
  const [lowV, highV, sizeV, dtV] = bind("randint", args, kwargs, [
    ["low", REQUIRED],
    ["high", null],
    ["size", null],
    ["dtype", null],
  ]);
  let low = lowV;
  let high = highV;
  if (high === null) {
    high = low;
    low = 0n;
  }
  const dtObj = dtV === null ? null : dtypeArg(dtV)!;
  const pyIntDefault = dtV === null || (dtV instanceof PyCallable && dtV.name === "int");
  const pyBoolDefault = dtV instanceof PyCallable && dtV.name === "bool";
  const dtype: NpDType = dtObj ? dtObj.dtype : "int64";
  if (!(dtype === "bool" || isIntegerDType(dtype))) throw new TfsmError("TypeError", `Unsupported dtype ${JSON.stringify(dtype)} for randint`);
  const toInt = (v: PyValue, which: string): bigint => {
    const x = v instanceof NpScalar ? elementToPy(v.array, 0) : v;
    if (typeof x === "bigint") return x;
    if (typeof x === "boolean") return x ? 1n : 0n;
    if (typeof x === "number") return floatToPyInt(x);
    throw new TfsmError("TypeError", `${which} must be an integer (array-valued bounds are not supported by tfsm)`);
  };
  const lo = toInt(low, "low");
  const hi = toInt(high, "high") - 1n;
  const [lb, hb] = dtype === "bool" ? [0n, 1n] : intRange(dtype);
  const name = dtype;
  if (lo < lb) throw new TfsmError("ValueError", `low is out of bounds for ${name}`);
  if (hi > hb) throw new TfsmError("ValueError", `high is out of bounds for ${name}`);
  if (lo > hi) throw new TfsmError("ValueError", "low >= high");
  const bits = dtype === "bool" ? 1 : (intBits(dtype) as 8 | 16 | 32 | 64);
  const rngWidth = bits === 1 ? 8 : bits;
  const rngU = BigInt.asUintN(rngWidth, hi - lo);
  const off = BigInt.asUintN(rngWidth, lo);
  const shape = sizeArg(sizeV);
  const n = shape === null ? 1 : sizeOf(shape);
  const vals = rng.boundedFill(bits, off, rngU, n);
  const out = zeros(dtype, shape ?? []);
  for (let i = 0; i < n; i++) {
    const v = dtype === "bool" || kindOf(dtype) === "u" ? vals[i] : BigInt.asIntN(rngWidth, vals[i]);
    if (intBits(dtype) === 64 && dtype !== "bool") (out.data as BigInt64Array)[i] = v as never;
    else (out.data as Int32Array)[i] = Number(v);
  }
  if (shape === null) {
    if (pyIntDefault) return elementToPy(out, 0);
    if (pyBoolDefault) return elementToPy(out, 0);
    return new NpScalar(out);
  }
  return out;
}

function makeRandom(rng: RandomState): PyModule {
  const dims = (name: string) => (args: PyValue[], kwargs: Map<string, PyValue>) => {
    noKwargs(name, kwargs);
    return args.length === 0 ? null : shapeArg(new PyTuple(args));
  };
  const m = new Map<string, () => PyValue>([
    ["seed", fn("numpy.random.seed", (args, kw) => {
      const [s] = bind("seed", args, kw, [["seed", null]]);
      if (s === null) rng.seed();
      else if (s instanceof PyList || s instanceof PyTuple || isNdArray(s)) {
        const arr = toArray(s);
        if (!isIntegerDType(arr.dtype) && arr.dtype !== "bool")
          throw new TfsmError("TypeError", `Cannot cast array data from dtype('${arr.dtype}') to dtype('int64') according to the rule 'safe'`);
        if (arr.shape.length !== 1) throw new TfsmError("ValueError", sizeOf(arr.shape) === 0 ? "Seed must be non-empty" : "Seed array must be 1-d");
        rng.seed(Array.from({ length: sizeOf(arr.shape) }, (_, i) => pyIndex(elementToPy(arr, i))));
      } else {
        const x = s instanceof NpScalar ? elementToPy(s.array, 0) : s;
        if (typeof x === "number")
          throw new TfsmError("TypeError", "Cannot cast scalar from dtype('float64') to dtype('int64') according to the rule 'safe'");
        rng.seed(pyIndex(x));
      }
      return null;
    })],
    ["rand", fn("numpy.random.rand", (args, kw) => drawFloats(dims("rand")(args, kw), () => rng.nextDouble()))],
    ["randn", fn("numpy.random.randn", (args, kw) => drawFloats(dims("randn")(args, kw), () => rng.gaussian()))],
    ...(["random_sample", "random", "sample", "ranf"] as const).map(
      (name) =>
        [name, fn(`numpy.random.${name}`, (args, kw) => {
          const [size] = bind(name, args, kw, [["size", null]]);
          return drawFloats(sizeArg(size), () => rng.nextDouble());
        })] as [string, () => PyValue],
    ),
    ["standard_normal", fn("numpy.random.standard_normal", (args, kw) => {
      const [size] = bind("standard_normal", args, kw, [["size", null]]);
      return drawFloats(sizeArg(size), () => rng.gaussian());
    })],
    ["normal", fn("numpy.random.normal", (args, kw) => {
      const [locV, scaleV, size] = bind("normal", args, kw, [["loc", 0], ["scale", 1], ["size", null]]);
      const loc = realArg(locV, "loc");
      const scale = realArg(scaleV, "scale");
      if (scale < 0) throw new TfsmError("ValueError", "scale < 0");
      return drawFloats(sizeArg(size), () => loc + scale * rng.gaussian());
    })],
    ["uniform", fn("numpy.random.uniform", (args, kw) => {
      const [lowV, highV, size] = bind("uniform", args, kw, [["low", 0], ["high", 1], ["size", null]]);
      const low = realArg(lowV, "low");
      const high = realArg(highV, "high");
      const range = high - low;
      if (!Number.isFinite(range)) throw new TfsmError("OverflowError", "Range exceeds valid bounds");
      return drawFloats(sizeArg(size), () => low + range * rng.nextDouble());
    })],
    ["randint", fn("numpy.random.randint", (args, kw) => randint(rng, args, kw))],
  ]);
  return new PyModule("numpy.random", m);
}

/** Scalar type objects (np.float32, np.int64 …): a dtype and a constructor. */
function scalarType(qualname: string, d: NpDTypeObj): () => PyValue {
  const c = new PyCallable(
    qualname,
    (args, kwargs) => {
      noKwargs(qualname, kwargs);
      if (args.length > 1) throw new TfsmError("TypeError", `${qualname}() takes at most 1 argument (${args.length} given)`);
      const v = args.length ? args[0] : 0n;
      if (v instanceof PyList || v instanceof PyTuple || isNdArray(v)) return toArray(v, d);
      return new NpScalar(toArray(v, d));
    },
    d,
  );
  return () => c;
}

const SCALAR_TYPES: [string, NpDType][] = [
  ["bool_", "bool"], ["bool", "bool"],
  ["int8", "int8"], ["byte", "int8"], ["uint8", "uint8"], ["ubyte", "uint8"],
  ["int16", "int16"], ["short", "int16"], ["uint16", "uint16"], ["ushort", "uint16"],
  ["int32", "int32"], ["intc", "int32"], ["uint32", "uint32"], ["uintc", "uint32"],
  ["int64", "int64"], ["int_", "int64"], ["intp", "int64"], ["long", "int64"], ["longlong", "int64"],
  ["uint64", "uint64"], ["uint", "uint64"], ["uintp", "uint64"], ["ulong", "uint64"], ["ulonglong", "uint64"],
  ["float16", "float16"], ["half", "float16"], ["float32", "float32"], ["single", "float32"],
  ["float64", "float64"], ["double", "float64"],
  ["complex64", "complex64"], ["csingle", "complex64"], ["complex128", "complex128"], ["cdouble", "complex128"],
  ["str_", "str"], ["bytes_", "bytes"],
];

const CANONICAL: Partial<Record<NpDType, string>> = { bool: "bool", str: "str_", bytes: "bytes_" };

function makeNumpy(rng: RandomState): PyModule {
  const random = makeRandom(rng);
  const m = new Map<string, () => PyValue>();
  for (const [name, d] of SCALAR_TYPES) m.set(name, scalarType(`numpy.${CANONICAL[d] ?? d}`, new NpDTypeObj(d)));
  const constant = (v: PyValue) => () => v;
  m.set("pi", constant(Math.PI));
  m.set("e", constant(Math.E));
  m.set("nan", constant(NaN));
  m.set("inf", constant(Infinity));
  m.set("newaxis", constant(null));
  m.set("random", () => random);
  m.set("dtype", fn("numpy.dtype", (args, kw) => {
    const [d] = bind("dtype", args, kw, [["dtype", REQUIRED]]);
    return dtypeArg(d) ?? new NpDTypeObj("float64");
  }));
  const arrayFn = (name: string, copy: boolean) =>
    fn(`numpy.${name}`, (args, kw) => {
      const [obj, dt, , , ndminV] = bind(name, args, kw, copy
        ? [["object", REQUIRED], ["dtype", null], ["copy", true], ["order", null], ["ndmin", 0n]]
        : [["a", REQUIRED], ["dtype", null], ["order", null], ["copy", null], ["ndmin", 0n]]);
      if (!copy && ndminV !== 0n) throw new TfsmError("TypeError", "asarray() got an unexpected keyword argument 'ndmin'");
      let a = toArray(obj, dtypeArg(dt));
      const ndmin = smallInt(ndminV);
      if (a.shape.length < ndmin) a = reshape(a, [...Array(ndmin - a.shape.length).fill(1), ...a.shape]);
      return a;
    });
  m.set("array", arrayFn("array", true));
  m.set("asarray", arrayFn("asarray", false));
  const filled = (name: string, value: PyValue | null) =>
    fn(`numpy.${name}`, (args, kw) => {
      if (value === null) {
        const [shape, fill, dt] = bind(name, args, kw, [["shape", REQUIRED], ["fill_value", REQUIRED], ["dtype", null], ["order", null]]);
        return fullArray(shapeArg(shape), fill, dtypeArg(dt));
      }
      const [shape, dt] = bind(name, args, kw, [["shape", REQUIRED], ["dtype", new NpDTypeObj("float64")], ["order", null]]);
      return fullArray(shapeArg(shape), value, dtypeArg(dt) ?? new NpDTypeObj("float64"), value === 0n);
    });
  m.set("zeros", filled("zeros", 0n));
  m.set("empty", filled("empty", 0n));
  m.set("ones", filled("ones", 1n));
  m.set("full", filled("full", null));
  const like = (name: string, value: PyValue | null) =>
    fn(`numpy.${name}`, (args, kw) => {
      let a: PyValue;
      let fill: PyValue = value;
      let dt: PyValue;
      if (value === null) [a, fill, dt] = bind(name, args, kw, [["a", REQUIRED], ["fill_value", REQUIRED], ["dtype", null], ["order", null], ["subok", true], ["shape", null]]);
      else [a, dt] = bind(name, args, kw, [["a", REQUIRED], ["dtype", null], ["order", null], ["subok", true], ["shape", null]]);
      const src = likeArgs(a);
      const d = dtypeArg(dt) ?? new NpDTypeObj(src.dtype);
      return fullArray([...src.shape], fill, d, value === 0n);
    });
  m.set("zeros_like", like("zeros_like", 0n));
  m.set("empty_like", like("empty_like", 0n));
  m.set("ones_like", like("ones_like", 1n));
  m.set("full_like", like("full_like", null));
  m.set("arange", fn("numpy.arange", arange));
  m.set("linspace", fn("numpy.linspace", linspace));
  m.set("eye", fn("numpy.eye", (a, k) => eye(a, k)));
  m.set("identity", fn("numpy.identity", (args, kw) => {
    const [n, dt] = bind("identity", args, kw, [["n", REQUIRED], ["dtype", null]]);
    return eye([n], new Map([["dtype", dt ?? new NpDTypeObj("float64")]]), "identity");
  }));
  m.set("reshape", fn("numpy.reshape", (args, kw) => {
    if (kw.has("newshape") && !kw.has("shape")) {
      kw = new Map(kw);
      kw.set("shape", kw.get("newshape")!);
      kw.delete("newshape");
    }
    const [a, shape] = bind("reshape", args, kw, [["a", REQUIRED], ["shape", REQUIRED], ["order", null]]);
    return reshape(likeArgs(a), shapeArgSigned(shape));
  }));
  m.set("transpose", fn("numpy.transpose", (args, kw) => {
    const [a, axes] = bind("transpose", args, kw, [["a", REQUIRED], ["axes", null]]);
    return transpose(likeArgs(a), axes === null ? undefined : axesArg(axes));
  }));
  m.set("concatenate", fn("numpy.concatenate", (args, kw) => {
    const [arrs, axis, , dt] = bind("concatenate", args, kw, [["arrays", REQUIRED], ["axis", 0n], ["out", null], ["dtype", null], ["casting", null]]);
    return concatenate(arraysArg(arrs), axis === null ? null : smallInt(axis), dtypeArg(dt)?.dtype);
  }));
  m.set("stack", fn("numpy.stack", (args, kw) => {
    const [arrs, axis, , dt] = bind("stack", args, kw, [["arrays", REQUIRED], ["axis", 0n], ["out", null], ["dtype", null], ["casting", null]]);
    const list = arraysArg(arrs);
    if (list.length === 0) throw new TfsmError("ValueError", "need at least one array to stack");
    const shape0 = list[0].shape.join(",");
    if (list.some((x) => x.shape.join(",") !== shape0)) throw new TfsmError("ValueError", "all input arrays must have the same shape");
    const ax = smallInt(axis);
    const nd = list[0].shape.length + 1;
    if (ax < -nd || ax >= nd) throw new TfsmError("ValueError", `axis ${ax} is out of bounds for array of dimension ${nd}`);
    return concatenate(list.map((x) => expandDims(x, [ax])), ax, dtypeArg(dt)?.dtype);
  }));
  m.set("expand_dims", fn("numpy.expand_dims", (args, kw) => {
    const [a, axis] = bind("expand_dims", args, kw, [["a", REQUIRED], ["axis", REQUIRED]]);
    return expandDims(likeArgs(a), axesArg(axis));
  }));
  m.set("squeeze", fn("numpy.squeeze", (args, kw) => {
    const [a, axis] = bind("squeeze", args, kw, [["a", REQUIRED], ["axis", null]]);
    return squeeze(likeArgs(a), axis === null ? undefined : axesArg(axis));
  }));
  return new PyModule("numpy", m);
}

function shapeArgSigned(v: PyValue): number[] {
  if (v instanceof PyTuple || v instanceof PyList) return v.items.map(smallInt);
  return [smallInt(v)];
}

// ---------------------------------------------------------------------------
// builtins usable in expressions (as dtypes and as converters)

function makeBuiltins(): Map<string, PyValue> {
  const b = new Map<string, PyValue>();
  b.set("int", new PyCallable("int", (args, kw) => {
    noKwargs("int", kw);
    const v = args.length ? args[0] : 0n;
    if (args.length > 1) throw new TfsmError("TypeError", "int() with a base is not supported by tfsm");
    if (v instanceof NpScalar) {
      const x = elementToPy(v.array, 0);
      return typeof x === "number" ? floatToPyInt(x) : typeof x === "boolean" ? (x ? 1n : 0n) : pyToInt(x, "int64");
    }
    if (typeof v === "bigint") return v;
    if (typeof v === "boolean") return v ? 1n : 0n;
    if (typeof v === "number") return floatToPyInt(v);
    if (typeof v === "string" || v instanceof Uint8Array) {
      const s = typeof v === "string" ? v : String.fromCharCode(...v);
      const t = s.trim();
      if (!/^[+-]?\d(?:_?\d)*$/.test(t)) throw new TfsmError("ValueError", `invalid literal for int() with base 10: ${pyRepr(v)}`);
      return BigInt(t.replace(/_/g, ""));
    }
    if (isNdArray(v) && sizeOf(v.shape) === 1) return (b.get("int") as PyCallable).call([new NpScalar(reshape(v, []))], kw);
    throw new TfsmError("TypeError", `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`);
  }, new NpDTypeObj("int64")));
  b.set("float", new PyCallable("float", (args, kw) => {
    noKwargs("float", kw);
    const v = args.length ? args[0] : 0;
    if (args.length > 1) throw new TfsmError("TypeError", `float expected at most 1 argument, got ${args.length}`);
    const x = v instanceof NpScalar ? elementToPy(castArray(v.array, kindOf(v.dtype) === "c" ? "complex128" : v.dtype === "str" || v.dtype === "bytes" ? v.dtype : "float64"), 0) : v;
    if (typeof x === "number") return x;
    if (typeof x === "bigint") return intToFloat(x);
    if (typeof x === "boolean") return x ? 1 : 0;
    if (typeof x === "string" || x instanceof Uint8Array) return parsePyFloat(x);
    if (isNdArray(x) && sizeOf(x.shape) === 1) return elementToPy(castArray(x, "float64"), 0);
    throw new TfsmError("TypeError", `float() argument must be a string or a real number, not '${pyTypeName(x)}'`);
  }, new NpDTypeObj("float64")));
  b.set("bool", new PyCallable("bool", (args, kw) => {
    noKwargs("bool", kw);
    return args.length ? pyTruthy(args[0]) : false;
  }, new NpDTypeObj("bool")));
  b.set("complex", new PyCallable("complex", (args, kw) => {
    const [re, im] = bind("complex", args, kw, [["real", 0n], ["imag", 0n]]);
    const part = (v: PyValue): [number, number] => {
      if (v instanceof PyComplex) return [v.re, v.im];
      if (v instanceof NpScalar) {
        const c = elementToPy(castArray(v.array, "complex128"), 0) as PyComplex;
        return [c.re, c.im];
      }
      if (typeof v === "number") return [v, 0];
      if (typeof v === "bigint") return [intToFloat(v), 0];
      if (typeof v === "boolean") return [v ? 1 : 0, 0];
      throw new TfsmError("TypeError", `complex() argument must be a string or a number, not '${pyTypeName(v)}'`);
    };
    if (typeof re === "string") {
      if (args.length > 1 || kw.has("imag")) throw new TfsmError("TypeError", "complex() can't take second arg if first is a string");
      const c = elementToPy(asArray(re, { dtype: "complex128" }), 0) as PyComplex;
      return c;
    }
    const [a, b2] = part(re);
    const [c, d] = part(im);
    return new PyComplex(a - d, b2 + c);
  }, new NpDTypeObj("complex128")));
  b.set("str", new PyCallable("str", (args, kw) => {
    noKwargs("str", kw);
    if (args.length > 1) throw new TfsmError("TypeError", "str() with an encoding is not supported by tfsm");
    return args.length ? pyStr(args[0]) : "";
  }, new NpDTypeObj("str")));
  b.set("bytes", new PyCallable("bytes", (args, kw) => {
    noKwargs("bytes", kw);
    const v = args.length ? args[0] : new Uint8Array(0);
    if (v instanceof Uint8Array) return v;
    if (typeof v === "bigint") {
      if (v < 0n) throw new TfsmError("ValueError", "negative count");
      if (v > BigInt(LIMITS.maxSequence)) throw new TfsmError("OverflowError", "bytes too long");
      return new Uint8Array(Number(v));
    }
    if (v instanceof PyList || v instanceof PyTuple)
      return Uint8Array.from(v.items, (x) => {
        const n = pyIndex(x);
        if (n < 0n || n > 255n) throw new TfsmError("ValueError", "bytes must be in range(0, 256)");
        return Number(n);
      });
    if (typeof v === "string") throw new TfsmError("TypeError", "string argument without an encoding");
    throw new TfsmError("TypeError", `cannot convert '${pyTypeName(v)}' object to bytes`);
  }, new NpDTypeObj("bytes")));
  return b;
}

// ---------------------------------------------------------------------------
// attributes

function arrayAttr(v: NdArray | NpScalar, name: string): PyValue {
  const a = arrayOf(v);
  const method = (mname: string, call: (args: PyValue[], kw: Map<string, PyValue>) => PyValue) =>
    new PyCallable(`numpy.ndarray.${mname}`, call);
  switch (name) {
    case "shape":
      return new PyTuple(a.shape.map((d) => BigInt(d)));
    case "ndim":
      return BigInt(a.shape.length);
    case "size":
      return BigInt(sizeOf(a.shape));
    case "dtype":
      return new NpDTypeObj(a.dtype);
    case "T":
      return wrapIfScalar(v, transpose(a));
    case "real":
    case "imag": {
      if (kindOf(a.dtype) !== "c") return name === "real" ? v : wrapIfScalar(v, zeros(a.dtype, a.shape));
      const n = sizeOf(a.shape);
      const src = a.data as Float64Array;
      const out = zeros(a.dtype === "complex64" ? "float32" : "float64", a.shape);
      for (let i = 0; i < n; i++) (out.data as Float64Array)[i] = src[2 * i + (name === "imag" ? 1 : 0)];
      return wrapIfScalar(v, out);
    }
    case "astype":
      return method("astype", (args, kw) => {
        const [dt] = bind("astype", args, kw, [["dtype", REQUIRED], ["order", null], ["casting", null], ["subok", null], ["copy", null]]);
        return wrapIfScalar(v, castArray(a, target(dtypeArg(dt) ?? new NpDTypeObj("float64"))));
      });
    case "reshape":
      return method("reshape", (args, kw) => {
        noKwargs("reshape", kw, ["order", "shape", "copy"]);
        const shape = kw.has("shape") ? shapeArgSigned(kw.get("shape")!) : args.length === 1 ? shapeArgSigned(args[0]) : args.map(smallInt);
        return reshape(a, shape);
      });
    case "transpose":
      return method("transpose", (args, kw) => {
        noKwargs("transpose", kw);
        if (args.length === 0 || (args.length === 1 && args[0] === null)) return transpose(a);
        return transpose(a, args.length === 1 ? axesArg(args[0]) : args.map(smallInt));
      });
    case "flatten":
    case "ravel":
      return method(name, (args, kw) => {
        bind(name, args, kw, [["order", null]]);
        return reshape(a, [sizeOf(a.shape)]);
      });
    case "copy":
      return method("copy", (args, kw) => {
        bind("copy", args, kw, [["order", null]]);
        return wrapIfScalar(v, copyArray(a));
      });
    case "squeeze":
      return method("squeeze", (args, kw) => {
        const [axis] = bind("squeeze", args, kw, [["axis", null]]);
        return squeeze(a, axis === null ? undefined : axesArg(axis));
      });
    case "tolist":
    case "item":
      return method(name, (args, kw) => {
        noKwargs(name, kw);
        if (name === "item") {
          if (args.length) throw new TfsmError("TypeError", "item() with arguments is not supported by tfsm");
          if (sizeOf(a.shape) !== 1) throw new TfsmError("ValueError", "can only convert an array of size 1 to a Python scalar");
          return elementToPy(a, 0);
        }
        return toList(a);
      });
  }
  throw new TfsmError("AttributeError", `'${pyTypeName(v)}' object has no attribute '${name}'`);
}

function wrapIfScalar(orig: NdArray | NpScalar, a: NdArray): PyValue {
  return orig instanceof NpScalar ? wrapResult(a) : a;
}

function toList(a: NdArray): PyValue {
  if (a.shape.length === 0) return elementToPy(a, 0);
  let i = 0;
  const rec = (d: number): PyValue => {
    if (d === a.shape.length) return elementToPy(a, i++);
    const items: PyValue[] = [];
    for (let k = 0; k < a.shape[d]; k++) items.push(rec(d + 1));
    return new PyList(items);
  };
  return rec(0);
}

function getAttr(v: PyValue, name: string): PyValue {
  if (name.startsWith("_")) throw new TfsmError("AttributeError", `attribute '${name}' is not accessible in tfsm expressions`);
  if (v instanceof PyModule) {
    const m = v.members.get(name);
    if (!m) throw new TfsmError("AttributeError", `module '${v.name}' has no attribute '${name}' (or tfsm does not support it)`);
    return m();
  }
  if (isNumpy(v)) return arrayAttr(v, name);
  if (v instanceof NpDTypeObj) {
    if (name === "name") return v.dtype === "str" ? `str${v.itemChars * 32}` : v.dtype === "bytes" ? `bytes${v.itemChars * 8}` : v.dtype;
    if (name === "kind") return kindOf(v.dtype);
    if (name === "str") return dtypeStr(v);
    if (name === "itemsize") return BigInt(v.dtype === "str" ? 4 * v.itemChars : v.dtype === "bytes" ? v.itemChars : { bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float16: 2, bfloat16: 2, float32: 4, float64: 8, complex64: 8, complex128: 16 }[v.dtype]);
  }
  if (v instanceof PyCallable && v.asDType && name === "dtype") return v.asDType;
  if (v instanceof PyComplex && (name === "real" || name === "imag")) return name === "real" ? v.re : v.im;
  if ((typeof v === "number" || typeof v === "bigint") && (name === "real" || name === "imag"))
    return name === "real" ? v : typeof v === "number" ? 0 : 0n;
  throw new TfsmError("AttributeError", `'${pyTypeName(v)}' object has no attribute '${name}'`);
}

// ---------------------------------------------------------------------------
// the evaluator

const ALLOWED_NAMES_TEXT = "np, numpy, int, float, bool, complex, str, bytes";

export class Evaluator {
  readonly rng: RandomState;
  private readonly names: Map<string, PyValue>;

  constructor(options: EvaluatorOptions = {}) {
    this.rng = options.rng ?? new RandomState(options.seed);
    const np = makeNumpy(this.rng);
    this.names = makeBuiltins();
    this.names.set("np", np);
    this.names.set("numpy", np);
  }

  /**
   * Parses and evaluates one expression. Errors are TfsmErrors:
   * `SyntaxError: Expression "<e>" is not a valid python expression: <why> at column N`, or
   * `<Class>: Expression "<e>" failed at column N: <why>` for evaluation errors.
   */
  evaluate(expr: string): PyValue {
    let node: Node;
    try {
      node = parseExpression(expr);
    } catch (e) {
      if (e instanceof ParseError)
        throw new TfsmError("SyntaxError", `Expression "${expr}" is not a valid python expression: ${e.reason} at column ${e.pos + 1}`, { cause: e });
      throw e;
    }
    try {
      return this.evalNode(node, expr);
    } catch (e) {
      if (e instanceof LocatedError) throw e;
      if (e instanceof TfsmError) throw e;
      // RangeError (stack, BigInt or array size) or anything unexpected: still a typed, one-line error
      const msg = e instanceof Error ? e.message : String(e);
      throw new TfsmError("RuntimeError", `Expression "${expr}" could not be evaluated: ${msg}`, { cause: e });
    }
  }

  private located(e: unknown, expr: string, pos: number): unknown {
    if (e instanceof LocatedError) return e;
    if (e instanceof TfsmError)
      return new LocatedError(e.pyClass as PyErrorClass, `Expression "${expr}" failed at column ${pos + 1}: ${e.message}`, { cause: e });
    if (e instanceof RangeError || e instanceof TypeError)
      return new LocatedError("RuntimeError", `Expression "${expr}" failed at column ${pos + 1}: ${e.message}`, { cause: e });
    return e;
  }

  evalNode(node: Node, expr: string): PyValue {
    try {
      return this.evalInner(node, expr);
    } catch (e) {
      throw this.located(e, expr, node.pos);
    }
  }

  private evalInner(node: Node, expr: string): PyValue {
    const ev = (n: Node) => this.evalNode(n, expr);
    switch (node.type) {
      case "Int":
      case "Float":
      case "Imag":
      case "Str":
      case "Bytes":
      case "Const":
        return constantValue(node) as PyValue; // these cases are exactly the constants
      case "Name": {
        const v = this.names.get(node.id);
        if (v === undefined)
          throw new TfsmError("RuntimeError", `name '${node.id}' is not defined (only ${ALLOWED_NAMES_TEXT} are available)`);
        return v;
      }
      case "List":
        return new PyList(node.elts.map(ev));
      case "Tuple":
        return new PyTuple(node.elts.map(ev));
      case "Set": {
        const s = new PySet();
        for (const e of node.elts) s.add(ev(e));
        return s;
      }
      case "Dict": {
        const d = new PyDict();
        node.keys.forEach((k, i) => {
          const key = ev(k);
          hashKey(key);
          d.set(key, ev(node.values[i]));
        });
        return d;
      }
      case "Unary":
        return pyUnary(node.op, ev(node.operand));
      case "Bin":
        return pyBinary(node.op, ev(node.left), ev(node.right));
      case "Attr":
        return getAttr(ev(node.value), node.attr);
      case "Call": {
        const f = ev(node.func);
        const args = node.args.map(ev);
        const kwargs = new Map<string, PyValue>();
        for (const k of node.kwargs) kwargs.set(k.name, ev(k.value));
        if (!(f instanceof PyCallable)) throw new TfsmError("TypeError", `'${pyTypeName(f)}' object is not callable`);
        return f.call(args, kwargs);
      }
      case "Subscript":
        return pySubscript(ev(node.value), ev(node.index));
      case "Slice":
        return new PySlice(node.lower ? ev(node.lower) : null, node.upper ? ev(node.upper) : null, node.step ? ev(node.step) : null);
    }
  }
}
