/**
 * Shape and layout ops: reshape, slicing, concatenation, gathering, padding, …
 *
 * These ops move data without arithmetic, so each has one host
 * implementation over NdArray storage that works for every dtype (int64 as
 * BigInt, half as raw bits, strings as byte arrays, resource/variant handles
 * as object arrays) by copying elements and runs of elements. When a
 * float32/int32 input already lives on the compute backend the op runs
 * there instead, so float chains in CNNs never leave the backend; tiny host
 * tensors (shapes, axes, sizes) stay on the host, where they are cheapest.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor, computeDtype } from "../tensor.js";
import { tf, type TfTensor } from "../backend.js";
import { DataType, cppDtypeName, npDtypeOf } from "../../dtypes.js";
import { lanes as npLanes, sizeOf, type NdArray, type NpDType } from "../../ndarray.js";
import { halfToNumber, numberToHalf, bfloat16ToNumber, numberToBfloat16 } from "../../half.js";
import { broadcastIndex } from "./elementwise.js";
import { stridesOf } from "./nn.js";
import { resourceHandle } from "./resource.js";
import { Variable } from "../resources.js";

const DT = DataType;

// ---------------------------------------------------------------------------
// Small helpers

const where = (ctx: KernelContext) => ctx.graph.where(ctx.node);

/** TensorShape::DebugString: `[2,3]`, `[]` for scalars. */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function prod(shape: readonly number[], from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i];
  return n;
}

/** TF's SliceDebugString: the coordinates of flat index `i` in `shape`, `[1,2]` (empty for scalars). */
function sliceStr(shape: readonly number[], i: number): string {
  if (shape.length === 0) return "";
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return `[${c.join(",")}]`;
}

/**
 * A number as TF's StrCat prints it in messages: integers plainly, floats
 * with up to 6 significant digits (%g), widened to 9 when 6 do not round-trip.
 */
function fmt(v: number | bigint): string {
  if (typeof v === "bigint" || Number.isInteger(v)) return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const g = (p: number) => {
    const [m, e] = v.toExponential(p - 1).split("e");
    const exp = Number(e);
    if (exp < -4 || exp >= p) {
      const mant = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
      return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    }
    const s = v.toFixed(Math.max(0, p - 1 - exp));
    return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  };
  const six = g(6);
  return Math.fround(Number(six)) === Math.fround(v) ? six : g(9);
}

/** An input's values as integers (shapes, axes, sizes), naming the node on failure. */
function ints(ctx: KernelContext, i: number): number[] {
  return ctx.inputs[i].numbers();
}

function scalarInt(ctx: KernelContext, i: number, what: string): number {
  const t = ctx.inputs[i];
  if (t.size !== 1) throw ctx.error("InvalidArgumentError", `${what} must be a scalar, got shape ${shapeStr(t.shape)}`);
  return t.numbers()[0];
}

/** Index values of an integer tensor as JS numbers (int64 beyond 2^53 become inexact but stay out of range). */
function indexData(t: Tensor): ArrayLike<number> {
  const d = t.host().data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
    return out;
  }
  return d as ArrayLike<number>;
}

/** The exact text of element `i` of an integer tensor (for messages). */
function indexText(t: Tensor, i: number): string {
  return String((t.host().data as ArrayLike<number | bigint>)[i]);
}

/** A 1-D integer tensor of dtype `dtype` (int32 or int64) from numbers. */
function intVector(dtype: number, values: readonly number[], shape: readonly number[] = [values.length]): Tensor {
  if (dtype === DT.DT_INT64) {
    const d = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) d[i] = BigInt(values[i]);
    return Tensor.fromHost(dtype, { dtype: "int64", shape: [...shape], data: d });
  }
  if (dtype === DT.DT_INT32) return Tensor.fromHost(dtype, { dtype: "int32", shape: [...shape], data: Int32Array.from(values) });
  return Tensor.fromValues(dtype, shape, values);
}

// ---------------------------------------------------------------------------
// Dtype-generic host storage

/* eslint-disable @typescript-eslint/no-explicit-any */
/** Typed array (numbers/bigints, `lanes` per element), Uint8Array[] (strings) or object array (handles). */
type Store = any;

interface Buf {
  readonly dtype: number;
  readonly data: Store;
  /** Storage slots per element (2 for complex). */
  readonly lanes: number;
  /** Typed-array storage (supports `set`/`subarray`/`fill`). */
  readonly typed: boolean;
  /** Object storage (DT_RESOURCE / DT_VARIANT handles). */
  readonly objects: boolean;
}

const EMPTY_BYTES = new Uint8Array(0);

function bufOf(t: Tensor): Buf {
  if (t.objects) return { dtype: t.dtype, data: t.objects, lanes: 1, typed: false, objects: true };
  const nd = t.host();
  const typed = nd.dtype !== "bytes" && nd.dtype !== "str";
  return { dtype: t.dtype, data: nd.data, lanes: npLanes(nd.dtype), typed, objects: false };
}

/** Fresh storage for `n` elements like `b` (zeros, empty strings, null handles). */
function alloc(b: Buf, n: number): Store {
  if (b.typed) return new (b.data.constructor as new (n: number) => Store)(n * b.lanes);
  return new Array(n).fill(b.objects ? null : EMPTY_BYTES);
}

function clone(b: Buf): Store {
  return b.typed ? b.data.slice() : [...b.data];
}

function wrap(b: { dtype: number; objects: boolean }, shape: readonly number[], data: Store): Tensor {
  if (b.objects) return Tensor.fromObjects(b.dtype, [...shape], data);
  return Tensor.fromHost(b.dtype, { dtype: npDtypeOf(b.dtype) as NpDType, shape: [...shape], data } as NdArray);
}

/** Copies `n` elements src[s…] → dst[d…]. */
function copyRun(dst: Store, d: number, src: Buf, s: number, n: number): void {
  if (n <= 0) return;
  const l = src.lanes;
  const sd = src.data;
  if (src.typed && n * l > 32) {
    dst.set(sd.subarray(s * l, (s + n) * l), d * l);
  } else if (l === 1) {
    for (let i = 0; i < n; i++) dst[d + i] = sd[s + i];
  } else {
    for (let i = 0; i < n * l; i++) dst[d * l + i] = sd[s * l + i];
  }
}

function copyElem(dst: Store, d: number, src: Buf, s: number): void {
  if (src.lanes === 1) dst[d] = src.data[s];
  else {
    dst[2 * d] = src.data[2 * s];
    dst[2 * d + 1] = src.data[2 * s + 1];
  }
}

function fillAll(dst: Store, b: Buf, value: Buf, vi: number): void {
  const n = dst.length / b.lanes;
  if (b.lanes === 1) {
    if (b.typed) dst.fill(value.data[vi]);
    else for (let i = 0; i < n; i++) dst[i] = value.data[vi];
  } else for (let i = 0; i < n; i++) copyElem(dst, i, value, vi);
}

/** Offset marking an element taken from the fill value (any sum with it stays negative). */
const SKIP = -(2 ** 40);

/**
 * The workhorse: out[i₀,…,iᵣ₋₁] = src[Σⱼ offs[j][iⱼ]] (flat element offsets per
 * output axis). An element whose offsets include SKIP takes `fill` (zero /
 * empty when absent). Covers transpose, slicing, reversal, tiling,
 * broadcasting and padding; contiguous innermost runs are block copies.
 */
function sepGather(src: Buf, outShape: readonly number[], offs: readonly ArrayLike<number>[], fill?: { buf: Buf; index: number }): Store {
  const n = sizeOf(outShape);
  const out = alloc(src, n);
  if (n === 0) return out;
  const r = outShape.length;
  if (r === 0) {
    copyElem(out, 0, src, 0);
    return out;
  }
  const inner = offs[r - 1];
  const m = outShape[r - 1];
  let contiguous = inner[0] >= 0;
  for (let i = 1; i < m && contiguous; i++) contiguous = inner[i] === inner[0] + i;
  const l = src.lanes;
  const blocks = contiguous && m * l > 32;
  const ctr = new Array<number>(r - 1).fill(0);
  let base = 0;
  for (let j = 0; j < r - 1; j++) base += offs[j][0];
  const outer = n / m;
  const sd = src.data;
  const fv = fill && l === 1 ? fill.buf.data[fill.index] : undefined;
  for (let o = 0, w = 0; o < outer; o++, w += m) {
    if (blocks && base >= 0) copyRun(out, w, src, base + inner[0], m);
    else if (l === 1) {
      for (let i = 0; i < m; i++) {
        const s = base + inner[i];
        if (s >= 0) out[w + i] = sd[s];
        else if (fill) out[w + i] = fv;
      }
    } else {
      for (let i = 0; i < m; i++) {
        const s = base + inner[i];
        if (s >= 0) copyElem(out, w + i, src, s);
        else if (fill) copyElem(out, w + i, fill.buf, fill.index);
      }
    }
    for (let j = r - 2; j >= 0; j--) {
      const oj = offs[j];
      base -= oj[ctr[j]];
      if (++ctr[j] < outShape[j]) {
        base += oj[ctr[j]];
        break;
      }
      ctr[j] = 0;
      base += oj[0];
    }
  }
  return out;
}

/** The scatter twin of sepGather: dst[Σⱼ offs[j][iⱼ]] = src[i] for every element of `shape`, in order. */
function sepScatter(dst: Store, src: Buf, shape: readonly number[], offs: readonly ArrayLike<number>[]): void {
  const n = sizeOf(shape);
  if (n === 0) return;
  const r = shape.length;
  const l = src.lanes;
  const put = (d: number, s: number) => {
    if (l === 1) dst[d] = src.data[s];
    else {
      dst[2 * d] = src.data[2 * s];
      dst[2 * d + 1] = src.data[2 * s + 1];
    }
  };
  if (r === 0) {
    put(0, 0);
    return;
  }
  const ctr = new Array<number>(r).fill(0);
  let base = 0;
  for (let j = 0; j < r; j++) base += offs[j][0];
  for (let k = 0; k < n; k++) {
    put(base, k);
    for (let j = r - 1; j >= 0; j--) {
      const oj = offs[j];
      base -= oj[ctr[j]];
      if (++ctr[j] < shape[j]) {
        base += oj[ctr[j]];
        break;
      }
      ctr[j] = 0;
      base += oj[0];
    }
  }
}

/** Per-axis offsets `f(i) * stride` (f returning null → SKIP). */
function axisOffsets(count: number, stride: number, f: (i: number) => number | null): Float64Array {
  const o = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const v = f(i);
    o[i] = v === null ? SKIP : v * stride;
  }
  return o;
}

/** Flat gather: out[k] = src[idx[k]]. */
function gatherFlat(src: Buf, idx: ArrayLike<number>): Store {
  const out = alloc(src, idx.length);
  if (src.lanes === 1) for (let k = 0; k < idx.length; k++) out[k] = src.data[idx[k]];
  else for (let k = 0; k < idx.length; k++) copyElem(out, k, src, idx[k]);
  return out;
}

/** Transpose on the host (perm[j] = input axis of output axis j). */
function transposeHost(src: Buf, shape: readonly number[], perm: readonly number[]): { shape: number[]; data: Store } {
  const st = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const offs = perm.map((p) => axisOffsets(shape[p], st[p], (i) => i));
  return { shape: outShape, data: sepGather(src, outShape, offs) };
}

// ---------------------------------------------------------------------------
// Backend decisions

/** Values on the backend are as exact as on the host (float64/complex128 narrow there). */
function lossy(dtype: number): boolean {
  return dtype === DT.DT_DOUBLE || dtype === DT.DT_COMPLEX128;
}

/** Reshape-like ops: stay on the backend whenever the tensor is there (any dtype). */
function preferTf(t: Tensor): boolean {
  return t.onBackend && !t.objects && !(t.onHost && lossy(t.dtype));
}

/** Integer tensors this small are shape-like: their consumers read them on the host, so they are computed there. */
const TINY_INT = 64;

/** A float32/int32-computed tensor already on the backend, exactly. */
function onTf(t: Tensor): boolean {
  if (!t.onBackend || t.objects) return false;
  const cd = computeDtype(t.dtype);
  if (cd !== "float32" && (cd !== "int32" || t.size <= TINY_INT)) return false;
  return !(t.onHost && lossy(t.dtype));
}

/** A tensor that may join a backend computation (uploading it is exact and cannot fail). */
function tfOk(t: Tensor): boolean {
  if (t.objects) return false;
  if (t.onBackend) return onTf(t);
  const cd = computeDtype(t.dtype);
  if (cd !== "float32" && cd !== "int32") return false;
  switch (t.dtype) {
    case DT.DT_DOUBLE:
    case DT.DT_INT64:
    case DT.DT_UINT64:
    case DT.DT_UINT32:
      return false;
    default:
      return true;
  }
}

/** Run on the backend: some input is there and all can be. */
function useTf(...ts: Tensor[]): boolean {
  return ts.some(onTf) && ts.every(tfOk);
}

function fromTf(dtype: number, t: TfTensor): Tensor {
  return Tensor.fromTf(dtype, t);
}

/** A tensor with a new shape, sharing values (no copy on either side). */
function reshaped(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t.shape, shape)) return t;
  if (t.objects) return Tensor.fromObjects(t.dtype, [...shape], t.objects);
  if (preferTf(t)) return fromTf(t.dtype, tf.reshape(t.tf(), [...shape]));
  const nd = t.host();
  return Tensor.fromHost(t.dtype, { dtype: nd.dtype, shape: [...shape], data: nd.data } as NdArray);
}

// ---------------------------------------------------------------------------
// Reshape, Squeeze, ExpandDims

function reshapeShape(ctx: KernelContext, t: Tensor, sizesT: Tensor): number[] {
  if (sizesT.rank > 1) throw ctx.error("InvalidArgumentError", `sizes input must be 1-D, not ${shapeStr(sizesT.shape)}`);
  const sizes = sizesT.numbers();
  const shape = new Array<number>(sizes.length);
  let product = 1;
  let unknown = -1;
  let sizesHaveZero = false;
  for (let d = 0; d < sizes.length; d++) {
    const s = sizes[d];
    if (s === -1) {
      if (unknown !== -1) throw ctx.error("InvalidArgumentError", `Only one input size may be -1, not both ${unknown} and ${d}`);
      unknown = d;
      shape[d] = 1;
    } else if (s < 0) {
      throw ctx.error("InvalidArgumentError", `Size ${d} must be non-negative, not ${s}`);
    } else {
      shape[d] = s;
      if (s === 0) sizesHaveZero = true;
      else product *= s;
    }
  }
  if (unknown !== -1) {
    // Zero dims of the input are left out of its element count when the
    // requested shape has a zero too, so the other dims can still be inferred.
    let inputElems = 1;
    let inputHasZero = false;
    for (const d of t.shape) {
      if (d > 0 || !sizesHaveZero) inputElems *= d;
      else inputHasZero = true;
    }
    const missing = Math.floor(inputElems / product);
    if (!inputHasZero && product * missing !== inputElems) {
      throw ctx.error("InvalidArgumentError", `Input to reshape is a tensor with ${inputElems} values, but the requested shape requires a multiple of ${product}`);
    }
    shape[unknown] = missing;
  }
  const n = sizeOf(shape);
  if (n !== t.size) throw ctx.error("InvalidArgumentError", `Input to reshape is a tensor with ${t.size} values, but the requested shape has ${n}`);
  return shape;
}

function reshape(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  return [reshaped(t, reshapeShape(ctx, t, ctx.inputs[1]))];
}

function squeeze(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const r = t.rank;
  const dims = ctx.attrs.ints("squeeze_dims", []);
  const drop = new Set<number>();
  for (const d0 of dims) {
    if (d0 < -r || d0 >= r) throw ctx.error("InvalidArgumentError", `Tried to squeeze dim index ${d0} for tensor with ${r} dimensions.`);
    const d = d0 < 0 ? d0 + r : d0;
    if (t.shape[d] !== 1) throw ctx.error("InvalidArgumentError", `Can not squeeze dim[${d}], expected a dimension of 1, got ${t.shape[d]}`);
    drop.add(d);
  }
  const shape = t.shape.filter((s, i) => (dims.length ? !drop.has(i) : s !== 1));
  return [reshaped(t, shape)];
}

function expandDims(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const dimT = ctx.inputs[1];
  if (dimT.size !== 1) throw ctx.error("InvalidArgumentError", `'dim' must be a tensor with a single value`);
  let dim = dimT.numbers()[0];
  const r = t.rank;
  if (dim < -1 - r || dim > r) throw ctx.error("InvalidArgumentError", `Tried to expand dim index ${dim} for tensor with ${r} dimensions.`);
  if (dim < 0) dim += r + 1;
  const shape = [...t.shape];
  shape.splice(dim, 0, 1);
  return [reshaped(t, shape)];
}

// ---------------------------------------------------------------------------
// Concat, Split, Pack, Unpack

function concat(ctx: KernelContext, values: readonly Tensor[], axisT: Tensor): Tensor[] {
  if (axisT.size !== 1) throw ctx.error("InvalidArgumentError", `Concat dim tensor should be a scalar integer, but got shape ${shapeStr(axisT.shape)}`);
  const first = values[0];
  const r = first.rank;
  let axis = axisT.numbers()[0];
  if (axis < -r || axis >= r) {
    if (r === 0) throw ctx.error("InvalidArgumentError", `ConcatOp : Can't concatenate scalars (use tf.stack instead)`);
    throw ctx.error("InvalidArgumentError", `ConcatOp : Expected concatenating dimensions in the range [${-r}, ${r}), but got ${axis}`);
  }
  if (axis < 0) axis += r;
  const outShape = [...first.shape];
  outShape[axis] = 0;
  for (let i = 0; i < values.length; i++) {
    const s = values[i].shape;
    if (s.length !== r) {
      throw ctx.error("InvalidArgumentError", `ConcatOp : Ranks of all input tensors should match: shape[0] = ${shapeStr(first.shape)} vs. shape[${i}] = ${shapeStr(s)}`);
    }
    for (let d = 0; d < r; d++) {
      if (d !== axis && s[d] !== first.shape[d]) {
        throw ctx.error("InvalidArgumentError", `ConcatOp : Dimension ${d} in both shapes must be equal: shape[0] = ${shapeStr(first.shape)} vs. shape[${i}] = ${shapeStr(s)}`);
      }
    }
    outShape[axis] += s[axis];
  }
  if (values.length === 1) return [first];
  const nonEmpty = values.filter((v) => v.size > 0);
  if (nonEmpty.length === 1 && sizeOf(outShape) > 0) return [nonEmpty[0]];
  if (nonEmpty.length > 0 && useTf(...nonEmpty)) {
    return [fromTf(first.dtype, tf.concat(nonEmpty.map((v) => v.tf(ctx.node.name)), axis))];
  }
  const dtype = first.dtype;
  for (const v of values) if (v.dtype !== dtype) throw ctx.error("InvalidArgumentError", `ConcatOp : all inputs must have type ${cppDtypeName(dtype)}, got ${cppDtypeName(v.dtype)}`);
  const bufs = nonEmpty.map(bufOf);
  const outer = prod(outShape, 0, axis);
  const runs = nonEmpty.map((v) => prod(v.shape, axis));
  const b0 = bufs.length ? bufs[0] : bufOf(first);
  const out = alloc(b0, sizeOf(outShape));
  const small = b0.lanes === 1 && runs.every((r) => r <= 32);
  const datas = bufs.map((b) => b.data);
  for (let o = 0, w = 0; o < outer; o++) {
    for (let k = 0; k < bufs.length; k++) {
      const r = runs[k];
      if (small) {
        const sd = datas[k];
        for (let i = 0, s = o * r; i < r; i++) out[w + i] = sd[s + i];
      } else copyRun(out, w, bufs[k], o * r, r);
      w += r;
    }
  }
  return [wrap(b0, outShape, out)];
}

function concatOffset(ctx: KernelContext): Tensor[] {
  const shapes = ctx.inputs.slice(1);
  const base = shapes[0].numbers();
  const r = base.length;
  let axis = scalarInt(ctx, 0, "Concat dim");
  if (axis < -r || axis >= r) throw ctx.error("InvalidArgumentError", `Concat dim is out of range: ${axis} vs. ${r}`);
  if (axis < 0) axis += r;
  let offset = 0;
  return shapes.map((s, i) => {
    const dims = s.numbers();
    if (s.rank !== 1) throw ctx.error("InvalidArgumentError", `input ${i + 1} should be a vector, but got shape ${shapeStr(s.shape)}`);
    if (dims.length !== r) throw ctx.error("InvalidArgumentError", `input ${i + 1} should contain ${r} elements, but got ${dims.length}`);
    const out = new Array<number>(r).fill(0);
    for (let d = 0; d < r; d++) {
      if (d === axis) out[d] = offset;
      else if (dims[d] !== base[d]) throw ctx.error("InvalidArgumentError", `All dimensions except ${axis} must match. Input ${i + 1} has shape ${shapeStr(dims)} and doesn't match input 0 with shape ${shapeStr(base)}.`);
    }
    offset += dims[axis];
    return intVector(s.dtype, out);
  });
}

/** Splits `t` along `axis` into pieces of the given sizes. */
function splitInto(ctx: KernelContext, t: Tensor, axis: number, sizes: readonly number[]): Tensor[] {
  if (sizes.length === 1) return [t];
  const shapes = sizes.map((s) => {
    const sh = [...t.shape];
    sh[axis] = s;
    return sh;
  });
  if (onTf(t) && t.size > 0) {
    const x = t.tf(ctx.node.name);
    let start = 0;
    return sizes.map((s, k) => {
      const begin = t.shape.map((_, d) => (d === axis ? start : 0));
      start += s;
      return fromTf(t.dtype, tf.slice(x, begin, shapes[k]));
    });
  }
  const b = bufOf(t);
  const outer = prod(t.shape, 0, axis);
  const inner = prod(t.shape, axis + 1);
  const dim = t.shape[axis];
  let start = 0;
  return sizes.map((s, k) => {
    const out = alloc(b, outer * s * inner);
    for (let o = 0; o < outer; o++) copyRun(out, o * s * inner, b, (o * dim + start) * inner, s * inner);
    start += s;
    return wrap(b, shapes[k], out);
  });
}

function split(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[1];
  const num = ctx.attrs.int("num_split");
  const r = t.rank;
  let axis = scalarInt(ctx, 0, "split_dim");
  if (axis < -r || axis >= r) throw ctx.error("InvalidArgumentError", `-input rank(-${r}) <= split_dim < input rank (${r}), but got ${axis}`);
  if (axis < 0) axis += r;
  const dim = t.shape[axis];
  if (num <= 0 || dim % num !== 0) {
    throw ctx.error("InvalidArgumentError", `Number of ways to split should evenly divide the split dimension, but got split_dim ${axis} (size = ${dim}) and num_split ${num}`);
  }
  return splitInto(ctx, t, axis, new Array(num).fill(dim / num));
}

function splitV(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const num = ctx.attrs.int("num_split");
  const r = t.rank;
  const sizes = ints(ctx, 1);
  let axis = scalarInt(ctx, 2, "split_dim");
  if (axis < -r || axis >= r) throw ctx.error("InvalidArgumentError", `-input rank(-${r}) <= split_dim < input rank (${r}), but got ${axis}`);
  if (axis < 0) axis += r;
  if (sizes.length !== num) throw ctx.error("InvalidArgumentError", `Number of split sizes (${sizes.length}) does not match num_split (${num})`);
  const dim = t.shape[axis];
  let unknown = -1;
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    if (sizes[i] === -1) {
      if (unknown !== -1) throw ctx.error("InvalidArgumentError", `There can only be one -1 in the input.`);
      unknown = i;
    } else {
      if (sizes[i] < 0) throw ctx.error("InvalidArgumentError", `Split size at index ${i} must be >= 0. Got: ${sizes[i]}`);
      total += sizes[i];
    }
  }
  if ((unknown === -1 && total !== dim) || (unknown !== -1 && total > dim)) {
    throw ctx.error(
      "InvalidArgumentError",
      `Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: ${total}`,
    );
  }
  if (unknown !== -1) sizes[unknown] = dim - total;
  return splitInto(ctx, t, axis, sizes);
}

function pack(ctx: KernelContext): Tensor[] {
  const values = ctx.inputs;
  const first = values[0];
  const r = first.rank;
  let axis = ctx.attrs.int("axis", 0);
  if (axis < -(r + 1) || axis >= r + 1) throw ctx.error("InvalidArgumentError", `axis = ${axis} not in [${-(r + 1)}, ${r + 1})`);
  if (axis < 0) axis += r + 1;
  for (let i = 1; i < values.length; i++) {
    if (!sameShape(values[i].shape, first.shape)) {
      throw ctx.error("InvalidArgumentError", `Shapes of all inputs must match: values[0].shape = ${shapeStr(first.shape)} != values[${i}].shape = ${shapeStr(values[i].shape)}`);
    }
  }
  const outShape = [...first.shape];
  outShape.splice(axis, 0, values.length);
  if (first.size > 0 && useTf(...values)) {
    return [fromTf(first.dtype, tf.stack(values.map((v) => v.tf(ctx.node.name)), axis))];
  }
  const bufs = values.map(bufOf);
  const outer = prod(first.shape, 0, axis);
  const inner = prod(first.shape, axis);
  const out = alloc(bufs[0], sizeOf(outShape));
  const n = values.length;
  if (inner === 1 && bufs[0].lanes === 1) {
    for (let o = 0; o < outer; o++) for (let k = 0; k < n; k++) out[o * n + k] = bufs[k].data[o];
  } else {
    for (let o = 0; o < outer; o++) for (let k = 0; k < n; k++) copyRun(out, (o * n + k) * inner, bufs[k], o * inner, inner);
  }
  return [wrap(bufs[0], outShape, out)];
}

function unpack(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const num = ctx.attrs.int("num");
  const r = t.rank;
  let axis = ctx.attrs.int("axis", 0);
  if (axis < -r || axis >= r) throw ctx.error("InvalidArgumentError", `axis = ${axis} not in [${-r}, ${r})`);
  if (axis < 0) axis += r;
  if (t.shape[axis] !== num) throw ctx.error("InvalidArgumentError", `Input shape axis ${axis} must equal ${num}, got shape ${shapeStr(t.shape)}`);
  const outShape = t.shape.filter((_, i) => i !== axis);
  if (num === 1) return [reshaped(t, outShape)];
  if (onTf(t) && t.size > 0) return tf.unstack(t.tf(ctx.node.name), axis).map((p) => fromTf(t.dtype, p));
  const b = bufOf(t);
  const outer = prod(t.shape, 0, axis);
  const inner = prod(t.shape, axis + 1);
  return Array.from({ length: num }, (_, k) => {
    const out = alloc(b, outer * inner);
    for (let o = 0; o < outer; o++) copyRun(out, o * inner, b, (o * num + k) * inner, inner);
    return wrap(b, outShape, out);
  });
}

// ---------------------------------------------------------------------------
// Slice, StridedSlice and its gradient/assign relatives

/** Host broadcast of `b` (shape `shape`) to `target` (numpy rules; the caller checked compatibility). */
function broadcastStore(b: Buf, shape: readonly number[], target: readonly number[]): Store {
  const st = stridesOf(shape);
  const lead = target.length - shape.length;
  const offs = target.map((d, j) => {
    const i = j - lead;
    return axisOffsets(d, i < 0 || shape[i] === 1 ? 0 : st[i], (k) => k);
  });
  return sepGather(b, target, offs);
}

function canBroadcastTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((d, i) => d === 1 || d === target[lead + i]);
}

function slice(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const r = t.rank;
  const bT = ctx.inputs[1];
  const sT = ctx.inputs[2];
  if (bT.rank !== 1 || sT.rank !== 1 || bT.size !== r || sT.size !== r) {
    throw ctx.error(
      "InvalidArgumentError",
      `Expected begin and size arguments to be 1-D tensors of size ${r}, but got shapes ${shapeStr(bT.shape)} and ${shapeStr(sT.shape)} instead.`,
    );
  }
  const begin = bT.numbers();
  const size = sT.numbers();
  let identity = true;
  for (let i = 0; i < r; i++) {
    const dim = t.shape[i];
    const b = begin[i];
    if (size[i] === -1) size[i] = dim - b;
    const s = size[i];
    if (b < 0 || b > dim) throw ctx.error("InvalidArgumentError", `Expected begin[${i}] in [0, ${dim}], but got ${b}`);
    if (s < 0 || b + s > dim) throw ctx.error("InvalidArgumentError", `Expected size[${i}] in [0, ${dim - b}], but got ${s}`);
    identity &&= b === 0 && s === dim;
  }
  if (identity) return [t];
  if (onTf(t) && sizeOf(size) > 0) return [fromTf(t.dtype, tf.slice(t.tf(ctx.node.name), begin, size))];
  const st = stridesOf(t.shape);
  const offs = size.map((s, d) => axisOffsets(s, st[d], (i) => begin[d] + i));
  return [wrap(bufOf(t), size, sepGather(bufOf(t), size, offs))];
}

interface StridedSpec {
  /** Canonical per input dim: first index, stride, element count. */
  begin: number[];
  strides: number[];
  proc: number[];
  final: number[];
  identity: boolean;
}

/** TF's ValidateStridedSliceOp: sparse spec (masks, ellipsis, new axes) → dense canonical ranges. */
function stridedSpec(ctx: KernelContext, inShape: readonly number[], bT: Tensor, eT: Tensor, sT: Tensor): StridedSpec {
  const beginMask = ctx.attrs.int("begin_mask", 0);
  const endMask = ctx.attrs.int("end_mask", 0);
  let ellipsisMask = ctx.attrs.int("ellipsis_mask", 0);
  const newAxisMask = ctx.attrs.int("new_axis_mask", 0);
  const shrinkMask = ctx.attrs.int("shrink_axis_mask", 0);
  if (bT.rank !== 1 || eT.rank !== 1 || sT.rank !== 1 || bT.size !== sT.size || eT.size !== sT.size || bT.size >= 32) {
    throw ctx.error(
      "InvalidArgumentError",
      `Expected begin, end, and strides to be 1D equal size tensors, but got shapes ${shapeStr(bT.shape)}, ${shapeStr(eT.shape)}, and ${shapeStr(sT.shape)} instead.`,
    );
  }
  if (ellipsisMask & (ellipsisMask - 1)) throw ctx.error("InvalidArgumentError", "Multiple ellipses in slice spec not allowed");
  const sb = bT.numbers();
  const se = eT.numbers();
  const ss = sT.numbers();
  let sparseDims = ss.length;
  let addAfterEllipsis = 0;
  let ellipsisSeen = false;
  for (let i = 0; i < sparseDims; i++) {
    if (ellipsisSeen && (newAxisMask & (1 << i))) addAfterEllipsis++;
    if (ellipsisMask & (1 << i)) ellipsisSeen = true;
  }
  if (!ellipsisSeen) {
    ellipsisMask |= 1 << sparseDims;
    sparseDims++;
  }
  // Dense spec: one entry per input dim.
  const dims = inShape.length;
  const begin = new Array<number>(dims).fill(0);
  const end = new Array<number>(dims).fill(0);
  const strides = new Array<number>(dims).fill(1);
  const bMask = new Array<boolean>(dims).fill(false);
  const eMask = new Array<boolean>(dims).fill(false);
  const shrink = new Array<boolean>(dims).fill(false);
  const gather: number[] = []; // dense dim, or -1 new axis, or -2 shrunk
  let full = 0;
  for (let i = 0; i < sparseDims; i++) {
    if (ellipsisMask & (1 << i)) {
      const next = Math.min(dims - (sparseDims - i) + 1 + addAfterEllipsis, dims);
      for (; full < next; full++) {
        bMask[full] = eMask[full] = true;
        gather.push(full);
      }
    } else if (newAxisMask & (1 << i)) {
      gather.push(-1);
    } else {
      if (full === dims) throw ctx.error("InvalidArgumentError", `Index out of range using input dim ${full}; input has only ${dims} dims`);
      begin[full] = sb[i];
      end[full] = se[i];
      strides[full] = ss[i];
      bMask[full] = !!(beginMask & (1 << i));
      eMask[full] = !!(endMask & (1 << i));
      if (shrinkMask & (1 << i)) {
        shrink[full] = true;
        gather.push(-2);
      } else gather.push(full);
      full++;
    }
  }
  const proc = new Array<number>(dims);
  let identity = true;
  for (let i = 0; i < dims; i++) {
    const stride = strides[i];
    const dim = inShape[i];
    if (stride === 0) throw ctx.error("InvalidArgumentError", `strides[${i}] must be non-zero`);
    if (shrink[i] && stride <= 0) throw ctx.error("InvalidArgumentError", "only stride 1 allowed on non-range indexing.");
    let b: number;
    let e: number;
    if (shrink[i]) {
      const fwd = begin[i] < 0 ? dim + begin[i] : begin[i];
      if (fwd < 0 || fwd >= dim) throw ctx.error("InvalidArgumentError", `slice index ${fwd} of dimension ${i} out of bounds.`);
      b = fwd;
      e = fwd + 1;
    } else {
      const lo = stride > 0 ? 0 : -1;
      const hi = stride > 0 ? dim : dim - 1;
      const canon = (x: number, masked: boolean, isEnd: boolean) => {
        if (masked) return stride > 0 ? (isEnd ? hi : lo) : isEnd ? lo : hi;
        const fwd = x < 0 ? dim + x : x;
        return fwd < lo ? lo : fwd > hi ? hi : fwd;
      };
      b = canon(begin[i], bMask[i], false);
      e = canon(end[i], eMask[i], true);
    }
    const len = e - b;
    const size = len === 0 || len < 0 !== stride < 0 ? 0 : Math.trunc(len / stride) + (len % stride !== 0 ? 1 : 0);
    begin[i] = b;
    proc[i] = size;
    identity &&= stride === 1 && b === 0 && e === dim;
  }
  const final: number[] = [];
  for (const g of gather) {
    if (g >= 0) final.push(proc[g]);
    else if (g === -1) final.push(1);
  }
  return { begin, strides, proc, final, identity };
}

function stridedOffsets(shape: readonly number[], spec: StridedSpec): Float64Array[] {
  const st = stridesOf(shape);
  return spec.proc.map((n, d) => axisOffsets(n, st[d], (i) => spec.begin[d] + i * spec.strides[d]));
}

function stridedSlice(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const spec = stridedSpec(ctx, t.shape, ctx.inputs[1], ctx.inputs[2], ctx.inputs[3]);
  if (spec.identity) return [reshaped(t, spec.final)];
  if (onTf(t) && sizeOf(spec.proc) > 0) {
    const res = tf.tidy(() => {
      const x = t.tf(ctx.node.name);
      const lo = spec.proc.map((n, d) => (spec.strides[d] > 0 ? spec.begin[d] : spec.begin[d] + (n - 1) * spec.strides[d]));
      const abs = spec.strides.map(Math.abs);
      // A slice of the covered range, then a gather per strided axis (tfjs's
      // own StridedSlice returns float32 for int32 input on wasm).
      let y = tf.slice(x, lo, lo.map((b, d) => (spec.proc[d] - 1) * abs[d] + 1));
      abs.forEach((s, d) => {
        if (s !== 1 && spec.proc[d] > 1) y = tf.gather(y, tf.range(0, spec.proc[d] * s, s, "int32"), d);
      });
      const rev = spec.strides.flatMap((s, d) => (s < 0 && spec.proc[d] > 1 ? [d] : []));
      if (rev.length) y = tf.reverse(y, rev);
      return tf.reshape(y, spec.final);
    });
    return [fromTf(t.dtype, res)];
  }
  const b = bufOf(t);
  return [wrap(b, spec.final, sepGather(b, spec.proc, stridedOffsets(t.shape, spec)))];
}

function stridedSliceGrad(ctx: KernelContext): Tensor[] {
  const shape = ints(ctx, 0);
  const dy = ctx.inputs[4];
  const spec = stridedSpec(ctx, shape, ctx.inputs[1], ctx.inputs[2], ctx.inputs[3]);
  if (!sameShape(dy.shape, spec.final)) throw ctx.error("InvalidArgumentError", `shape of dy was ${shapeStr(dy.shape)} instead of ${shapeStr(spec.final)}`);
  const b = bufOf(dy);
  const out = alloc(b, sizeOf(shape));
  sepScatter(out, b, spec.proc, stridedOffsets(shape, spec));
  return [wrap(b, shape, out)];
}

/** `input` with the strided slice replaced by `value` (broadcast to the slice's shape). */
function stridedAssign(ctx: KernelContext, input: Tensor, value: Tensor, i0: number): Tensor {
  const spec = stridedSpec(ctx, input.shape, ctx.inputs[i0], ctx.inputs[i0 + 1], ctx.inputs[i0 + 2]);
  if (value.dtype !== input.dtype) throw ctx.error("InvalidArgumentError", `value has type ${cppDtypeName(value.dtype)}, expected ${cppDtypeName(input.dtype)}`);
  if (!canBroadcastTo(value.shape, spec.final)) {
    throw ctx.error(
      "InvalidArgumentError",
      `sliced l-value shape ${shapeStr(spec.final)} does not match r-value shape ${shapeStr(value.shape)}. Automatic broadcasting not yet implemented.`,
    );
  }
  const ib = bufOf(input);
  let vb = bufOf(value);
  if (!sameShape(value.shape, spec.final)) vb = { ...vb, data: broadcastStore(vb, value.shape, spec.final) };
  const out = clone(ib);
  sepScatter(out, vb, spec.proc, stridedOffsets(input.shape, spec));
  return wrap(ib, input.shape, out);
}

function variableFor(ctx: KernelContext, i = 0): Variable {
  const h = resourceHandle(ctx, i);
  if (h.kind !== "var") throw ctx.error("InvalidArgumentError", `resource ${h.name} is a ${h.kind}, not a variable`);
  return ctx.state.resources.lookup<Variable>(h, where(ctx));
}

// ---------------------------------------------------------------------------
// Gather, GatherNd, ScatterNd and the TensorScatter/ResourceScatter updates

/** TF's GatherV2 (also Gather, ResourceGather): params[b…, pre…, indices[b…, i…], post…]. */
function gatherAxis(ctx: KernelContext, params: Tensor, indices: Tensor, axis: number, batchDims: number): Tensor {
  const pr = params.rank;
  const ir = indices.rank;
  if (batchDims !== 0) {
    if (batchDims < -ir || batchDims > ir) throw ctx.error("InvalidArgumentError", `Expected batch_dims in the range [${-ir}, ${ir}], but got ${batchDims}`);
    if (batchDims < 0) batchDims += ir;
    if (batchDims >= pr) throw ctx.error("InvalidArgumentError", `batch_dims (${batchDims}) must be less than rank(params) (${pr}).`);
    if (axis < batchDims) throw ctx.error("InvalidArgumentError", `batch_dims (${batchDims}) must be less than or equal to axis (${axis}).`);
    for (let i = 0; i < batchDims; i++) {
      if (params.shape[i] !== indices.shape[i]) {
        throw ctx.error("InvalidArgumentError", `params.shape[${i}]: ${params.shape[i]} should be equal to indices.shape[${i}]: ${indices.shape[i]}`);
      }
    }
  }
  const dim = params.shape[axis];
  const idx = indexData(indices);
  for (let k = 0; k < idx.length; k++) {
    const v = idx[k];
    if (!(v >= 0 && v < dim)) {
      throw ctx.error("InvalidArgumentError", `indices${sliceStr(indices.shape, k)} = ${indexText(indices, k)} is not in [0, ${dim})`);
    }
  }
  const outShape = [...params.shape.slice(0, axis), ...indices.shape.slice(batchDims), ...params.shape.slice(axis + 1)];
  const n = sizeOf(outShape);
  const batch = prod(params.shape, 0, batchDims);
  const outer = prod(params.shape, batchDims, axis);
  const inner = prod(params.shape, axis + 1);
  const ni = prod(indices.shape, batchDims);
  if (n > 0 && onTf(params)) {
    const res = tf.tidy(() => {
      const x = params.tf(ctx.node.name);
      if (batchDims === 0) return tf.reshape(tf.gather(x, tf.tensor(Int32Array.from(idx), [...indices.shape], "int32"), axis), outShape);
      // tfjs-wasm's batch_dims gather is wrong: gather rows of [batch·outer·dim, inner] instead.
      const rows = new Int32Array(batch * outer * ni);
      for (let bi = 0, w = 0; bi < batch; bi++) {
        for (let o = 0; o < outer; o++) for (let k = 0; k < ni; k++) rows[w++] = (bi * outer + o) * dim + idx[bi * ni + k];
      }
      return tf.reshape(tf.gather(tf.reshape(x, [batch * outer * dim, inner]), tf.tensor(rows, [rows.length], "int32"), 0), outShape);
    });
    return fromTf(params.dtype, res);
  }
  const b = bufOf(params);
  const out = alloc(b, n);
  if (n === 0) return wrap(b, outShape, out);
  let w = 0;
  for (let bi = 0; bi < batch; bi++) {
    for (let o = 0; o < outer; o++) {
      const base = (bi * outer + o) * dim;
      if (inner === 1 && b.lanes === 1) {
        for (let k = 0; k < ni; k++) out[w++] = b.data[base + idx[bi * ni + k]];
      } else {
        for (let k = 0; k < ni; k++, w += inner) copyRun(out, w, b, (base + idx[bi * ni + k]) * inner, inner);
      }
    }
  }
  return wrap(b, outShape, out);
}

function gatherV2(ctx: KernelContext): Tensor[] {
  const params = ctx.inputs[0];
  let batchDims = ctx.attrs.int("batch_dims", 0);
  const axisT = ctx.inputs[2];
  if (axisT.size !== 1) throw ctx.error("InvalidArgumentError", `axis must be scalar, but got shape ${shapeStr(axisT.shape)}`);
  let axis = axisT.numbers()[0];
  const pr = params.rank;
  if (axis < -pr || axis >= pr) throw ctx.error("InvalidArgumentError", `Expected axis in the range [${-pr}, ${pr}), but got ${axis}`);
  if (axis < 0) axis += pr;
  if (batchDims < 0) batchDims += ctx.inputs[1].rank;
  return [gatherAxis(ctx, params, ctx.inputs[1], axis, batchDims)];
}

function gatherV1(ctx: KernelContext): Tensor[] {
  const params = ctx.inputs[0];
  if (params.rank < 1) throw ctx.error("InvalidArgumentError", `params must be at least 1 dimensional`);
  return [gatherAxis(ctx, params, ctx.inputs[1], 0, 0)];
}

function resourceGather(ctx: KernelContext): Tensor[] {
  const v = variableFor(ctx);
  const params = v.read(where(ctx));
  const indices = ctx.inputs[1];
  let batchDims = ctx.attrs.int("batch_dims", 0);
  if (batchDims < 0) batchDims += indices.rank;
  if (params.rank < 1) throw ctx.error("InvalidArgumentError", `params must be at least 1 dimensional`);
  return [gatherAxis(ctx, params, indices, batchDims, batchDims)];
}

/** Flat element offsets (in units of `slice` elements) of each index tuple of `indices` ([..., K]) into `shape`. */
function ndOffsets(ctx: KernelContext, indices: Tensor, shape: readonly number[], what: string): { offsets: Float64Array; k: number; count: number } {
  const ir = indices.rank;
  const k = ir === 0 ? 0 : indices.shape[ir - 1];
  if (ir === 0) throw ctx.error("InvalidArgumentError", `indices must be at least a vector, got shape ${shapeStr(indices.shape)}`);
  if (k > shape.length) {
    throw ctx.error("InvalidArgumentError", `index innermost dimension length must be <= ${what} rank; saw: ${k} vs. ${shape.length}`);
  }
  const count = prod(indices.shape, 0, ir - 1);
  const idx = indexData(indices);
  const st = stridesOf(shape.slice(0, k));
  const offsets = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let off = 0;
    for (let j = 0; j < k; j++) {
      const v = idx[i * k + j];
      if (!(v >= 0 && v < shape[j])) {
        const tuple = Array.from({ length: k }, (_, q) => indexText(indices, i * k + q)).join(", ");
        const bad = sliceStr(indices.shape.slice(0, ir - 1), i);
        throw ctx.error(
          "InvalidArgumentError",
          what === "params"
            ? `indices${bad} = [${tuple}] does not index into param shape ${shapeStr(shape)}`
            : `indices${bad} = [${tuple}] does not index into shape ${shapeStr(shape)}`,
        );
      }
      off += v * st[j];
    }
    offsets[i] = off;
  }
  return { offsets, k, count };
}

function gatherNdOf(ctx: KernelContext, params: Tensor, indices: Tensor): Tensor {
  const { offsets, k, count } = ndOffsets(ctx, indices, params.shape, "params");
  const slice = prod(params.shape, k);
  const outShape = [...indices.shape.slice(0, -1), ...params.shape.slice(k)];
  if (count * slice > 0 && onTf(params) && k > 0) {
    const res = tf.tidy(() => {
      const it = tf.tensor(Int32Array.from(indexData(indices)), [...indices.shape], "int32");
      return tf.reshape(tf.gatherND(params.tf(ctx.node.name), it), outShape);
    });
    return fromTf(params.dtype, res);
  }
  const b = bufOf(params);
  const out = alloc(b, count * slice);
  for (let i = 0; i < count; i++) copyRun(out, i * slice, b, offsets[i] * slice, slice);
  return wrap(b, outShape, out);
}

type ScatterMode = "update" | "add" | "sub" | "mul" | "div" | "min" | "max";

/** dst[d] = combine(dst[d], src[s]) with TF's per-dtype arithmetic (wrapping ints, rounding floats). */
function combiner(ctx: KernelContext, mode: ScatterMode, dtype: number): (dst: Store, d: number, src: Buf, s: number) => void {
  if (mode === "update") return (dst, d, src, s) => copyElem(dst, d, src, s);
  const np = npDtypeOf(dtype);
  const bad = () => ctx.error("InvalidArgumentError", `scatter ${mode} is not supported for ${cppDtypeName(dtype)}`);
  const numOp = (mode: ScatterMode): ((a: number, b: number) => number) => {
    switch (mode) {
      case "add":
        return (a, b) => a + b;
      case "sub":
        return (a, b) => a - b;
      case "mul":
        return (a, b) => a * b;
      case "div":
        return (a, b) => a / b;
      case "min":
        return (a, b) => (b < a ? b : a);
      default:
        return (a, b) => (a < b ? b : a);
    }
  };
  switch (np) {
    case "float32":
    case "float64":
    case "uint8":
    case "int8":
    case "uint16":
    case "int16": {
      const isInt = np !== "float32" && np !== "float64";
      if (isInt && mode === "div") {
        return (dst, d, src, s) => {
          const b = src.data[s];
          if (b === 0) throw ctx.error("InvalidArgumentError", "Integer division by zero");
          dst[d] = Math.trunc(dst[d] / b);
        };
      }
      const f = numOp(mode);
      return (dst, d, src, s) => (dst[d] = f(dst[d], src.data[s]));
    }
    case "int32":
    case "uint32": {
      const f = mode === "mul" ? (a: number, b: number) => Math.imul(a, b) : numOp(mode);
      if (mode === "div") {
        return (dst, d, src, s) => {
          const b = src.data[s];
          if (b === 0) throw ctx.error("InvalidArgumentError", "Integer division by zero");
          dst[d] = Math.trunc(dst[d] / b);
        };
      }
      return (dst, d, src, s) => (dst[d] = f(dst[d], src.data[s]));
    }
    case "int64":
    case "uint64": {
      return (dst, d, src, s) => {
        const a = dst[d] as bigint;
        const b = src.data[s] as bigint;
        switch (mode) {
          case "add":
            dst[d] = a + b;
            break;
          case "sub":
            dst[d] = a - b;
            break;
          case "mul":
            dst[d] = a * b;
            break;
          case "div":
            if (b === 0n) throw ctx.error("InvalidArgumentError", "Integer division by zero");
            dst[d] = a / b;
            break;
          case "min":
            dst[d] = b < a ? b : a;
            break;
          default:
            dst[d] = a < b ? b : a;
        }
      };
    }
    case "float16":
    case "bfloat16": {
      const dec = np === "float16" ? halfToNumber : bfloat16ToNumber;
      const enc = np === "float16" ? numberToHalf : numberToBfloat16;
      const f = numOp(mode);
      return (dst, d, src, s) => (dst[d] = enc(f(dec(dst[d]), dec(src.data[s]))));
    }
    case "complex64":
    case "complex128": {
      if (mode === "min" || mode === "max") throw bad();
      return (dst, d, src, s) => {
        const ar = dst[2 * d];
        const ai = dst[2 * d + 1];
        const br = src.data[2 * s];
        const bi = src.data[2 * s + 1];
        if (mode === "add") {
          dst[2 * d] = ar + br;
          dst[2 * d + 1] = ai + bi;
        } else if (mode === "sub") {
          dst[2 * d] = ar - br;
          dst[2 * d + 1] = ai - bi;
        } else if (mode === "mul") {
          dst[2 * d] = ar * br - ai * bi;
          dst[2 * d + 1] = ar * bi + ai * br;
        } else {
          const den = br * br + bi * bi;
          dst[2 * d] = (ar * br + ai * bi) / den;
          dst[2 * d + 1] = (ai * br - ar * bi) / den;
        }
      };
    }
    case "bool":
      if (mode === "add") return (dst, d, src, s) => (dst[d] = dst[d] || src.data[s] ? 1 : 0);
      throw bad();
    default:
      throw bad();
  }
}

/** Applies updates at nd-indices into `out` (storage of a tensor of `shape`). */
function scatterNdInto(ctx: KernelContext, out: Store, shape: readonly number[], indices: Tensor, updates: Tensor, mode: ScatterMode): void {
  const { offsets, k, count } = ndOffsets(ctx, indices, shape, "shape");
  const slice = prod(shape, k);
  const want = [...indices.shape.slice(0, -1), ...shape.slice(k)];
  if (!sameShape(updates.shape, want)) {
    throw ctx.error(
      "InvalidArgumentError",
      `Dimensions of updates ${shapeStr(updates.shape)} must match indices.shape[:-1] + shape[indices.shape[-1]:] = ${shapeStr(want)}`,
    );
  }
  const ub = bufOf(updates);
  if (mode === "update") {
    for (let i = 0; i < count; i++) copyRun(out, offsets[i] * slice, ub, i * slice, slice);
    return;
  }
  const f = combiner(ctx, mode, updates.dtype);
  for (let i = 0; i < count; i++) {
    const base = offsets[i] * slice;
    for (let j = 0; j < slice; j++) f(out, base + j, ub, i * slice + j);
  }
}

function scatterNd(ctx: KernelContext): Tensor[] {
  const [indices, updates, shapeT] = ctx.inputs;
  const shape = shapeT.numbers();
  if (shape.some((d) => d < 0)) throw ctx.error("InvalidArgumentError", `Dimension ${shape.find((d) => d < 0)} must be >= 0`);
  const ub = bufOf(updates);
  const out = alloc(ub, sizeOf(shape));
  scatterNdInto(ctx, out, shape, indices, updates, updates.dtype === DT.DT_STRING || updates.objects ? "update" : "add");
  return [wrap(ub, shape, out)];
}

function tensorScatter(mode: ScatterMode) {
  return (ctx: KernelContext): Tensor[] => {
    const [t, indices, updates] = ctx.inputs;
    if (indices.size === 0) return [t];
    const b = bufOf(t);
    const out = clone(b);
    scatterNdInto(ctx, out, t.shape, indices, updates, mode);
    return [wrap(b, t.shape, out)];
  };
}

/** params with rows params[indices[i…]] op= updates[i…, …] (updates may be a scalar): ScatterAdd & co. */
function scatterRows(ctx: KernelContext, params: Tensor, indices: Tensor, updates: Tensor, mode: ScatterMode): Tensor {
  if (params.rank < 1) throw ctx.error("InvalidArgumentError", `params must be at least 1-D, got ${shapeStr(params.shape)}`);
  if (updates.dtype !== params.dtype) throw ctx.error("InvalidArgumentError", `updates have type ${cppDtypeName(updates.dtype)}, the variable ${cppDtypeName(params.dtype)}`);
  const want = [...indices.shape, ...params.shape.slice(1)];
  const scalar = updates.rank === 0;
  if (!scalar && !sameShape(updates.shape, want)) {
    throw ctx.error(
      "InvalidArgumentError",
      `Must have updates.shape = indices.shape + params.shape[1:] or updates.shape = [], got updates.shape ${shapeStr(updates.shape)}, indices.shape ${shapeStr(indices.shape)}, params.shape ${shapeStr(params.shape)}`,
    );
  }
  const dim = params.shape[0];
  const idx = indexData(indices);
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < dim)) throw ctx.error("InvalidArgumentError", `indices${sliceStr(indices.shape, i)} = ${indexText(indices, i)} is not in [0, ${dim})`);
  }
  const pb = bufOf(params);
  const ub = bufOf(updates);
  const out = clone(pb);
  const slice = prod(params.shape, 1);
  const f = combiner(ctx, mode, params.dtype);
  for (let i = 0; i < idx.length; i++) {
    const base = idx[i] * slice;
    for (let j = 0; j < slice; j++) f(out, base + j, ub, scalar ? 0 : i * slice + j);
  }
  return wrap(pb, params.shape, out);
}

/** ResourceScatter*: updates the resource variable in place (a new value; readers keep the old one). */
function resourceScatter(mode: ScatterMode) {
  return (ctx: KernelContext): Tensor[] => {
    const v = variableFor(ctx);
    const w = where(ctx);
    v.assign(scatterRows(ctx, v.read(w), ctx.inputs[1], ctx.inputs[2], mode), w);
    return [];
  };
}

/** TF1 ScatterUpdate/ScatterAdd/…: the same on a ref variable; outputs the ref. */
function refScatter(mode: ScatterMode) {
  return (ctx: KernelContext): Tensor[] => {
    const ref = ctx.ref(0);
    const w = where(ctx);
    ref.variable.assign(scatterRows(ctx, ref.variable.read(w), ctx.inputs[1], ctx.inputs[2], mode), w);
    return [ref as unknown as Tensor];
  };
}

/** ScatterNd* on a variable: nd-indexed update of its value (ref or resource). */
function variableScatterNd(ctx: KernelContext, params: Tensor, mode: ScatterMode): Tensor {
  const [, indices, updates] = ctx.inputs;
  if (updates.dtype !== params.dtype) throw ctx.error("InvalidArgumentError", `updates have type ${cppDtypeName(updates.dtype)}, the variable ${cppDtypeName(params.dtype)}`);
  const b = bufOf(params);
  const out = clone(b);
  scatterNdInto(ctx, out, params.shape, indices, updates, mode);
  return wrap(b, params.shape, out);
}

function refScatterNd(mode: ScatterMode) {
  return (ctx: KernelContext): Tensor[] => {
    const ref = ctx.ref(0);
    const w = where(ctx);
    ref.variable.assign(variableScatterNd(ctx, ref.variable.read(w), mode), w);
    return [ref as unknown as Tensor];
  };
}

function resourceScatterNd(mode: ScatterMode) {
  return (ctx: KernelContext): Tensor[] => {
    const v = variableFor(ctx);
    const w = where(ctx);
    v.assign(variableScatterNd(ctx, v.read(w), mode), w);
    return [];
  };
}

function unravelIndex(ctx: KernelContext): Tensor[] {
  const [indices, dimsT] = ctx.inputs;
  if (dimsT.rank !== 1) throw ctx.error("InvalidArgumentError", `The indices can only be 1-D, got ${shapeStr(dimsT.shape)}`);
  if (indices.rank > 1) throw ctx.error("InvalidArgumentError", `The indices can only be scalar or vector, got ${shapeStr(indices.shape)}`);
  const dims = dimsT.numbers();
  const total = prod(dims);
  const idx = indexData(indices);
  const n = idx.length;
  const r = dims.length;
  const out = new Array<number>(r * n);
  for (let k = 0; k < n; k++) {
    let v = idx[k];
    if (!(v >= 0 && v < total)) throw ctx.error("InvalidArgumentError", `index out of bounds`);
    for (let d = r - 1; d >= 0; d--) {
      out[d * n + k] = v % dims[d];
      v = Math.floor(v / dims[d]);
    }
  }
  return [intVector(indices.dtype, out, indices.rank === 0 ? [r] : [r, n])];
}

// ---------------------------------------------------------------------------
// Transpose, Tile, Pad, MirrorPad, Reverse, Roll, BroadcastTo

function permutation(ctx: KernelContext, t: Tensor, permT: Tensor): number[] {
  const perm = permT.numbers();
  const r = t.rank;
  if (permT.rank !== 1 || perm.length !== r) {
    throw ctx.error("InvalidArgumentError", `transpose expects a vector of size ${r}. But input(1) is a vector of size ${perm.length}`);
  }
  const seen = new Array<boolean>(r).fill(false);
  for (const d of perm) {
    if (!(d >= 0 && d < r)) throw ctx.error("InvalidArgumentError", `${d} is out of range [0 .. ${r})`);
    if (seen[d]) throw ctx.error("InvalidArgumentError", `${d} is duplicated in the input.`);
    seen[d] = true;
  }
  return perm;
}

function transposeOf(ctx: KernelContext, t: Tensor, perm: readonly number[], conjugate: boolean): Tensor {
  const isComplex = t.dtype === DT.DT_COMPLEX64 || t.dtype === DT.DT_COMPLEX128;
  const trivial = perm.every((p, i) => p === i) || t.size <= 1 || perm.filter((p) => t.shape[p] !== 1).every((p, i, a) => i === 0 || p > a[i - 1]);
  const outShape = perm.map((p) => t.shape[p]);
  if (trivial && !(conjugate && isComplex)) return reshaped(t, outShape);
  if (onTf(t)) return fromTf(t.dtype, tf.transpose(t.tf(ctx.node.name), [...perm]));
  const b = bufOf(t);
  const { data } = transposeHost(b, t.shape, perm);
  if (conjugate && isComplex) for (let i = 1; i < data.length; i += 2) data[i] = -data[i];
  return wrap(b, outShape, data);
}

function transpose(conjugate: boolean) {
  return (ctx: KernelContext): Tensor[] => [transposeOf(ctx, ctx.inputs[0], permutation(ctx, ctx.inputs[0], ctx.inputs[1]), conjugate)];
}

function invertPermutation(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  if (x.rank !== 1) throw ctx.error("InvalidArgumentError", `invert_permutation expects a 1D vector.`);
  const v = x.numbers();
  const n = v.length;
  const out = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const d = v[i];
    if (!(d >= 0 && d < n)) throw ctx.error("InvalidArgumentError", `${d} is not between 0 and ${n}`);
    if (out[d] !== -1) throw ctx.error("InvalidArgumentError", `${d} is duplicated in the input.`);
    out[d] = i;
  }
  return [intVector(x.dtype, out)];
}

function tile(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const mT = ctx.inputs[1];
  const r = t.rank;
  if (mT.rank !== 1 || mT.size !== r) {
    throw ctx.error("InvalidArgumentError", `Expected multiples argument to be a vector of length ${r} but got length ${mT.size}`);
  }
  const m = mT.numbers();
  m.forEach((v, i) => {
    if (v < 0) throw ctx.error("InvalidArgumentError", `Expected multiples[${i}] >= 0, but got ${v}`);
  });
  const outShape = t.shape.map((d, i) => d * m[i]);
  if (m.every((v) => v === 1)) return [t];
  if (onTf(t) && sizeOf(outShape) > 0) return [fromTf(t.dtype, tf.tile(t.tf(ctx.node.name), m))];
  const st = stridesOf(t.shape);
  const offs = outShape.map((n, d) => axisOffsets(n, st[d], (i) => i % t.shape[d]));
  const b = bufOf(t);
  return [wrap(b, outShape, sepGather(b, outShape, offs))];
}

function paddingsOf(ctx: KernelContext, t: Tensor, pT: Tensor): [number, number][] {
  const r = t.rank;
  if (pT.rank !== 2 || pT.shape[1] !== 2) throw ctx.error("InvalidArgumentError", `paddings must be a matrix with 2 columns: ${shapeStr(pT.shape)}`);
  if (pT.shape[0] !== r) {
    throw ctx.error("InvalidArgumentError", `The first dimension of paddings must be the rank of inputs${shapeStr(pT.shape)}, ${shapeStr(t.shape)}`);
  }
  const p = pT.numbers();
  return Array.from({ length: r }, (_, i) => [p[2 * i], p[2 * i + 1]]);
}

function padWith(ctx: KernelContext, t: Tensor, pads: [number, number][], value: Tensor | undefined): Tensor {
  for (const [lo, hi] of pads) if (lo < 0 || hi < 0) throw ctx.error("InvalidArgumentError", `Paddings must be non-negative: ${lo} ${hi}`);
  if (pads.every(([lo, hi]) => lo === 0 && hi === 0)) return t;
  const outShape = t.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  if (sizeOf(outShape) > 0 && t.size > 0 && onTf(t) && (!value || tfOk(value))) {
    const c = value ? value.numbers()[0] : 0;
    return fromTf(t.dtype, tf.pad(t.tf(ctx.node.name), pads, c));
  }
  const st = stridesOf(t.shape);
  const offs = outShape.map((n, d) => {
    const lo = pads[d][0];
    const dim = t.shape[d];
    return axisOffsets(n, st[d], (i) => (i - lo >= 0 && i - lo < dim ? i - lo : null));
  });
  const b = bufOf(t);
  const fill = value ? { buf: bufOf(value), index: 0 } : undefined;
  return wrap(b, outShape, sepGather(b, outShape, offs, fill));
}

function pad(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  return [padWith(ctx, t, paddingsOf(ctx, t, ctx.inputs[1]), undefined)];
}

function padV2(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const c = ctx.inputs[2];
  if (c.rank !== 0) throw ctx.error("InvalidArgumentError", `constant_values must be a scalar. Shape of constant_values is ${shapeStr(c.shape)}`);
  return [padWith(ctx, t, paddingsOf(ctx, t, ctx.inputs[1]), c)];
}

function mirrorPad(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const pads = paddingsOf(ctx, t, ctx.inputs[1]);
  const mode = ctx.attrs.str("mode");
  if (mode !== "REFLECT" && mode !== "SYMMETRIC") throw ctx.error("InvalidArgumentError", `mode must be either REFLECT or SYMMETRIC, got ${mode}`);
  const off = mode === "REFLECT" ? 1 : 0;
  pads.forEach(([lo, hi], i) => {
    const dim = t.shape[i];
    if (lo < 0 || hi < 0) throw ctx.error("InvalidArgumentError", `Paddings must be non-negative: ${lo} ${hi}`);
    if (lo > dim - off || hi > dim - off) {
      throw ctx.error(
        "InvalidArgumentError",
        off ? `paddings must be less than the dimension size: ${lo}, ${hi} not less than ${dim}` : `paddings must be no greater than the dimension size: ${lo}, ${hi} greater than ${dim}`,
      );
    }
  });
  if (pads.every(([lo, hi]) => lo === 0 && hi === 0)) return [t];
  const outShape = t.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  if (onTf(t) && t.size > 0) return [fromTf(t.dtype, tf.mirrorPad(t.tf(ctx.node.name), pads, off ? "reflect" : "symmetric"))];
  const st = stridesOf(t.shape);
  const offs = outShape.map((n, d) => {
    const lo = pads[d][0];
    const dim = t.shape[d];
    return axisOffsets(n, st[d], (i) => {
      const j = i - lo;
      if (j < 0) return off ? -j : -j - 1;
      if (j >= dim) return off ? 2 * (dim - 1) - j : 2 * dim - 1 - j;
      return j;
    });
  });
  const b = bufOf(t);
  return [wrap(b, outShape, sepGather(b, outShape, offs))];
}

function reverseAxes(ctx: KernelContext, t: Tensor, axes: readonly boolean[]): Tensor {
  if (!axes.some((a, i) => a && t.shape[i] > 1)) return t;
  if (onTf(t)) return fromTf(t.dtype, tf.reverse(t.tf(ctx.node.name), axes.flatMap((a, i) => (a ? [i] : []))));
  const st = stridesOf(t.shape);
  const offs = t.shape.map((n, d) => axisOffsets(n, st[d], (i) => (axes[d] ? n - 1 - i : i)));
  const b = bufOf(t);
  return wrap(b, t.shape, sepGather(b, t.shape, offs));
}

function reverseV2(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const axisT = ctx.inputs[1];
  if (axisT.rank !== 1) throw ctx.error("InvalidArgumentError", `'axis' must be 1-D, not ${shapeStr(axisT.shape)}`);
  const r = t.rank;
  const axes = new Array<boolean>(r).fill(false);
  const list = axisT.numbers();
  for (let i = 0; i < list.length; i++) {
    const a0 = list[i];
    if (a0 < -r || a0 >= r) throw ctx.error("InvalidArgumentError", `'axis'[${i}] = ${a0} is out of valid range [0, ${r - 1}`);
    const a = a0 < 0 ? a0 + r : a0;
    if (axes[a]) throw ctx.error("InvalidArgumentError", `axis ${a} specified more than once.`);
    axes[a] = true;
  }
  return [reverseAxes(ctx, t, axes)];
}

function reverseV1(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const dims = ctx.inputs[1];
  if (dims.rank !== 1 || dims.size !== t.rank) {
    throw ctx.error("InvalidArgumentError", `'dims' must have the same number of values as 'input' has dimensions. 'input' has ${t.rank}'dims' has ${dims.size} values`);
  }
  return [reverseAxes(ctx, t, dims.numbers().map((v) => v !== 0))];
}

function reverseSequence(ctx: KernelContext): Tensor[] {
  const [t, lensT] = ctx.inputs;
  const r = t.rank;
  let seqDim = ctx.attrs.int("seq_dim");
  let batchDim = ctx.attrs.int("batch_dim", 0);
  if (seqDim < 0) seqDim += r;
  if (batchDim < 0) batchDim += r;
  if (seqDim === batchDim) throw ctx.error("InvalidArgumentError", `seq_dim == batch_dim == ${seqDim}`);
  if (seqDim < 0 || seqDim >= r) throw ctx.error("InvalidArgumentError", `seq_dim must be < input rank ( ${seqDim} vs. ${r})`);
  if (batchDim < 0 || batchDim >= r) throw ctx.error("InvalidArgumentError", `batch_dim must be < input rank ( ${batchDim} vs. ${r})`);
  const lens = lensT.numbers();
  if (lensT.rank !== 1) throw ctx.error("InvalidArgumentError", `seq_lengths must be 1-dim, not ${lensT.rank}`);
  if (lens.length !== t.shape[batchDim]) {
    throw ctx.error("InvalidArgumentError", `Length of seq_lengths != input.dims(${batchDim}), (${lens.length} vs. ${t.shape[batchDim]})`);
  }
  lens.forEach((l, i) => {
    if (l < 0) throw ctx.error("InvalidArgumentError", `seq_lengths(${i}) < 0`);
    if (l > t.shape[seqDim]) throw ctx.error("InvalidArgumentError", `seq_lens(${i}) > input.dims(${seqDim})`);
  });
  const st = stridesOf(t.shape);
  const idx = new Float64Array(t.size);
  const c = new Array<number>(r).fill(0);
  for (let k = 0; k < t.size; k++) {
    let off = 0;
    const len = lens[c[batchDim]];
    for (let d = 0; d < r; d++) {
      const v = d === seqDim && c[d] < len ? len - 1 - c[d] : c[d];
      off += v * st[d];
    }
    idx[k] = off;
    for (let d = r - 1; d >= 0; d--) {
      if (++c[d] < t.shape[d]) break;
      c[d] = 0;
    }
  }
  const b = bufOf(t);
  return [wrap(b, t.shape, gatherFlat(b, idx))];
}

function roll(ctx: KernelContext): Tensor[] {
  const [t, shiftT, axisT] = ctx.inputs;
  const r = t.rank;
  if (shiftT.rank > 1) throw ctx.error("InvalidArgumentError", `shift must be a scalar or a 1-D vector. Found: ${shapeStr(shiftT.shape)}`);
  if (axisT.rank > 1) throw ctx.error("InvalidArgumentError", `axis must be a scalar or a 1-D vector. Found: ${shapeStr(axisT.shape)}`);
  const shifts = shiftT.numbers();
  const axes = axisT.numbers();
  if (shifts.length !== axes.length) throw ctx.error("InvalidArgumentError", `shift and axis must have the same size`);
  const total = new Array<number>(r).fill(0);
  axes.forEach((a0, i) => {
    const a = a0 < 0 ? a0 + r : a0;
    if (a < 0 || a >= r) throw ctx.error("InvalidArgumentError", `axis ${a0} is out of range`);
    total[a] += shifts[i];
  });
  if (t.size === 0 || total.every((s, d) => s % t.shape[d] === 0)) return [t];
  const st = stridesOf(t.shape);
  const offs = t.shape.map((n, d) => {
    const s = ((total[d] % n) + n) % n;
    return axisOffsets(n, st[d], (i) => (i - s + n) % n);
  });
  const b = bufOf(t);
  return [wrap(b, t.shape, sepGather(b, t.shape, offs))];
}

function broadcastTo(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const shape = ints(ctx, 1);
  if (shape.some((d) => d < 0)) throw ctx.error("InvalidArgumentError", `Dimension ${shape.find((d) => d < 0)} must be >= 0`);
  if (t.rank > shape.length) {
    throw ctx.error("InvalidArgumentError", `Rank of input (${t.rank}) must be no greater than rank of output shape (${shape.length}).`);
  }
  if (!canBroadcastTo(t.shape, shape)) {
    throw ctx.error("InvalidArgumentError", `Unable to broadcast tensor of shape ${shapeStr(t.shape)} to tensor of shape ${shapeStr(shape)}`);
  }
  if (sameShape(t.shape, shape)) return [t];
  if (sizeOf(shape) === t.size) return [reshaped(t, shape)];
  if (onTf(t) && sizeOf(shape) > 0) return [fromTf(t.dtype, tf.broadcastTo(t.tf(ctx.node.name), shape))];
  const b = bufOf(t);
  return [wrap(b, shape, broadcastStore(b, t.shape, shape))];
}

/** numpy/TF broadcast of shape vectors; null when incompatible. */
function bcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out[i] = x === 1 ? y : x;
  }
  return out;
}

function broadcastArgs(ctx: KernelContext): Tensor[] {
  const [a, b] = ctx.inputs;
  if (a.rank !== 1 || b.rank !== 1) throw ctx.error("InvalidArgumentError", `In[0] and In[1] must be vectors. Got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const s0 = a.numbers();
  const s1 = b.numbers();
  const out = bcastShapes(s0, s1);
  if (!out) throw ctx.error("InvalidArgumentError", `Incompatible shapes: ${shapeStr(s0)} vs. ${shapeStr(s1)}`);
  return [intVector(a.dtype, out)];
}

function broadcastGradientArgs(ctx: KernelContext): Tensor[] {
  const [a, b] = ctx.inputs;
  if (a.rank !== 1 || b.rank !== 1) throw ctx.error("InvalidArgumentError", `In[0] and In[1] must be vectors. Got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const s0 = a.numbers();
  const s1 = b.numbers();
  if (!bcastShapes(s0, s1)) throw ctx.error("InvalidArgumentError", `Incompatible shapes: ${shapeStr(s0)} vs. ${shapeStr(s1)}`);
  const n = Math.max(s0.length, s1.length);
  const r0: number[] = [];
  const r1: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = s0[s0.length - n + i] ?? 1;
    const y = s1[s1.length - n + i] ?? 1;
    // Dims that are 1 in every input are reduced for all of them (TF's BCast).
    if (x === 1) r0.push(i);
    if (y === 1) r1.push(i);
  }
  return [intVector(a.dtype, r0), intVector(a.dtype, r1)];
}

// ---------------------------------------------------------------------------
// Fill, Range, LinSpace, Shape, Size, Rank, ZerosLike, OnesLike, Empty

/** One element of `dtype` holding the number `x`, as a Buf. */
function scalarBuf(dtype: number, x: number): Buf {
  return bufOf(Tensor.fromValues(dtype, [], [x]));
}

function shapeVector(ctx: KernelContext, i: number, what: string): number[] {
  const t = ctx.inputs[i];
  if (t.rank > 1) throw ctx.error("InvalidArgumentError", `${what} must be a vector, got shape ${shapeStr(t.shape)}`);
  const s = t.numbers();
  for (const d of s) if (d < 0) throw ctx.error("InvalidArgumentError", `Dimension ${d} must be >= 0`);
  return s;
}

function fill(ctx: KernelContext): Tensor[] {
  const shape = shapeVector(ctx, 0, "dims");
  const v = ctx.inputs[1];
  if (v.rank !== 0) throw ctx.error("InvalidArgumentError", `value must be a scalar, got shape ${shapeStr(v.shape)}`);
  const vb = bufOf(v);
  const out = alloc(vb, sizeOf(shape));
  fillAll(out, vb, vb, 0);
  return [wrap(vb, shape, out)];
}

/** Rounding to the precision of a float dtype (identity for others). */
function rounder(dtype: number): (x: number) => number {
  switch (dtype) {
    case DT.DT_FLOAT:
      return Math.fround;
    case DT.DT_HALF:
      return (x) => halfToNumber(numberToHalf(x));
    case DT.DT_BFLOAT16:
      return (x) => bfloat16ToNumber(numberToBfloat16(x));
    default:
      return (x) => x;
  }
}

const FLOATS = new Set<number>([DT.DT_FLOAT, DT.DT_DOUBLE, DT.DT_HALF, DT.DT_BFLOAT16]);

function range(ctx: KernelContext): Tensor[] {
  const names = ["start", "limit", "delta"];
  ctx.inputs.forEach((t, i) => {
    if (t.size !== 1 || t.rank > 1) throw ctx.error("InvalidArgumentError", `${names[i]} must be a scalar, not shape ${shapeStr(t.shape)}`);
  });
  const dtype = ctx.inputs[0].dtype;
  const big = dtype === DT.DT_INT64 || dtype === DT.DT_UINT64;
  const val = (i: number): number | bigint => {
    const d = ctx.inputs[i].host().data as ArrayLike<number | bigint>;
    return big ? BigInt(d[0]) : ctx.inputs[i].numbers()[0];
  };
  const [start, limit, delta] = [val(0), val(1), val(2)];
  if (delta == 0) throw ctx.error("InvalidArgumentError", `Requires delta != 0: ${fmt(delta)}`);
  if (delta > 0 && start > limit) throw ctx.error("InvalidArgumentError", `Requires start <= limit when delta > 0: ${fmt(start)}/${fmt(limit)}`);
  if (delta < 0 && start < limit) throw ctx.error("InvalidArgumentError", `Requires start >= limit when delta < 0: ${fmt(start)}/${fmt(limit)}`);
  if (big) {
    const s = start as bigint;
    const l = limit as bigint;
    const d = delta as bigint;
    const abs = (x: bigint) => (x < 0n ? -x : x);
    const size = (abs(l - s) + abs(d) - 1n) / abs(d);
    if (size > 2n ** 31n) throw ctx.error("InvalidArgumentError", `Requires ((limit - start) / delta) <= 2147483648`);
    const n = Number(size);
    const out = dtype === DT.DT_INT64 ? new BigInt64Array(n) : new BigUint64Array(n);
    let v = s;
    for (let i = 0; i < n; i++, v += d) out[i] = v;
    return [Tensor.fromHost(dtype, { dtype: dtype === DT.DT_INT64 ? "int64" : "uint64", shape: [n], data: out } as NdArray)];
  }
  const s = start as number;
  const l = limit as number;
  const d = delta as number;
  const rnd = rounder(dtype);
  const sizeF = FLOATS.has(dtype) ? Math.ceil(Math.abs(rnd(rnd(l - s) / d))) : Math.trunc((Math.abs(l - s) + Math.abs(d) - 1) / Math.abs(d));
  if (!(sizeF <= 2 ** 31)) throw ctx.error("InvalidArgumentError", `Requires ((limit - start) / delta) <= 2147483648`);
  const values = new Array<number>(sizeF);
  let v = s;
  for (let i = 0; i < sizeF; i++) {
    values[i] = v;
    v = rnd(v + d);
  }
  return [Tensor.fromValues(dtype, [sizeF], values)];
}

function linSpace(ctx: KernelContext): Tensor[] {
  const [sT, eT, nT] = ctx.inputs;
  if (sT.rank !== 0) throw ctx.error("InvalidArgumentError", `start must be a scalar, not shape ${shapeStr(sT.shape)}`);
  if (eT.rank !== 0) throw ctx.error("InvalidArgumentError", `stop must be a scalar, not shape ${shapeStr(eT.shape)}`);
  if (nT.rank !== 0) throw ctx.error("InvalidArgumentError", `num must be a scalar, not shape ${shapeStr(nT.shape)}`);
  const dtype = sT.dtype;
  const rnd = rounder(dtype);
  const start = sT.numbers()[0];
  const stop = eT.numbers()[0];
  const num = nT.numbers()[0];
  if (num <= 0) throw ctx.error("InvalidArgumentError", `Requires num > 0: ${num}`);
  const values = new Array<number>(num);
  if (num === 1) values[0] = start;
  else {
    const step = rnd(rnd(stop - start) / (num - 1));
    for (let i = 0; i < num - 1; i++) values[i] = rnd(start + rnd(step * i));
    values[num - 1] = stop;
  }
  return [Tensor.fromValues(dtype, [num], values)];
}

function checkInt32(ctx: KernelContext, dtype: number, values: readonly number[], what: string): void {
  if (dtype !== DT.DT_INT32) return;
  values.forEach((v, i) => {
    if (v > 2147483647) throw ctx.error("InvalidArgumentError", `${what} output type is 32-bit but dim ${i} is ${v}`);
  });
}

function shapeOp(ctx: KernelContext): Tensor[] {
  const dtype = ctx.attrs.type("out_type", DT.DT_INT32);
  const s = ctx.inputs[0].shape;
  checkInt32(ctx, dtype, s, "Shape");
  return [intVector(dtype, s)];
}

function shapeN(ctx: KernelContext): Tensor[] {
  const dtype = ctx.attrs.type("out_type", DT.DT_INT32);
  return ctx.inputs.map((t) => {
    checkInt32(ctx, dtype, t.shape, "ShapeN");
    return intVector(dtype, t.shape);
  });
}

function sizeOp(ctx: KernelContext): Tensor[] {
  const dtype = ctx.attrs.type("out_type", DT.DT_INT32);
  const n = ctx.inputs[0].size;
  if (dtype === DT.DT_INT32 && n > 2147483647) throw ctx.error("InvalidArgumentError", `Number of elements was larger than representable by 32-bit output type`);
  return [intVector(dtype, [n], [])];
}

function rankOp(ctx: KernelContext): Tensor[] {
  return [intVector(DT.DT_INT32, [ctx.inputs[0].rank], [])];
}

function zerosLike(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  if (t.objects || t.dtype === DT.DT_VARIANT || t.dtype === DT.DT_RESOURCE) {
    throw ctx.error("UnimplementedError", `ZerosLike of a ${cppDtypeName(t.dtype)} tensor is not supported`);
  }
  if (onTf(t)) return [fromTf(t.dtype, tf.zerosLike(t.tf(ctx.node.name)))];
  const b = bufOf(t);
  return [wrap(b, t.shape, alloc(b, t.size))];
}

function onesLike(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  if (t.objects || t.dtype === DT.DT_VARIANT || t.dtype === DT.DT_RESOURCE || t.dtype === DT.DT_STRING) {
    throw ctx.error("InvalidArgumentError", `OnesLike is not defined for ${cppDtypeName(t.dtype)} tensors`);
  }
  if (onTf(t)) return [fromTf(t.dtype, tf.onesLike(t.tf(ctx.node.name)))];
  const one = scalarBuf(t.dtype, 1);
  const out = alloc(one, t.size);
  fillAll(out, one, one, 0);
  return [wrap(one, t.shape, out)];
}

function empty(ctx: KernelContext): Tensor[] {
  const shape = shapeVector(ctx, 0, "shape");
  const dtype = ctx.attrs.type("dtype");
  const np = npDtypeOf(dtype);
  if (!np) throw ctx.error("InvalidArgumentError", `Empty: unsupported dtype ${cppDtypeName(dtype)}`);
  const proto = bufOf(Tensor.fromValues(dtype, [0], []));
  return [wrap(proto, shape, alloc(proto, sizeOf(shape)))];
}

// ---------------------------------------------------------------------------
// Where, Select, SelectV2, OneHot

/** Whether element i is nonzero (NaN counts as nonzero, -0 as zero). */
function truthiness(b: Buf): (i: number) => boolean {
  const d = b.data;
  const np = npDtypeOf(b.dtype);
  if (np === "float16" || np === "bfloat16") return (i) => (d[i] & 0x7fff) !== 0;
  if (b.lanes === 2) return (i) => d[2 * i] != 0 || d[2 * i + 1] != 0;
  if (!b.typed) return (i) => d[i].length !== 0;
  return (i) => d[i] != 0;
}

function whereOp(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const r = t.rank;
  const nz = truthiness(bufOf(t));
  const hits: number[] = [];
  for (let i = 0; i < t.size; i++) if (nz(i)) hits.push(i);
  const out = new BigInt64Array(hits.length * r);
  const st = stridesOf(t.shape);
  for (let k = 0; k < hits.length; k++) {
    let rem = hits[k];
    for (let d = 0; d < r; d++) {
      const c = Math.floor(rem / st[d]);
      rem -= c * st[d];
      out[k * r + d] = BigInt(c);
    }
  }
  return [Tensor.fromHost(DT.DT_INT64, { dtype: "int64", shape: [hits.length, r], data: out })];
}

function selectHost(cond: Tensor, t: Tensor, e: Tensor, shape: readonly number[], condShape: readonly number[]): Tensor {
  const ic = broadcastIndex(condShape, shape);
  const it = broadcastIndex(t.shape, shape);
  const ie = broadcastIndex(e.shape, shape);
  const c = cond.host().data as Uint8Array;
  const tb = bufOf(t);
  const eb = bufOf(e);
  const n = sizeOf(shape);
  const out = alloc(tb, n);
  for (let k = 0; k < n; k++) {
    if (c[ic ? ic[k] : k]) copyElem(out, k, tb, it ? it[k] : k);
    else copyElem(out, k, eb, ie ? ie[k] : k);
  }
  return wrap(tb, shape, out);
}

function selectTf(ctx: KernelContext, cond: Tensor, t: Tensor, e: Tensor, condShape: readonly number[]): Tensor {
  return fromTf(
    t.dtype,
    tf.tidy(() => tf.where(tf.reshape(cond.tf(ctx.node.name), [...condShape]) as tf.Tensor, t.tf(ctx.node.name), e.tf(ctx.node.name))),
  );
}

function select(ctx: KernelContext): Tensor[] {
  const [cond, t, e] = ctx.inputs;
  if (!sameShape(t.shape, e.shape)) {
    throw ctx.error("InvalidArgumentError", `'then' and 'else' must have the same size.  but received: ${shapeStr(t.shape)} vs. ${shapeStr(e.shape)}`);
  }
  let condShape: number[];
  if (cond.rank === 0) condShape = t.shape.map(() => 1);
  else if (cond.rank === 1 && t.rank !== 1) {
    if (t.rank < 1) throw ctx.error("InvalidArgumentError", `'then' must be at least a vector, but saw shape: ${shapeStr(t.shape)}`);
    if (t.shape[0] !== cond.size) {
      throw ctx.error("InvalidArgumentError", `Number of batches of 'then' must match size of 'cond', but saw: ${t.shape[0]} vs. ${cond.size}`);
    }
    condShape = t.shape.map((d, i) => (i === 0 ? d : 1));
  } else {
    if (!sameShape(cond.shape, t.shape)) {
      throw ctx.error("InvalidArgumentError", `'cond' and 'then' must have the same size.  but received: ${shapeStr(cond.shape)} vs. ${shapeStr(t.shape)}`);
    }
    condShape = [...cond.shape];
  }
  if (t.size > 0 && useTf(t, e)) return [selectTf(ctx, cond, t, e, condShape)];
  return [selectHost(cond, t, e, t.shape, condShape)];
}

function selectV2(ctx: KernelContext): Tensor[] {
  const [cond, t, e] = ctx.inputs;
  const s1 = bcastShapes(cond.shape, t.shape);
  const shape = s1 && bcastShapes(s1, e.shape);
  if (!shape) {
    throw ctx.error("InvalidArgumentError", `condition ${shapeStr(cond.shape)}, then ${shapeStr(t.shape)}, and else ${shapeStr(e.shape)} must be broadcastable`);
  }
  if (sizeOf(shape) > 0 && useTf(t, e)) return [selectTf(ctx, cond, t, e, cond.shape)];
  return [selectHost(cond, t, e, shape, cond.shape)];
}

function oneHot(ctx: KernelContext): Tensor[] {
  const [indices, depthT, onT, offT] = ctx.inputs;
  const r = indices.rank;
  let axis = ctx.attrs.int("axis", -1);
  if (axis !== -1 && (axis < 0 || axis > r)) throw ctx.error("InvalidArgumentError", `Expected axis to be -1 or between [0, ${r + 1}).  But received: ${axis}`);
  if (depthT.rank !== 0) throw ctx.error("InvalidArgumentError", `depth must be a scalar, but got: ${shapeStr(depthT.shape)}`);
  if (onT.rank !== 0) throw ctx.error("InvalidArgumentError", `on_value must be a scalar, but got: ${shapeStr(onT.shape)}`);
  if (offT.rank !== 0) throw ctx.error("InvalidArgumentError", `off_value must be a scalar, but got: ${shapeStr(offT.shape)}`);
  const depth = depthT.numbers()[0];
  if (depth < 0) throw ctx.error("InvalidArgumentError", `depth must be non-negative, got: ${depth}`);
  if (axis === -1) axis = r;
  const outShape = [...indices.shape];
  outShape.splice(axis, 0, depth);
  const idx = indexData(indices);
  const onB = bufOf(onT);
  const offB = bufOf(offT);
  const n = sizeOf(outShape);
  const out = alloc(onB, n);
  fillAll(out, onB, offB, 0);
  const outer = prod(indices.shape, 0, axis);
  const inner = prod(indices.shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const v = idx[o * inner + i];
      if (v >= 0 && v < depth) copyElem(out, (o * depth + v) * inner + i, onB, 0);
    }
  }
  return [wrap(onB, outShape, out)];
}

// ---------------------------------------------------------------------------
// Unique, UniqueV2, UniqueWithCounts, ListDiff

let nanKey = 0;

/** A Map key per element: equal values give equal keys (-0 == 0, half by value); NaN never matches. */
function elementKey(b: Buf): (i: number) => unknown {
  const d = b.data;
  const np = npDtypeOf(b.dtype);
  const num = (v: number) => (v !== v ? `nan${nanKey++}` : v === 0 ? 0 : v);
  if (b.objects) return (i) => d[i];
  if (!b.typed) {
    return (i) => {
      const s = d[i] as Uint8Array;
      let k = "s";
      for (let j = 0; j < s.length; j += 4096) k += String.fromCharCode(...s.subarray(j, j + 4096));
      return k;
    };
  }
  if (np === "float16") return (i) => num(halfToNumber(d[i]));
  if (np === "bfloat16") return (i) => num(bfloat16ToNumber(d[i]));
  if (b.lanes === 2) return (i) => `${num(d[2 * i])},${num(d[2 * i + 1])}`;
  if (np === "float32" || np === "float64") return (i) => num(d[i]);
  return (i) => d[i];
}

function uniqueAlong(ctx: KernelContext, t: Tensor, axis: number | null, withCounts: boolean): Tensor[] {
  const idxType = ctx.attrs.type("out_idx", DT.DT_INT32);
  const b = bufOf(t);
  const key = elementKey(b);
  // Slices along `axis` (or single elements when flattening).
  const shape = axis === null ? [t.size] : t.shape;
  const ax = axis ?? 0;
  const n = shape[ax];
  const outer = prod(shape, 0, ax);
  const inner = prod(shape, ax + 1);
  const sliceKey = (j: number): unknown => {
    if (outer === 1 && inner === 1) return key(j);
    const parts: unknown[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) parts.push(key((o * n + j) * inner + i));
    return parts.map((p) => (typeof p === "bigint" ? `${p}n` : typeof p === "number" ? String(p) : JSON.stringify(p))).join("|");
  };
  const seen = new Map<unknown, number>();
  const firsts: number[] = [];
  const counts: number[] = [];
  const idx = new Array<number>(n);
  for (let j = 0; j < n; j++) {
    const k = sliceKey(j);
    let u = seen.get(k);
    if (u === undefined) {
      u = firsts.length;
      seen.set(k, u);
      firsts.push(j);
      counts.push(0);
    }
    counts[u]++;
    idx[j] = u;
  }
  const outShape = [...shape];
  outShape[ax] = firsts.length;
  const out = alloc(b, sizeOf(outShape));
  let w = 0;
  for (let o = 0; o < outer; o++) {
    for (const j of firsts) {
      copyRun(out, w, b, (o * n + j) * inner, inner);
      w += inner;
    }
  }
  const res = [wrap(b, outShape, out), intVector(idxType, idx)];
  if (withCounts) res.push(intVector(idxType, counts));
  return res;
}

function unique(withCounts: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const t = ctx.inputs[0];
    if (t.rank !== 1) throw ctx.error("InvalidArgumentError", `unique expects a 1D vector.`);
    return uniqueAlong(ctx, t, null, withCounts);
  };
}

function uniqueV2(withCounts: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const [t, axisT] = ctx.inputs;
    const axes = axisT.numbers();
    if (axes.length > 1) throw ctx.error("InvalidArgumentError", `axis expects a 1D vector with 1 element: ${shapeStr(axisT.shape)}`);
    if (axes.length === 0) {
      if (t.rank !== 1) throw ctx.error("InvalidArgumentError", `unique expects a 1D vector.`);
      return uniqueAlong(ctx, t, null, withCounts);
    }
    const r = t.rank;
    const a = axes[0];
    if (a < -r || a >= r) throw ctx.error("InvalidArgumentError", `axis has to be between [-${r}, ${r})`);
    return uniqueAlong(ctx, t, a < 0 ? a + r : a, withCounts);
  };
}

function listDiff(ctx: KernelContext): Tensor[] {
  const [x, y] = ctx.inputs;
  if (x.rank !== 1) throw ctx.error("InvalidArgumentError", `x should be a 1D vector.`);
  if (y.rank !== 1) throw ctx.error("InvalidArgumentError", `y should be a 1D vector.`);
  const idxType = ctx.attrs.type("out_idx", DT.DT_INT32);
  const xb = bufOf(x);
  const yb = bufOf(y);
  const kx = elementKey(xb);
  const ky = elementKey(yb);
  const ys = new Set<unknown>();
  for (let i = 0; i < y.size; i++) ys.add(ky(i));
  const keep: number[] = [];
  for (let i = 0; i < x.size; i++) if (!ys.has(kx(i))) keep.push(i);
  return [wrap(xb, [keep.length], gatherFlat(xb, keep)), intVector(idxType, keep)];
}

// ---------------------------------------------------------------------------
// Band and diagonal matrices

/** Flat gather with a fill value for negative indices. */
function gatherFill(src: Buf, idx: ArrayLike<number>, fillBuf: Buf | undefined): Store {
  const out = alloc(src, idx.length);
  for (let k = 0; k < idx.length; k++) {
    const s = idx[k];
    if (s >= 0) copyElem(out, k, src, s);
    else if (fillBuf) copyElem(out, k, fillBuf, 0);
  }
  return out;
}

function matrixBandPart(ctx: KernelContext): Tensor[] {
  const [t, loT, upT] = ctx.inputs;
  if (t.rank < 2) throw ctx.error("InvalidArgumentError", `input must be at least 2-dim, received shape: ${shapeStr(t.shape)}`);
  if (loT.rank !== 0) throw ctx.error("InvalidArgumentError", `num_lower must be scalar, got shape ${shapeStr(loT.shape)}`);
  if (upT.rank !== 0) throw ctx.error("InvalidArgumentError", `num_upper must be scalar, got shape ${shapeStr(upT.shape)}`);
  const M = t.shape[t.rank - 2];
  const N = t.shape[t.rank - 1];
  const lo = loT.numbers()[0];
  const up = upT.numbers()[0];
  if (lo > M) throw ctx.error("InvalidArgumentError", `num_lower must be negative or less or equal to number of rows (${M}) got: ${lo}`);
  if (up > N) throw ctx.error("InvalidArgumentError", `num_upper must be negative or less or equal to number of columns (${N}) got: ${up}`);
  if ((lo < 0 || lo >= M - 1) && (up < 0 || up >= N - 1)) return [t];
  const idx = new Float64Array(t.size);
  const mat = M * N;
  for (let k = 0; k < t.size; k++) {
    const m = Math.floor((k % mat) / N);
    const n = k % N;
    idx[k] = (lo < 0 || m - n <= lo) && (up < 0 || n - m <= up) ? k : -1;
  }
  const b = bufOf(t);
  return [wrap(b, t.shape, gatherFill(b, idx, undefined))];
}

interface DiagSpec {
  lo: number;
  hi: number;
  leftSuper: boolean;
  leftSub: boolean;
}

function diagSpec(ctx: KernelContext, kT: Tensor | undefined, align: string): DiagSpec {
  let lo = 0;
  let hi = 0;
  if (kT) {
    const k = kT.numbers();
    if (kT.rank > 1 || k.length < 1 || k.length > 2) throw ctx.error("InvalidArgumentError", `diag_index must be a scalar or vector with at most two elements, got shape ${shapeStr(kT.shape)}`);
    lo = k[0];
    hi = k.length === 2 ? k[1] : k[0];
    if (lo > hi) throw ctx.error("InvalidArgumentError", `lower_diag_index must not be larger than upper_diag_index: ${lo} > ${hi}`);
  }
  return {
    lo,
    hi,
    leftSuper: align === "LEFT_LEFT" || align === "LEFT_RIGHT",
    leftSub: align === "LEFT_LEFT" || align === "RIGHT_LEFT",
  };
}

const diagLen = (d: number, M: number, N: number) => (d >= 0 ? Math.min(M, N - d) : Math.min(M + d, N));
const diagOffset = (s: DiagSpec, d: number, M: number, N: number, maxLen: number) => ((d >= 0 ? s.leftSuper : s.leftSub) ? 0 : maxLen - diagLen(d, M, N));

function checkDiagRange(ctx: KernelContext, s: DiagSpec, M: number, N: number): void {
  for (const [name, v] of [["lower", s.lo], ["upper", s.hi]] as const) {
    if (!((-M < v && v < N) || v === 0)) throw ctx.error("InvalidArgumentError", `${name}_diag_index is out of bound: ${v}. It must be between ${-M} and ${N}`);
  }
}

/**
 * The diagonals `s` selects from the M x N matrices of `t` (rank >= 2), their
 * range checked: how many, how long, and the shape they make together
 * (MatrixDiagPart's output, the `diagonal` MatrixSetDiag takes).
 */
function diagBand(ctx: KernelContext, t: Tensor, s: DiagSpec) {
  const M = t.shape[t.rank - 2];
  const N = t.shape[t.rank - 1];
  checkDiagRange(ctx, s, M, N);
  const numDiags = s.hi - s.lo + 1;
  const maxLen = Math.max(0, Math.min(M + Math.min(s.hi, 0), N - Math.max(s.lo, 0)));
  const batchShape = t.shape.slice(0, -2);
  const diagShape = [...batchShape, ...(numDiags > 1 ? [numDiags] : []), maxLen];
  return { M, N, numDiags, maxLen, batchShape, diagShape };
}

function matrixDiagPart(version: 1 | 2 | 3) {
  return (ctx: KernelContext): Tensor[] => {
    const t = ctx.inputs[0];
    if (t.rank < 2) throw ctx.error("InvalidArgumentError", `input must be at least 2-dim, received shape: ${shapeStr(t.shape)}`);
    const spec = diagSpec(ctx, version > 1 ? ctx.inputs[1] : undefined, version === 3 ? ctx.attrs.str("align", "RIGHT_LEFT") : "LEFT_LEFT");
    const pad = version > 1 ? ctx.inputs[2] : undefined;
    if (pad && pad.size !== 1) throw ctx.error("InvalidArgumentError", `padding_value must be a scalar, got shape ${shapeStr(pad.shape)}`);
    const { M, N, numDiags, maxLen, batchShape, diagShape: outShape } = diagBand(ctx, t, spec);
    const { lo, hi } = spec;
    const batch = prod(batchShape);
    const idx = new Float64Array(batch * numDiags * maxLen);
    let w = 0;
    for (let b = 0; b < batch; b++) {
      for (let d = hi; d >= lo; d--) {
        const off = diagOffset(spec, d, M, N, maxLen);
        const len = diagLen(d, M, N);
        for (let n = 0; n < maxLen; n++) {
          const j = n - off;
          idx[w++] = j >= 0 && j < len ? b * M * N + (j + Math.max(-d, 0)) * N + j + Math.max(d, 0) : -1;
        }
      }
    }
    const src = bufOf(t);
    return [wrap(src, outShape, gatherFill(src, idx, pad ? bufOf(pad) : undefined))];
  };
}

function matrixDiag(version: 1 | 2 | 3) {
  return (ctx: KernelContext): Tensor[] => {
    const diag = ctx.inputs[0];
    if (diag.rank < 1) throw ctx.error("InvalidArgumentError", `input must be at least 1-dim, received shape: ${shapeStr(diag.shape)}`);
    const spec = diagSpec(ctx, version > 1 ? ctx.inputs[1] : undefined, version === 3 ? ctx.attrs.str("align", "RIGHT_LEFT") : "LEFT_LEFT");
    const { lo, hi } = spec;
    const numDiags = hi - lo + 1;
    const r = diag.rank;
    const maxLen = diag.shape[r - 1];
    if (numDiags > 1 && (r < 2 || diag.shape[r - 2] !== numDiags)) {
      throw ctx.error("InvalidArgumentError", `The number of diagonals provided in the input does not match the lower_diag_index and upper_diag_index range.`);
    }
    let rows = version > 1 ? scalarInt(ctx, 2, "num_rows") : -1;
    let cols = version > 1 ? scalarInt(ctx, 3, "num_cols") : -1;
    const pad = version > 1 ? ctx.inputs[4] : undefined;
    if (pad && pad.size !== 1) throw ctx.error("InvalidArgumentError", `padding_value must be a scalar, got shape ${shapeStr(pad.shape)}`);
    const minRows = maxLen - Math.min(hi, 0);
    const minCols = maxLen + Math.max(lo, 0);
    if (rows === -1 && cols === -1) rows = cols = Math.max(minRows, minCols);
    else if (rows === -1) rows = minRows;
    else if (cols === -1) cols = minCols;
    if (rows !== minRows && cols !== minCols) {
      throw ctx.error("InvalidArgumentError", `The number of rows or columns is not consistent with the specified d_lower, d_upper, and diagonal.`);
    }
    if (rows < minRows || cols < minCols) throw ctx.error("InvalidArgumentError", `num_rows (${rows}) and num_cols (${cols}) are too small for the diagonals`);
    const batchShape = diag.shape.slice(0, numDiags > 1 ? -2 : -1);
    const batch = prod(batchShape);
    const idx = new Float64Array(batch * rows * cols);
    let w = 0;
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++, w++) {
          const d = j - i;
          if (d < lo || d > hi) {
            idx[w] = -1;
            continue;
          }
          const n = j - Math.max(d, 0) + diagOffset(spec, d, rows, cols, maxLen);
          idx[w] = (b * numDiags + (hi - d)) * maxLen + n;
        }
      }
    }
    const src = bufOf(diag);
    const fillB = pad ? bufOf(pad) : undefined;
    return [wrap(src, [...batchShape, rows, cols], gatherFill(src, idx, fillB))];
  };
}

function matrixSetDiag(version: 1 | 2 | 3) {
  return (ctx: KernelContext): Tensor[] => {
    const [t, diag] = ctx.inputs;
    if (t.rank < 2) throw ctx.error("InvalidArgumentError", `input must be at least 2-dim, received shape: ${shapeStr(t.shape)}`);
    const spec = diagSpec(ctx, version > 1 ? ctx.inputs[2] : undefined, version === 3 ? ctx.attrs.str("align", "RIGHT_LEFT") : "LEFT_LEFT");
    const { M, N, numDiags, maxLen, batchShape, diagShape: want } = diagBand(ctx, t, spec);
    const { lo, hi } = spec;
    if (!sameShape(diag.shape, want)) {
      throw ctx.error("InvalidArgumentError", `diagonal must have shape ${shapeStr(want)} for input shape ${shapeStr(t.shape)} and k = [${lo}, ${hi}], got ${shapeStr(diag.shape)}`);
    }
    const tb = bufOf(t);
    const db = bufOf(diag);
    const out = clone(tb);
    const batch = prod(batchShape);
    for (let b = 0; b < batch; b++) {
      for (let d = hi; d >= lo; d--) {
        const off = diagOffset(spec, d, M, N, maxLen);
        const len = diagLen(d, M, N);
        for (let j = 0; j < len; j++) {
          copyElem(out, b * M * N + (j + Math.max(-d, 0)) * N + j + Math.max(d, 0), db, (b * numDiags + (hi - d)) * maxLen + j + off);
        }
      }
    }
    return [wrap(tb, t.shape, out)];
  };
}

function diagOp(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  if (t.rank < 1) throw ctx.error("InvalidArgumentError", `Input must be at least rank 1, got 0`);
  const n = t.size;
  const idx = new Float64Array(n * n).fill(-1);
  for (let i = 0; i < n; i++) idx[i * n + i] = i;
  const b = bufOf(t);
  return [wrap(b, [...t.shape, ...t.shape], gatherFill(b, idx, undefined))];
}

function diagPartOp(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const r = t.rank;
  if (r === 0 || r % 2 !== 0) throw ctx.error("InvalidArgumentError", `The rank of the tensor should be even and positive, got shape ${shapeStr(t.shape)}`);
  const half = r / 2;
  for (let i = 0; i < half; i++) {
    if (t.shape[i] !== t.shape[i + half]) {
      throw ctx.error("InvalidArgumentError", `Invalid shape ${shapeStr(t.shape)}: dimensions ${i} and ${i + half} do not match.`);
    }
  }
  const outShape = t.shape.slice(0, half);
  const n = sizeOf(outShape);
  const idx = new Float64Array(n);
  for (let i = 0; i < n; i++) idx[i] = i * n + i;
  const b = bufOf(t);
  return [wrap(b, outShape, gatherFlat(b, idx))];
}

// ---------------------------------------------------------------------------
// DynamicPartition, DynamicStitch, UpperBound/LowerBound

function dynamicPartition(ctx: KernelContext): Tensor[] {
  const [data, parts] = ctx.inputs;
  const num = ctx.attrs.int("num_partitions");
  const pr = parts.rank;
  if (pr > data.rank || !parts.shape.every((d, i) => d === data.shape[i])) {
    throw ctx.error("InvalidArgumentError", `data.shape must start with partitions.shape, got data.shape = ${shapeStr(data.shape)}, partitions.shape = ${shapeStr(parts.shape)}`);
  }
  const p = indexData(parts);
  const groups: number[][] = Array.from({ length: num }, () => []);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!(v >= 0 && v < num)) throw ctx.error("InvalidArgumentError", `partitions${sliceStr(parts.shape, i)} = ${indexText(parts, i)} is not in [0, ${num})`);
    groups[v].push(i);
  }
  const b = bufOf(data);
  const slice = prod(data.shape, pr);
  const rest = data.shape.slice(pr);
  return groups.map((g) => {
    const out = alloc(b, g.length * slice);
    g.forEach((i, k) => copyRun(out, k * slice, b, i * slice, slice));
    return wrap(b, [g.length, ...rest], out);
  });
}

function dynamicStitch(ctx: KernelContext): Tensor[] {
  const n = ctx.attrs.int("N", ctx.inputs.length / 2);
  const indices = ctx.inputs.slice(0, n);
  const data = ctx.inputs.slice(n, 2 * n);
  let max = -1;
  const idx = indices.map((t) => indexData(t));
  for (const a of idx) for (let i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
  const rest = data[0].shape.slice(indices[0].rank);
  for (let m = 0; m < n; m++) {
    const ir = indices[m].rank;
    const ds = data[m].shape;
    if (ds.length < ir || !indices[m].shape.every((d, i) => d === ds[i])) {
      throw ctx.error("InvalidArgumentError", `data[${m}].shape = ${shapeStr(ds)} does not start with indices[${m}].shape = ${shapeStr(indices[m].shape)}`);
    }
    if (!sameShape(ds.slice(ir), rest)) {
      throw ctx.error(
        "InvalidArgumentError",
        `Need data[0].shape[${indices[0].rank}:] = data[${m}].shape[${ir}:], got data[0].shape = ${shapeStr(data[0].shape)}, data[${m}].shape = ${shapeStr(ds)}, indices[0].shape = ${shapeStr(indices[0].shape)}, indices[${m}].shape = ${shapeStr(indices[m].shape)}`,
      );
    }
  }
  const rows = max + 1;
  const slice = prod(rest);
  const b0 = bufOf(data[0]);
  const out = alloc(b0, rows * slice);
  for (let m = 0; m < n; m++) {
    const b = bufOf(data[m]);
    const a = idx[m];
    for (let i = 0; i < a.length; i++) {
      if (!(a[i] >= 0)) throw ctx.error("InvalidArgumentError", `indices[${m}]${sliceStr(indices[m].shape, i)} = ${indexText(indices[m], i)} is out of range`);
      copyRun(out, a[i] * slice, b, i * slice, slice);
    }
  }
  return [wrap(b0, [rows, ...rest], out)];
}

/** Element reader for ordering comparisons (half/bfloat16 decoded, 64-bit ints as bigint). */
function valueReader(b: Buf): (i: number) => number | bigint {
  const d = b.data;
  const np = npDtypeOf(b.dtype);
  if (np === "float16") return (i) => halfToNumber(d[i]);
  if (np === "bfloat16") return (i) => bfloat16ToNumber(d[i]);
  return (i) => d[i];
}

function bound(upper: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const [sorted, values] = ctx.inputs;
    const outType = ctx.attrs.type("out_type", DT.DT_INT32);
    if (sorted.rank < 1 || values.rank < 1) throw ctx.error("InvalidArgumentError", `sorted_inputs and values must be at least 1-D`);
    const rows = prod(sorted.shape, 0, sorted.rank - 1);
    const vrows = prod(values.shape, 0, values.rank - 1);
    if (rows !== vrows || sorted.shape[0] !== values.shape[0]) throw ctx.error("InvalidArgumentError", `Leading dim_size of both tensors must match.`);
    const N = sorted.shape[sorted.rank - 1];
    const M = values.shape[values.rank - 1];
    const s = valueReader(bufOf(sorted));
    const v = valueReader(bufOf(values));
    const out = new Array<number>(rows * M);
    for (let r = 0; r < rows; r++) {
      for (let m = 0; m < M; m++) {
        const x = v(r * M + m);
        let lo = 0;
        let hi = N;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const y = s(r * N + mid);
          if (upper ? !(x < y) : y < x) lo = mid + 1;
          else hi = mid;
        }
        out[r * M + m] = lo;
      }
    }
    return [intVector(outType, out, values.shape)];
  };
}

// ---------------------------------------------------------------------------
// CheckNumerics, identities

function checkNumerics(v2: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const t = ctx.inputs[0];
    const message = ctx.attrs.str("message", "");
    let nan = false;
    let pinf = false;
    let ninf = false;
    if (t.onBackend && !t.onHost && computeDtype(t.dtype) === "float32") {
      const flags = tf.tidy(() => {
        const x = t.tf(ctx.node.name);
        return tf.stack([tf.any(tf.isNaN(x)), tf.any(tf.equal(x, Infinity)), tf.any(tf.equal(x, -Infinity))]);
      });
      const f = flags.dataSync();
      flags.dispose();
      [nan, pinf, ninf] = [!!f[0], !!f[1], !!f[2]];
    } else if (FLOATS.has(t.dtype) || t.dtype === DT.DT_COMPLEX64 || t.dtype === DT.DT_COMPLEX128) {
      const b = bufOf(t);
      const rd = valueReader(b);
      const n = t.size * b.lanes;
      for (let i = 0; i < n; i++) {
        const x = rd(i) as number;
        if (x !== x) nan = true;
        else if (x === Infinity) pinf = true;
        else if (x === -Infinity) ninf = true;
      }
    } else {
      throw ctx.error("InvalidArgumentError", `CheckNumerics is not defined for ${cppDtypeName(t.dtype)} tensors`);
    }
    if (!nan && !pinf && !ninf) return [t];
    let what: string;
    if (!v2) what = nan && (pinf || ninf) ? "NaN and Inf" : nan ? "NaN" : "Inf";
    else {
      const parts = [...(ninf ? ["-Inf"] : []), ...(pinf ? ["+Inf"] : []), ...(nan ? ["NaN"] : [])];
      what = parts.length === 3 ? "-Inf, +Inf, and NaN" : parts.join(" and ");
    }
    throw ctx.error("InvalidArgumentError", `${message} : Tensor had ${what} values`);
  };
}

const identity = (ctx: KernelContext): Tensor[] => [ctx.inputs[0]];

// ---------------------------------------------------------------------------
// SpaceToBatchND, BatchToSpaceND

function blockArgs(ctx: KernelContext, t: Tensor, blockT: Tensor, padT: Tensor, what: "paddings" | "crops"): { block: number[]; pads: [number, number][] } {
  if (blockT.rank !== 1) throw ctx.error("InvalidArgumentError", `block_shape must be 1-D, got shape ${shapeStr(blockT.shape)}`);
  const block = blockT.numbers();
  const M = block.length;
  if (padT.rank !== 2 || padT.shape[0] !== M || padT.shape[1] !== 2) {
    throw ctx.error("InvalidArgumentError", `${what} should have shape [${M}, 2] instead of ${shapeStr(padT.shape)}`);
  }
  if (t.rank < 1 + M) throw ctx.error("InvalidArgumentError", `input rank should be >= ${1 + M} instead of ${t.rank}`);
  const p = padT.numbers();
  const pads = block.map((_, i) => [p[2 * i], p[2 * i + 1]] as [number, number]);
  block.forEach((b, i) => {
    if (b < 1) throw ctx.error("InvalidArgumentError", `block_shape[${i}] must be positive, got ${b}`);
    if (pads[i][0] < 0 || pads[i][1] < 0) throw ctx.error("InvalidArgumentError", `Negative ${what === "crops" ? "crops" : "padding"}`);
  });
  return { block, pads };
}

function spaceToBatchOf(ctx: KernelContext, t: Tensor, block: number[], pads: [number, number][]): Tensor {
  const M = block.length;
  const padded = t.shape.map((d, i) => (i >= 1 && i <= M ? d + pads[i - 1][0] + pads[i - 1][1] : d));
  for (let i = 0; i < M; i++) {
    if (padded[i + 1] % block[i] !== 0) {
      throw ctx.error("InvalidArgumentError", `padded_shape[${i}]=${padded[i + 1]} is not divisible by block_shape[${i}]=${block[i]}`);
    }
  }
  const batch = t.shape[0];
  const rest = t.shape.slice(1 + M);
  const outShape = [batch * prod(block), ...block.map((b, i) => padded[i + 1] / b), ...rest];
  if (onTf(t) && sizeOf(outShape) > 0) return fromTf(t.dtype, tf.spaceToBatchND(t.tf(ctx.node.name), block, pads));
  // Pad, view as [batch, q1, b1, …, qM, bM, rest…], move the block axes first.
  const allPads: [number, number][] = t.shape.map((_, i) => (i >= 1 && i <= M ? pads[i - 1] : [0, 0]));
  const p = padWith(ctx, t, allPads, undefined);
  const view = [batch, ...block.flatMap((b, i) => [padded[i + 1] / b, b]), ...rest];
  const perm = [...block.map((_, i) => 2 + 2 * i), 0, ...block.map((_, i) => 1 + 2 * i), ...rest.map((_, i) => 1 + 2 * M + i)];
  const { data } = transposeHost(bufOf(p), view, perm);
  return wrap(bufOf(p), outShape, data);
}

function batchToSpaceOf(ctx: KernelContext, t: Tensor, block: number[], crops: [number, number][]): Tensor {
  const M = block.length;
  const nb = prod(block);
  if (t.shape[0] % nb !== 0) {
    throw ctx.error("InvalidArgumentError", `Input batch dimension (${t.shape[0]}) is not divisible by product of block sizes (${nb})`);
  }
  const batch = t.shape[0] / nb;
  const rest = t.shape.slice(1 + M);
  const full = block.map((b, i) => t.shape[1 + i] * b);
  const outSpatial = full.map((f, i) => f - crops[i][0] - crops[i][1]);
  outSpatial.forEach((s, i) => {
    if (s < 0) throw ctx.error("InvalidArgumentError", `Cropped size must be non-negative: start: ${crops[i][0]} end: ${crops[i][1]} size ${full[i]}`);
  });
  const outShape = [batch, ...outSpatial, ...rest];
  if (onTf(t) && sizeOf(outShape) > 0) return fromTf(t.dtype, tf.batchToSpaceND(t.tf(ctx.node.name), block, crops));
  // Input viewed as [b1, …, bM, batch, d1, …, dM, rest…]; output (n, y_i, r) reads
  // block index (y_i + crop_i) % b_i and spatial index ⌊(y_i + crop_i) / b_i⌋.
  const view = [...block, batch, ...t.shape.slice(1)];
  const st = stridesOf(view);
  const offs: Float64Array[] = [axisOffsets(batch, st[M], (n) => n)];
  for (let i = 0; i < M; i++) {
    offs.push(
      axisOffsets(outSpatial[i], 1, (y) => {
        const x = y + crops[i][0];
        return (x % block[i]) * st[i] + Math.floor(x / block[i]) * st[M + 1 + i];
      }),
    );
  }
  rest.forEach((d, i) => offs.push(axisOffsets(d, st[2 * M + 1 + i], (k) => k)));
  const b = bufOf(t);
  return wrap(b, outShape, sepGather(b, outShape, offs));
}

function spaceToBatchND(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const { block, pads } = blockArgs(ctx, t, ctx.inputs[1], ctx.inputs[2], "paddings");
  return [spaceToBatchOf(ctx, t, block, pads)];
}

function batchToSpaceND(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const { block, pads } = blockArgs(ctx, t, ctx.inputs[1], ctx.inputs[2], "crops");
  return [batchToSpaceOf(ctx, t, block, pads)];
}

/** The TF1 4-D forms with a square `block_size` attr. */
function spaceToBatchV1(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const bs = ctx.attrs.int("block_size");
  if (bs <= 1) throw ctx.error("InvalidArgumentError", `Block size should be > 1: ${bs}`);
  if (t.rank !== 4) throw ctx.error("InvalidArgumentError", `input should have rank 4 instead of ${t.rank}`);
  const p = ctx.inputs[1];
  const { pads } = blockArgs(ctx, t, intVector(DT.DT_INT32, [bs, bs]), p, "paddings");
  return [spaceToBatchOf(ctx, t, [bs, bs], pads)];
}

function batchToSpaceV1(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  const bs = ctx.attrs.int("block_size");
  if (bs <= 1) throw ctx.error("InvalidArgumentError", `Block size should be > 1: ${bs}`);
  if (t.rank !== 4) throw ctx.error("InvalidArgumentError", `input should have rank 4 instead of ${t.rank}`);
  const { pads } = blockArgs(ctx, t, intVector(DT.DT_INT32, [bs, bs]), ctx.inputs[1], "crops");
  return [batchToSpaceOf(ctx, t, [bs, bs], pads)];
}

// ---------------------------------------------------------------------------
// QuantizeAndDequantize, ExtractImagePatches

const FLOAT_MAX: Record<number, number> = {
  [DT.DT_FLOAT]: 3.4028234663852886e38,
  [DT.DT_DOUBLE]: Number.MAX_VALUE,
  [DT.DT_HALF]: 65504,
  [DT.DT_BFLOAT16]: 3.3895313892515355e38,
};

/** Round half to even (TF's default round_mode for QuantizeAndDequantize). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * TF's QuantizeAndDequantizeV2/V3/V4: simulated integer quantization in the
 * input's float type, scale chosen so that 0 stays exact and neither side of
 * [min, max] leaves the quantized range; per slice along `axis` when given.
 */
function quantizeAndDequantize(version: 2 | 3 | 4) {
  return (ctx: KernelContext): Tensor[] => {
    const [t, minT, maxT] = ctx.inputs;
    if (!FLOATS.has(t.dtype)) throw ctx.error("InvalidArgumentError", `QuantizeAndDequantize is not defined for ${cppDtypeName(t.dtype)}`);
    const signed = ctx.attrs.bool("signed_input", true);
    const rangeGiven = ctx.attrs.bool("range_given", false);
    const narrow = ctx.attrs.bool("narrow_range", false);
    const axis0 = ctx.attrs.int("axis", -1);
    const numBits = version === 3 ? scalarInt(ctx, 3, "num_bits") : ctx.attrs.int("num_bits", 8);
    const roundMode = version === 3 ? "HALF_TO_EVEN" : ctx.attrs.str("round_mode", "HALF_TO_EVEN");
    if (roundMode !== "HALF_TO_EVEN" && roundMode !== "HALF_UP") throw ctx.error("InvalidArgumentError", `Round mode string must be 'HALF_UP' or 'HALF_TO_EVEN', is '${roundMode}'`);
    if (!(numBits > 0 && numBits < (signed ? 62 : 63))) throw ctx.error("InvalidArgumentError", `num_bits is out of range: ${numBits} with signed_input_ ${signed}`);
    if (axis0 < -1 || axis0 >= t.rank) throw ctx.error("InvalidArgumentError", `Axis requested is larger than input dimensions. Axis: ${axis0} Input Dimensions: ${t.rank}`);
    const rnd = rounder(t.dtype);
    const round = roundMode === "HALF_UP" ? (x: number) => Math.floor(x + 0.5) : roundHalfEven;
    const channels = axis0 === -1 ? 1 : t.shape[axis0];
    const inner = axis0 === -1 ? t.size : prod(t.shape, axis0 + 1);
    const x = bufOf(t);
    const rd = valueReader(x);
    const mins = rangeGiven ? minT.numbers() : [];
    const maxs = rangeGiven ? maxT.numbers() : [];
    if (rangeGiven && (mins.length !== channels || maxs.length !== channels)) {
      throw ctx.error("InvalidArgumentError", `input_min and input_max must have ${channels} elements for axis ${axis0}, got ${mins.length} and ${maxs.length}`);
    }
    const minQ = signed ? (narrow ? -(2 ** (numBits - 1)) + 1 : -(2 ** (numBits - 1))) : 0;
    const maxQ = signed ? 2 ** (numBits - 1) - 1 : 2 ** numBits - 1;
    const tMax = FLOAT_MAX[t.dtype];
    const values = new Float64Array(t.size);
    for (let c = 0; c < channels; c++) {
      const at = (o: number, i: number) => (o * channels + c) * inner + i;
      const outer = t.size / (channels * inner) || 0;
      let lo: number;
      let hi: number;
      if (rangeGiven) {
        lo = mins[c];
        hi = maxs[c];
        if (lo > hi) throw ctx.error("InvalidArgumentError", `Invalid range: input_min ${fmt(lo)} > input_max ${fmt(hi)}`);
      } else {
        lo = Infinity;
        hi = -Infinity;
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            const v = rd(at(o, i)) as number;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
          }
        }
        if (lo > hi) lo = hi = 0;
      }
      const fromMin = minQ * lo > 0 ? rnd(minQ / lo) : tMax;
      const fromMax = maxQ * hi > 0 ? rnd(maxQ / hi) : tMax;
      let scale: number;
      let inv: number;
      if (fromMin < fromMax) {
        scale = fromMin;
        inv = rnd(lo / minQ);
        hi = rnd(maxQ * inv);
      } else {
        scale = fromMax;
        inv = rnd(hi / maxQ);
        lo = rnd(minQ * inv);
      }
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let v = rd(at(o, i)) as number;
          if (rangeGiven) v = Math.max(Math.min(v, hi), lo);
          values[at(o, i)] = rnd(round(rnd(v * scale)) * inv);
        }
      }
    }
    return [Tensor.fromValues(t.dtype, t.shape, values)];
  };
}

function extractImagePatches(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  if (t.rank !== 4) throw ctx.error("InvalidArgumentError", `input must be 4-dimensional${shapeStr(t.shape)}`);
  const ks = ctx.attrs.ints("ksizes");
  const st = ctx.attrs.ints("strides");
  const rt = ctx.attrs.ints("rates");
  const padding = ctx.attrs.str("padding");
  for (const [name, v] of [["ksizes", ks], ["strides", st], ["rates", rt]] as const) {
    if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) {
      throw ctx.error("UnimplementedError", `Only support ${name} across space.`);
    }
  }
  const [B, H, W, D] = t.shape;
  const out: number[] = [];
  const pads: number[] = [];
  for (let d = 1; d <= 2; d++) {
    const size = d === 1 ? H : W;
    const eff = ks[d] + (ks[d] - 1) * (rt[d] - 1);
    let o: number;
    let padBefore = 0;
    if (padding === "VALID") o = Math.max(0, Math.ceil((size - eff + 1) / st[d]));
    else if (padding === "SAME") {
      o = Math.ceil(size / st[d]);
      padBefore = Math.floor(Math.max((o - 1) * st[d] + eff - size, 0) / 2);
    } else throw ctx.error("InvalidArgumentError", `Invalid padding: ${padding}`);
    out.push(o);
    pads.push(padBefore);
  }
  const [R, C] = out;
  const depth = ks[1] * ks[2] * D;
  const idx = new Float64Array(B * R * C * depth);
  let w = 0;
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < R; r++) {
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < ks[1]; i++) {
          const y = r * st[1] + i * rt[1] - pads[0];
          for (let j = 0; j < ks[2]; j++) {
            const x = c * st[2] + j * rt[2] - pads[1];
            const inside = y >= 0 && y < H && x >= 0 && x < W;
            for (let k = 0; k < D; k++) idx[w++] = inside ? ((b * H + y) * W + x) * D + k : -1;
          }
        }
      }
    }
  }
  const src = bufOf(t);
  return [wrap(src, [B, R, C, depth], gatherFill(src, idx, undefined))];
}

// ---------------------------------------------------------------------------
// The table

export const arrayKernels: KernelTable = {
  Reshape: op("output", reshape),
  Squeeze: op("output", squeeze),
  ExpandDims: op("output", expandDims),
  ConcatV2: op("output", (ctx) => concat(ctx, ctx.inputs.slice(0, -1), ctx.inputs[ctx.inputs.length - 1])),
  Concat: op("output", (ctx) => concat(ctx, ctx.inputs.slice(1), ctx.inputs[0])),
  ConcatOffset: op("offset*N", concatOffset),
  Split: op("output*num_split", split),
  SplitV: op("output*num_split", splitV),
  Slice: op("output", slice),
  StridedSlice: op("output", stridedSlice),
  StridedSliceGrad: op("output", stridedSliceGrad),
  TensorStridedSliceUpdate: op("output", (ctx) => [stridedAssign(ctx, ctx.inputs[0], ctx.inputs[4], 1)]),
  StridedSliceAssign: op(
    "output_ref",
    (ctx) => {
      const ref = ctx.ref(0);
      const w = where(ctx);
      ref.variable.assign(stridedAssign(ctx, ref.variable.read(w), ctx.inputs[4], 1), w);
      return [ref as unknown as Tensor];
    },
    { refInputs: [0] },
  ),
  ResourceStridedSliceAssign: op("", (ctx) => {
    const v = variableFor(ctx);
    const w = where(ctx);
    v.assign(stridedAssign(ctx, v.read(w), ctx.inputs[4], 1), w);
    return [];
  }),
  Pack: op("output", pack),
  ParallelConcat: op("output", (ctx) => concat(ctx, ctx.inputs, intVector(DT.DT_INT32, [0], []))),
  Unpack: op("output*num", unpack),
  Gather: op("output", gatherV1),
  GatherV2: op("output", gatherV2),
  ResourceGather: op("output", resourceGather),
  GatherNd: op("output", (ctx) => [gatherNdOf(ctx, ctx.inputs[0], ctx.inputs[1])]),
  ResourceGatherNd: op("output", (ctx) => [gatherNdOf(ctx, variableFor(ctx).read(where(ctx)), ctx.inputs[1])]),
  ScatterNd: op("output", scatterNd),
  TensorScatterUpdate: op("output", tensorScatter("update")),
  TensorScatterAdd: op("output", tensorScatter("add")),
  TensorScatterSub: op("output", tensorScatter("sub")),
  TensorScatterMax: op("output", tensorScatter("max")),
  TensorScatterMin: op("output", tensorScatter("min")),
  ScatterNdNonAliasingAdd: op("output", tensorScatter("add")),
  ResourceScatterUpdate: op("", resourceScatter("update")),
  ResourceScatterAdd: op("", resourceScatter("add")),
  ResourceScatterSub: op("", resourceScatter("sub")),
  ResourceScatterMul: op("", resourceScatter("mul")),
  ResourceScatterDiv: op("", resourceScatter("div")),
  ResourceScatterMin: op("", resourceScatter("min")),
  ResourceScatterMax: op("", resourceScatter("max")),
  ScatterNdUpdate: op("output_ref", refScatterNd("update"), { refInputs: [0] }),
  ScatterNdAdd: op("output_ref", refScatterNd("add"), { refInputs: [0] }),
  ScatterNdSub: op("output_ref", refScatterNd("sub"), { refInputs: [0] }),
  ResourceScatterNdUpdate: op("", resourceScatterNd("update")),
  ResourceScatterNdAdd: op("", resourceScatterNd("add")),
  ResourceScatterNdSub: op("", resourceScatterNd("sub")),
  ResourceScatterNdMin: op("", resourceScatterNd("min")),
  ResourceScatterNdMax: op("", resourceScatterNd("max")),
  ScatterUpdate: op("output_ref", refScatter("update"), { refInputs: [0] }),
  ScatterAdd: op("output_ref", refScatter("add"), { refInputs: [0] }),
  ScatterSub: op("output_ref", refScatter("sub"), { refInputs: [0] }),
  ScatterMul: op("output_ref", refScatter("mul"), { refInputs: [0] }),
  ScatterDiv: op("output_ref", refScatter("div"), { refInputs: [0] }),
  ScatterMin: op("output_ref", refScatter("min"), { refInputs: [0] }),
  ScatterMax: op("output_ref", refScatter("max"), { refInputs: [0] }),
  Transpose: op("y", transpose(false)),
  ConjugateTranspose: op("y", transpose(true)),
  InvertPermutation: op("y", invertPermutation),
  UnravelIndex: op("output", unravelIndex),
  Tile: op("output", tile),
  Pad: op("output", pad),
  PadV2: op("output", padV2),
  MirrorPad: op("output", mirrorPad),
  Fill: op("output", fill),
  Range: op("output", range),
  LinSpace: op("output", linSpace),
  Shape: op("output", shapeOp),
  ShapeN: op("output*N", shapeN),
  Size: op("output", sizeOp),
  Rank: op("output", rankOp),
  ZerosLike: op("y", zerosLike),
  OnesLike: op("y", onesLike),
  Empty: op("output", empty),
  BroadcastTo: op("output", broadcastTo),
  BroadcastArgs: op("r0", broadcastArgs),
  BroadcastGradientArgs: op("r0,r1", broadcastGradientArgs),
  Where: op("index", whereOp),
  Select: op("output", select),
  SelectV2: op("output", selectV2),
  ReverseV2: op("output", reverseV2),
  Reverse: op("output", reverseV1),
  ReverseSequence: op("output", reverseSequence),
  Roll: op("output", roll),
  OneHot: op("output", oneHot),
  Unique: op("y,idx", unique(false)),
  UniqueV2: op("y,idx", uniqueV2(false)),
  UniqueWithCounts: op("y,idx,count", unique(true)),
  UniqueWithCountsV2: op("y,idx,count", uniqueV2(true)),
  ListDiff: op("out,idx", listDiff),
  MatrixBandPart: op("band", matrixBandPart),
  MatrixDiag: op("output", matrixDiag(1)),
  MatrixDiagV2: op("output", matrixDiag(2)),
  MatrixDiagV3: op("output", matrixDiag(3)),
  MatrixDiagPart: op("diagonal", matrixDiagPart(1)),
  MatrixDiagPartV2: op("diagonal", matrixDiagPart(2)),
  MatrixDiagPartV3: op("diagonal", matrixDiagPart(3)),
  MatrixSetDiag: op("output", matrixSetDiag(1)),
  MatrixSetDiagV2: op("output", matrixSetDiag(2)),
  MatrixSetDiagV3: op("output", matrixSetDiag(3)),
  Diag: op("output", diagOp),
  DiagPart: op("diagonal", diagPartOp),
  DynamicPartition: op("outputs*num_partitions", dynamicPartition),
  DynamicStitch: op("merged", dynamicStitch),
  ParallelDynamicStitch: op("merged", dynamicStitch),
  UpperBound: op("output", bound(true)),
  LowerBound: op("output", bound(false)),
  CheckNumerics: op("output", checkNumerics(false)),
  CheckNumericsV2: op("output", checkNumerics(true)),
  GuaranteeConst: op("output", identity),
  DeepCopy: op("y", identity),
  Copy: op("output", identity),
  CopyHost: op("output", identity),
  QuantizeAndDequantizeV2: op("output", quantizeAndDequantize(2)),
  QuantizeAndDequantizeV3: op("output", quantizeAndDequantize(3)),
  QuantizeAndDequantizeV4: op("output", quantizeAndDequantize(4)),
  ExtractImagePatches: op("patches", extractImagePatches),
  SpaceToBatchND: op("output", spaceToBatchND),
  BatchToSpaceND: op("output", batchToSpaceND),
  SpaceToBatch: op("output", spaceToBatchV1),
  BatchToSpace: op("output", batchToSpaceV1),
};
