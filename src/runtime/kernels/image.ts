/**
 * Image ops: resizing, colour space, depth/space rearrangement, projective
 * transforms, crops, contrast, non-max suppression.
 *
 * Resizes and projective transforms follow TF's CPU kernels exactly:
 * sampling coordinates, scales and interpolation weights are computed in
 * float32 as TF computes them (`CalculateResizeScale`, legacy vs half-pixel
 * scalers, `roundf`/`floorf` for nearest neighbour, Keys cubic tables, area
 * coverage weights, TF's fill-mode mapping and round-half-away nearest
 * neighbour), and pixels are blended in float32 in TF's own order, so results
 * match TF's rather than tfjs's (whose resize kernels compute coordinates in
 * double precision). The blending runs on the host: copying an image out of
 * and back into wasm memory costs far less than tfjs's wasm Gather (about
 * 50x slower than these loops on a 224x224 image).
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor, computeDtype } from "../tensor.js";
import { tf } from "../backend.js";
import { DataType, cppDtypeName } from "../../dtypes.js";
import { halfToNumber, bfloat16ToNumber } from "../../half.js";
import type { NdArray } from "../../ndarray.js";
import { onHost, permuteHost, newLike, prod, zerosTensor, type NumArray } from "./nn.js";

const f32 = Math.fround;

// ---------------------------------------------------------------------------
// Resizing

interface ResizeState {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  hScale: number;
  wScale: number;
  halfPixel: boolean;
  alignCorners: boolean;
}

/** TF's `CalculateResizeScale`, in float32. */
const resizeScale = (inSize: number, outSize: number, align: boolean) => (align && inSize > 1 && outSize > 1 ? f32((inSize - 1) / f32(outSize - 1)) : f32(inSize / f32(outSize)));

/** TF's ImageResizerState::ValidateAndCalculateOutputSize. */
function resizeState(ctx: KernelContext): ResizeState {
  const alignCorners = ctx.attrs.bool("align_corners", false);
  const halfPixel = ctx.attrs.bool("half_pixel_centers", false);
  if (halfPixel && alignCorners) throw ctx.error("InvalidArgumentError", "If half_pixel_centers is True, align_corners must be False.");
  const x = ctx.inputs[0];
  if (x.rank !== 4) throw ctx.error("InvalidArgumentError", `input must be 4-dimensional[${x.shape.join(",")}]`);
  const [batch, inH, inW, channels] = x.shape as number[];
  if (!(channels > 0)) throw ctx.error("InvalidArgumentError", "image must have at least one channel");
  if (!(inH > 0 && inW > 0)) throw ctx.error("InvalidArgumentError", "input image must be of non-zero size");
  const size = ctx.inputs[1];
  if (size.rank !== 1) throw ctx.error("InvalidArgumentError", `shape_t must be 1-dimensional[${size.shape.join(",")}]`);
  if (size.size !== 2) throw ctx.error("InvalidArgumentError", `shape_t must have two elements[${size.shape.join(",")}]`);
  const [outH, outW] = size.numbers();
  if (!(outH > 0 && outW > 0)) throw ctx.error("InvalidArgumentError", "output dimensions must be positive");
  return { batch, inH, inW, channels, outH, outW, hScale: resizeScale(inH, outH, alignCorners), wScale: resizeScale(inW, outW, alignCorners), halfPixel, alignCorners };
}

/** HalfPixelScaler / LegacyScaler, float32. */
const scaled = (x: number, scale: number, half: boolean) => (half ? f32(f32(f32(x + 0.5) * scale) - 0.5) : f32(x * scale));

/**
 * Pixel values as TF's resize kernels read them (`static_cast<float>`).
 * Resizes run on the host: tfjs's wasm Gather is ~50x slower than copying
 * the image out of and back into wasm memory, and tfjs's own resize kernels
 * compute coordinates in double precision, unlike TF.
 */
function floatPixels(t: Tensor): Float32Array {
  const h = t.host();
  if (h.dtype === "float32") return h.data as Float32Array;
  const src = h.data as ArrayLike<number | bigint>;
  const out = new Float32Array(src.length);
  const conv = h.dtype === "float16" ? halfToNumber : h.dtype === "bfloat16" ? bfloat16ToNumber : null;
  // (plain loops: typed-array `from` with a mapping callback is an order of magnitude slower)
  if (conv) for (let i = 0; i < out.length; i++) out[i] = conv(src[i] as number);
  else for (let i = 0; i < out.length; i++) out[i] = Number(src[i]);
  return out;
}

const floatResult = (shape: number[], data: Float32Array) => Tensor.fromHost(DataType.DT_FLOAT, { dtype: "float32", shape, data });

/** The input of a float32 resize (bilinear, bicubic, area), checked as TF checks it: resize state first, then dtype. */
function floatResizeInput(ctx: KernelContext, op: string) {
  const st = resizeState(ctx);
  const x = ctx.inputs[0];
  const cd = computeDtype(x.dtype);
  if (cd !== "float32" && cd !== "int32") throw ctx.error("InvalidArgumentError", `${op} does not support ${cppDtypeName(x.dtype)}`);
  return { st, x, outShape: [st.batch, st.outH, st.outW, st.channels] };
}

function resizeBilinear(ctx: KernelContext): Tensor[] {
  const { st, x, outShape } = floatResizeInput(ctx, "ResizeBilinear");
  if (x.size === 0) return [zerosTensor(DataType.DT_FLOAT, outShape)];
  const src = floatPixels(x);
  if (st.outH === st.inH && st.outW === st.inW) return [floatResult(outShape, src.slice())];
  // compute_interpolation_weights, per axis
  const weights = (outSize: number, inSize: number, scale: number, stride: number) => {
    const lower = new Int32Array(outSize);
    const upper = new Int32Array(outSize);
    const lerp = new Float32Array(outSize);
    for (let i = 0; i < outSize; i++) {
      const v = scaled(i, scale, st.halfPixel);
      const fl = Math.floor(v);
      lower[i] = Math.max(fl, 0) * stride;
      upper[i] = Math.min(Math.ceil(v), inSize - 1) * stride;
      lerp[i] = f32(v - fl);
    }
    return { lower, upper, lerp };
  };
  const c = st.channels;
  const ys = weights(st.outH, st.inH, st.hScale, st.inW * c);
  const xs = weights(st.outW, st.inW, st.wScale, c);
  const out = new Float32Array(st.batch * st.outH * st.outW * c);
  let o = 0;
  for (let b = 0; b < st.batch; b++) {
    const base = b * st.inH * st.inW * c;
    for (let y = 0; y < st.outH; y++) {
      const top = base + ys.lower[y];
      const bot = base + ys.upper[y];
      const yl = ys.lerp[y];
      for (let xx = 0; xx < st.outW; xx++) {
        const lo = xs.lower[xx];
        const hi = xs.upper[xx];
        const xl = xs.lerp[xx];
        for (let ch = 0; ch < c; ch++) {
          // compute_lerp: top/bottom along x, then along y, in float32
          const tl = src[top + lo + ch];
          const bl = src[bot + lo + ch];
          const t = f32(tl + f32(f32(src[top + hi + ch] - tl) * xl));
          const bo = f32(bl + f32(f32(src[bot + hi + ch] - bl) * xl));
          out[o++] = f32(t + f32(f32(bo - t) * yl));
        }
      }
    }
  }
  return [floatResult(outShape, out)];
}

/** The source index of each output position for nearest-neighbour resizing (TF's CPU functor). */
function nearestIndices(outSize: number, inSize: number, scale: number, st: ResizeState): Int32Array {
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const v = st.halfPixel ? f32(f32(i + 0.5) * scale) : f32(i * scale);
    // roundf rounds half away from zero; coordinates here are never negative
    let j = Math.min(st.alignCorners ? Math.floor(v + 0.5) : Math.floor(v), inSize - 1);
    if (st.halfPixel) j = Math.max(0, j);
    idx[i] = j;
  }
  return idx;
}

function resizeNearest(ctx: KernelContext): Tensor[] {
  const st = resizeState(ctx);
  const x = ctx.inputs[0];
  if (st.inH >= 1 << 24 || st.inW >= 1 << 24) throw ctx.error("InvalidArgumentError", "nearest neighbor requires max height & width of 2^24");
  const outShape = [st.batch, st.outH, st.outW, st.channels];
  if (x.size === 0) return [zerosTensor(x.dtype, outShape)];
  const yi = nearestIndices(st.outH, st.inH, st.hScale, st);
  const xi = nearestIndices(st.outW, st.inW, st.wScale, st);
  const h = x.host();
  const src = h.data as unknown as NumArray;
  const out = newLike(h, prod(outShape));
  const c = st.channels;
  let o = 0;
  for (let b = 0; b < st.batch; b++)
    for (let y = 0; y < st.outH; y++) {
      const row = (b * st.inH + yi[y]) * st.inW;
      for (let xx = 0; xx < st.outW; xx++) {
        const base = (row + xi[xx]) * c;
        for (let ch = 0; ch < c; ch++) out[o++] = src[base + ch];
      }
    }
  return [Tensor.fromHost(x.dtype, { dtype: h.dtype, shape: outShape, data: out } as unknown as NdArray)];
}

const CUBIC_TABLE_SIZE = 1024;
const cubicTables = new Map<number, Float32Array>();

/** TF's bicubic coefficient table for parameter `a` (computed in double, stored in float). */
function cubicTable(a: number): Float32Array {
  let t = cubicTables.get(a);
  if (!t) {
    t = new Float32Array((CUBIC_TABLE_SIZE + 1) * 2);
    for (let i = 0; i <= CUBIC_TABLE_SIZE; i++) {
      let x = f32(i / CUBIC_TABLE_SIZE);
      t[i * 2] = ((a + 2) * x - (a + 3)) * x * x + 1;
      x += 1;
      t[i * 2 + 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }
    cubicTables.set(a, t);
  }
  return t;
}

/** lrintf: round half to even. */
function lrint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** GetWeightsAndIndices for every output position: 4 taps per position. */
function cubicWeights(outSize: number, inSize: number, scale: number, halfPixel: boolean): { idx: Int32Array[]; w: Float32Array[] } {
  const table = cubicTable(halfPixel ? -0.5 : -0.75);
  const idx = [0, 1, 2, 3].map(() => new Int32Array(outSize));
  const w = [0, 1, 2, 3].map(() => new Float32Array(outSize));
  const bound = (v: number) => Math.min(inSize - 1, Math.max(0, v));
  for (let i = 0; i < outSize; i++) {
    const loc = scaled(i, scale, halfPixel);
    const inLoc = Math.floor(loc);
    const delta = f32(loc - inLoc);
    const offset = lrint(f32(delta * CUBIC_TABLE_SIZE));
    const ws = [table[offset * 2 + 1], table[offset * 2], table[(CUBIC_TABLE_SIZE - offset) * 2], table[(CUBIC_TABLE_SIZE - offset) * 2 + 1]];
    for (let k = 0; k < 4; k++) {
      const want = inLoc - 1 + k;
      idx[k][i] = bound(want);
      // Keys cubic (half-pixel centers): taps outside the image get weight 0, the rest renormalized
      w[k][i] = halfPixel && idx[k][i] !== want ? 0 : ws[k];
    }
    if (halfPixel) {
      const sum = f32(f32(f32(w[0][i] + w[1][i]) + w[2][i]) + w[3][i]);
      if (Math.abs(sum) >= 1000 * 1.1754943508222875e-38) {
        const inv = f32(1 / sum);
        for (let k = 0; k < 4; k++) w[k][i] = f32(w[k][i] * inv);
      }
    }
  }
  return { idx, w };
}

function resizeBicubic(ctx: KernelContext): Tensor[] {
  const { st, x, outShape } = floatResizeInput(ctx, "ResizeBicubic");
  if (x.size === 0) return [zerosTensor(DataType.DT_FLOAT, outShape)];
  const src = floatPixels(x);
  const c = st.channels;
  const rowLen = st.inW * c;
  const yw = cubicWeights(st.outH, st.inH, st.hScale, st.halfPixel);
  const xw = cubicWeights(st.outW, st.inW, st.wScale, st.halfPixel);
  const out = new Float32Array(prod(outShape));
  const col = new Float32Array(rowLen);
  const [x0, x1, x2, x3] = xw.idx.map((a) => Int32Array.from(a, (v) => v * c));
  const [u0, u1, u2, u3] = xw.w;
  let o = 0;
  for (let b = 0; b < st.batch; b++) {
    const base = b * st.inH * rowLen;
    for (let y = 0; y < st.outH; y++) {
      // Interpolate1D along y at every input column: v0*w0 + v1*w1 + v2*w2 + v3*w3
      const r0 = base + yw.idx[0][y] * rowLen;
      const r1 = base + yw.idx[1][y] * rowLen;
      const r2 = base + yw.idx[2][y] * rowLen;
      const r3 = base + yw.idx[3][y] * rowLen;
      const w0 = yw.w[0][y], w1 = yw.w[1][y], w2 = yw.w[2][y], w3 = yw.w[3][y];
      for (let i = 0; i < rowLen; i++) col[i] = f32(f32(f32(f32(src[r0 + i] * w0) + f32(src[r1 + i] * w1)) + f32(src[r2 + i] * w2)) + f32(src[r3 + i] * w3));
      // then along x
      for (let xx = 0; xx < st.outW; xx++) {
        const a0 = x0[xx], a1 = x1[xx], a2 = x2[xx], a3 = x3[xx];
        const v0 = u0[xx], v1 = u1[xx], v2 = u2[xx], v3 = u3[xx];
        for (let ch = 0; ch < c; ch++) out[o++] = f32(f32(f32(f32(col[a0 + ch] * v0) + f32(col[a1 + ch] * v1)) + f32(col[a2 + ch] * v2)) + f32(col[a3 + ch] * v3));
      }
    }
  }
  return [floatResult(outShape, out)];
}

/**
 * ResizeArea: each output pixel is the coverage-weighted box average of the
 * input cells under it (TF's CachedInterpolation start/end scales, edge
 * indices clamped), summed along x, then y, then times
 * 1/(height_scale*width_scale), TF's order of float32 sums.
 */
function resizeArea(ctx: KernelContext): Tensor[] {
  const { st, x, outShape } = floatResizeInput(ctx, "ResizeArea");
  if (x.size === 0) return [zerosTensor(DataType.DT_FLOAT, outShape)];
  /** (index, weight) taps of every output position, flattened: taps of position o are start[o]..start[o+1]. */
  const taps = (outSize: number, inSize: number, scale: number, stride: number) => {
    const start = new Int32Array(outSize + 1);
    const idx: number[] = [];
    const wts: number[] = [];
    for (let o = 0; o < outSize; o++) {
      const a = f32(o * scale);
      const b = f32((o + 1) * scale);
      start[o] = idx.length;
      for (let i = Math.floor(a); i < Math.ceil(b); i++) {
        wts.push(i < a ? (i + 1 > b ? scale : f32(i + 1 - a)) : i + 1 > b ? f32(b - i) : 1);
        idx.push(Math.min(inSize - 1, Math.max(0, i)) * stride);
      }
    }
    start[outSize] = idx.length;
    return { start, idx: Int32Array.from(idx), w: Float32Array.from(wts) };
  };
  const c = st.channels;
  const xs = taps(st.outW, st.inW, st.wScale, c);
  const ys = taps(st.outH, st.inH, st.hScale, st.inW * c);
  const scale = f32(1 / f32(st.hScale * st.wScale));
  const src = floatPixels(x);
  const out = new Float32Array(prod(outShape));
  let o = 0;
  for (let b = 0; b < st.batch; b++) {
    const base = b * st.inH * st.inW * c;
    for (let y = 0; y < st.outH; y++) {
      const ya = ys.start[y];
      const yb = ys.start[y + 1];
      for (let xx = 0; xx < st.outW; xx++) {
        const xa = xs.start[xx];
        const xb = xs.start[xx + 1];
        for (let ch = 0; ch < c; ch++) {
          let sum = 0;
          for (let j = ya; j < yb; j++) {
            const row = base + ys.idx[j] + ch;
            // start tap scaled, middle taps added as they are, end tap scaled
            let sumY = f32(src[row + xs.idx[xa]] * xs.w[xa]);
            for (let k = xa + 1; k < xb; k++) {
              const v = src[row + xs.idx[k]];
              sumY = f32(sumY + (xs.w[k] === 1 ? v : f32(v * xs.w[k])));
            }
            sum = f32(sum + f32(sumY * ys.w[j]));
          }
          out[o++] = f32(sum * scale);
        }
      }
    }
  }
  return [floatResult(outShape, out)];
}

// ---------------------------------------------------------------------------
// Colour space

/** Last-axis-3 images as host float values. */
function rgbInput(ctx: KernelContext, what: string): Tensor {
  const x = ctx.inputs[0];
  if (x.rank < 1 || x.shape[x.rank - 1] !== 3) throw ctx.error("InvalidArgumentError", `input must have 3 channels but instead has ${x.rank ? x.shape[x.rank - 1] : 0} channels.`);
  if (!(computeDtype(x.dtype) === "float32")) throw ctx.error("InvalidArgumentError", `${what} does not support ${cppDtypeName(x.dtype)}`);
  return x;
}

/** Elementwise pixel map on the host; float32 rounding unless the dtype is double. */
function mapPixels(x: Tensor, fn: (r: number, g: number, b: number, out: Float64Array, round: (v: number) => number) => void): Tensor {
  const v = x.dtype === DataType.DT_DOUBLE ? (x.host().data as Float64Array) : Float64Array.from(x.numbers());
  const round = x.dtype === DataType.DT_DOUBLE ? (a: number) => a : f32;
  const out = new Float64Array(v.length);
  const px = new Float64Array(3);
  for (let i = 0; i < v.length; i += 3) {
    fn(v[i], v[i + 1], v[i + 2], px, round);
    out[i] = px[0];
    out[i + 1] = px[1];
    out[i + 2] = px[2];
  }
  if (x.dtype === DataType.DT_DOUBLE) return Tensor.fromHost(x.dtype, { dtype: "float64", shape: x.shape, data: out });
  return x.dtype === DataType.DT_FLOAT ? Tensor.fromHost(x.dtype, { dtype: "float32", shape: x.shape, data: Float32Array.from(out) }) : Tensor.fromValues(x.dtype, x.shape as number[], out);
}

/** TF's RGBToHSV functor (colorspace_op.h). */
function rgbToHsv(ctx: KernelContext): Tensor[] {
  const x = rgbInput(ctx, "RGBToHSV");
  return [
    mapPixels(x, (r, g, b, o, F) => {
      const v = Math.max(r, g, b);
      const range = F(v - Math.min(r, g, b));
      const s = v > 0 ? F(range / v) : 0;
      const norm = F(F(1 / range) * F(1 / 6));
      let h = r === v ? F(norm * F(g - b)) : g === v ? F(F(norm * F(b - r)) + F(2 / 6)) : F(F(norm * F(r - g)) + F(4 / 6));
      if (!(range > 0)) h = 0;
      if (h < 0) h = F(h + 1);
      o[0] = h;
      o[1] = s;
      o[2] = v;
    }),
  ];
}

/** TF's HSVToRGB functor. */
function hsvToRgb(ctx: KernelContext): Tensor[] {
  const x = rgbInput(ctx, "HSVToRGB");
  const clamp = (v: number) => Math.min(Math.max(v, 0), 1);
  return [
    mapPixels(x, (h, s, v, o, F) => {
      const dh = F(h * 6);
      const dr = clamp(F(Math.abs(F(dh - 3)) - 1));
      const dg = clamp(F(-Math.abs(F(dh - 2)) + 2));
      const db = clamp(F(-Math.abs(F(dh - 4)) + 2));
      const oneS = F(-s + 1);
      o[0] = F(F(oneS + F(s * dr)) * v);
      o[1] = F(F(oneS + F(s * dg)) * v);
      o[2] = F(F(oneS + F(s * db)) * v);
    }),
  ];
}

function scalarFactor(ctx: KernelContext, name: string): number {
  const t = ctx.inputs[1];
  if (t.rank !== 0) throw ctx.error("InvalidArgumentError", `${name} must be scalar: [${t.shape.join(",")}]`);
  return f32(t.scalarNumber());
}

/** AdjustSaturation: TF's CPU rgb_to_hsv / hsv_to_rgb helpers (adjust_saturation_op.cc), float32. */
function adjustSaturation(ctx: KernelContext): Tensor[] {
  const x = rgbInput(ctx, "AdjustSaturation");
  if (x.rank < 3) throw ctx.error("InvalidArgumentError", `input must be at least 3-D, got shape[${x.shape.join(",")}]`);
  const scale = scalarFactor(ctx, "scale");
  return [
    mapPixels(x, (r, g, b, o) => {
      const vv = Math.max(r, g, b);
      const range = f32(vv - Math.min(r, g, b));
      let s = vv > 0 ? f32(range / vv) : 0;
      const norm = f32(1 / f32(6 * range));
      let hh = r === vv ? f32(norm * f32(g - b)) : g === vv ? f32(f32(norm * f32(b - r)) + 2 / 6) : f32(f32(norm * f32(r - g)) + 4 / 6);
      if (range <= 0) hh = 0;
      if (hh < 0) hh = f32(hh + 1);
      s = Math.min(1, Math.max(0, f32(s * scale)));
      // hsv_to_rgb
      const c = f32(s * vv);
      const m = f32(vv - c);
      const dh = f32(hh * 6);
      const cat = Math.trunc(dh);
      let fm = dh;
      while (fm <= 0) fm = f32(fm + 2);
      while (fm >= 2) fm = f32(fm - 2);
      const xx = f32(c * f32(1 - Math.abs(f32(fm - 1))));
      const rgb = [[c, xx, 0], [xx, c, 0], [0, c, xx], [0, xx, c], [xx, 0, c], [c, 0, xx]][cat] ?? [0, 0, 0];
      o[0] = f32(rgb[0] + m);
      o[1] = f32(rgb[1] + m);
      o[2] = f32(rgb[2] + m);
    }),
  ];
}

/** AdjustHue: TF's CPU hue/value-range rotation (adjust_hue_op.cc), float32. */
function adjustHue(ctx: KernelContext): Tensor[] {
  const x = rgbInput(ctx, "AdjustHue");
  if (x.rank < 3) throw ctx.error("InvalidArgumentError", `input must be at least 3-D, got shape[${x.shape.join(",")}]`);
  const delta = scalarFactor(ctx, "delta");
  return [
    mapPixels(x, (r, g, b, o) => {
      let vmax: number, vmid: number, vmin: number, cat: number;
      if (r < g) {
        if (b < r) [vmax, vmid, vmin, cat] = [g, r, b, 1];
        else if (b > g) [vmax, vmid, vmin, cat] = [b, g, r, 3];
        else [vmax, vmid, vmin, cat] = [g, b, r, 2];
      } else if (b < g) [vmax, vmid, vmin, cat] = [r, g, b, 0];
      else if (b > r) [vmax, vmid, vmin, cat] = [b, r, g, 4];
      else [vmax, vmid, vmin, cat] = [r, b, g, 5];
      let h = 0;
      if (vmax !== vmin) {
        const ratio = f32(f32(vmid - vmin) / f32(vmax - vmin));
        h = f32(cat + ((cat & 1) === 0 ? ratio : f32(1 - ratio)));
      }
      h = f32(h + f32(delta * 6));
      while (h < 0) h = f32(h + 6);
      while (h >= 6) h = f32(h - 6);
      // hv_range_to_rgb
      const c2 = Math.trunc(h);
      let ratio = f32(h - c2);
      if ((c2 & 1) !== 0) ratio = f32(1 - ratio);
      const mid = f32(vmin + f32(ratio * f32(vmax - vmin)));
      const rgb = [[vmax, mid, vmin], [mid, vmax, vmin], [vmin, vmax, mid], [vmin, mid, vmax], [mid, vmin, vmax]][c2] ?? [vmax, vmin, mid];
      o[0] = rgb[0];
      o[1] = rgb[1];
      o[2] = rgb[2];
    }),
  ];
}

// ---------------------------------------------------------------------------
// DepthToSpace / SpaceToDepth

/** Reshape → transpose → reshape, on the backend or (host dtypes) on the host. */
function rearrange(ctx: KernelContext, x: Tensor, mid: number[], perm: number[], out: number[]): Tensor {
  if (!onHost(x) && computeDtype(x.dtype) !== "string") {
    return Tensor.fromTf(x.dtype, tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x.tf(ctx.node.name), mid), perm), out)));
  }
  const p = permuteHost({ ...x.host(), shape: mid } as NdArray, perm);
  return Tensor.fromHost(x.dtype, { ...p, shape: out } as NdArray);
}

function blockSize(ctx: KernelContext): number {
  const b = ctx.attrs.int("block_size");
  if (b <= 1) throw ctx.error("InvalidArgumentError", "Attribute block_size must be greater than one");
  return b;
}

function imageFormat(ctx: KernelContext): boolean {
  const f = ctx.attrs.str("data_format", "NHWC");
  if (f === "NHWC") return false;
  if (f === "NCHW") return true;
  throw ctx.error("InvalidArgumentError", `data_format ${f} is not supported`);
}

/** DepthToSpace/SpaceToDepth's shared checks (block size, data format, rank 4) and the input read as n, h, w, c. */
function blockRearrangeInput(ctx: KernelContext) {
  const x = ctx.inputs[0];
  const b = blockSize(ctx);
  const cf = imageFormat(ctx);
  if (x.rank !== 4) throw ctx.error("InvalidArgumentError", `Input rank should be: 4 instead of: ${x.rank}`);
  const [n, d1, d2, d3] = x.shape as number[];
  const [h, w, c] = cf ? [d2, d3, d1] : [d1, d2, d3];
  return { x, b, cf, n, h, w, c };
}

function depthToSpace(ctx: KernelContext): Tensor[] {
  const { x, b, cf, n, h, w, c } = blockRearrangeInput(ctx);
  if (c % (b * b) !== 0) throw ctx.error("InvalidArgumentError", `Input depth dimension ${c} should be divisible by: ${b * b}`);
  const oc = c / (b * b);
  if (cf) return [rearrange(ctx, x, [n, b, b, oc, h, w], [0, 3, 4, 1, 5, 2], [n, oc, h * b, w * b])];
  return [rearrange(ctx, x, [n, h, w, b, b, oc], [0, 1, 3, 2, 4, 5], [n, h * b, w * b, oc])];
}

function spaceToDepth(ctx: KernelContext): Tensor[] {
  const { x, b, cf, n, h, w, c } = blockRearrangeInput(ctx);
  if (w % b !== 0 || h % b !== 0) throw ctx.error("InvalidArgumentError", `Image width ${w} and height ${h} should be divisible by block_size: ${b}`);
  if (cf) return [rearrange(ctx, x, [n, c, h / b, b, w / b, b], [0, 3, 5, 1, 2, 4], [n, b * b * c, h / b, w / b])];
  return [rearrange(ctx, x, [n, h / b, b, w / b, b, c], [0, 1, 3, 2, 4, 5], [n, h / b, w / b, b * b * c])];
}

// ---------------------------------------------------------------------------
// ImageProjectiveTransformV2/V3

type FillMode = "REFLECT" | "WRAP" | "CONSTANT" | "NEAREST";

/** TF's MapCoordinate (image_ops.h), including its quirks, in float32. */
function mapCoordinate(c: number, len: number, mode: FillMode): number {
  let v = c;
  if (mode === "REFLECT") {
    if (v < 0) {
      if (len <= 1) v = 0;
      else {
        const sz2 = 2 * len;
        if (v < sz2) v = f32(sz2 * Math.trunc(f32(-v / sz2)) + v);
        v = v < -len ? f32(v + sz2) : f32(-v - 1);
      }
    } else if (v > len - 1) {
      if (len <= 1) v = 0;
      else {
        const sz2 = 2 * len;
        v = f32(v - sz2 * Math.trunc(f32(v / sz2)));
        if (v >= len) v = f32(sz2 - v - 1);
      }
    }
  } else if (mode === "WRAP") {
    if (v < 0) {
      if (len <= 1) v = 0;
      else {
        const sz = len - 1;
        v = f32(v + len * (Math.trunc(f32(-v / sz)) + 1));
      }
    } else if (v > len - 1) {
      if (len <= 1) v = 0;
      else {
        const sz = len - 1;
        v = f32(v - len * Math.trunc(f32(v / sz)));
      }
    }
  } else if (mode === "CONSTANT") {
    return v;
  }
  return Math.min(Math.max(v, 0), len - 1);
}

/** std::round: half away from zero. */
const roundAway = (v: number) => (v < 0 ? -Math.round(-v) : Math.round(v));

/** Converts a float32 result to storage of the output dtype (C++ static_cast<T>(float)). */
function castTo(dtype: string, v: number): number | bigint {
  switch (dtype) {
    case "float32":
    case "float64":
    case "float16":
    case "bfloat16":
      return v;
    case "int64":
      return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    default:
      return Number.isFinite(v) ? Math.trunc(v) : 0;
  }
}

/**
 * Where each output pixel of a projective transform reads from: one source
 * pixel (NEAREST) or four with float32 weights (BILINEAR). Index `fill`
 * (= number of input pixels) stands for the fill value.
 */
interface TransformPlan {
  fill: number;
  nearest?: Int32Array;
  corners?: Int32Array[];
  weights?: Float32Array[];
}

function transformPlan(n: number, inH: number, inW: number, outH: number, outW: number, tr: Float32Array, perImage: boolean, mode: FillMode, nearest: boolean): TransformPlan {
  const P = n * outH * outW;
  const fill = n * inH * inW;
  const plan: TransformPlan = { fill };
  if (nearest) plan.nearest = new Int32Array(P);
  else {
    plan.corners = [0, 1, 2, 3].map(() => new Int32Array(P));
    plan.weights = [0, 1, 2, 3].map(() => new Float32Array(P));
  }
  const at = (b: number, y: number, x: number) => (y >= 0 && y < inH && x >= 0 && x < inW ? (b * inH + y) * inW + x : fill);
  const nearestIdx = plan.nearest;
  const [c0, c1, c2, c3] = plan.corners ?? [];
  const [w0, w1, w2, w3] = plan.weights ?? [];
  let o = 0;
  for (let b = 0; b < n; b++) {
    const t = perImage ? b * 8 : 0;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, o++) {
        const proj = f32(f32(f32(tr[t + 6] * ox) + f32(tr[t + 7] * oy)) + 1);
        if (proj === 0) {
          // infinite coordinates: the fill value itself (weights 1 and 0 reproduce it exactly)
          if (nearestIdx) nearestIdx[o] = fill;
          else {
            c0[o] = c1[o] = c2[o] = c3[o] = fill;
            w0[o] = w2[o] = 1;
            w1[o] = w3[o] = 0;
          }
          continue;
        }
        const ix = f32(f32(f32(f32(tr[t] * ox) + f32(tr[t + 1] * oy)) + tr[t + 2]) / proj);
        const iy = f32(f32(f32(f32(tr[t + 3] * ox) + f32(tr[t + 4] * oy)) + tr[t + 5]) / proj);
        const x = mapCoordinate(ix, inW, mode);
        const y = mapCoordinate(iy, inH, mode);
        if (nearestIdx) {
          nearestIdx[o] = at(b, roundAway(y), roundAway(x));
          continue;
        }
        const yf = Math.floor(y);
        const xf = Math.floor(x);
        c0[o] = at(b, yf, xf);
        c1[o] = at(b, yf, xf + 1);
        c2[o] = at(b, yf + 1, xf);
        c3[o] = at(b, yf + 1, xf + 1);
        w0[o] = f32(xf + 1 - x); // x_ceil - x
        w1[o] = f32(x - xf);
        w2[o] = f32(yf + 1 - y); // y_ceil - y
        w3[o] = f32(y - yf);
      }
    }
  }
  return plan;
}

/**
 * ImageProjectiveTransformV2/V3: TF's ProjectiveGenerator. Coordinates and
 * weights are computed per pixel on the host in float32; the pixels are
 * then gathered and blended on the backend in TF's order (top/bottom rows
 * along x, then along y) from the image with a fill-value pixel appended.
 * 64-bit and double images are blended on the host.
 */
function projectiveTransform(v3: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const [images, transforms, shapeT] = ctx.inputs;
    const interpolation = ctx.attrs.str("interpolation");
    const mode = ctx.attrs.str("fill_mode", "CONSTANT") as FillMode;
    if (interpolation !== "NEAREST" && interpolation !== "BILINEAR") throw ctx.error("InvalidArgumentError", `Invalid interpolation ${interpolation}`);
    if (!["REFLECT", "WRAP", "CONSTANT", "NEAREST"].includes(mode)) throw ctx.error("InvalidArgumentError", `Invalid fill_mode ${mode}`);
    if (images.rank !== 4) throw ctx.error("InvalidArgumentError", `Input images must have rank 4`);
    const [n, inH, inW, c] = images.shape as number[];
    if (transforms.rank !== 2 || (transforms.shape[0] !== n && transforms.shape[0] !== 1) || transforms.shape[1] !== 8) {
      throw ctx.error("InvalidArgumentError", "Input transform should be num_images x 8 or 1 x 8");
    }
    let outH = inH;
    let outW = inW;
    if (shapeT) {
      if (shapeT.rank !== 1 || shapeT.size !== 2) throw ctx.error("InvalidArgumentError", `output shape must be 1-dimensional with 2 elements, got [${shapeT.shape.join(",")}]`);
      [outH, outW] = shapeT.numbers();
      if (!(outH > 0 && outW > 0)) throw ctx.error("InvalidArgumentError", "output dimensions must be positive");
    }
    const outShape = [n, outH, outW, c];
    if (images.size === 0 || prod(outShape) === 0) return [zerosTensor(images.dtype, outShape)];
    const fillIn = v3 ? f32(ctx.inputs[3].scalarNumber()) : 0;
    const cd = computeDtype(images.dtype);
    const isInt = cd === "int32";
    if (cd !== "float32" && cd !== "int32") throw ctx.error("InvalidArgumentError", `ImageProjectiveTransform does not support ${cppDtypeName(images.dtype)}`);
    const fillT = isInt ? Math.trunc(fillIn) : fillIn; // static_cast<T>(fill_value)
    const nearest = interpolation === "NEAREST";
    const plan = transformPlan(n, inH, inW, outH, outW, Float32Array.from(transforms.numbers()), transforms.shape[0] !== 1, mode, nearest);

    const h = images.host();
    const np = h.dtype;
    const P = n * outH * outW;
    if (nearest) {
      const raw = h.data as unknown as NumArray;
      const out = newLike(h, P * c);
      const fillRaw = castTo(np, fillT);
      for (let o = 0; o < P; o++) {
        const src = plan.nearest![o];
        for (let ch = 0; ch < c; ch++) out[o * c + ch] = src === plan.fill ? fillRaw : raw[src * c + ch];
      }
      return [Tensor.fromHost(images.dtype, { dtype: np, shape: outShape, data: out } as unknown as NdArray)];
    }
    // pixel values as float32, as TF's bilinear path reads them (static_cast<float>), with the fill pixel appended
    const px = new Float32Array((plan.fill + 1) * c);
    px.set(floatPixels(images));
    px.fill(fillT, plan.fill * c);
    const vals = new Float32Array(P * c);
    const [k0, k1, k2, k3] = plan.corners!.map((a) => {
      const r = new Int32Array(a.length);
      for (let i = 0; i < a.length; i++) r[i] = a[i] * c;
      return r;
    });
    const [wxc, wxf, wyc, wyf] = plan.weights!;
    for (let o = 0, q = 0; o < P; o++) {
      const a0 = k0[o], a1 = k1[o], a2 = k2[o], a3 = k3[o];
      const w0 = wxc[o], w1 = wxf[o], w2 = wyc[o], w3 = wyf[o];
      for (let ch = 0; ch < c; ch++) {
        const top = f32(f32(w0 * px[a0 + ch]) + f32(w1 * px[a1 + ch]));
        const bottom = f32(f32(w0 * px[a2 + ch]) + f32(w1 * px[a3 + ch]));
        vals[q++] = f32(f32(w2 * top) + f32(w3 * bottom));
      }
    }
    return [outputOf(images.dtype, np, outShape, vals, isInt)];
  };
}

function outputOf(dtype: number, np: string, shape: number[], vals: Float32Array, isInt: boolean): Tensor {
  if (np === "float32") return Tensor.fromHost(dtype, { dtype: "float32", shape, data: vals });
  if (np === "float64") return Tensor.fromHost(dtype, { dtype: "float64", shape, data: Float64Array.from(vals) });
  if (!isInt) return Tensor.fromValues(dtype, shape, vals);
  return Tensor.fromValues(dtype, shape, Array.from(vals, (v) => castTo(np, v)));
}

// ---------------------------------------------------------------------------
// CropAndResize, AdjustContrastv2, NonMaxSuppression

function cropAndResize(ctx: KernelContext): Tensor[] {
  const [image, boxes, boxInd, cropSize] = ctx.inputs;
  const method = ctx.attrs.str("method", "bilinear");
  const extrapolation = ctx.attrs.float("extrapolation_value", 0);
  if (method !== "bilinear" && method !== "nearest") throw ctx.error("InvalidArgumentError", `method must be 'bilinear' or 'nearest', got ${method}`);
  if (image.rank !== 4) throw ctx.error("InvalidArgumentError", `input image must be 4-D, got [${image.shape.join(",")}]`);
  const [batch, ih, iw] = image.shape as number[];
  if (!(ih > 0 && iw > 0)) throw ctx.error("InvalidArgumentError", "image dimensions must be positive");
  if (boxes.rank !== 2 || boxes.shape[1] !== 4) throw ctx.error("InvalidArgumentError", `boxes must be 2-D [num_boxes, 4], got [${boxes.shape.join(",")}]`);
  if (boxInd.rank !== 1 || boxInd.shape[0] !== boxes.shape[0]) throw ctx.error("InvalidArgumentError", `box_index has incompatible shape [${boxInd.shape.join(",")}]`);
  const [ch, cw] = cropSize.numbers();
  if (cropSize.size !== 2) throw ctx.error("InvalidArgumentError", "crop_size must be a length-2 vector");
  if (!(ch > 0 && cw > 0)) throw ctx.error("InvalidArgumentError", "crop dimensions must be positive");
  const ind = boxInd.numbers();
  if (ind.some((b) => b < 0 || b >= batch)) throw ctx.error("InvalidArgumentError", `box_index has values outside [0, batch_size)`);
  if (boxes.shape[0] === 0) return [zerosTensor(DataType.DT_FLOAT, [0, ch, cw, image.shape[3]])];
  const y = tf.tidy(() => {
    let img = image.tf(ctx.node.name);
    if (img.dtype !== "float32") img = tf.cast(img, "float32");
    return tf.image.cropAndResize(img as tf.Tensor4D, boxes.tf(ctx.node.name) as tf.Tensor2D, tf.tensor1d(ind, "int32"), [ch, cw], method, extrapolation);
  });
  return [Tensor.fromTf(DataType.DT_FLOAT, y)];
}

function adjustContrast(ctx: KernelContext): Tensor[] {
  const [images, factor] = ctx.inputs;
  if (images.rank < 3) throw ctx.error("InvalidArgumentError", `input must be at least 3-D, got shape[${images.shape.join(",")}]`);
  if (factor.rank !== 0) throw ctx.error("InvalidArgumentError", `contrast_factor must be scalar: [${factor.shape.join(",")}]`);
  if (images.dtype === DataType.DT_DOUBLE) throw ctx.error("InvalidArgumentError", "AdjustContrastv2 does not support double");
  const r = images.rank;
  const y = tf.tidy(() => {
    const x = images.tf(ctx.node.name);
    const mean = tf.mean(x, [r - 3, r - 2], true);
    return tf.add(tf.mul(tf.sub(x, mean), factor.tf(ctx.node.name)), mean);
  });
  return [Tensor.fromTf(images.dtype, y)];
}

function nmsInputs(ctx: KernelContext) {
  const [boxes, scores, maxOut] = ctx.inputs;
  if (boxes.rank !== 2 || boxes.shape[1] !== 4) throw ctx.error("InvalidArgumentError", `boxes must be 2-D [num_boxes, 4], got [${boxes.shape.join(",")}]`);
  if (scores.rank !== 1 || scores.shape[0] !== boxes.shape[0]) throw ctx.error("InvalidArgumentError", `scores has incompatible shape [${scores.shape.join(",")}]`);
  const max = maxOut.scalarNumber();
  if (max < 0) throw ctx.error("InvalidArgumentError", "max_output_size must be non-negative");
  return { boxes, scores, max };
}

function nms(version: 1 | 2 | 3 | 4 | 5) {
  return (ctx: KernelContext): Tensor[] => {
    const { boxes, scores, max } = nmsInputs(ctx);
    const iou = version === 1 ? ctx.attrs.float("iou_threshold", 0.5) : ctx.inputs[3].scalarNumber();
    const scoreThreshold = version >= 3 ? ctx.inputs[4].scalarNumber() : -Infinity;
    if (iou < 0 || iou > 1) throw ctx.error("InvalidArgumentError", "iou_threshold must be in [0, 1]");
    const pad = ctx.attrs.bool("pad_to_max_output_size", false);
    const b = () => tf.cast(boxes.tf(ctx.node.name), "float32") as tf.Tensor2D;
    const s = () => tf.cast(scores.tf(ctx.node.name), "float32") as tf.Tensor1D;
    if (version <= 3) return [Tensor.fromTf(DataType.DT_INT32, tf.tidy(() => tf.image.nonMaxSuppression(b(), s(), max, iou, scoreThreshold)))];
    if (version === 4) {
      const r = tf.tidy(() => {
        const o = tf.image.nonMaxSuppressionPadded(b(), s(), max, iou, scoreThreshold, pad);
        return [o.selectedIndices, o.validOutputs];
      });
      return [Tensor.fromTf(DataType.DT_INT32, r[0]), Tensor.fromTf(DataType.DT_INT32, r[1])];
    }
    const sigma = ctx.inputs[5].scalarNumber();
    let valid = 0;
    const r = tf.tidy(() => {
      const o = tf.image.nonMaxSuppressionWithScore(b(), s(), max, iou, scoreThreshold, sigma);
      valid = o.selectedIndices.shape[0];
      if (!pad || valid >= max) return [o.selectedIndices, o.selectedScores];
      return [tf.pad(o.selectedIndices, [[0, max - valid]]), tf.pad(o.selectedScores, [[0, max - valid]])];
    });
    return [Tensor.fromTf(DataType.DT_INT32, r[0]), Tensor.fromTf(scores.dtype, r[1]), Tensor.scalar(DataType.DT_INT32, valid)];
  };
}

/** Intersection over union of two [y1, x1, y2, x2] boxes (corners in any order), TF's convention. */
function iou(b: ArrayLike<number>, i: number, j: number): number {
  const yminI = Math.min(b[i], b[i + 2]), xminI = Math.min(b[i + 1], b[i + 3]), ymaxI = Math.max(b[i], b[i + 2]), xmaxI = Math.max(b[i + 1], b[i + 3]);
  const yminJ = Math.min(b[j], b[j + 2]), xminJ = Math.min(b[j + 1], b[j + 3]), ymaxJ = Math.max(b[j], b[j + 2]), xmaxJ = Math.max(b[j + 1], b[j + 3]);
  const areaI = (ymaxI - yminI) * (xmaxI - xminI);
  const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const inter = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0) * Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
  return inter / (areaI + areaJ - inter);
}

/**
 * CombinedNonMaxSuppression: greedy NMS per (image, class) keeping at most
 * max_output_size_per_class boxes, then the best max_total_size over all
 * classes by score, optionally clipped to [0, 1] and padded (TF's
 * BatchedNonMaxSuppressionOp). Equal scores keep the lower box index and
 * then the lower class first.
 */
function combinedNms(ctx: KernelContext): Tensor[] {
  const [boxesT, scoresT, perClassT, totalT, iouT, scoreT] = ctx.inputs;
  if (boxesT.rank !== 4 || boxesT.shape[3] !== 4) throw ctx.error("InvalidArgumentError", `boxes must be 4-D [batch_size, num_boxes, q, 4], got [${boxesT.shape.join(",")}]`);
  if (scoresT.rank !== 3) throw ctx.error("InvalidArgumentError", `scores must be 3-D [batch_size, num_boxes, num_classes], got [${scoresT.shape.join(",")}]`);
  const [batch, numBoxes, q] = boxesT.shape as number[];
  const numClasses = scoresT.shape[2];
  if (scoresT.shape[0] !== batch || scoresT.shape[1] !== numBoxes) throw ctx.error("InvalidArgumentError", "scores and boxes must agree on batch size and number of boxes");
  if (q !== 1 && q !== numClasses) throw ctx.error("InvalidArgumentError", "third dimension of boxes must be either 1 or num classes");
  const maxPerClass = perClassT.scalarNumber();
  const maxTotal = totalT.scalarNumber();
  if (maxPerClass <= 0 || maxTotal <= 0) throw ctx.error("InvalidArgumentError", "max_size_per_class and max_total_size must be > 0");
  const iouThr = iouT.scalarNumber();
  const scoreThr = scoreT.scalarNumber();
  if (iouThr < 0 || iouThr > 1) throw ctx.error("InvalidArgumentError", "iou_threshold must be in [0, 1]");
  const padPerClass = ctx.attrs.bool("pad_per_class", false);
  const clip = ctx.attrs.bool("clip_boxes", true);
  const boxes = Float32Array.from(boxesT.numbers());
  const scores = Float32Array.from(scoresT.numbers());
  const sizePerClass = Math.min(maxPerClass, numBoxes);
  const perBatch = padPerClass ? Math.min(maxTotal, maxPerClass * numClasses) : maxTotal;
  const outBoxes = new Float32Array(batch * perBatch * 4);
  const outScores = new Float32Array(batch * perBatch);
  const outClasses = new Float32Array(batch * perBatch);
  const valid = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const cands: { box: number; score: number; cls: number }[] = [];
    for (let c = 0; c < numClasses; c++) {
      const order: number[] = [];
      for (let i = 0; i < numBoxes; i++) if (scores[(b * numBoxes + i) * numClasses + c] > scoreThr) order.push(i);
      order.sort((i, j) => scores[(b * numBoxes + j) * numClasses + c] - scores[(b * numBoxes + i) * numClasses + c] || i - j);
      const boxAt = (i: number) => ((b * numBoxes + i) * q + (q > 1 ? c : 0)) * 4;
      const selected: number[] = [];
      for (const i of order) {
        if (selected.length >= sizePerClass) break;
        let keep = true;
        for (let k = selected.length - 1; k >= 0; k--) {
          if (iou(boxes, boxAt(i), boxAt(selected[k])) > iouThr) {
            keep = false;
            break;
          }
        }
        if (keep) {
          selected.push(i);
          cands.push({ box: boxAt(i), score: scores[(b * numBoxes + i) * numClasses + c], cls: c });
        }
      }
    }
    cands.sort((x, y) => y.score - x.score); // stable: ties keep class order
    const n = padPerClass ? Math.min(perBatch, cands.length) : Math.min(cands.length, maxTotal);
    valid[b] = n;
    for (let k = 0; k < n; k++) {
      const { box, score, cls } = cands[k];
      for (let d = 0; d < 4; d++) outBoxes[(b * perBatch + k) * 4 + d] = clip ? Math.max(Math.min(boxes[box + d], 1), 0) : boxes[box + d];
      outScores[b * perBatch + k] = score;
      outClasses[b * perBatch + k] = cls;
    }
  }
  const f = (shape: number[], data: Float32Array) => Tensor.fromHost(DataType.DT_FLOAT, { dtype: "float32", shape, data });
  return [f([batch, perBatch, 4], outBoxes), f([batch, perBatch], outScores), f([batch, perBatch], outClasses), Tensor.fromHost(DataType.DT_INT32, { dtype: "int32", shape: [batch], data: valid })];
}

export const imageKernels: KernelTable = {
  ResizeBilinear: op("resized_images", resizeBilinear),
  ResizeNearestNeighbor: op("resized_images", resizeNearest),
  ResizeBicubic: op("resized_images", resizeBicubic),
  ResizeArea: op("resized_images", resizeArea),
  RGBToHSV: op("output", rgbToHsv),
  HSVToRGB: op("output", hsvToRgb),
  AdjustSaturation: op("output", adjustSaturation),
  AdjustHue: op("output", adjustHue),
  DepthToSpace: op("output", depthToSpace),
  SpaceToDepth: op("output", spaceToDepth),
  ImageProjectiveTransformV2: op("transformed_images", projectiveTransform(false)),
  ImageProjectiveTransformV3: op("transformed_images", projectiveTransform(true)),
  CropAndResize: op("crops", cropAndResize),
  AdjustContrastv2: op("output", adjustContrast),
  NonMaxSuppression: op("selected_indices", nms(1)),
  NonMaxSuppressionV2: op("selected_indices", nms(2)),
  NonMaxSuppressionV3: op("selected_indices", nms(3)),
  NonMaxSuppressionV4: op("selected_indices,valid_outputs", nms(4)),
  NonMaxSuppressionV5: op("selected_indices,selected_scores,valid_outputs", nms(5)),
  CombinedNonMaxSuppression: op("nmsed_boxes,nmsed_scores,nmsed_classes,valid_detections", combinedNms),
};
