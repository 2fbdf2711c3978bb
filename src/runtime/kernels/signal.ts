/**
 * Discrete Fourier transforms over the inner-most 1, 2 or 3 dimensions:
 * FFT/IFFT (complex64, complex128), RFFT/IRFFT (float/double ↔ complex,
 * `fft_length` input) and their 2-D and 3-D forms, with TensorFlow's CPU
 * semantics (tensorflow/core/kernels/fft_ops.cc, DUCC underneath):
 *
 *  - IFFT* scale by 1 / (product of the transformed lengths); FFT* do not.
 *  - RFFT*: every transformed input dimension is cropped to `fft_length[i]`;
 *    an input dimension shorter than `fft_length[i]` is an InvalidArgument
 *    error (the raw op never pads: tf.signal.rfft pads in the graph before
 *    calling it). The inner-most output dimension is fft_length/2 + 1.
 *  - IRFFT*: outer transformed dimensions are cropped to `fft_length[i]`, the
 *    inner-most to fft_length/2 + 1 (again: shorter is an error). The outer
 *    axes are inverse complex transforms, the inner-most a complex-to-real
 *    transform of the Hermitian half-spectrum, so the imaginary parts of the
 *    DC and (even length) Nyquist bins are ignored, as DUCC/pocketfft do.
 *  - an empty input gives a zero-filled output of the output shape.
 *
 * Computation: on the host in float64 for every dtype — iterative radix-2
 * for power-of-two lengths, Bluestein's chirp-z (through a power-of-two
 * convolution) for any other length — then rounded to complex64/float32
 * where the dtype asks for it. That is at least as accurate as TF's float32
 * DUCC transforms; tfjs's own fft is float32 and a naive O(n²) DFT for
 * lengths that are not powers of two, so it is not used.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor } from "../tensor.js";
import { DataType, cppDtypeName } from "../../dtypes.js";
import { zeros, sizeOf } from "../../ndarray.js";

const D = DataType;

// ---------------------------------------------------------------------------
// 1-D complex transforms in float64.

interface Plan {
  n: number;
  /** forward: in place on (re, im), unnormalised, sign -1 (inverse: +1). */
  run(re: Float64Array, im: Float64Array, inverse: boolean): void;
}

const plans = new Map<number, Plan>();

function planFor(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    p = (n & (n - 1)) === 0 ? radix2(n) : bluestein(n);
    if (plans.size > 64) plans.clear();
    plans.set(n, p);
  }
  return p;
}

function radix2(n: number): Plan {
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 1; i < n; i++) rev[i] = (rev[i >> 1] >> 1) | ((i & 1) << (bits - 1));
  // twiddles e^{-2πik/n}, k < n/2, each from its own cos/sin (no recurrence drift)
  const half = n >> 1;
  const wr = new Float64Array(half);
  const wi = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const a = (2 * Math.PI * k) / n;
    wr[k] = Math.cos(a);
    wi[k] = -Math.sin(a);
  }
  return {
    n,
    run(re, im, inverse) {
      for (let i = 0; i < n; i++) {
        const j = rev[i];
        if (j > i) {
          let t = re[i];
          re[i] = re[j];
          re[j] = t;
          t = im[i];
          im[i] = im[j];
          im[j] = t;
        }
      }
      const s = inverse ? -1 : 1;
      for (let len = 2; len <= n; len <<= 1) {
        const h = len >> 1;
        const step = n / len;
        for (let start = 0; start < n; start += len) {
          for (let k = 0; k < h; k++) {
            const cr = wr[k * step];
            const ci = s * wi[k * step];
            const a = start + k;
            const b = a + h;
            const xr = re[b] * cr - im[b] * ci;
            const xi = re[b] * ci + im[b] * cr;
            re[b] = re[a] - xr;
            im[b] = im[a] - xi;
            re[a] += xr;
            im[a] += xi;
          }
        }
      }
    },
  };
}

/** Bluestein: X_k = w_k Σ_j (x_j w_j) conj(w_{k-j}), w_j = e^{-iπ j²/n}, as a power-of-two convolution. */
function bluestein(n: number): Plan {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const inner = radix2(m);
  // chirp w_j = e^{-iπ j²/n}; j² mod 2n keeps the angle exact for large j
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  const twoN = 2 * n;
  for (let j = 0; j < n; j++) {
    const q = Number((BigInt(j) * BigInt(j)) % BigInt(twoN));
    const a = (Math.PI * q) / n;
    cr[j] = Math.cos(a);
    ci[j] = -Math.sin(a);
  }
  // FFT of the conjugate chirp b_j = conj(w_|j|) laid out circularly
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    br[j] = cr[j];
    bi[j] = -ci[j];
    if (j > 0) {
      br[m - j] = cr[j];
      bi[m - j] = -ci[j];
    }
  }
  inner.run(br, bi, false);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return {
    n,
    run(re, im, inverse) {
      // inverse transform = conj(FFT(conj(x)))
      const s = inverse ? -1 : 1;
      ar.fill(0);
      ai.fill(0);
      for (let j = 0; j < n; j++) {
        const xr = re[j];
        const xi = s * im[j];
        ar[j] = xr * cr[j] - xi * ci[j];
        ai[j] = xr * ci[j] + xi * cr[j];
      }
      inner.run(ar, ai, false);
      for (let k = 0; k < m; k++) {
        const xr = ar[k] * br[k] - ai[k] * bi[k];
        const xi = ar[k] * bi[k] + ai[k] * br[k];
        ar[k] = xr;
        ai[k] = xi;
      }
      inner.run(ar, ai, true);
      const inv = 1 / m;
      for (let k = 0; k < n; k++) {
        const yr = ar[k] * inv;
        const yi = ai[k] * inv;
        re[k] = yr * cr[k] - yi * ci[k];
        im[k] = s * (yr * ci[k] + yi * cr[k]);
      }
    },
  };
}

/**
 * In-place complex transform of (re, im), a row-major array of `shape`,
 * along axis `axis` (length n = shape[axis]).
 */
function transformAxis(re: Float64Array, im: Float64Array, shape: readonly number[], axis: number, inverse: boolean): void {
  const n = shape[axis];
  if (n <= 1) return;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const outer = sizeOf(shape) / (n * inner);
  const plan = planFor(n);
  const lr = new Float64Array(n);
  const li = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) {
        lr[k] = re[base + k * inner];
        li[k] = im[base + k * inner];
      }
      plan.run(lr, li, inverse);
      for (let k = 0; k < n; k++) {
        re[base + k * inner] = lr[k];
        im[base + k * inner] = li[k];
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Shape handling: crop the transformed dims of the input into a buffer of `dims`.

/**
 * Copies the leading corner of `src` (row-major, shape `from`, `lanes` values
 * per element) into a new buffer of shape `to` (every to[d] <= from[d]).
 * Returns separate re/im float64 arrays (im zero for real input).
 */
function cropToComplex(src: ArrayLike<number>, from: readonly number[], to: readonly number[], complex: boolean): [Float64Array, Float64Array] {
  const n = sizeOf(to);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  if (n === 0) return [re, im];
  const rank = to.length;
  const srcStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    srcStrides[d] = s;
    s *= from[d];
  }
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let d = 0; d < rank; d++) off += idx[d] * srcStrides[d];
    if (complex) {
      re[k] = src[2 * off];
      im[k] = src[2 * off + 1];
    } else re[k] = src[off];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < to[d]) break;
      idx[d] = 0;
    }
  }
  return [re, im];
}

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

function complexOut(dtype: number, shape: readonly number[], re: Float64Array, im: Float64Array): Tensor {
  const nd = zeros(dtype === D.DT_COMPLEX128 ? "complex128" : "complex64", shape);
  const d = nd.data as Float32Array | Float64Array;
  for (let k = 0; k < re.length; k++) {
    d[2 * k] = re[k];
    d[2 * k + 1] = im[k];
  }
  return Tensor.fromHost(dtype, nd);
}

function checkRank(ctx: KernelContext, x: Tensor, rank: number): void {
  if (x.rank < rank) throw ctx.error("InvalidArgumentError", `Input must have rank of at least ${rank} but got: ${shapeStr(x.shape)}`);
}

function isComplex(dt: number): boolean {
  return dt === D.DT_COMPLEX64 || dt === D.DT_COMPLEX128;
}

// ---------------------------------------------------------------------------
// Kernels.

function complexFft(rank: number, inverse: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    if (!isComplex(x.dtype)) throw ctx.error("InvalidArgumentError", `Wrong types for FFT: in=${cppDtypeName(x.dtype)}`);
    checkRank(ctx, x, rank);
    const [re, im] = cropToComplex(x.host().data as Float32Array | Float64Array, x.shape, x.shape, true);
    if (x.size > 0) {
      const first = x.rank - rank;
      let count = 1;
      for (let a = first; a < x.rank; a++) {
        transformAxis(re, im, x.shape, a, inverse);
        count *= x.shape[a];
      }
      if (inverse) {
        const s = 1 / count;
        for (let k = 0; k < re.length; k++) {
          re[k] *= s;
          im[k] *= s;
        }
      }
    }
    return [complexOut(x.dtype, x.shape, re, im)];
  };
}

/** fft_length as numbers, with TF's checks; `limitOf(i, len)` is the input length axis i must have. */
function fftLengths(ctx: KernelContext, x: Tensor, rank: number, inverseReal: boolean): number[] {
  const fl = ctx.inputs[1];
  if (fl.rank !== 1 || fl.shape[0] !== rank) throw ctx.error("InvalidArgumentError", `fft_length must have shape [${rank}]`);
  const lens = fl.numbers();
  for (let i = 0; i < rank; i++) {
    if (lens[i] < 0) throw ctx.error("InvalidArgumentError", `fft_length[${i}] must >= 0, but got: ${lens[i]}`);
    const need = inverseReal && i === rank - 1 ? Math.floor(lens[i] / 2) + 1 : lens[i];
    const axis = x.rank - rank + i;
    if (x.shape[axis] !== 0 && x.shape[axis] < need) {
      throw ctx.error("InvalidArgumentError", `Input dimension ${axis} must have length of at least ${need} but got: ${x.shape[axis]}`);
    }
  }
  return lens;
}

function rfft(rank: number) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    if (x.dtype !== D.DT_FLOAT && x.dtype !== D.DT_DOUBLE) throw ctx.error("InvalidArgumentError", `Wrong types for forward real FFT: in=${cppDtypeName(x.dtype)}`);
    const outDt = ctx.attrs.type("Tcomplex", D.DT_COMPLEX64);
    if ((x.dtype === D.DT_FLOAT) !== (outDt === D.DT_COMPLEX64) || !isComplex(outDt)) {
      throw ctx.error("InvalidArgumentError", `Wrong types for forward real FFT: in=${cppDtypeName(x.dtype)} out=${cppDtypeName(outDt)}`);
    }
    checkRank(ctx, x, rank);
    const lens = fftLengths(ctx, x, rank, false);
    const first = x.rank - rank;
    const cropped = [...x.shape];
    const outShape = [...x.shape];
    for (let i = 0; i < rank; i++) {
      cropped[first + i] = Math.min(x.shape[first + i], lens[i]);
      outShape[first + i] = i === rank - 1 && lens[i] !== 0 ? Math.floor(lens[i] / 2) + 1 : lens[i];
    }
    if (x.size === 0 || sizeOf(outShape) === 0) return [complexOut(outDt, outShape, new Float64Array(sizeOf(outShape)), new Float64Array(sizeOf(outShape)))];
    // input dims are >= fft_length (checked), so the crop has exactly the fft lengths
    const [re, im] = cropToComplex(x.host().data as Float32Array | Float64Array, x.shape, cropped, false);
    for (let a = first; a < x.rank; a++) transformAxis(re, im, cropped, a, false);
    const last = lens[rank - 1];
    const keep = Math.floor(last / 2) + 1;
    const [hr, hi] = cropToComplex(interleave(re, im), cropped, outShape.map((d, a) => (a === x.rank - 1 ? keep : d)), true);
    return [complexOut(outDt, outShape, hr, hi)];
  };
}

function interleave(re: Float64Array, im: Float64Array): Float64Array {
  const out = new Float64Array(re.length * 2);
  for (let k = 0; k < re.length; k++) {
    out[2 * k] = re[k];
    out[2 * k + 1] = im[k];
  }
  return out;
}

function irfft(rank: number) {
  return (ctx: KernelContext): Tensor[] => {
    const x = ctx.inputs[0];
    if (!isComplex(x.dtype)) throw ctx.error("InvalidArgumentError", `Wrong types for backward real FFT: in=${cppDtypeName(x.dtype)}`);
    const outDt = ctx.attrs.type("Treal", D.DT_FLOAT);
    if ((x.dtype === D.DT_COMPLEX64) !== (outDt === D.DT_FLOAT) || (outDt !== D.DT_FLOAT && outDt !== D.DT_DOUBLE)) {
      throw ctx.error("InvalidArgumentError", `Wrong types for backward real FFT: in=${cppDtypeName(x.dtype)} out=${cppDtypeName(outDt)}`);
    }
    checkRank(ctx, x, rank);
    const lens = fftLengths(ctx, x, rank, true);
    const first = x.rank - rank;
    const outShape = [...x.shape];
    for (let i = 0; i < rank; i++) outShape[first + i] = lens[i];
    const total = sizeOf(outShape);
    const out = zeros(outDt === D.DT_DOUBLE ? "float64" : "float32", outShape);
    if (x.size === 0 || total === 0) return [Tensor.fromHost(outDt, out)];
    const n = lens[rank - 1];
    const half = Math.floor(n / 2) + 1;
    // crop: outer transformed axes to fft_length, inner-most to n/2+1
    const cropped = [...x.shape];
    for (let i = 0; i < rank - 1; i++) cropped[first + i] = lens[i];
    cropped[x.rank - 1] = half;
    const [re, im] = cropToComplex(x.host().data as Float32Array | Float64Array, x.shape, cropped, true);
    for (let a = first; a < x.rank - 1; a++) transformAxis(re, im, cropped, a, true);
    // complex-to-real along the inner-most axis: rebuild the Hermitian spectrum
    const rows = re.length / half;
    const plan = planFor(n);
    const lr = new Float64Array(n);
    const li = new Float64Array(n);
    const o = out.data as Float32Array | Float64Array;
    const scale = 1 / lens.reduce((p, v) => p * v, 1);
    for (let r = 0; r < rows; r++) {
      const base = r * half;
      for (let k = 0; k < half && k < n; k++) {
        lr[k] = re[base + k];
        li[k] = im[base + k];
      }
      li[0] = 0;
      if (n % 2 === 0) li[n / 2] = 0;
      for (let k = half; k < n; k++) {
        lr[k] = lr[n - k];
        li[k] = -li[n - k];
      }
      plan.run(lr, li, true);
      for (let k = 0; k < n; k++) o[r * n + k] = lr[k] * scale;
    }
    return [Tensor.fromHost(outDt, out)];
  };
}

export const signalKernels: KernelTable = {
  FFT: op("output", complexFft(1, false)),
  IFFT: op("output", complexFft(1, true)),
  FFT2D: op("output", complexFft(2, false)),
  IFFT2D: op("output", complexFft(2, true)),
  FFT3D: op("output", complexFft(3, false)),
  IFFT3D: op("output", complexFft(3, true)),
  RFFT: op("output", rfft(1)),
  IRFFT: op("output", irfft(1)),
  RFFT2D: op("output", rfft(2)),
  IRFFT2D: op("output", irfft(2)),
  RFFT3D: op("output", rfft(3)),
  IRFFT3D: op("output", irfft(3)),
};
