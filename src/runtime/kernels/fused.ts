/**
 * Grappler's fused contraction ops, as they appear in graphs saved after
 * TensorFlow's remapper ran (frozen / optimized exports):
 *
 *   _FusedMatMul                 a, b, args…          → product
 *   _FusedConv2D                 input, filter, args… → output
 *   _FusedDepthwiseConv2dNative  input, filter, args… → output
 *   _FusedBatchMatMulV2          x, y, args…          → output   (oneDNN builds)
 *
 * (`FusedDepthwiseConv2dNative` without the underscore is tfjs-converter's
 * own op name, never a TensorFlow one; it is not registered here.)
 *
 * `fused_ops` names what follows the contraction, in order, each taking the
 * previous result as its first input and the next `args` as the others:
 *
 *   BiasAdd          1 arg  [C] bias over the output channels (last dim; dim 1 for NCHW)
 *   FusedBatchNorm   4 args scale, offset, mean, variance, [C] each (inference):
 *                           (y - mean) * scale / sqrt(variance + epsilon) + offset
 *   Add / AddV2      1 arg  a side input of the output's shape (oneDNN's residual fusion)
 *   Mul              1 arg  a broadcastable factor (_FusedBatchMatMulV2)
 *   activation       Relu, Relu6, Elu, LeakyRelu (leakyrelu_alpha, default 0.2),
 *                    Tanh, Sigmoid, GeluApproximate, GeluExact, _MklSwish (x·sigmoid(x))
 *
 * Accepted lists are the shapes of the patterns TF's kernels register (CPU,
 * GPU and oneDNN together): MatMul [BiasAdd, (Add)?, act?]; Conv2D and
 * depthwise [BiasAdd|FusedBatchNorm, (Add)?, act?] with Relu, Relu6, Elu,
 * LeakyRelu or _MklSwish; BatchMatMulV2 [Mul], [Add], [Mul, Add]. Anything
 * else is TF's UnimplementedError "Fusion is not implemented: [A,B]".
 * A wrong arg count is TF's InvalidArgumentError for the fusion.
 *
 * float32 (and half/bfloat16, computed in float32 and rounded) runs through
 * compute.ts — the same fused tfjs kernels and worker-thread cuts as the
 * plan optimizer's fusions: the bias (and a batch norm folded into the
 * weights and one bias, cached per node while its inputs are the same
 * tensors) and the activation, when compute.ts's epilogue has it and no
 * side input comes between, run inside the kernel; the rest follow as tfjs
 * ops. NCHW runs transposed to NHWC; explicit paddings pad the input and run
 * VALID; dilation with stride > 1 dilates the filter (tfjs refuses both).
 * float64 convolutions run the plain Conv2D / depthwise kernels' exact host
 * path, then the epilogue in double.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor } from "../tensor.js";
import { tf, type TfTensor } from "../backend.js";
import { DataType, cppDtypeName } from "../../dtypes.js";
import type { GNode } from "../graph.js";
import type { SessionState } from "../state.js";
import * as compute from "../compute.js";
import { mathKernels } from "./math.js";
import { nnKernels, windows, prod, zerosTensor, toLast, toFirst, type Padding } from "./nn.js";

type Head = "matmul" | "conv2d" | "depthwise" | "batchmatmul";

const KERNEL_NAME: Record<Head, string> = { matmul: "MatMul", conv2d: "Conv2D", depthwise: "DepthwiseConv2dNative", batchmatmul: "BatchMatMulV2" };

type Act = "Relu" | "Relu6" | "Elu" | "LeakyRelu" | "Tanh" | "Sigmoid" | "GeluApproximate" | "GeluExact" | "_MklSwish";
const MATMUL_ACTS: readonly string[] = ["Relu", "Relu6", "Elu", "LeakyRelu", "Tanh", "Sigmoid", "GeluApproximate", "GeluExact", "_MklSwish"];
const CONV_ACTS: readonly string[] = ["Relu", "Relu6", "Elu", "LeakyRelu", "_MklSwish"];
/** Activations compute.ts runs inside the fused kernel. */
const IN_KERNEL: Partial<Record<Act, compute.Activation>> = { Relu: "relu", Relu6: "relu6", Elu: "elu", LeakyRelu: "leakyrelu", Sigmoid: "sigmoid" };

interface Fusion {
  norm: "BiasAdd" | "FusedBatchNorm" | null;
  mul: boolean;
  add: boolean;
  act: Act | null;
  /** Number of args the fusion takes. */
  args: number;
  epsilon: number;
  alpha: number;
}

/** Parses and checks `fused_ops` / `num_args` against the patterns TF registers for `head`. */
function parseFusion(ctx: KernelContext, head: Head): Fusion {
  const ops = ctx.attrs.strs("fused_ops", []);
  const name = KERNEL_NAME[head];
  if (ops.length === 0) throw ctx.error("InvalidArgumentError", `Fused ${name} must have at least one fused op.`);
  const f: Fusion = { norm: null, mul: false, add: false, act: null, args: 0, epsilon: ctx.attrs.float("epsilon", 0.0001), alpha: ctx.attrs.float("leakyrelu_alpha", 0.2) };
  const rest = ops.slice();
  const unimplemented = () => ctx.error("UnimplementedError", `Fusion is not implemented: [${ops.join(",")}]`);
  if (head === "batchmatmul") {
    if (rest[0] === "Mul") {
      f.mul = true;
      rest.shift();
    }
    if (rest[0] === "Add" || rest[0] === "AddV2") {
      f.add = true;
      rest.shift();
    }
    if (rest.length || !(f.mul || f.add)) throw unimplemented();
    f.args = (f.mul ? 1 : 0) + (f.add ? 1 : 0);
  } else {
    const first = rest.shift();
    if (first === "BiasAdd") f.norm = "BiasAdd";
    else if (first === "FusedBatchNorm" && head !== "matmul") f.norm = "FusedBatchNorm";
    else throw unimplemented();
    if (rest[0] === "Add" || rest[0] === "AddV2") {
      if (f.norm !== "BiasAdd") throw unimplemented();
      f.add = true;
      rest.shift();
    }
    if (rest.length) {
      const a = rest.shift()!;
      if (!(head === "matmul" ? MATMUL_ACTS : CONV_ACTS).includes(a)) throw unimplemented();
      f.act = a as Act;
    }
    if (rest.length) throw unimplemented();
    f.args = (f.norm === "BiasAdd" ? 1 : 4) + (f.add ? 1 : 0);
  }
  const numArgs = ctx.attrs.int("num_args", ctx.inputs.length - 2);
  if (numArgs !== f.args || ctx.inputs.length - 2 !== f.args) {
    let what: string;
    if (f.norm === "FusedBatchNorm") what = `with FusedBatchNorm must have four extra arguments: scale, offset, mean, variance.`;
    else if (f.norm === "BiasAdd" && !f.add) what = `with BiasAdd must have one extra argument: bias.`;
    else what = `with [${ops.join(",")}] must have ${f.args} extra arguments`;
    throw ctx.error("InvalidArgumentError", `Fused ${name} ${what} (num_args=${numArgs}, ${ctx.inputs.length - 2} given)`);
  }
  return f;
}

function floatType(ctx: KernelContext, allowed: readonly number[]): number {
  const dt = ctx.inputs[0].dtype;
  if (!allowed.includes(dt)) throw ctx.error("InvalidArgumentError", `${ctx.node.op} does not support T=${cppDtypeName(dt)}`);
  for (const t of ctx.inputs) {
    if (t.dtype !== dt) throw ctx.error("InvalidArgumentError", `${ctx.node.op}: every input must be ${cppDtypeName(dt)}, got ${cppDtypeName(t.dtype)}`);
  }
  return dt;
}

const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;

// ---------------------------------------------------------------------------
// Activations and the per-channel checks

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function actTf(act: Act, y: TfTensor, alpha: number): TfTensor {
  switch (act) {
    case "Relu":
      return tf.relu(y);
    case "Relu6":
      return tf.relu6(y);
    case "Elu":
      return tf.elu(y);
    case "LeakyRelu":
      return tf.leakyRelu(y, alpha);
    case "Tanh":
      return tf.tanh(y);
    case "Sigmoid":
      return tf.sigmoid(y);
    case "_MklSwish":
      return tf.mul(y, tf.sigmoid(y));
    case "GeluExact":
      return tf.mul(tf.mul(y, 0.5), tf.add(tf.erf(tf.mul(y, Math.SQRT1_2)), 1));
    case "GeluApproximate":
      return tf.mul(tf.mul(y, 0.5), tf.add(tf.tanh(tf.mul(tf.add(y, tf.mul(tf.pow(y, 3), 0.044715)), SQRT_2_OVER_PI)), 1));
  }
}

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), for the double path. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

function actNum(act: Act, v: number, alpha: number): number {
  switch (act) {
    case "Relu":
      return v > 0 ? v : Number.isNaN(v) ? v : 0;
    case "Relu6":
      return Number.isNaN(v) ? v : Math.min(Math.max(v, 0), 6);
    case "Elu":
      return v < 0 ? Math.expm1(v) : v;
    case "LeakyRelu":
      return v < 0 ? v * alpha : v;
    case "Tanh":
      return Math.tanh(v);
    case "Sigmoid":
      return 1 / (1 + Math.exp(-v));
    case "_MklSwish":
      return v / (1 + Math.exp(-v));
    case "GeluExact":
      return 0.5 * v * (1 + erf(v * Math.SQRT1_2));
    case "GeluApproximate":
      return 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v ** 3)));
  }
}

/** Checks the BiasAdd / FusedBatchNorm args are [C] vectors. */
function checkChannelArgs(ctx: KernelContext, f: Fusion, channels: number): void {
  const names = f.norm === "FusedBatchNorm" ? ["scale", "offset", "mean", "variance"] : ["bias"];
  names.forEach((n, i) => {
    const t = ctx.inputs[2 + i];
    if (t.rank !== 1) throw ctx.error("InvalidArgumentError", `${n} must be 1-dimensional, got shape ${shapeText(t.shape)}`);
    if (t.shape[0] !== channels) throw ctx.error("InvalidArgumentError", `${n} must have as many elements as the output has channels: ${t.shape[0]} vs ${channels}`);
  });
}

function checkSide(ctx: KernelContext, side: Tensor, outShape: readonly number[]): void {
  if (shapeText(side.shape) !== shapeText(outShape)) {
    throw ctx.error("InvalidArgumentError", `the Add side input must have the output's shape ${shapeText(outShape)}, got ${shapeText(side.shape)}`);
  }
}

// ---------------------------------------------------------------------------
// Folded batch-norm weights, cached per node while the inputs are the same tensors

interface Folded {
  from: readonly Tensor[];
  w: TfTensor;
  bias: TfTensor;
}

const foldCache = new WeakMap<SessionState, Map<GNode, Folded>>();

function folded(ctx: KernelContext, head: "conv2d" | "depthwise", f: Fusion): Folded {
  let m = foldCache.get(ctx.state);
  if (!m) {
    const map = new Map<GNode, Folded>();
    foldCache.set(ctx.state, (m = map));
    ctx.state.onClose(() => {
      for (const e of map.values()) {
        e.w.dispose();
        e.bias.dispose();
      }
      map.clear();
    });
  }
  const from = ctx.inputs.slice(1, 6);
  const hit = m.get(ctx.node);
  if (hit && hit.from.length === from.length && hit.from.every((t, i) => t === from[i])) return hit;
  if (hit) {
    hit.w.dispose();
    hit.bias.dispose();
  }
  const [filter, scale, offset, mean, variance] = from;
  const where = ctx.node.name;
  const [w, bias] = tf.tidy(() => {
    const s = tf.mul(scale.tf(where), tf.rsqrt(tf.add(variance.tf(where), f.epsilon)));
    const b = tf.sub(offset.tf(where), tf.mul(mean.tf(where), s));
    const shape = head === "conv2d" ? [filter.shape[3]] : [filter.shape[2], filter.shape[3]];
    return [tf.keep(tf.mul(filter.tf(where), tf.reshape(s, shape))), tf.keep(b)];
  });
  const e: Folded = { from, w, bias };
  m.set(ctx.node, e);
  return e;
}

// ---------------------------------------------------------------------------
// _FusedMatMul

function fusedMatMul(ctx: KernelContext): Tensor[] {
  const f = parseFusion(ctx, "matmul");
  const dtype = floatType(ctx, [DataType.DT_FLOAT, DataType.DT_HALF, DataType.DT_BFLOAT16]);
  const [a, b] = ctx.inputs;
  if (a.rank !== 2) throw ctx.error("InvalidArgumentError", `In[0] is not a matrix. Instead it has shape ${shapeText(a.shape)}`);
  if (b.rank !== 2) throw ctx.error("InvalidArgumentError", `In[1] is not a matrix. Instead it has shape ${shapeText(b.shape)}`);
  const ta = ctx.attrs.bool("transpose_a", false);
  const tb = ctx.attrs.bool("transpose_b", false);
  const [M, K] = ta ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [K2, N] = tb ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (K !== K2) throw ctx.error("InvalidArgumentError", `Matrix size-incompatible: In[0]: ${shapeText(a.shape)}, In[1]: ${shapeText(b.shape)}`);
  checkChannelArgs(ctx, f, N);
  if (f.add) checkSide(ctx, ctx.inputs[3], [M, N]);
  if (M * N === 0) return [zerosTensor(dtype, [M, N])];
  const y = tf.tidy(() => {
    const bias = ctx.tf(2);
    const inKernel = f.act && !f.add ? IN_KERNEL[f.act] : undefined;
    let r: TfTensor;
    if (K === 0) r = tf.add(tf.zeros([M, N]), bias);
    else r = compute.matMul({ a: ctx.tf(0), b: ctx.tf(1), transposeA: ta, transposeB: tb, bias, activation: inKernel, leakyreluAlpha: f.alpha });
    if (f.add) r = tf.add(r, ctx.tf(3));
    if (f.act && (!inKernel || K === 0)) r = actTf(f.act, r, f.alpha);
    return r;
  });
  return [Tensor.fromTf(dtype, y)];
}

// ---------------------------------------------------------------------------
// _FusedConv2D / _FusedDepthwiseConv2dNative

interface ConvGeometry {
  cf: boolean;
  padding: Padding;
  strides: [number, number];
  dil: [number, number];
  /** Padding before/after per spatial dim, output sizes. */
  before: number[];
  after: number[];
  out: number[];
  outShape: number[];
  channels: number;
}

function spatial2(ctx: KernelContext, name: string, list: number[], cf: boolean): [number, number] {
  if (list.length !== 4) throw ctx.error("InvalidArgumentError", `Sliding window ${name} field must specify 4 dimensions`);
  const [n, c] = cf ? [list[0], list[1]] : [list[0], list[3]];
  if (n !== 1 || c !== 1) throw ctx.error("UnimplementedError", `Current implementation does not yet support ${name} in the batch and depth dimensions.`);
  const s: [number, number] = cf ? [list[2], list[3]] : [list[1], list[2]];
  if (s[0] <= 0 || s[1] <= 0) throw ctx.error("InvalidArgumentError", `${name} must be positive, got ${shapeText(list)}`);
  return s;
}

function convGeometry(ctx: KernelContext, head: "conv2d" | "depthwise"): ConvGeometry {
  const fmt = ctx.attrs.str("data_format", "NHWC");
  if (fmt !== "NHWC" && fmt !== "NCHW") throw ctx.error(fmt === "NCHW_VECT_C" ? "UnimplementedError" : "InvalidArgumentError", `Invalid or unsupported data format: ${fmt}`);
  if (ctx.attrs.str("filter_format", "HWIO") !== "HWIO") throw ctx.error("UnimplementedError", `Unsupported filter format: ${ctx.attrs.str("filter_format")}`);
  const cf = fmt === "NCHW";
  const strides = spatial2(ctx, "strides", ctx.attrs.ints("strides"), cf);
  const dil = spatial2(ctx, "dilations", ctx.attrs.ints("dilations", [1, 1, 1, 1]), cf);
  const padding = ctx.attrs.str("padding") as Padding;
  if (padding !== "SAME" && padding !== "VALID" && padding !== "EXPLICIT") throw ctx.error("InvalidArgumentError", `Unknown padding '${padding}'`);
  let explicit: [number, number][] = [];
  if (padding === "EXPLICIT") {
    const e = ctx.attrs.ints("explicit_paddings", []);
    if (e.length !== 8) throw ctx.error("InvalidArgumentError", `explicit_paddings attribute must contain 8 values, but got: ${e.length}`);
    if (e.some((v) => v < 0)) throw ctx.error("InvalidArgumentError", "All elements of explicit_paddings must be nonnegative");
    const pairs: [number, number][] = [0, 1, 2, 3].map((i) => [e[2 * i], e[2 * i + 1]]);
    const [nd, cd] = cf ? [pairs[0], pairs[1]] : [pairs[0], pairs[3]];
    if (nd[0] || nd[1] || cd[0] || cd[1]) throw ctx.error("UnimplementedError", "Nonzero padding in the batch or depth dimensions is not supported");
    explicit = cf ? pairs.slice(2) : pairs.slice(1, 3);
  }
  const [x, w] = ctx.inputs;
  if (x.rank !== 4) throw ctx.error("InvalidArgumentError", `input must be 4-dimensional ${shapeText(x.shape)}`);
  if (w.rank !== 4) throw ctx.error("InvalidArgumentError", `filter must be 4-dimensional: ${shapeText(w.shape)}`);
  const [N, H, W, C] = cf ? [x.shape[0], x.shape[2], x.shape[3], x.shape[1]] : x.shape;
  const [kh, kw, fin, fout] = w.shape;
  let channels: number;
  if (head === "depthwise") {
    if (fin !== C) throw ctx.error("InvalidArgumentError", `input and filter must have the same depth: ${C} vs ${fin}`);
    channels = fin * fout;
  } else {
    if (fin !== C) {
      if (fin > 0 && C % fin === 0) throw ctx.error("UnimplementedError", "Fused conv implementation does not support grouped convolutions for now.");
      throw ctx.error("InvalidArgumentError", `input depth must be evenly divisible by filter depth: ${C} vs ${fin}`);
    }
    channels = fout;
  }
  const win = windows(ctx, [H, W], [kh, kw], strides, dil, padding, explicit);
  const outShape = cf ? [N, channels, win.out[0], win.out[1]] : [N, win.out[0], win.out[1], channels];
  return { cf, padding, strides, dil, before: win.before, after: win.after, out: win.out, outShape, channels };
}

/** Inserts `d - 1` zero taps between the filter's taps along its two spatial dims. */
function dilate(w: TfTensor, dil: [number, number]): TfTensor {
  const [kh, kw, a, b] = w.shape;
  const [dh, dw] = dil;
  const eh = (kh - 1) * dh + 1;
  const ew = (kw - 1) * dw + 1;
  // [kh, 1, kw, 1, a, b] padded to [kh, dh, kw, dw, a, b], cut to the effective size
  const r = tf.reshape(w, [kh, 1, kw, 1, a, b]);
  const p = tf.pad(r, [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return tf.slice(tf.reshape(p, [kh * dh, kw * dw, a, b]), [0, 0, 0, 0], [eh, ew, a, b]);
}

function fusedConv(head: "conv2d" | "depthwise") {
  return (ctx: KernelContext): Tensor[] => {
    const f = parseFusion(ctx, head);
    const dtype = floatType(ctx, [DataType.DT_FLOAT, DataType.DT_HALF, DataType.DT_BFLOAT16, DataType.DT_DOUBLE]);
    const g = convGeometry(ctx, head);
    checkChannelArgs(ctx, f, g.channels);
    const sideIdx = f.add ? 3 : -1;
    if (f.add) checkSide(ctx, ctx.inputs[sideIdx], g.outShape);
    if (prod(g.outShape) === 0) return [zerosTensor(dtype, g.outShape)];
    if (dtype === DataType.DT_DOUBLE) return [convHost(ctx, head, f, g)];
    const [x, w] = ctx.inputs;
    const y = tf.tidy(() => {
      let xt = ctx.tf(0);
      if (g.cf) xt = tf.transpose(xt, toLast(4));
      let filter: TfTensor;
      let bias: TfTensor;
      if (f.norm === "FusedBatchNorm") ({ w: filter, bias } = folded(ctx, head, f));
      else [filter, bias] = [ctx.tf(1), ctx.tf(2)];
      const inKernel = f.act && !f.add ? IN_KERNEL[f.act] : undefined;
      let r: TfTensor;
      if (x.size === 0 || w.size === 0) {
        r = tf.add(tf.zeros(toLastShape(g.outShape, g.cf)), bias);
      } else {
        let pad: "same" | "valid" = g.padding === "SAME" ? "same" : "valid";
        if (g.padding === "EXPLICIT" && [...g.before, ...g.after].some((v) => v > 0)) {
          xt = tf.pad(xt, [[0, 0], [g.before[0], g.after[0]], [g.before[1], g.after[1]], [0, 0]]);
          pad = "valid";
        }
        let dil = g.dil;
        if ((dil[0] > 1 || dil[1] > 1) && (g.strides[0] > 1 || g.strides[1] > 1)) {
          filter = dilate(filter, dil);
          dil = [1, 1];
        }
        const conv = head === "conv2d" ? compute.conv2d : compute.depthwiseConv2d;
        r = conv({ x: xt, filter, strides: g.strides, pad, dilations: dil, bias, activation: inKernel, leakyreluAlpha: f.alpha });
      }
      if (f.add) {
        let side = ctx.tf(sideIdx);
        if (g.cf) side = tf.transpose(side, toLast(4));
        r = tf.add(r, side);
      }
      if (f.act && (!inKernel || x.size === 0 || w.size === 0)) r = actTf(f.act, r, f.alpha);
      return g.cf ? tf.transpose(r, toFirst(4)) : r;
    });
    return [Tensor.fromTf(dtype, y)];
  };
}

const toLastShape = (s: readonly number[], cf: boolean) => (cf ? [s[0], s[2], s[3], s[1]] : s.slice());

/** float64: the plain conv kernel's exact host path, then the epilogue in double. */
function convHost(ctx: KernelContext, head: "conv2d" | "depthwise", f: Fusion, g: ConvGeometry): Tensor {
  const plain = head === "conv2d" ? nnKernels.Conv2D : nnKernels.DepthwiseConv2dNative;
  const sub: KernelContext = Object.create(ctx, { inputs: { value: ctx.inputs.slice(0, 2) } });
  const [conv] = plain.run(sub);
  const y = Float64Array.from(conv.numbers());
  const C = g.channels;
  const inner = g.cf ? g.out[0] * g.out[1] : 1;
  const args = ctx.inputs.slice(2).map((t) => t.numbers());
  let scale: number[] | null = null;
  let shift: number[];
  if (f.norm === "FusedBatchNorm") {
    const [s, o, m, v] = args;
    scale = s.map((sv, c) => sv / Math.sqrt(v[c] + f.epsilon));
    shift = o.map((ov, c) => ov - m[c] * scale![c]);
  } else shift = args[0];
  const side = f.add ? args[1] : null;
  for (let i = 0; i < y.length; i++) {
    const c = Math.floor(i / inner) % C;
    let v = scale ? y[i] * scale[c] + shift[c] : y[i] + shift[c];
    if (side) v += side[i];
    y[i] = f.act ? actNum(f.act, v, f.alpha) : v;
  }
  return Tensor.fromHost(DataType.DT_DOUBLE, { dtype: "float64", shape: g.outShape, data: y });
}

// ---------------------------------------------------------------------------
// _FusedBatchMatMulV2 (oneDNN): BatchMatMulV2 then Mul and/or Add

function fusedBatchMatMul(ctx: KernelContext): Tensor[] {
  const f = parseFusion(ctx, "batchmatmul");
  const dtype = floatType(ctx, [DataType.DT_FLOAT, DataType.DT_HALF, DataType.DT_BFLOAT16]);
  // The product is the plain BatchMatMulV2 kernel's (its checks, broadcasting and wording), then the epilogue.
  const sub: KernelContext = Object.create(ctx, { inputs: { value: ctx.inputs.slice(0, 2) } });
  const [product] = mathKernels.BatchMatMulV2.run(sub);
  const outShape = product.shape;
  try {
    const y = tf.tidy(() => {
      let r = product.tf(ctx.node.name);
      let i = 2;
      if (f.mul) r = tf.mul(r, ctx.tf(i++));
      if (f.add) r = tf.add(r, ctx.tf(i++));
      if (shapeText(r.shape) !== shapeText(outShape)) throw ctx.error("InvalidArgumentError", `the fused args must broadcast to the product's shape ${shapeText(outShape)}, got ${shapeText(r.shape)}`);
      return r;
    });
    return [Tensor.fromTf(dtype, y)];
  } finally {
    product.disposeIfUnowned();
  }
}

export const fusedKernels: KernelTable = {
  _FusedMatMul: op("product", fusedMatMul),
  _FusedConv2D: op("output", fusedConv("conv2d")),
  _FusedDepthwiseConv2dNative: op("output", fusedConv("depthwise")),
  _FusedBatchMatMulV2: op("output", fusedBatchMatMul),
};
