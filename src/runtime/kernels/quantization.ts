/**
 * Quantization: FakeQuantWithMinMaxArgs/Vars/VarsPerChannel, QuantizeV2 and
 * Dequantize, computed on the host in float32 arithmetic step by step
 * (Math.fround after every operation) exactly as TF's CPU kernels do
 * (fake_quant_ops_functor.h, quantize_op.cc, dequantize_op.cc,
 * quantization_utils.h). QuantizeAndDequantizeV2/V3/V4 live in array.ts.
 *
 * Quantized dtypes (qint8, quint8, qint16, quint16, qint32) are carried by
 * their storage integers (dtypes.ts: rawBits, NdArray int8/uint8/…), so the
 * kernels read and write those arrays directly.
 *
 * Semantics notes:
 *  - FakeQuant's min/max are nudged so that 0.0 is exactly representable:
 *    scale = (max - min) / (quant_max - quant_min), zero point =
 *    quant_min - min / scale rounded half away from zero (clamped to the
 *    quantized range), nudged_min/max = (quant_min/max - zero point)·scale.
 *    quant_min is 1 with narrow_range, else 0; quant_max = 2^num_bits - 1.
 *    MinMaxArgs multiplies by 1/scale, the Vars forms divide by scale, as
 *    TF's functors do (the two can differ in the last bit). Vars forms with
 *    min == max == 0 output zeros (TF's guard against a 0/0 scale).
 *  - QuantizeV2 widens [min_range, max_range] to include 0 and to be at least
 *    ensure_minimum_range·max(1, |min|, |max|) wide, and reports the range it
 *    used. MIN_COMBINED rounds half away from zero for signed types and adds
 *    0.5 then truncates for unsigned ones; SCALED picks the scale from the
 *    side that constrains it; MIN_FIRST rounds min first (quantization_utils).
 *  - float→integer conversions follow x86-64 (the platform TF's CPU kernels
 *    usually run on): values outside int32 become INT32_MIN, narrower types
 *    keep the low bits of that int32.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor } from "../tensor.js";
import { DataType, cppDtypeName, npDtypeOf } from "../../dtypes.js";
import { zeros, type NdArray } from "../../ndarray.js";
import { numberToBfloat16 } from "../../half.js";

const D = DataType;
const fr = Math.fround;
const FLT_MAX = 3.4028234663852886e38;

/** std::round: half away from zero. */
function roundAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** rint: half to even. */
function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface QInfo {
  lowest: number;
  highest: number;
  bits: number;
  signed: boolean;
}

const QTYPES: Record<number, QInfo> = {
  [D.DT_QINT8]: { lowest: -128, highest: 127, bits: 8, signed: true },
  [D.DT_QUINT8]: { lowest: 0, highest: 255, bits: 8, signed: false },
  [D.DT_QINT16]: { lowest: -32768, highest: 32767, bits: 16, signed: true },
  [D.DT_QUINT16]: { lowest: 0, highest: 65535, bits: 16, signed: false },
  [D.DT_QINT32]: { lowest: -2147483648, highest: 2147483647, bits: 32, signed: true },
};

function qinfo(ctx: KernelContext, dt: number): QInfo {
  const q = QTYPES[dt];
  if (!q) throw ctx.error("InvalidArgumentError", `${ctx.node.op} is not defined for ${cppDtypeName(dt)}`);
  return q;
}

/** float → T the way x86-64 converts: through int32 (cvttss2si), out of range → INT32_MIN, then the low bits. */
function toQ(v: number, q: QInfo): number {
  const i = Number.isNaN(v) || v >= 2147483648 || v < -2147483648 ? -2147483648 : Math.trunc(v);
  if (q.bits === 32) return i | 0;
  const m = 2 ** q.bits;
  let w = ((i % m) + m) % m;
  if (q.signed && w >= m / 2) w -= m;
  return w;
}

function floats(ctx: KernelContext, i: number): Float32Array {
  const t = ctx.inputs[i];
  if (t.dtype !== D.DT_FLOAT) throw ctx.error("InvalidArgumentError", `${ctx.node.op} expects a float tensor for input ${i}, got ${cppDtypeName(t.dtype)}`);
  return t.host().data as Float32Array;
}

function floatOut(shape: readonly number[], data: Float32Array): Tensor {
  return Tensor.fromHost(D.DT_FLOAT, { dtype: "float32", shape: [...shape], data });
}

// ---------------------------------------------------------------------------
// FakeQuant

interface Nudged {
  min: number;
  max: number;
  scale: number;
}

function nudge(min: number, max: number, qmin: number, qmax: number): Nudged {
  const scale = fr(fr(max - min) / (qmax - qmin));
  const zpFromMin = fr(qmin - fr(min / scale));
  // the zero point is a uint16 in TF; NaN converts as x86 does (to 0)
  const zp = zpFromMin < qmin ? qmin : zpFromMin > qmax ? qmax : Number.isNaN(zpFromMin) ? 0 : roundAway(zpFromMin);
  return { min: fr((qmin - zp) * scale), max: fr((qmax - zp) * scale), scale };
}

function quantRange(ctx: KernelContext): [number, number] {
  const bits = ctx.attrs.int("num_bits", 8);
  if (bits < 2 || bits > 16) throw ctx.error("InvalidArgumentError", `num_bits must be between 2 and 16, inclusive`);
  return [ctx.attrs.bool("narrow_range", false) ? 1 : 0, 2 ** bits - 1];
}

/** One fake-quantized value; `mulInv` selects MinMaxArgs' multiply-by-reciprocal form. */
function fakeQuantInto(x: Float32Array, out: Float32Array, from: number, to: number, stride: number, n: Nudged, mulInv: boolean): void {
  const inv = fr(1 / n.scale);
  for (let k = from; k < to; k += stride) {
    let c = x[k];
    if (n.max < c) c = n.max;
    if (c < n.min) c = n.min;
    const shifted = fr(c - n.min);
    const q = Math.floor(fr((mulInv ? fr(shifted * inv) : fr(shifted / n.scale)) + 0.5));
    out[k] = fr(fr(q * n.scale) + n.min);
  }
}

function fakeQuantArgs(ctx: KernelContext): Tensor[] {
  const x = floats(ctx, 0);
  const min = fr(ctx.attrs.float("min", -6));
  const max = fr(ctx.attrs.float("max", 6));
  if (!(min < max)) throw ctx.error("InvalidArgumentError", `min has to be smaller than max, was: ${min} >= ${max}`);
  const [qmin, qmax] = quantRange(ctx);
  const out = new Float32Array(x.length);
  fakeQuantInto(x, out, 0, x.length, 1, nudge(min, max, qmin, qmax), true);
  return [floatOut(ctx.inputs[0].shape, out)];
}

function fakeQuantVars(ctx: KernelContext): Tensor[] {
  const x = floats(ctx, 0);
  const [qmin, qmax] = quantRange(ctx);
  for (const i of [1, 2]) {
    if (ctx.inputs[i].rank !== 0) throw ctx.error("InvalidArgumentError", `\`${i === 1 ? "min" : "max"}\` must be rank 0 but is rank ${ctx.inputs[i].rank}`);
  }
  const min = floats(ctx, 1)[0];
  const max = floats(ctx, 2)[0];
  const out = new Float32Array(x.length);
  if (!(min === 0 && max === 0)) fakeQuantInto(x, out, 0, x.length, 1, nudge(min, max, qmin, qmax), false);
  return [floatOut(ctx.inputs[0].shape, out)];
}

function fakeQuantPerChannel(ctx: KernelContext): Tensor[] {
  const xt = ctx.inputs[0];
  const x = floats(ctx, 0);
  const [qmin, qmax] = quantRange(ctx);
  if (xt.rank < 1) throw ctx.error("InvalidArgumentError", `inputs must be at least 1-D, got shape [${xt.shape.join(",")}]`);
  const depth = xt.shape[xt.rank - 1];
  const mins = floats(ctx, 1);
  const maxs = floats(ctx, 2);
  for (const [i, name] of [[1, "min"], [2, "max"]] as const) {
    const t = ctx.inputs[i];
    if (t.rank !== 1) throw ctx.error("InvalidArgumentError", `${name} must be 1-D, got shape [${t.shape.join(",")}]`);
    if (t.shape[0] !== depth) throw ctx.error("InvalidArgumentError", `${name} has incorrect size, expected ${depth} was ${t.shape[0]}`);
  }
  const out = new Float32Array(x.length);
  for (let c = 0; c < depth; c++) {
    if (mins[c] === 0 && maxs[c] === 0) continue;
    fakeQuantInto(x, out, c, x.length, depth, nudge(mins[c], maxs[c], qmin, qmax), false);
  }
  return [floatOut(xt.shape, out)];
}

// ---------------------------------------------------------------------------
// QuantizeV2 / Dequantize

type Mode = "MIN_COMBINED" | "MIN_FIRST" | "SCALED";

function modeOf(ctx: KernelContext): Mode {
  const m = ctx.attrs.str("mode", "MIN_COMBINED");
  if (m !== "MIN_COMBINED" && m !== "MIN_FIRST" && m !== "SCALED") {
    throw ctx.error("InvalidArgumentError", `Mode string must be 'MIN_COMBINED', 'MIN_FIRST', or 'SCALED', is '${m}'`);
  }
  return m;
}

/** [pre, slices, post] of `shape` around `axis` (slices = 1 without an axis). */
function slicing(shape: readonly number[], axis: number): [number, number, number] {
  if (axis < 0) return [1, 1, shape.reduce((p, d) => p * d, 1)];
  const pre = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const post = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return [pre, shape[axis], post];
}

function quantizeV2(ctx: KernelContext): Tensor[] {
  const xt = ctx.inputs[0];
  const x = floats(ctx, 0);
  const outDt = ctx.attrs.type("T");
  const q = qinfo(ctx, outDt);
  const mode = modeOf(ctx);
  const roundMode = ctx.attrs.str("round_mode", "HALF_AWAY_FROM_ZERO");
  if (roundMode !== "HALF_AWAY_FROM_ZERO" && roundMode !== "HALF_TO_EVEN") {
    throw ctx.error("InvalidArgumentError", `Round mode string must be 'HALF_AWAY_FROM_ZERO' or 'HALF_TO_EVEN', is '${roundMode}'`);
  }
  if (roundMode === "HALF_TO_EVEN" && mode !== "SCALED") {
    throw ctx.error("InvalidArgumentError", `Round mode 'HALF_TO_EVEN' only supported for mode 'SCALED', but mode is '${mode}'.`);
  }
  const narrow = ctx.attrs.bool("narrow_range", false);
  const axis = ctx.attrs.int("axis", -1);
  const ensure = fr(ctx.attrs.float("ensure_minimum_range", 0.01));
  const minT = ctx.inputs[1];
  const maxT = ctx.inputs[2];
  let slices = 1;
  if (axis > -1) {
    if (xt.rank <= axis) {
      throw ctx.error("InvalidArgumentError", `Axis is on a zero-based index, so its value must always be less than number of input's dims, but given axis value was ${axis} and input's dims was ${xt.rank}`);
    }
    slices = xt.shape[axis];
    for (const [t, name] of [[minT, "min_range"], [maxT, "max_range"]] as const) {
      if (t.rank !== 1) {
        throw ctx.error("InvalidArgumentError", `If axis is specified, ${name} must be a 1-D tensor whose size matches the axis dimension of the input and output tensors, but ${name} dims are ${t.rank}`);
      }
      if (t.shape[0] !== slices) {
        throw ctx.error("InvalidArgumentError", `If axis is specified, ${name} must be a 1-D tensor whose size matches the axis dimension of the input and output tensors, but ${name} is a 1-D tensor of size ${t.shape[0]} and input's axis dimension is of size ${slices}`);
      }
    }
  } else {
    for (const [t, name] of [[minT, "min_range"], [maxT, "max_range"]] as const) {
      if (t.size !== 1) throw ctx.error("InvalidArgumentError", `If axis is not specified, ${name} must contain a single float element, but it contains ${t.size} elements`);
    }
  }
  if (slices !== 1 && mode === "MIN_FIRST") throw ctx.error("UnimplementedError", "MIN_FIRST mode is not implemented for Quantize with axis != -1.");
  const mins = floats(ctx, 1);
  const maxs = floats(ctx, 2);
  const out = zeros(npDtypeOf(outDt)!, xt.shape) as NdArray;
  const o = out.data as Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array;
  const [pre, , post] = slicing(xt.shape, slices === 1 ? -1 : axis);
  const outMin = new Float32Array(slices);
  const outMax = new Float32Array(slices);
  const range = q.highest - q.lowest;
  const halfRange = q.signed ? fr((range + 1) / 2) : 0;
  for (let s = 0; s < slices; s++) {
    const inMin = mins[s];
    const inMax = maxs[s];
    if (inMax < inMin) throw ctx.error("InvalidArgumentError", "input_max_range must be larger than input_min_range.");
    let minR = fr(Math.min(0, inMin));
    const eps = fr(fr(Math.max(1, Math.max(Math.abs(inMin), Math.abs(inMax)))) * ensure);
    let maxR = fr(Math.max(0, Math.max(inMax, fr(minR + eps))));
    const each = (f: (v: number) => number) => {
      for (let p = 0; p < pre; p++) {
        const base = (p * slices + s) * post;
        for (let k = base; k < base + post; k++) o[k] = f(x[k]);
      }
    };
    const clamp = (v: number) => {
      let c = maxR < v ? maxR : v;
      if (c < minR) c = minR;
      return c;
    };
    if (mode === "MIN_COMBINED") {
      const scale = fr(range / fr(maxR - minR));
      if (q.signed) each((v) => toQ(roundAway(fr(fr(fr(clamp(v) - minR) * scale) - halfRange)), q));
      else each((v) => toQ(fr(fr(fr(clamp(v) - minR) * scale) + 0.5), q));
    } else if (mode === "SCALED") {
      const minOut = fr(q.lowest + (narrow ? 1 : 0));
      const maxOut = fr(q.highest);
      const fromMin = fr(minOut * minR) > 0 ? fr(minOut / minR) : FLT_MAX;
      const fromMax = fr(maxOut * maxR) > 0 ? fr(maxOut / maxR) : FLT_MAX;
      const scale = Math.min(fromMin, fromMax);
      minR = fr(minOut / scale);
      maxR = fr(maxOut / scale);
      const rnd = roundMode === "HALF_TO_EVEN" ? roundEven : roundAway;
      each((v) => toQ(rnd(fr(clamp(v) * scale)), q));
    } else {
      // MIN_FIRST (FloatToQuantizedStruct + QUANTIZE_WITH_EIGEN): no input clamp, the result is clamped
      const steps = 2 ** q.bits;
      const rangeScale = maxR === minR ? 0 : fr((steps - 1) / fr(maxR - minR));
      const minScaled = fr(roundAway(fr(minR * rangeScale)));
      const offset = fr(minScaled - fr(q.lowest));
      const lo = Math.max(fr(q.lowest), -2.147483648e9);
      const hi = Math.min(fr(q.highest), 2147483520);
      each((v) => {
        let r = fr(roundAway(fr(v * rangeScale)) - offset);
        if (r < lo) r = lo;
        if (hi < r) r = hi;
        return toQ(r, q);
      });
    }
    outMin[s] = minR;
    outMax[s] = maxR;
  }
  const rangeShape = slices === 1 ? [] : [...minT.shape];
  return [Tensor.fromHost(outDt, out), floatOut(rangeShape, outMin), floatOut(rangeShape, outMax)];
}

function dequantize(ctx: KernelContext): Tensor[] {
  const xt = ctx.inputs[0];
  const q = qinfo(ctx, xt.dtype);
  const mode = modeOf(ctx);
  const outDt = ctx.attrs.type("dtype", D.DT_FLOAT);
  if (outDt !== D.DT_FLOAT && outDt !== D.DT_BFLOAT16) throw ctx.error("InvalidArgumentError", `Output type must be bfloat16 or float, is '${cppDtypeName(outDt)}'`);
  if (outDt === D.DT_BFLOAT16 && mode !== "MIN_COMBINED") throw ctx.error("InvalidArgumentError", `When output type is bfloat16, Mode string must be 'MIN_COMBINED', is '${mode}'`);
  const narrow = ctx.attrs.bool("narrow_range", false);
  const axis = ctx.attrs.int("axis", -1);
  if (axis >= xt.rank) throw ctx.error("InvalidArgumentError", `Axis must be less than input dimension(${xt.rank}), got ${axis}`);
  const slices = axis > -1 ? xt.shape[axis] : 1;
  const minT = ctx.inputs[1];
  const maxT = ctx.inputs[2];
  if (minT.size !== slices) throw ctx.error("InvalidArgumentError", `input_min_tensor must have as many elements as input on the dequantization axis (${axis}), got ${minT.size}, expected ${slices}`);
  if (maxT.size !== slices) throw ctx.error("InvalidArgumentError", `input_max_tensor must have as many elements as input on the dequantization axis (${axis}), got ${maxT.size}, expected ${slices}`);
  if (slices !== 1 && mode === "MIN_FIRST") throw ctx.error("UnimplementedError", "MIN_FIRST mode is not implemented for Dequantize with axis != -1.");
  const mins = floats(ctx, 1);
  const maxs = floats(ctx, 2);
  const x = xt.host().data as ArrayLike<number>;
  const out = new Float32Array(xt.size);
  const [pre, , post] = slicing(xt.shape, slices === 1 ? -1 : axis);
  const halfRange = q.signed ? fr(fr(fr(fr(q.highest) - q.lowest) + 1) / 2) : 0;
  for (let s = 0; s < slices; s++) {
    const minR = mins[s];
    const maxR = maxs[s];
    let f: (v: number) => number;
    if (mode === "MIN_COMBINED") {
      const scale = fr(fr(maxR - minR) / fr(fr(q.highest) - q.lowest));
      f = (v) => fr(fr(fr(fr(v) + halfRange) * scale) + minR);
    } else if (mode === "SCALED") {
      const minOut = q.lowest + (narrow ? 1 : 0);
      const scale = q.lowest === 0 ? fr(maxR / fr(q.highest)) : Math.max(fr(minR / fr(minOut)), fr(maxR / fr(q.highest)));
      f = (v) => fr(fr(v) * scale);
    } else {
      // MIN_FIRST (QuantizedToFloatStruct + DEQUANTIZE_WITH_EIGEN)
      const rangeScale = fr(fr(maxR - minR) / (2 ** q.bits - 1));
      const minRounded = maxR === minR ? minR : fr(roundAway(fr(minR / rangeScale)) * rangeScale);
      const base = fr(minRounded - fr(fr(q.lowest) * rangeScale));
      f = (v) => fr(base + fr(fr(v) * rangeScale));
    }
    for (let p = 0; p < pre; p++) {
      const b = (p * slices + s) * post;
      for (let k = b; k < b + post; k++) out[k] = f(x[k]);
    }
  }
  if (outDt === D.DT_BFLOAT16) {
    const bits = new Uint16Array(out.length);
    for (let k = 0; k < out.length; k++) bits[k] = numberToBfloat16(out[k]);
    return [Tensor.fromHost(D.DT_BFLOAT16, { dtype: "bfloat16", shape: [...xt.shape], data: bits })];
  }
  return [floatOut(xt.shape, out)];
}

export const quantizationKernels: KernelTable = {
  FakeQuantWithMinMaxArgs: op("outputs", fakeQuantArgs),
  FakeQuantWithMinMaxVars: op("outputs", fakeQuantVars),
  FakeQuantWithMinMaxVarsPerChannel: op("outputs", fakeQuantPerChannel),
  QuantizeV2: op("output,output_min,output_max", quantizeV2),
  Dequantize: op("output", dequantize),
};
