/**
 * Neural-network ops: convolutions, pooling, activations, normalization,
 * softmax and losses, top-k, and the cheap gradient ops found in saved
 * training functions.
 *
 * float32/half/bfloat16 run on the compute backend (tfjs kernels, channels
 * last; NCHW inputs are transposed around them). Window geometry (output
 * sizes, SAME/VALID/EXPLICIT padding) is computed here with TF's formulas
 * and handed to tfjs as explicit padding, so tfjs never decides it. Cases
 * tfjs kernels cannot express are rewritten exactly: strides together with
 * dilations become a zero-inserted (dilated) filter, grouped convolutions
 * become one convolution per group, 3-D SAME windows that tfjs would pad
 * negatively are padded here. float64 and integer inputs run on the host in
 * double precision / exact integer arithmetic.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor, computeDtype } from "../tensor.js";
import { tf, type TfTensor } from "../backend.js";
import * as compute from "../compute.js";
import { DataType, cppDtypeName, npDtypeOf } from "../../dtypes.js";
import { zeros, type NdArray } from "../../ndarray.js";
import { unary, hostPath, binaryHost, type UnarySpec } from "./elementwise.js";

// ---------------------------------------------------------------------------
// Shared helpers (also used by image.ts)

type Num = number | bigint;
/** Typed array or plain array storage of numbers or bigints. */
export type NumArray = { [i: number]: Num; length: number };

export const prod = (a: readonly number[]) => a.reduce((p, d) => p * d, 1);

/** True for dtypes whose values must stay on the host (float64, 64-bit and uint32 ints, …). */
export function onHost(t: Tensor): boolean {
  return hostPath(t.dtype) !== null || computeDtype(t.dtype) === undefined;
}

export const isFloatT = (dt: number) => dt === DataType.DT_FLOAT || dt === DataType.DT_HALF || dt === DataType.DT_BFLOAT16 || dt === DataType.DT_DOUBLE;

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** An all-zero tensor (empty results skip the backend, whose kernels mis-size them). */
export function zerosTensor(dtype: number, shape: number[]): Tensor {
  return Tensor.fromHost(dtype, zeros(npDtypeOf(dtype)!, shape));
}

/** Host transpose of an NdArray (any storage: typed arrays, bigint arrays, plain arrays). */
export function permuteHost(nd: NdArray, perm: readonly number[]): NdArray {
  const shape = nd.shape;
  const outShape = perm.map((p) => shape[p]);
  const n = prod(shape as number[]);
  const src = nd.data as unknown as NumArray;
  const out = newLike(nd, n);
  const inStr = stridesOf(shape);
  const pStr = perm.map((p) => inStr[p]);
  const rank = perm.length;
  const idx = new Array<number>(rank).fill(0);
  let from = 0;
  for (let k = 0; k < n; k++) {
    out[k] = src[from];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      from += pStr[d];
      if (idx[d] < outShape[d]) break;
      from -= pStr[d] * idx[d];
      idx[d] = 0;
    }
  }
  return { dtype: nd.dtype, shape: outShape, data: out } as unknown as NdArray;
}

/** A new zeroed storage array of the same kind as `nd`'s, with `n` elements. */
export function newLike(nd: NdArray, n: number): NumArray {
  const d = nd.data as unknown as { constructor: new (n: number) => NumArray };
  if (Array.isArray(nd.data)) return new Array(n) as unknown as NumArray;
  return new d.constructor(n);
}

/** Tensor from a host NdArray with a new shape (no copy). */
export const withShape = (t: Tensor, shape: number[]): Tensor => Tensor.fromHost(t.dtype, { ...t.host(), shape } as NdArray);

export type Padding = "SAME" | "VALID" | "EXPLICIT";

export interface Windows {
  out: number[];
  before: number[];
  after: number[];
}

/**
 * TF's GetWindowedOutputSizeVerbose per spatial dimension: output sizes and
 * the padding before/after each dimension.
 */
export function windows(ctx: KernelContext, input: number[], kernel: number[], strides: number[], dilations: number[], padding: Padding, explicit: [number, number][] = []): Windows {
  const w: Windows = { out: [], before: [], after: [] };
  for (let i = 0; i < input.length; i++) {
    const eff = (kernel[i] - 1) * dilations[i] + 1;
    const s = strides[i];
    let out: number, before: number, after: number;
    if (s <= 0) throw ctx.error("InvalidArgumentError", `Stride must be > 0, but got ${s}`);
    if (padding === "SAME") {
      out = Math.ceil(input[i] / s);
      const need = Math.max(0, (out - 1) * s + eff - input[i]);
      before = Math.floor(need / 2);
      after = need - before;
    } else {
      [before, after] = padding === "EXPLICIT" ? explicit[i] : [0, 0];
      out = Math.trunc((input[i] + before + after - eff + s) / s); // C++ integer division
    }
    if (out < 0) {
      throw ctx.error("InvalidArgumentError", `Computed output size would be negative: ${out} [input_size: ${input[i]}, effective_filter_size: ${eff}, stride: ${s}]`);
    }
    w.out.push(out);
    w.before.push(before);
    w.after.push(after);
  }
  return w;
}

/** A `data_format` attr: channels-first (NCHW/NCDHW) or channels-last. */
export function channelsFirst(ctx: KernelContext, dflt = "NHWC"): boolean {
  const f = ctx.attrs.str("data_format", dflt);
  if (f === "NHWC" || f === "NDHWC" || f === "NWC") return false;
  if (f === "NCHW" || f === "NCDHW" || f === "NCW") return true;
  throw ctx.error("InvalidArgumentError", `Invalid data format: ${f}`);
}

/** Perms between channels-first and channels-last for a rank. */
export const toLast = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
export const toFirst = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];

/** The spatial entries of a per-dimension attr list (strides, ksize, dilations) and a check of the others. */
function spatialOf(ctx: KernelContext, name: string, list: number[], rank: number, cf: boolean, what: string): number[] {
  if (list.length !== rank) throw ctx.error("InvalidArgumentError", `${name} field must specify ${rank} dimensions`);
  const n = cf ? list[0] : list[0];
  const c = cf ? list[1] : list[rank - 1];
  if (n !== 1 || c !== 1) throw ctx.error("UnimplementedError", `Current implementation does not yet support ${what} in the batch and depth dimensions.`);
  return cf ? list.slice(2) : list.slice(1, rank - 1);
}

function paddingAttr(ctx: KernelContext): Padding {
  const p = ctx.attrs.str("padding");
  if (p !== "SAME" && p !== "VALID" && p !== "EXPLICIT") throw ctx.error("InvalidArgumentError", `Unknown padding '${p}'`);
  return p;
}

function explicitPads(ctx: KernelContext, padding: Padding, rank: number, cf: boolean): [number, number][] {
  if (padding !== "EXPLICIT") return [];
  const e = ctx.attrs.ints("explicit_paddings", []);
  if (e.length !== 2 * rank) throw ctx.error("InvalidArgumentError", `explicit_paddings attribute must contain ${2 * rank} values, but got: ${e.length}`);
  const pairs: [number, number][] = [];
  for (let i = 0; i < rank; i++) pairs.push([e[2 * i], e[2 * i + 1]]);
  for (const [a, b] of pairs) if (a < 0 || b < 0) throw ctx.error("InvalidArgumentError", "All elements of explicit_paddings must be nonnegative");
  const bd = pairs[0];
  const cd = cf ? pairs[1] : pairs[rank - 1];
  if (bd[0] || bd[1] || cd[0] || cd[1]) throw ctx.error("UnimplementedError", "Nonzero padding in the batch or depth dimensions is not supported");
  return cf ? pairs.slice(2) : pairs.slice(1, rank - 1);
}

/**
 * The input and tfjs padding argument for a 2-D window op. SAME and VALID map
 * to tfjs's own (same formulas as TF's in 2-D); EXPLICIT pads the input here
 * with `fill` and runs VALID, which every tfjs backend supports (tfjs-node
 * refuses explicit padding).
 */
function window2d(x: TfTensor, padding: Padding, w: Windows, fill: number): { input: TfTensor; pad: "same" | "valid" } {
  if (padding === "SAME") return { input: x, pad: "same" };
  if (padding === "VALID" || (w.before.every((v) => v === 0) && w.after.every((v) => v === 0))) return { input: x, pad: "valid" };
  return { input: tf.pad(x, [[0, 0], [w.before[0], w.after[0]], [w.before[1], w.after[1]], [0, 0]], fill), pad: "valid" };
}

/** Inserts `d - 1` zeros between filter taps along the leading spatial dims (exact dilation). */
function dilateFilter(f: TfTensor, dil: number[]): TfTensor {
  let r = f;
  dil.forEach((d, axis) => {
    if (d === 1) return;
    const k = r.shape[axis];
    const shape = r.shape.slice();
    // [.., k, ..] → [.., k, 1, ..] → pad to [.., k, d, ..] → [.., k*d, ..] → drop the trailing d-1
    const expanded = tf.expandDims(r, axis + 1);
    const pads = shape.map(() => [0, 0] as [number, number]);
    pads.splice(axis + 1, 0, [0, d - 1]);
    const padded = tf.pad(expanded, pads);
    shape[axis] = k * d;
    const flat = tf.reshape(padded, shape);
    const begin = shape.map(() => 0);
    const size = shape.slice();
    size[axis] = (k - 1) * d + 1;
    r = tf.slice(flat, begin, size);
  });
  return r;
}

/**
 * Runs `fn` on the cpu backend when the active one is wasm: tfjs's wasm
 * MaxPool3D and Dilation2D start their max at FLT_MIN (the smallest
 * positive float), so windows of negative values come out wrong there.
 */
function onCpu<T>(fn: () => T): T {
  const active = tf.getBackend();
  if (active !== "wasm" || !tf.findBackend("cpu")) return fn();
  tf.setBackend("cpu");
  try {
    return fn();
  } finally {
    tf.setBackend(active);
  }
}

// ---------------------------------------------------------------------------
// Host (float64 / exact integer) kernels on channels-last data

interface Geometry {
  batch: number;
  inS: number[];
  outS: number[];
  k: number[];
  strides: number[];
  dil: number[];
  before: number[];
}

/** For each (output position, kernel tap): the flat input spatial index, or -1 when in padding. */
function tapTable(g: Geometry): Int32Array {
  const nOut = prod(g.outS);
  const nK = prod(g.k);
  const tab = new Int32Array(nOut * nK);
  const r = g.inS.length;
  const o = new Array<number>(r).fill(0);
  const inStr = stridesOf(g.inS);
  for (let of = 0; of < nOut; of++) {
    let rem = of;
    for (let d = r - 1; d >= 0; d--) {
      o[d] = rem % g.outS[d];
      rem = Math.floor(rem / g.outS[d]);
    }
    for (let kf = 0; kf < nK; kf++) {
      let kr = kf;
      let flat = 0;
      let ok = true;
      for (let d = r - 1; d >= 0; d--) {
        const t = kr % g.k[d];
        kr = Math.floor(kr / g.k[d]);
        const i = o[d] * g.strides[d] - g.before[d] + t * g.dil[d];
        if (i < 0 || i >= g.inS[d]) ok = false;
        flat += i * inStr[d];
      }
      tab[of * nK + kf] = ok ? flat : -1;
    }
  }
  return tab;
}

/**
 * Direct convolution: x [N, ...inS, Cin], filter [...k, Cin/groups, Cout]
 * (or depthwise [...k, Cin, mult]). `int` wraps sums to int32 like TF's
 * int32 kernels; otherwise double precision.
 */
function convHost(x: NumArray, f: NumArray, g: Geometry, cin: number, cout: number, groups: number, depthwise: boolean, int: boolean): Float64Array | Int32Array {
  const nOut = prod(g.outS);
  const nK = prod(g.k);
  const nIn = prod(g.inS);
  const tab = tapTable(g);
  const out = int ? new Int32Array(g.batch * nOut * cout) : new Float64Array(g.batch * nOut * cout);
  const fin = depthwise ? 1 : cin / groups;
  const perGroup = cout / groups;
  const mult = depthwise ? cout / cin : 0;
  for (let n = 0; n < g.batch; n++) {
    for (let of = 0; of < nOut; of++) {
      const ob = (n * nOut + of) * cout;
      for (let co = 0; co < cout; co++) {
        let acc = 0;
        for (let kf = 0; kf < nK; kf++) {
          const pos = tab[of * nK + kf];
          if (pos < 0) continue;
          const xb = (n * nIn + pos) * cin;
          if (depthwise) {
            const ci = Math.floor(co / mult);
            const xv = Number(x[xb + ci]);
            const fv = Number(f[(kf * cin + ci) * mult + (co % mult)]);
            acc = int ? (acc + Math.imul(xv, fv)) | 0 : acc + xv * fv;
          } else {
            const g0 = Math.floor(co / perGroup) * fin;
            for (let cj = 0; cj < fin; cj++) {
              const xv = Number(x[xb + g0 + cj]);
              const fv = Number(f[(kf * fin + cj) * cout + co]);
              acc = int ? (acc + Math.imul(xv, fv)) | 0 : acc + xv * fv;
            }
          }
        }
        out[ob + co] = acc;
      }
    }
  }
  return out;
}

/** Gradient of a convolution with respect to its input: dy [N, ...outS, Cout] → dx [N, ...inS, Cin]. */
function convBackpropInputHost(dy: NumArray, f: NumArray, g: Geometry, cin: number, cout: number, int: boolean): Float64Array | Int32Array {
  const nOut = prod(g.outS);
  const nK = prod(g.k);
  const nIn = prod(g.inS);
  const tab = tapTable(g);
  const dx = int ? new Int32Array(g.batch * nIn * cin) : new Float64Array(g.batch * nIn * cin);
  for (let n = 0; n < g.batch; n++) {
    for (let of = 0; of < nOut; of++) {
      const yb = (n * nOut + of) * cout;
      for (let kf = 0; kf < nK; kf++) {
        const pos = tab[of * nK + kf];
        if (pos < 0) continue;
        const xb = (n * nIn + pos) * cin;
        for (let ci = 0; ci < cin; ci++) {
          let acc = 0;
          for (let co = 0; co < cout; co++) {
            const a = Number(dy[yb + co]);
            const b = Number(f[(kf * cin + ci) * cout + co]);
            acc = int ? (acc + Math.imul(a, b)) | 0 : acc + a * b;
          }
          dx[xb + ci] = int ? (Number(dx[xb + ci]) + acc) | 0 : Number(dx[xb + ci]) + acc;
        }
      }
    }
  }
  return dx;
}

/** Max or average pooling on the host; padding never counts (TF excludes it from max and mean). */
function poolHost(x: NdArray, g: Geometry, c: number, kind: "max" | "avg"): NdArray {
  const nOut = prod(g.outS);
  const nK = prod(g.k);
  const nIn = prod(g.inS);
  const tab = tapTable(g);
  const src = x.data as unknown as NumArray;
  const out = kind === "avg" ? (new Float64Array(g.batch * nOut * c) as unknown as NumArray) : newLike(x, g.batch * nOut * c);
  for (let n = 0; n < g.batch; n++) {
    for (let of = 0; of < nOut; of++) {
      for (let ch = 0; ch < c; ch++) {
        let best: Num | undefined;
        let sum = 0;
        let count = 0;
        for (let kf = 0; kf < nK; kf++) {
          const pos = tab[of * nK + kf];
          if (pos < 0) continue;
          const v = src[(n * nIn + pos) * c + ch];
          if (kind === "max") {
            if (best === undefined || v > best || (typeof v === "number" && Number.isNaN(v))) best = v;
          } else {
            sum += Number(v);
            count++;
          }
        }
        out[(n * nOut + of) * c + ch] = kind === "max" ? (best ?? lowest(x)) : sum / count;
      }
    }
  }
  const shape = [g.batch, ...g.outS, c];
  return kind === "avg" ? ({ dtype: "float64", shape, data: out } as unknown as NdArray) : ({ dtype: x.dtype, shape, data: out } as unknown as NdArray);
}

function lowest(x: NdArray): Num {
  return x.dtype === "int64" ? -(2n ** 63n) : x.dtype === "uint64" ? 0n : -Infinity;
}

/** Host data as float64 values (half/bfloat16 decoded) for the double-precision paths. */
function hostNumbers(t: Tensor): NumArray {
  const h = t.host();
  if (h.dtype === "float16" || h.dtype === "bfloat16") return Float64Array.from(t.numbers());
  return h.data as unknown as NumArray;
}

/** A tensor of `dtype` from computed values (float64 storage converted to half/float as needed). */
function fromNumbers(dtype: number, shape: number[], data: Float64Array | Int32Array | NumArray): Tensor {
  const np = npDtypeOf(dtype);
  if (np === "float64" && data instanceof Float64Array) return Tensor.fromHost(dtype, { dtype: "float64", shape, data });
  if (np === "int32" && data instanceof Int32Array) return Tensor.fromHost(dtype, { dtype: "int32", shape, data });
  return Tensor.fromValues(dtype, shape, data as ArrayLike<number>);
}

/** Channels-last host view of a tensor (transposing NCHW on the host). */
function hostLast(t: Tensor, cf: boolean): NdArray {
  return cf ? permuteHost(t.host(), toLast(t.rank)) : t.host();
}

function hostResult(dtype: number, shapeLast: number[], data: Float64Array | Int32Array | NumArray, cf: boolean): Tensor {
  if (!cf) return fromNumbers(dtype, shapeLast, data);
  const nd = fromNumbers(dtype, shapeLast, data).host();
  return Tensor.fromHost(dtype, permuteHost(nd, toFirst(shapeLast.length)));
}

// ---------------------------------------------------------------------------
// Convolutions

interface ConvSetup {
  cf: boolean;
  spatial: number;
  strides: number[];
  dil: number[];
  padding: Padding;
  explicit: [number, number][];
}

function convSetup(ctx: KernelContext, spatial: number, dfltFormat: string): ConvSetup {
  const rank = spatial + 2;
  const cf = channelsFirst(ctx, dfltFormat);
  const strides = spatialOf(ctx, "strides", ctx.attrs.ints("strides"), rank, cf, "strides");
  const dil = spatialOf(ctx, "dilations", ctx.attrs.ints("dilations", new Array(rank).fill(1)), rank, cf, "dilations");
  for (const d of dil) if (d < 1) throw ctx.error("InvalidArgumentError", `Dilated rates should be larger than 0.`);
  const padding = paddingAttr(ctx);
  return { cf, spatial, strides, dil, padding, explicit: explicitPads(ctx, padding, rank, cf) };
}

function inputDims(ctx: KernelContext, t: Tensor, rank: number, cf: boolean, what = "input"): { batch: number; spatial: number[]; channels: number } {
  if (t.rank !== rank) throw ctx.error("InvalidArgumentError", `${what} must be ${rank}-dimensional [${t.shape.join(",")}]`);
  const s = t.shape as number[];
  return cf ? { batch: s[0], spatial: s.slice(2), channels: s[1] } : { batch: s[0], spatial: s.slice(1, rank - 1), channels: s[rank - 1] };
}

/** Conv2D/Conv3D/DepthwiseConv2dNative forward. */
function convForward(spatial: number, depthwise: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const f = ctx.inputs[1];
    const rank = spatial + 2;
    const st = convSetup(ctx, spatial, spatial === 3 ? "NDHWC" : "NHWC");
    const xd = inputDims(ctx, x, rank, st.cf);
    if (f.rank !== rank) throw ctx.error("InvalidArgumentError", `filter must be ${rank}-dimensional: [${f.shape.join(",")}]`);
    const k = (f.shape as number[]).slice(0, spatial);
    const fin = f.shape[spatial];
    const fout = f.shape[spatial + 1];
    let groups = 1;
    if (depthwise) {
      if (fin !== xd.channels) throw ctx.error("InvalidArgumentError", `input and filter must have the same depth: ${xd.channels} vs ${fin}`);
    } else {
      if (fin <= 0 || xd.channels % fin !== 0) throw ctx.error("InvalidArgumentError", `input depth must be evenly divisible by filter depth: ${xd.channels} vs ${fin}`);
      groups = xd.channels / fin;
      if (fout % groups !== 0) throw ctx.error("InvalidArgumentError", `output depth must be evenly divisible by number of groups: ${fout} vs ${groups}`);
    }
    const cout = depthwise ? fin * fout : fout;
    const w = windows(ctx, xd.spatial, k, st.strides, st.dil, st.padding, st.explicit);
    const outLast = [xd.batch, ...w.out, cout];
    if (prod(outLast) === 0 || x.size === 0) return [zerosTensor(x.dtype, st.cf ? [outLast[0], cout, ...w.out] : outLast)];

    if (onHost(x) || computeDtype(x.dtype) !== "float32") {
      const int = computeDtype(x.dtype) === "int32";
      if (!int && !isFloatT(x.dtype)) throw ctx.error("UnimplementedError", `convolution is not implemented for ${cppDtypeName(x.dtype)}`);
      const g: Geometry = { batch: xd.batch, inS: xd.spatial, outS: w.out, k, strides: st.strides, dil: st.dil, before: w.before };
      const xs = hostLast(x, st.cf);
      const data = convHost(int ? (Int32Array.from(xs.data as ArrayLike<number>) as unknown as NumArray) : numbersOf(xs), int ? (Int32Array.from(f.host().data as ArrayLike<number>) as unknown as NumArray) : hostNumbers(f), g, xd.channels, cout, groups, depthwise, int);
      return [hostResult(x.dtype, outLast, data, st.cf)];
    }
    const y = tf.tidy(() => {
      let xt = x.tf(ctx.node.name);
      if (st.cf) xt = tf.transpose(xt, toLast(rank));
      let ft = f.tf(ctx.node.name);
      let dil = st.dil;
      const strided = st.strides.some((s) => s > 1);
      if (strided && dil.some((d) => d > 1)) {
        ft = dilateFilter(ft, dil);
        dil = dil.map(() => 1);
      }
      let r: TfTensor;
      if (spatial === 2) {
        const { input, pad } = window2d(xt, st.padding, w, 0);
        const conv = (a: TfTensor, b: TfTensor) =>
          (depthwise ? compute.depthwiseConv2d : compute.conv2d)({ x: a, filter: b, strides: st.strides as [number, number], pad, dilations: dil as [number, number] });
        if (groups === 1) r = conv(input, ft);
        else {
          const xs = tf.split(input, groups, 3);
          const fs = tf.split(ft, groups, 3);
          r = tf.concat(xs.map((a, i) => conv(a, fs[i])), 3);
        }
      } else {
        const { input, pad } = pad3d(xt, w, k, st.strides, dil, 0);
        const conv = (a: TfTensor, b: TfTensor) => tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, st.strides as [number, number, number], pad, "NDHWC", dil as [number, number, number]);
        if (groups === 1) r = conv(input, ft);
        else {
          const xs = tf.split(input, groups, 4);
          const fs = tf.split(ft, groups, 4);
          r = tf.concat(xs.map((a, i) => conv(a, fs[i])), 4);
        }
      }
      return st.cf ? tf.transpose(r, toFirst(rank)) : r;
    });
    return [Tensor.fromTf(x.dtype, y)];
  };
}

function numbersOf(nd: NdArray): NumArray {
  if (nd.dtype === "float16" || nd.dtype === "bfloat16") return Float64Array.from(Tensor.fromHost(nd.dtype === "float16" ? DataType.DT_HALF : DataType.DT_BFLOAT16, nd).numbers());
  return nd.data as unknown as NumArray;
}

/**
 * 3-D windows for tfjs, whose SAME padding (unlike TF's) may come out
 * negative: use 'same'/'valid' when they agree with TF, else pad here with
 * `fill` and run 'valid'.
 */
function pad3d(x: TfTensor, w: Windows, k: number[], strides: number[], dil: number[], fill: number): { input: TfTensor; pad: "same" | "valid" } {
  if (w.before.every((v) => v === 0) && w.after.every((v) => v === 0)) return { input: x, pad: "valid" };
  const inS = x.shape.slice(1, 4);
  const tfjsSame = inS.every((n, i) => {
    const out = Math.ceil(n / strides[i]);
    const along = (out - 1) * strides[i] + (k[i] - 1) * dil[i] + 1 - n;
    return out === w.out[i] && Math.floor(along / 2) === w.before[i] && along - Math.floor(along / 2) === w.after[i];
  });
  if (tfjsSame) return { input: x, pad: "same" };
  const pads: [number, number][] = [[0, 0], ...w.before.map((b, i) => [b, w.after[i]] as [number, number]), [0, 0]];
  return { input: tf.pad(x, pads, fill), pad: "valid" };
}

/** Conv2DBackpropInput / Conv3DBackpropInputV2: the transposed convolution. */
/** `sizesFromInput`: the V2 (2-D) and V1 (3-D) variants take the input tensor itself, not its shape. */
function convBackpropInput(spatial: number, sizesFromInput = false) {
  return (ctx: KernelContext): Tensor[] => {
    const sizesT = ctx.inputs[0];
    const f = ctx.inputs[1];
    const dy = ctx.inputs[2];
    const rank = spatial + 2;
    const st = convSetup(ctx, spatial, spatial === 3 ? "NDHWC" : "NHWC");
    const dyd = inputDims(ctx, dy, rank, st.cf, "out_backprop");
    if (f.rank !== rank) throw ctx.error("InvalidArgumentError", `filter must be ${rank}-dimensional: [${f.shape.join(",")}]`);
    const k = (f.shape as number[]).slice(0, spatial);
    const cin = f.shape[spatial];
    const cout = f.shape[spatial + 1];
    if (!sizesFromInput && sizesT.rank !== 1) throw ctx.error("InvalidArgumentError", `input_sizes must be 1-dimensional, got: [${sizesT.shape.join(",")}]`);
    let sizes = sizesFromInput ? (sizesT.shape as number[]) : sizesT.numbers();
    if (sizes.length === spatial) sizes = st.cf ? [dyd.batch, cin, ...sizes] : [dyd.batch, ...sizes, cin];
    if (sizes.length !== rank) throw ctx.error("InvalidArgumentError", `input_sizes must have ${rank} or ${spatial} elements, got ${sizes.length}`);
    const inS = st.cf ? sizes.slice(2) : sizes.slice(1, rank - 1);
    const inC = st.cf ? sizes[1] : sizes[rank - 1];
    if (inC !== cin) throw ctx.error("InvalidArgumentError", `Conv${spatial}DBackpropInput: input and filter must have the same depth: ${inC} vs ${cin}`);
    if (dyd.channels !== cout) throw ctx.error("InvalidArgumentError", `Conv${spatial}DBackpropInput: filter and out_backprop must have the same out_depth: ${cout} vs ${dyd.channels}`);
    const w = windows(ctx, inS, k, st.strides, st.dil, st.padding, st.explicit);
    w.out.forEach((o, i) => {
      if (o !== dyd.spatial[i]) throw ctx.error("InvalidArgumentError", `Conv${spatial}DBackpropInput: Size of out_backprop doesn't match computed: actual = ${dyd.spatial[i]}, computed = ${o} spatial_dim: ${i + (st.cf ? 2 : 1)} input: ${inS[i]} filter: ${k[i]} output: ${dyd.spatial[i]} stride: ${st.strides[i]} dilation: ${st.dil[i]}`);
    });
    const inLast = [dyd.batch, ...inS, cin];
    if (prod(inLast) === 0 || dy.size === 0 || f.size === 0) return [zerosTensor(dy.dtype, st.cf ? [dyd.batch, cin, ...inS] : inLast)];
    if (onHost(dy) || computeDtype(dy.dtype) !== "float32") {
      const int = computeDtype(dy.dtype) === "int32";
      const g: Geometry = { batch: dyd.batch, inS, outS: w.out, k, strides: st.strides, dil: st.dil, before: w.before };
      const dys = hostLast(dy, st.cf);
      const data = convBackpropInputHost(int ? (Int32Array.from(dys.data as ArrayLike<number>) as unknown as NumArray) : numbersOf(dys), int ? (Int32Array.from(f.host().data as ArrayLike<number>) as unknown as NumArray) : hostNumbers(f), g, cin, cout, int);
      return [hostResult(dy.dtype, inLast, data, st.cf)];
    }
    const y = tf.tidy(() => {
      let g = dy.tf(ctx.node.name);
      if (st.cf) g = tf.transpose(g, toLast(rank));
      let ft = f.tf(ctx.node.name);
      if (st.dil.some((d) => d > 1)) ft = dilateFilter(ft, st.dil);
      let r: TfTensor;
      if (spatial === 2) {
        if (st.padding === "EXPLICIT") {
          // the gradient for the explicitly padded input, VALID, with the padding sliced off
          const padded = [inLast[0], inS[0] + w.before[0] + w.after[0], inS[1] + w.before[1] + w.after[1], cin] as [number, number, number, number];
          const full = tf.conv2dTranspose(g as tf.Tensor4D, ft as tf.Tensor4D, padded, st.strides as [number, number], "valid");
          r = tf.slice(full, [0, w.before[0], w.before[1], 0], inLast);
        } else {
          r = tf.conv2dTranspose(g as tf.Tensor4D, ft as tf.Tensor4D, inLast as [number, number, number, number], st.strides as [number, number], st.padding === "SAME" ? "same" : "valid");
        }
      } else {
        r = transposedViaForward(g, ft, inS, w, st.strides, k.map((kk, i) => (kk - 1) * st.dil[i] + 1));
      }
      return st.cf ? tf.transpose(r, toFirst(rank)) : r;
    });
    return [Tensor.fromTf(dy.dtype, y)];
  };
}

/**
 * Transposed 3-D convolution as a forward one (tfjs's wasm
 * Conv3DBackpropInputV2 is wrong for strides > 1): upsample dy by the
 * strides with zeros, pad or crop it, and correlate with the spatially
 * flipped, in/out-swapped filter (already dilated: `keff` taps).
 */
function transposedViaForward(dy: TfTensor, f: TfTensor, inS: number[], w: Windows, strides: number[], keff: number[]): TfTensor {
  const r = inS.length;
  let u = dy;
  // zero-insertion upsampling: [.., o, ..] → [.., (o-1)*s+1, ..]
  for (let i = 0; i < r; i++) {
    const s = strides[i];
    if (s === 1) continue;
    const axis = i + 1;
    const shape = u.shape.slice();
    const o = shape[axis];
    const e = tf.expandDims(u, axis + 1);
    const pads = e.shape.map(() => [0, 0] as [number, number]);
    pads[axis + 1] = [0, s - 1];
    const p = tf.pad(e, pads);
    shape[axis] = o * s;
    const flat = tf.reshape(p, shape);
    const size = shape.slice();
    size[axis] = Math.max(0, (o - 1) * s + 1);
    u = tf.slice(flat, shape.map(() => 0), size);
  }
  // pad (or crop) so that a VALID correlation gives exactly inS
  const pads: [number, number][] = [[0, 0]];
  const begin = [0];
  const size = [u.shape[0]];
  for (let i = 0; i < r; i++) {
    const len = u.shape[i + 1];
    const left = keff[i] - 1 - w.before[i];
    const right = inS[i] + keff[i] - 1 - len - left;
    pads.push([Math.max(0, left), Math.max(0, right)]);
    begin.push(Math.max(0, -left));
    size.push(len + Math.max(0, left) + Math.max(0, right) - Math.max(0, -left) - Math.max(0, -right));
  }
  pads.push([0, 0]);
  begin.push(0);
  size.push(u.shape[r + 1]);
  u = tf.slice(tf.pad(u, pads), begin, size);
  const flipped = tf.transpose(tf.reverse(f, Array.from({ length: r }, (_, i) => i)), [...Array.from({ length: r }, (_, i) => i), r + 1, r]);
  return tf.conv3d(u as tf.Tensor5D, flipped as tf.Tensor5D, 1, "valid");
}

// ---------------------------------------------------------------------------
// Pooling

function pooling(spatial: number, kind: "max" | "avg", v2 = false) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const rank = spatial + 2;
    const cf = channelsFirst(ctx, spatial === 3 ? "NDHWC" : "NHWC");
    const ksizeAll = v2 ? ctx.inputs[1].numbers() : ctx.attrs.ints("ksize");
    const stridesAll = v2 ? ctx.inputs[2].numbers() : ctx.attrs.ints("strides");
    if (ksizeAll.length !== rank) throw ctx.error("InvalidArgumentError", `Sliding window ksize field must specify ${rank} dimensions`);
    if (stridesAll.length !== rank) throw ctx.error("InvalidArgumentError", `Sliding window stride field must specify ${rank} dimensions`);
    const xd = inputDims(ctx, x, rank, cf);
    const depthK = cf ? ksizeAll[1] : ksizeAll[rank - 1];
    if (kind === "max" && spatial === 2 && depthK > 1) return [depthwiseMaxPool(ctx, x, ksizeAll, stridesAll, cf)];
    const k = spatialOf(ctx, "ksize", ksizeAll, rank, cf, "pooling");
    const strides = spatialOf(ctx, "strides", stridesAll, rank, cf, "strides");
    for (const kk of k) if (kk <= 0) throw ctx.error("InvalidArgumentError", `Sliding window ksize for dimension must be positive`);
    const padding = paddingAttr(ctx);
    const explicit = explicitPads(ctx, padding, rank, cf);
    const ones = k.map(() => 1);
    const w = windows(ctx, xd.spatial, k, strides, ones, padding, explicit);
    const g: Geometry = { batch: xd.batch, inS: xd.spatial, outS: w.out, k, strides, dil: ones, before: w.before };
    if (kind === "avg" && !isFloatT(x.dtype)) throw ctx.error("InvalidArgumentError", `${ctx.node.op} does not support ${cppDtypeName(x.dtype)}`);
    if (x.size === 0 || prod(w.out) === 0) return [zerosTensor(x.dtype, cf ? [xd.batch, xd.channels, ...w.out] : [xd.batch, ...w.out, xd.channels])];
    if (onHost(x) || computeDtype(x.dtype) !== "float32") {
      const nd = hostLast(x, cf);
      const src = nd.dtype === "float16" || nd.dtype === "bfloat16" ? ({ dtype: "float64", shape: nd.shape, data: numbersOf(nd) } as unknown as NdArray) : nd;
      const r = poolHost(src, g, xd.channels, kind);
      const data = r.data as unknown as NumArray;
      if (r.dtype === src.dtype && src === nd) {
        const t = Tensor.fromHost(x.dtype, r);
        return [cf ? Tensor.fromHost(x.dtype, permuteHost(r, toFirst(rank))) : t];
      }
      return [hostResult(x.dtype, r.shape as number[], data, cf)];
    }
    const y = tf.tidy(() => {
      let xt = x.tf(ctx.node.name);
      if (cf) xt = tf.transpose(xt, toLast(rank));
      let r: TfTensor;
      if (spatial === 2) {
        const { input, pad } = window2d(xt, padding, w, -Infinity);
        r = kind === "max" ? tf.maxPool(input as tf.Tensor4D, k as [number, number], strides as [number, number], pad) : tf.avgPool(input as tf.Tensor4D, k as [number, number], strides as [number, number], pad);
      } else {
        const { input, pad } = pad3d(xt, w, k, strides, ones, -Infinity);
        if (kind === "avg" && input !== xt) {
          // tfjs cannot pad this window: average of the zero-padded sums over the in-bounds counts
          const zp = tf.pad(xt, [[0, 0], ...w.before.map((b, i) => [b, w.after[i]] as [number, number]), [0, 0]]);
          const sums = tf.mul(tf.avgPool3d(zp as tf.Tensor5D, k as [number, number, number], strides as [number, number, number], "valid"), prod(k));
          r = tf.div(sums, tf.tensor(windowCounts(g), [1, ...w.out, 1]));
        } else {
          r = kind === "max" ? onCpu(() => tf.maxPool3d(input as tf.Tensor5D, k as [number, number, number], strides as [number, number, number], pad)) : tf.avgPool3d(input as tf.Tensor5D, k as [number, number, number], strides as [number, number, number], pad);
        }
      }
      return cf ? tf.transpose(r, toFirst(rank)) : r;
    });
    return [Tensor.fromTf(x.dtype, y)];
  };
}

/** In-bounds element count of every pooling window. */
function windowCounts(g: Geometry): Float32Array {
  const tab = tapTable(g);
  const nK = prod(g.k);
  const out = new Float32Array(prod(g.outS));
  for (let i = 0; i < out.length; i++) {
    let c = 0;
    for (let kf = 0; kf < nK; kf++) if (tab[i * nK + kf] >= 0) c++;
    out[i] = c;
  }
  return out;
}

/** MaxPool over the depth dimension only (TF's depthwise max pooling: window = stride, no spatial pooling). */
function depthwiseMaxPool(ctx: KernelContext, x: Tensor, ksize: number[], strides: number[], cf: boolean): Tensor {
  const d = cf ? ksize[1] : ksize[3];
  const spatialK = cf ? [ksize[2], ksize[3]] : [ksize[1], ksize[2]];
  const ds = cf ? strides[1] : strides[3];
  if (spatialK.some((v) => v !== 1) || ksize[0] !== 1) throw ctx.error("UnimplementedError", "MaxPooling supports exactly one of pooling across depth or pooling across width/height.");
  if (ds !== d) throw ctx.error("UnimplementedError", "Depthwise max pooling requires the depth window to equal the depth stride.");
  const c = cf ? x.shape[1] : x.shape[3];
  if (c % d !== 0) throw ctx.error("UnimplementedError", "Depthwise max pooling requires the depth window to evenly divide the input depth.");
  if (onHost(x) || computeDtype(x.dtype) !== "float32") throw ctx.error("UnimplementedError", `depthwise max pooling is not implemented for ${cppDtypeName(x.dtype)}`);
  const y = tf.tidy(() => {
    let xt = x.tf(ctx.node.name);
    if (cf) xt = tf.transpose(xt, [0, 2, 3, 1]);
    const [n, h, w] = xt.shape;
    let r: TfTensor = tf.max(tf.reshape(xt, [n, h, w, c / d, d]), 4);
    if (cf) r = tf.transpose(r, [0, 3, 1, 2]);
    return r;
  });
  return Tensor.fromTf(x.dtype, y);
}

// ---------------------------------------------------------------------------
// Bias

function biasAdd(v1: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const b = ctx.inputs[1];
    const cf = v1 ? false : channelsFirst(ctx);
    if (x.rank < 2) throw ctx.error("InvalidArgumentError", `Input tensor must be at least 2D: [${x.shape.join(",")}]`);
    if (b.rank !== 1) throw ctx.error("InvalidArgumentError", `Biases must be 1D: [${b.shape.join(",")}]`);
    const cdim = cf ? 1 : x.rank - 1;
    if (x.shape[cdim] !== b.shape[0]) {
      throw ctx.error("InvalidArgumentError", `Must provide as many biases as the last dimension of the input tensor: [${b.shape.join(",")}] vs. [${x.shape.join(",")}]`);
    }
    const bshape = cf ? [b.shape[0], ...new Array(x.rank - 2).fill(1)] : [b.shape[0]];
    if (!onHost(x) && computeDtype(x.dtype) !== undefined) {
      const y = tf.tidy(() => tf.add(x.tf(ctx.node.name), cf ? tf.reshape(b.tf(ctx.node.name), bshape) : b.tf(ctx.node.name)));
      return [Tensor.fromTf(x.dtype, y)];
    }
    const path = hostPath(x.dtype);
    return [binaryHost(ctx.graph.where(ctx.node), x, cf ? withShape(b, bshape) : b, { num: (p, q) => p + q, big: (p, q) => p + q, u32: (p, q) => (p + q) >>> 0 }, path, x.dtype)];
  };
}

function biasAddGrad(ctx: KernelContext): Tensor[] {
  const g = ctx.inputs[0];
  const cf = channelsFirst(ctx);
  if (g.rank < 2) throw ctx.error("InvalidArgumentError", `Input tensor must be at least 2D: [${g.shape.join(",")}]`);
  const cdim = cf ? 1 : g.rank - 1;
  const axes = Array.from({ length: g.rank }, (_, i) => i).filter((i) => i !== cdim);
  if (!onHost(g) && computeDtype(g.dtype) === "float32") {
    return [Tensor.fromTf(g.dtype, tf.tidy(() => tf.sum(g.tf(ctx.node.name), axes)))];
  }
  const c = g.shape[cdim];
  const src = g.host();
  const vals = g.dtype === DataType.DT_HALF || g.dtype === DataType.DT_BFLOAT16 ? g.numbers() : (src.data as unknown as NumArray);
  const big = src.dtype === "int64" || src.dtype === "uint64";
  const acc: Num[] = new Array(c).fill(big ? 0n : 0);
  const inner = prod(g.shape.slice(cdim + 1) as number[]);
  for (let i = 0; i < g.size; i++) {
    const ch = Math.floor(i / inner) % c;
    acc[ch] = big ? (acc[ch] as bigint) + (vals[i] as bigint) : (acc[ch] as number) + Number(vals[i]);
  }
  return [Tensor.fromValues(g.dtype, [c], acc.map((v) => (big ? BigInt.asIntN(64, v as bigint) : v)))];
}

// ---------------------------------------------------------------------------
// Activations

const where = (ctx: KernelContext) => ctx.graph.where(ctx.node);

const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_ALPHA = 1.6732632423543772848170429916717;

function act(spec: UnarySpec, floatOnly = true) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    if (floatOnly && !isFloatT(x.dtype)) throw ctx.error("InvalidArgumentError", `Value for attr 'T' of ${cppDtypeName(x.dtype)} is not in the list of allowed values: half, bfloat16, float, double`);
    return [unary(where(ctx), x, spec)];
  };
}

const softplusNum = (x: number): number => {
  const threshold = Math.log(2.220446049250313e-16) + 2;
  if (x > -threshold) return x;
  if (x < threshold) return Math.exp(x);
  return Math.log(Math.exp(x) + 1);
};

function leakyRelu(ctx: KernelContext): Tensor[] {
  const alpha = ctx.attrs.float("alpha", 0.2);
  const x = ctx.inputs[0];
  if (!isFloatT(x.dtype)) throw ctx.error("InvalidArgumentError", `LeakyRelu does not support ${cppDtypeName(x.dtype)}`);
  return [unary(where(ctx), x, { tf: (a) => tf.leakyRelu(a, alpha), num: (v) => (v > 0 ? v : v * alpha) })];
}

/** Elementwise op of two same-shaped float tensors (the *Grad ops). */
function grad2(tfFn: (a: TfTensor, b: TfTensor) => TfTensor, num: (a: number, b: number) => number) {
  return (ctx: KernelContext): Tensor[] => {
    const [a, b] = ctx.inputs;
    if (!isFloatT(a.dtype)) throw ctx.error("InvalidArgumentError", `${ctx.node.op} does not support ${cppDtypeName(a.dtype)}`);
    if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
      throw ctx.error("InvalidArgumentError", `${ctx.node.op}: inputs must be the same size: [${a.shape.join(",")}] vs. [${b.shape.join(",")}]`);
    }
    if (a.dtype === DataType.DT_DOUBLE) return [binaryHost(where(ctx), a, b, { num }, "f64", a.dtype)];
    return [Tensor.fromTf(a.dtype, tf.tidy(() => tfFn(a.tf(ctx.node.name), b.tf(ctx.node.name))))];
  };
}

// ---------------------------------------------------------------------------
// Softmax and losses

function softmaxOp(log: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    if (x.rank < 1) throw ctx.error("InvalidArgumentError", `logits must have >= 1 dimension, got [${x.shape.join(",")}]`);
    if (!isFloatT(x.dtype)) throw ctx.error("InvalidArgumentError", `${ctx.node.op} does not support ${cppDtypeName(x.dtype)}`);
    if (x.size === 0) return [x];
    if (x.dtype === DataType.DT_DOUBLE) {
      const v = x.host().data as Float64Array;
      const c = x.shape[x.rank - 1];
      const out = new Float64Array(v.length);
      for (let r = 0; r < v.length; r += c) {
        let m = -Infinity;
        for (let j = 0; j < c; j++) m = Math.max(m, v[r + j]);
        let s = 0;
        for (let j = 0; j < c; j++) s += Math.exp(v[r + j] - m);
        for (let j = 0; j < c; j++) out[r + j] = log ? v[r + j] - m - Math.log(s) : Math.exp(v[r + j] - m) / s;
      }
      return [Tensor.fromHost(x.dtype, { dtype: "float64", shape: x.shape, data: out })];
    }
    return [Tensor.fromTf(x.dtype, tf.tidy(() => (log ? tf.logSoftmax(x.tf(ctx.node.name)) : tf.softmax(x.tf(ctx.node.name)))))];
  };
}

/** TF's xent functor: loss = sum(labels * (log(sum(exp(l - max))) - (l - max))), backprop = softmax - labels. */
function softmaxXent(ctx: KernelContext): Tensor[] {
  const [logits, labels] = ctx.inputs;
  if (logits.rank !== 2 && logits.rank !== 1) throw ctx.error("InvalidArgumentError", `logits must be 2-dimensional, but got [${logits.shape.join(",")}]`);
  if (labels.rank !== 2 && labels.rank !== 1) throw ctx.error("InvalidArgumentError", `labels must be 2-dimensional, but got [${labels.shape.join(",")}]`);
  const l2 = logits.rank === 1 ? [1, logits.shape[0]] : (logits.shape as number[]);
  const y2 = labels.rank === 1 ? [1, labels.shape[0]] : (labels.shape as number[]);
  for (let i = 0; i < 2; i++) {
    if (l2[i] !== y2[i] && l2[i] !== 1 && y2[i] !== 1) throw ctx.error("InvalidArgumentError", `logits and labels must be broadcastable: logits_size=[${logits.shape.join(",")}] labels_size=[${labels.shape.join(",")}]`);
  }
  const shape = [Math.max(l2[0], y2[0]), Math.max(l2[1], y2[1])];
  if (logits.dtype === DataType.DT_DOUBLE) {
    const L = logits.host().data as Float64Array;
    const Y = labels.host().data as Float64Array;
    const [b, c] = shape;
    const loss = new Float64Array(b);
    const back = new Float64Array(b * c);
    const at = (a: Float64Array, s: number[], i: number, j: number) => a[(s[0] === 1 ? 0 : i) * s[1] + (s[1] === 1 ? 0 : j)];
    for (let i = 0; i < b; i++) {
      let m = -Infinity;
      for (let j = 0; j < c; j++) m = Math.max(m, at(L, l2, i, j));
      let s = 0;
      for (let j = 0; j < c; j++) s += Math.exp(at(L, l2, i, j) - m);
      const ls = Math.log(s);
      let acc = 0;
      for (let j = 0; j < c; j++) {
        const sh = at(L, l2, i, j) - m;
        acc += at(Y, y2, i, j) * (ls - sh);
        back[i * c + j] = Math.exp(sh) / s - at(Y, y2, i, j);
      }
      loss[i] = acc;
    }
    return [Tensor.fromHost(logits.dtype, { dtype: "float64", shape: [b], data: loss }), Tensor.fromHost(logits.dtype, { dtype: "float64", shape, data: back })];
  }
  const [loss, back] = xentTf(logits.tf(ctx.node.name), labels.tf(ctx.node.name), l2, y2, shape);
  return [Tensor.fromTf(logits.dtype, loss), Tensor.fromTf(logits.dtype, back)];
}

function xentTf(lt: TfTensor, yt: TfTensor, l2: number[], y2: number[], shape: number[]): [TfTensor, TfTensor] {
  return tf.tidy(() => {
    const l = tf.broadcastTo(tf.reshape(lt, l2), shape);
    const y = tf.broadcastTo(tf.reshape(yt, y2), shape);
    const shifted = tf.sub(l, tf.max(l, 1, true));
    const sumExp = tf.sum(tf.exp(shifted), 1, true);
    const loss = tf.sum(tf.mul(y, tf.sub(tf.log(sumExp), shifted)), 1);
    const back = tf.sub(tf.div(tf.exp(shifted), sumExp), y);
    return [loss, back] as [TfTensor, TfTensor];
  });
}

function sparseSoftmaxXent(ctx: KernelContext): Tensor[] {
  const [logits, labels] = ctx.inputs;
  if (logits.rank !== 2) throw ctx.error("InvalidArgumentError", `logits must be 2-D, but got shape [${logits.shape.join(",")}]`);
  if (labels.rank !== 1) throw ctx.error("InvalidArgumentError", `labels must be 1-D, but got shape [${labels.shape.join(",")}]`);
  if (logits.shape[0] !== labels.shape[0]) throw ctx.error("InvalidArgumentError", `logits and labels must have the same first dimension, got logits shape [${logits.shape.join(",")}] and labels shape [${labels.shape.join(",")}]`);
  const [b, c] = logits.shape;
  if (c === 0 && b > 0) throw ctx.error("InvalidArgumentError", `Must have at least one class, but got logits shape [${logits.shape.join(",")}]`);
  const lab = labels.numbers();
  const bad = lab.find((v) => v < 0 || v >= c);
  if (bad !== undefined) {
    throw ctx.error("InvalidArgumentError", `Received a label value of ${bad} which is outside the valid range of [0, ${c}).  Label values: ${lab.join(" ")}`);
  }
  if (logits.dtype === DataType.DT_DOUBLE) {
    const onehot = new Float64Array(b * c);
    lab.forEach((v, i) => (onehot[i * c + v] = 1));
    return softmaxXent({ ...ctx, inputs: [logits, Tensor.fromHost(logits.dtype, { dtype: "float64", shape: [b, c], data: onehot })] } as KernelContext);
  }
  const [loss, back] = tf.tidy(() => {
    const y = tf.cast(tf.oneHot(tf.tensor1d(lab, "int32"), c), "float32");
    return xentTf(logits.tf(ctx.node.name), y, [b, c], [b, c], [b, c]);
  });
  return [Tensor.fromTf(logits.dtype, loss), Tensor.fromTf(logits.dtype, back)];
}

// ---------------------------------------------------------------------------
// Batch normalization

function fusedBatchNorm(version: 1 | 2 | 3) {
  return (ctx: KernelContext): Tensor[] => {
    const [x, scale, offset, mean, variance] = ctx.inputs;
    const eps = ctx.attrs.float("epsilon", 0.0001);
    const factor = ctx.attrs.float("exponential_avg_factor", 1);
    const training = ctx.attrs.bool("is_training", true);
    const cf = channelsFirst(ctx);
    if (x.rank !== 4 && x.rank !== 5) throw ctx.error("InvalidArgumentError", `input must be 4 or 5-dimensional[${x.shape.join(",")}]`);
    const rank = x.rank;
    const c = cf ? x.shape[1] : x.shape[rank - 1];
    for (const [t, name] of [[scale, "scale"], [offset, "offset"]] as const) {
      if (t.rank !== 1) throw ctx.error("InvalidArgumentError", `${name} must be 1-dimensional[${t.shape.join(",")}]`);
      if (t.shape[0] !== c) throw ctx.error("InvalidArgumentError", `${name} must have the same number of elements as the channels of x, got ${t.shape[0]} and ${c}`);
    }
    const useRunning = !training || factor !== 1;
    if (useRunning) {
      for (const [t, name] of [[mean, "mean"], [variance, "variance"]] as const) {
        if (t.rank !== 1 || t.shape[0] !== c) throw ctx.error("InvalidArgumentError", `When is_training=false or exponential_avg_factor != 1, ${name} must have the same number of elements as the channels of x, got ${t.size} and ${c}`);
      }
    }
    const U = scale.dtype;
    const n = x.size / Math.max(c, 1);
    const paramShape = cf ? [1, c, ...new Array(rank - 2).fill(1)] : [c];
    const axes = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== (cf ? 1 : rank - 1));
    const extra = version === 3 ? [Tensor.scalar(U, 0)] : [];
    if (x.dtype === DataType.DT_DOUBLE) throw ctx.error("UnimplementedError", "FusedBatchNorm does not support double");
    if (!training) {
      const y = tf.tidy(() => {
        const xt = x.tf(ctx.node.name);
        const p = (t: Tensor) => tf.reshape(t.tf(ctx.node.name), paramShape);
        if (!cf) return tf.batchNorm(xt, mean.tf(ctx.node.name), variance.tf(ctx.node.name), offset.tf(ctx.node.name), scale.tf(ctx.node.name), eps);
        const factorT = tf.mul(tf.rsqrt(tf.add(p(variance), eps)), p(scale));
        return tf.add(tf.mul(tf.sub(xt, p(mean)), factorT), p(offset));
      });
      return [Tensor.fromTf(x.dtype, y), mean, variance, mean, variance, ...extra];
    }
    if (x.size === 0) {
      const nan = Tensor.fromValues(U, [c], [NaN]);
      return [x, nan, nan, nan, nan, ...extra];
    }
    const outs = tf.tidy(() => {
      const xt = x.tf(ctx.node.name);
      const bMean = tf.mean(xt, axes);
      const centered = tf.sub(xt, tf.reshape(bMean, paramShape));
      const bVar = tf.mean(tf.square(centered), axes);
      const f = tf.mul(tf.rsqrt(tf.add(bVar, eps)), scale.tf(ctx.node.name));
      const yt = tf.add(tf.mul(centered, tf.reshape(f, paramShape)), tf.reshape(offset.tf(ctx.node.name), paramShape));
      const adjust = n / Math.max(n - 1, 1);
      // outputs 1-2 are the running statistics (Bessel-corrected variance), 3-4 the batch's own
      const runMean = factor === 1 ? tf.clone(bMean) : tf.add(tf.mul(mean.tf(ctx.node.name), 1 - factor), tf.mul(bMean, factor));
      const runVar = factor === 1 ? tf.mul(bVar, adjust) : tf.add(tf.mul(variance.tf(ctx.node.name), 1 - factor), tf.mul(bVar, factor * adjust));
      return [yt, runMean, runVar, bMean, bVar];
    });
    return [Tensor.fromTf(x.dtype, outs[0]), ...outs.slice(1).map((t) => Tensor.fromTf(U, t)), ...extra];
  };
}

/** The TF1 BatchNormWithGlobalNormalization op: (t - m) * rsqrt(v + eps) [* gamma] + beta, NHWC. */
function batchNormGlobal(ctx: KernelContext): Tensor[] {
  const [t, m, v, beta, gamma] = ctx.inputs;
  const eps = ctx.attrs.float("variance_epsilon");
  const scaleAfter = ctx.attrs.bool("scale_after_normalization");
  if (t.rank !== 4) throw ctx.error("InvalidArgumentError", `input must be 4-dimensional[${t.shape.join(",")}]`);
  const c = t.shape[3];
  for (const [p, name] of [[m, "mean"], [v, "variance"], [beta, "beta"], [gamma, "gamma"]] as const) {
    if (p.rank !== 1 || p.shape[0] !== c) throw ctx.error("InvalidArgumentError", `${name} must be 1-dimensional with ${c} elements[${p.shape.join(",")}]`);
  }
  if (!isFloatT(t.dtype) || t.dtype === DataType.DT_DOUBLE) throw ctx.error("InvalidArgumentError", `BatchNormWithGlobalNormalization does not support ${cppDtypeName(t.dtype)}`);
  const n = ctx.node.name;
  const y = tf.tidy(() => tf.add(tf.mul(tf.sub(t.tf(n), m.tf(n)), scaleAfter ? tf.mul(tf.rsqrt(tf.add(v.tf(n), eps)), gamma.tf(n)) : tf.rsqrt(tf.add(v.tf(n), eps))), beta.tf(n)));
  return [Tensor.fromTf(t.dtype, y)];
}

/** DataFormatDimMap / DataFormatVecPermute: dimension indices and shape vectors between layouts. */
function formats(ctx: KernelContext): [string, string] {
  const src = ctx.attrs.str("src_format", "NHWC");
  const dst = ctx.attrs.str("dst_format", "NCHW");
  if (src.length !== dst.length || (src.length !== 4 && src.length !== 5) || [...src].sort().join("") !== [...dst].sort().join("")) {
    throw ctx.error("InvalidArgumentError", `Destination format ${dst} must be a permutation of source format ${src}`);
  }
  return [src, dst];
}

function dataFormatDimMap(ctx: KernelContext): Tensor[] {
  const [src, dst] = formats(ctx);
  const x = ctx.inputs[0];
  const r = src.length;
  const v = x.numbers().map((d) => {
    const i = ((d % r) + r) % r;
    return dst.indexOf(src[i]);
  });
  return [Tensor.fromValues(x.dtype, x.shape as number[], v)];
}

function dataFormatVecPermute(ctx: KernelContext): Tensor[] {
  const [src, dst] = formats(ctx);
  const x = ctx.inputs[0];
  const n = x.shape[0];
  const spatial = (f: string) => [...f].filter((ch) => ch !== "N" && ch !== "C").join("");
  let s = src;
  let d = dst;
  if (n === src.length - 2) [s, d] = [spatial(src), spatial(dst)];
  else if (n !== src.length) throw ctx.error("InvalidArgumentError", `Format specifier must contain H and W for 2D case`);
  if (!(x.rank === 1 || (x.rank === 2 && x.shape[1] === 2))) throw ctx.error("InvalidArgumentError", `input must be a vector or 2D tensor, but got shape [${x.shape.join(",")}]`);
  const h = x.host();
  const inner = x.rank === 2 ? 2 : 1;
  const src_ = h.data as unknown as NumArray;
  const out = newLike(h, x.size);
  for (let i = 0; i < n; i++) {
    const j = s.indexOf(d[i]);
    for (let k = 0; k < inner; k++) out[i * inner + k] = src_[j * inner + k];
  }
  return [Tensor.fromHost(x.dtype, { dtype: h.dtype, shape: x.shape, data: out } as unknown as NdArray)];
}

// ---------------------------------------------------------------------------
// LRN, Dilation2D

function lrn(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  if (x.rank !== 4) throw ctx.error("InvalidArgumentError", `in must be 4-dimensional [${x.shape.join(",")}]`);
  const r = ctx.attrs.int("depth_radius", 5);
  const bias = ctx.attrs.float("bias", 1);
  const alpha = ctx.attrs.float("alpha", 1);
  const beta = ctx.attrs.float("beta", 0.5);
  if (!isFloatT(x.dtype) || x.dtype === DataType.DT_DOUBLE) throw ctx.error("InvalidArgumentError", `LRN does not support ${cppDtypeName(x.dtype)}`);
  return [Tensor.fromTf(x.dtype, tf.tidy(() => tf.localResponseNormalization(x.tf(ctx.node.name) as tf.Tensor4D, r, bias, alpha, beta)))];
}

function dilation2d(ctx: KernelContext): Tensor[] {
  const [x, f] = ctx.inputs;
  if (x.rank !== 4) throw ctx.error("InvalidArgumentError", `input must be 4-dimensional [${x.shape.join(",")}]`);
  if (f.rank !== 3) throw ctx.error("InvalidArgumentError", `filter must be 3-dimensional: [${f.shape.join(",")}]`);
  if (f.shape[2] !== x.shape[3]) throw ctx.error("InvalidArgumentError", `input and filter must have the same depth: ${x.shape[3]} vs ${f.shape[2]}`);
  const strides = spatialOf(ctx, "strides", ctx.attrs.ints("strides"), 4, false, "strides");
  const rates = spatialOf(ctx, "rates", ctx.attrs.ints("rates"), 4, false, "rates");
  const padding = paddingAttr(ctx);
  const k = [f.shape[0], f.shape[1]];
  const w = windows(ctx, [x.shape[1], x.shape[2]], k, strides, rates, padding);
  const c = x.shape[3];
  if (onHost(x) || computeDtype(x.dtype) !== "float32" || (strides.some((s) => s > 1) && rates.some((r) => r > 1))) {
    const g: Geometry = { batch: x.shape[0], inS: [x.shape[1], x.shape[2]], outS: w.out, k, strides, dil: rates, before: w.before };
    const tab = tapTable(g);
    const xv = hostNumbers(x);
    const fv = hostNumbers(f);
    const nOut = prod(w.out);
    const nK = prod(k);
    const nIn = x.shape[1] * x.shape[2];
    const out = new Float64Array(g.batch * nOut * c);
    for (let n = 0; n < g.batch; n++)
      for (let o = 0; o < nOut; o++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          for (let kf = 0; kf < nK; kf++) {
            const pos = tab[o * nK + kf];
            if (pos < 0) continue;
            best = Math.max(best, Number(xv[(n * nIn + pos) * c + ch]) + Number(fv[kf * c + ch]));
          }
          out[(n * nOut + o) * c + ch] = best;
        }
    return [fromNumbers(x.dtype, [g.batch, ...w.out, c], out)];
  }
  const y = tf.tidy(() => {
    const pads = padding === "SAME" ? "same" : "valid";
    return onCpu(() => tf.dilation2d(x.tf(ctx.node.name) as tf.Tensor4D, f.tf(ctx.node.name) as tf.Tensor3D, strides as [number, number], pads, rates as [number, number], "NHWC"));
  });
  return [Tensor.fromTf(x.dtype, y)];
}

// ---------------------------------------------------------------------------
// TopK, InTopK

/** Sorts descending by value, ties by lower index (TF's stable top-k order); NaN ranks above everything. */
function topKRows(vals: NumArray, rows: number, n: number, k: number): Int32Array {
  const idx = new Int32Array(rows * k);
  const order = new Array<number>(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => {
      const va = vals[base + a];
      const vb = vals[base + b];
      const na = typeof va === "number" && Number.isNaN(va);
      const nb = typeof vb === "number" && Number.isNaN(vb);
      if (na !== nb) return na ? -1 : 1;
      if (va > vb) return -1;
      if (va < vb) return 1;
      return a - b;
    });
    for (let j = 0; j < k; j++) idx[r * k + j] = order[j];
  }
  return idx;
}

function topKV2(v2: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    const k = v2 ? ctx.inputs[1].scalarNumber() : ctx.attrs.int("k");
    const indexType = ctx.attrs.type("index_type", DataType.DT_INT32);
    if (k < 0) throw ctx.error("InvalidArgumentError", `Need k >= 0, got ${k}`);
    if (x.rank < 1) throw ctx.error("InvalidArgumentError", `input must be >= 1-D, got shape [${x.shape.join(",")}]`);
    const n = x.shape[x.rank - 1];
    if (n < k) throw ctx.error("InvalidArgumentError", `input must have at least k columns. Had ${n}, needed ${k}`);
    const rows = n === 0 ? 0 : x.size / n;
    const outShape = [...x.shape.slice(0, -1), k] as number[];
    const h = x.host();
    const vals = h.dtype === "float16" || h.dtype === "bfloat16" ? Float64Array.from(x.numbers()) : (h.data as unknown as NumArray);
    const idx = topKRows(vals, rows, n, k);
    const src = h.data as unknown as NumArray;
    const out = newLike(h, rows * k);
    for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = src[r * n + idx[r * k + j]];
    const values = Tensor.fromHost(x.dtype, { dtype: h.dtype, shape: outShape, data: out } as unknown as NdArray);
    return [values, Tensor.fromValues(indexType, outShape, idx)];
  };
}

function inTopK(v2: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const [pred, targets] = ctx.inputs;
    const k = v2 ? ctx.inputs[2].scalarNumber() : ctx.attrs.int("k");
    if (pred.rank !== 2) throw ctx.error("InvalidArgumentError", `predictions must be 2-dimensional`);
    if (targets.rank !== 1) throw ctx.error("InvalidArgumentError", `targets must be 1-dimensional`);
    if (pred.shape[0] !== targets.shape[0]) throw ctx.error("InvalidArgumentError", `First dimension of predictions ${pred.shape[0]} must match length of targets ${targets.shape[0]}`);
    const [b, c] = pred.shape;
    const p = pred.numbers();
    const t = targets.numbers();
    const out = new Uint8Array(b);
    for (let i = 0; i < b; i++) {
      const target = t[i];
      if (!(target >= 0 && target < c) || !Number.isFinite(p[i * c + target])) continue;
      const tv = p[i * c + target];
      let more = 0;
      for (let j = 0; j < c; j++) if (p[i * c + j] > tv) more++;
      out[i] = more < k ? 1 : 0;
    }
    return [Tensor.fromHost(DataType.DT_BOOL, { dtype: "bool", shape: [b], data: out })];
  };
}

// ---------------------------------------------------------------------------

/**
 * MaxPoolWithArgmax: max pooling that also returns where each maximum came
 * from, as the flattened index into the NHWC input:
 *
 *   argmax = ((b * height + y) * width + x) * channels + c   (include_batch_in_index)
 *   argmax = (y * width + x) * channels + c                  (otherwise)
 *
 * Windows follow TF's SAME / VALID geometry; padding never wins. Ties keep
 * the first maximum in row-major window order (TF's CPU kernel replaces only
 * on a strictly greater value); a window of NaNs only yields TF's initial
 * values: the dtype's lowest finite value and index -1. Computed on the host
 * in the input's exact values for every real dtype; argmax is Targmax
 * (int64 by default, or int32).

 */

const LOWEST: Partial<Record<number, number | bigint>> = {
  [DataType.DT_FLOAT]: -3.4028234663852886e38,
  [DataType.DT_DOUBLE]: -Number.MAX_VALUE,
  [DataType.DT_HALF]: -65504,
  [DataType.DT_BFLOAT16]: -3.3895313892515355e38,
  [DataType.DT_INT8]: -128,
  [DataType.DT_UINT8]: 0,
  [DataType.DT_INT16]: -32768,
  [DataType.DT_UINT16]: 0,
  [DataType.DT_INT32]: -2147483648,
  [DataType.DT_UINT32]: 0,
  [DataType.DT_INT64]: -(2n ** 63n),
  [DataType.DT_UINT64]: 0n,
};

function maxPoolWithArgmax(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  const lowest = LOWEST[x.dtype];
  if (lowest === undefined) throw ctx.error("InvalidArgumentError", `MaxPoolWithArgmax does not support ${cppDtypeName(x.dtype)}`);
  const targmax = ctx.attrs.type("Targmax", DataType.DT_INT64);
  if (targmax !== DataType.DT_INT64 && targmax !== DataType.DT_INT32) throw ctx.error("InvalidArgumentError", `Targmax must be int32 or int64, got ${cppDtypeName(targmax)}`);
  const withBatch = ctx.attrs.bool("include_batch_in_index", false);
  const ksize = ctx.attrs.ints("ksize");
  const strides = ctx.attrs.ints("strides");
  if (ksize.length !== 4) throw ctx.error("InvalidArgumentError", "Sliding window ksize field must specify 4 dimensions");
  if (strides.length !== 4) throw ctx.error("InvalidArgumentError", "Sliding window stride field must specify 4 dimensions");
  if (ksize[0] !== 1 || strides[0] !== 1) throw ctx.error("UnimplementedError", "Pooling is not yet supported on the batch dimension.");
  if (ksize[3] !== 1 || strides[3] !== 1) throw ctx.error("UnimplementedError", "MaxPoolWithArgmax does not support pooling across depth.");
  for (const k of ksize) if (k <= 0) throw ctx.error("InvalidArgumentError", "Sliding window ksize for dimension must be positive");
  const padding = ctx.attrs.str("padding");
  if (padding !== "SAME" && padding !== "VALID") throw ctx.error("InvalidArgumentError", `Unknown padding '${padding}'`);
  if (x.rank !== 4) throw ctx.error("InvalidArgumentError", `tensor_in must be 4-dimensional [${x.shape.join(",")}]`);
  const [N, H, W, C] = x.shape;
  const win = windows(ctx, [H, W], [ksize[1], ksize[2]], [strides[1], strides[2]], [1, 1], padding);
  const [OH, OW] = win.out;
  const outShape = [N, OH, OW, C];
  const n = N * OH * OW * C;
  if (n === 0 || x.size === 0) return [zerosTensor(x.dtype, outShape), zerosTensor(targmax, outShape)];
  const big = x.dtype === DataType.DT_INT64 || x.dtype === DataType.DT_UINT64;
  const v: ArrayLike<number | bigint> = big ? (x.host().data as BigInt64Array) : x.numbers();
  const vals = new Array<number | bigint>(n);
  const arg = new Array<number | bigint>(n);
  const [kh, kw] = [ksize[1], ksize[2]];
  const [sh, sw] = [strides[1], strides[2]];
  const [top, left] = win.before;
  let o = 0;
  for (let b = 0; b < N; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(H, oy * sh - top + kh);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(W, ox * sw - left + kw);
        for (let c = 0; c < C; c++, o++) {
          let best: number | bigint = lowest;
          let at = -1;
          for (let yy = y0; yy < y1; yy++) {
            for (let xx = x0; xx < x1; xx++) {
              const i = ((b * H + yy) * W + xx) * C + c;
              if (best < v[i]) {
                best = v[i];
                at = i;
              }
            }
          }
          vals[o] = best;
          const idx = at < 0 || withBatch ? at : at - b * H * W * C;
          arg[o] = targmax === DataType.DT_INT64 ? BigInt(idx) : idx;
        }
      }
    }
  }
  return [Tensor.fromValues(x.dtype, outShape, vals), Tensor.fromValues(targmax, outShape, arg)];
}

export const nnKernels: KernelTable = {
  Conv2D: op("output", convForward(2, false)),
  Conv3D: op("output", convForward(3, false)),
  DepthwiseConv2dNative: op("output", convForward(2, true)),
  Conv2DBackpropInput: op("output", convBackpropInput(2)),
  Conv3DBackpropInputV2: op("output", convBackpropInput(3)),
  Conv2DBackpropInputV2: op("output", convBackpropInput(2, true)),
  Conv3DBackpropInput: op("output", convBackpropInput(3, true)),

  MaxPool: op("output", pooling(2, "max")),
  MaxPoolV2: op("output", pooling(2, "max", true)),
  MaxPoolWithArgmax: op("output,argmax", maxPoolWithArgmax),
  AvgPool: op("output", pooling(2, "avg")),
  MaxPool3D: op("output", pooling(3, "max")),
  AvgPool3D: op("output", pooling(3, "avg")),

  BiasAdd: op("output", biasAdd(false)),
  BiasAddV1: op("output", biasAdd(true)),
  BiasAddGrad: op("output", biasAddGrad),

  Relu: op("activations", act({ tf: tf.relu, num: (v) => (v > 0 ? v : Number.isNaN(v) ? v : 0), big: (v) => (v > 0n ? v : 0n) }, false)),
  Relu6: op("activations", act({ tf: tf.relu6, num: (v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, 0), 6)), big: (v) => (v < 0n ? 0n : v > 6n ? 6n : v) }, false)),
  Elu: op("activations", act({ tf: tf.elu, num: (v) => (v < 0 ? Math.expm1(v) : v) })),
  Selu: op("activations", act({ tf: tf.selu, num: (v) => (v < 0 ? SELU_SCALE * SELU_ALPHA * Math.expm1(v) : SELU_SCALE * v) })),
  LeakyRelu: op("activations", leakyRelu),
  Softplus: op("activations", act({ tf: tf.softplus, num: softplusNum })),
  Softsign: op("activations", act({ tf: (a) => tf.tidy(() => tf.div(a, tf.add(tf.abs(a), 1))), num: (v) => v / (1 + Math.abs(v)) })),
  Sigmoid: op("y", act({ tf: tf.sigmoid, num: (v) => 1 / (1 + Math.exp(-v)) })),
  Tanh: op("y", act({ tf: tf.tanh, num: Math.tanh })),
  Softmax: op("softmax", softmaxOp(false)),
  LogSoftmax: op("logsoftmax", softmaxOp(true)),

  FusedBatchNorm: op("y,batch_mean,batch_variance,reserve_space_1,reserve_space_2", fusedBatchNorm(1)),
  FusedBatchNormV2: op("y,batch_mean,batch_variance,reserve_space_1,reserve_space_2", fusedBatchNorm(2)),
  FusedBatchNormV3: op("y,batch_mean,batch_variance,reserve_space_1,reserve_space_2,reserve_space_3", fusedBatchNorm(3)),
  BatchNormWithGlobalNormalization: op("result", batchNormGlobal),
  DataFormatDimMap: op("y", dataFormatDimMap),
  DataFormatVecPermute: op("y", dataFormatVecPermute),
  LRN: op("output", lrn),
  Dilation2D: op("output", dilation2d),

  SoftmaxCrossEntropyWithLogits: op("loss,backprop", softmaxXent),
  SparseSoftmaxCrossEntropyWithLogits: op("loss,backprop", sparseSoftmaxXent),
  TopKV2: op("values,indices", topKV2(true)),
  TopK: op("values,indices", topKV2(false)),
  InTopKV2: op("precision", inTopK(true)),
  InTopK: op("precision", inTopK(false)),

  ReluGrad: op("backprops", grad2((g, f) => tf.where(tf.greater(f, 0), g, tf.zerosLike(g)), (g, f) => (f > 0 ? g : 0))),
  Relu6Grad: op("backprops", grad2((g, f) => tf.where(tf.logicalAnd(tf.greater(f, 0), tf.less(f, 6)), g, tf.zerosLike(g)), (g, f) => (f > 0 && f < 6 ? g : 0))),
  EluGrad: op("backprops", grad2((g, y) => tf.where(tf.less(y, 0), tf.mul(tf.add(y, 1), g), g), (g, y) => (y < 0 ? (y + 1) * g : g))),
  SeluGrad: op("backprops", grad2((g, y) => tf.where(tf.less(y, 0), tf.mul(g, tf.add(y, SELU_SCALE * SELU_ALPHA)), tf.mul(g, SELU_SCALE)), (g, y) => (y < 0 ? g * (y + SELU_SCALE * SELU_ALPHA) : g * SELU_SCALE))),
  SoftplusGrad: op("backprops", grad2((g, f) => tf.div(g, tf.add(tf.exp(tf.neg(f)), 1)), (g, f) => g / (1 + Math.exp(-f)))),
  SoftsignGrad: op("backprops", grad2((g, f) => tf.div(g, tf.square(tf.add(tf.abs(f), 1))), (g, f) => g / (1 + Math.abs(f)) ** 2)),
  LeakyReluGrad: op("backprops", (ctx) => {
    const alpha = ctx.attrs.float("alpha", 0.2);
    return grad2((g, f) => tf.where(tf.greater(f, 0), g, tf.mul(g, alpha)), (g, f) => (f > 0 ? g : g * alpha))(ctx);
  }),
};
