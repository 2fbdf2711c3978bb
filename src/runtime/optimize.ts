/**
 * Plan-level rewrites, decided once per compiled plan:
 *
 * - Fusion: a Conv2D / DepthwiseConv2dNative / MatMul followed (through
 *   single-consumer links) by per-channel affine ops — BiasAdd, Add, Sub,
 *   Mul, i.e. a bias and an inference batch norm as Keras writes them — and
 *   an activation becomes one fused kernel: the scales fold into the
 *   weights, the offsets into one bias, the activation into the epilogue.
 *   If at run time an operand is not per-channel, the original ops run.
 * - Memoization: a pure node whose inputs derive only from constants and
 *   variable reads (folded batch-norm scales, weight transposes, shape
 *   arithmetic) keeps its last inputs and outputs; when every input is the
 *   same tensor object as last time — variables return the same tensor until
 *   assigned — the outputs are reused instead of recomputed.
 */
import { refKey, type GNode, type Graph, type TensorRef } from "./graph.js";
import type { SessionState } from "./state.js";
import type { KernelContext, KernelSpec } from "./kernels/types.js";
import { KERNEL_FAMILY } from "./kernels/index.js";
import { invoke, type Value } from "./invoke.js";
import { Tensor } from "./tensor.js";
import { tf, type TfTensor } from "./backend.js";
import { DataType } from "../dtypes.js";
import * as compute from "./compute.js";

export interface Unit {
  /** The node whose outputs the unit produces (the last node of a fused chain). */
  node: number;
  kernel: KernelSpec;
  inputs: TensorRef[];
  memo: boolean;
}


const PURE_FAMILIES = new Set(["math", "nn", "array", "image", "string", "sparse"]);
const PURE_CONTROL = new Set(["Identity", "Snapshot", "StopGradient", "PreventGradient"]);

function isPure(node: GNode): boolean {
  return PURE_FAMILIES.has(KERNEL_FAMILY[node.op] ?? "") || PURE_CONTROL.has(node.op);
}

type Head = "conv2d" | "depthwise" | "matmul";
const HEADS: Record<string, Head> = { Conv2D: "conv2d", DepthwiseConv2dNative: "depthwise", MatMul: "matmul" };
const ACTIVATIONS: Record<string, compute.Activation> = { Relu: "relu", Relu6: "relu6", Elu: "elu", Sigmoid: "sigmoid", LeakyRelu: "leakyrelu" };

type Affine = { kind: "add" | "sub" | "mul"; operand: number /* index into the unit's extra inputs */ };

interface Chain {
  head: Head;
  nodes: number[];
  affine: Affine[];
  activation?: compute.Activation;
  leakyreluAlpha?: number;
  x: TensorRef;
  w: TensorRef;
  operands: TensorRef[];
}

function isFloat(node: GNode): boolean {
  try {
    return node.attrs.type("T") === DataType.DT_FLOAT;
  } catch {
    return false;
  }
}

/** Whether the head's attrs are ones tfjs's fused kernels take as they are. */
function headSupported(node: GNode, head: Head): boolean {
  if (!isFloat(node) || node.inputs.length !== 2) return false;
  if (head === "matmul") return true;
  const a = node.attrs;
  if (a.str("data_format", "NHWC") !== "NHWC") return false;
  const padding = a.str("padding");
  if (padding !== "SAME" && padding !== "VALID") return false;
  const s = a.ints("strides");
  const d = a.ints("dilations", [1, 1, 1, 1]);
  if (s.length !== 4 || s[0] !== 1 || s[3] !== 1 || d.length !== 4 || d[0] !== 1 || d[3] !== 1) return false;
  if ((d[1] > 1 || d[2] > 1) && (s[1] > 1 || s[2] > 1)) return false;
  if (head === "depthwise" && s[1] !== s[2]) return false;
  return true;
}

function findChains(graph: Graph, order: readonly number[], fetches: readonly TensorRef[]): Chain[] {
  const inPlan = new Set(order);
  const uses = new Map<number, number>();
  const consumer = new Map<number, number>();
  const controlTargets = new Set<number>();
  const outputsUsed = new Map<number, Set<number>>();
  for (const n of order) {
    const node = graph.nodes[n];
    for (const r of node.inputs) {
      uses.set(refKey(r), (uses.get(refKey(r)) ?? 0) + 1);
      consumer.set(refKey(r), n);
      let s = outputsUsed.get(r.node);
      if (!s) outputsUsed.set(r.node, (s = new Set()));
      s.add(r.out);
    }
    for (const c of node.controls) controlTargets.add(c);
  }
  for (const f of fetches) uses.set(refKey(f), Infinity);
  /** The sole consumer of output 0 of `n`, if it is the only use of any of n's outputs. */
  const soleConsumer = (n: number): number | undefined => {
    if (controlTargets.has(n) || (outputsUsed.get(n)?.size ?? 0) !== 1 || uses.get(refKey({ node: n, out: 0 })) !== 1) return undefined;
    const c = consumer.get(refKey({ node: n, out: 0 }));
    return c !== undefined && inPlan.has(c) ? c : undefined;
  };
  const chains: Chain[] = [];
  for (const n of order) {
    const node = graph.nodes[n];
    const head = HEADS[node.op];
    if (!head || !headSupported(node, head)) continue;
    const chain: Chain = { head, nodes: [n], affine: [], x: node.inputs[0], w: node.inputs[1], operands: [] };
    let cur = n;
    for (let guard = 0; guard < 6; guard++) {
      const c = soleConsumer(cur);
      if (c === undefined) break;
      const cn = graph.nodes[c];
      if (!isFloat(cn) || cn.inputs.length < 1) break;
      const pos = cn.inputs.findIndex((r) => r.node === cur && r.out === 0);
      const other = cn.inputs[1 - pos];
      const act = ACTIVATIONS[cn.op];
      if (act && cn.inputs.length === 1) {
        chain.nodes.push(c);
        chain.activation = act;
        if (act === "leakyrelu") chain.leakyreluAlpha = cn.attrs.float("alpha", 0.2);
        break;
      }
      if (cn.inputs.length !== 2 || chain.activation) break;
      let kind: Affine["kind"] | undefined;
      if (cn.op === "BiasAdd" && pos === 0 && cn.attrs.str("data_format", "NHWC") === "NHWC") kind = "add";
      else if ((cn.op === "Add" || cn.op === "AddV2") && pos >= 0) kind = "add";
      else if (cn.op === "Sub" && pos === 0) kind = "sub";
      else if (cn.op === "Mul" && pos >= 0) kind = "mul";
      if (!kind || other.node === cur) break;
      chain.affine.push({ kind, operand: chain.operands.length });
      chain.operands.push(other);
      chain.nodes.push(c);
      cur = c;
    }
    if (chain.nodes.length > 1) chains.push(chain);
  }
  return chains;
}

/** Number of output channels of the head's result, from its weights. */
function channels(head: Head, w: Tensor, transposeB: boolean): number {
  if (head === "conv2d") return w.shape[3];
  if (head === "depthwise") return w.shape[2] * w.shape[3];
  return transposeB ? w.shape[0] : w.shape[1];
}

/** A per-channel operand as a [C] vector, or undefined when it broadcasts otherwise. */
function perChannel(t: Tensor, c: number): "scalar" | "vector" | undefined {
  if (t.dtype !== DataType.DT_FLOAT) return undefined;
  if (t.size === 1 && t.rank <= 1) return "scalar";
  if (t.size === c && t.shape[t.rank - 1] === c) return "vector";
  return undefined;
}

function fusedKernel(state: SessionState, graph: Graph, chain: Chain, kernelSpecOf: (node: GNode) => KernelSpec): KernelSpec {
  const head = graph.nodes[chain.nodes[0]];
  const transposeA = chain.head === "matmul" && head.attrs.bool("transpose_a", false);
  const transposeB = chain.head === "matmul" && head.attrs.bool("transpose_b", false);
  const strides: [number, number] = chain.head === "matmul" ? [1, 1] : [head.attrs.ints("strides")[1], head.attrs.ints("strides")[2]];
  const dilations: [number, number] = chain.head === "matmul" ? [1, 1] : [head.attrs.ints("dilations", [1, 1, 1, 1])[1], head.attrs.ints("dilations", [1, 1, 1, 1])[2]];
  const pad = chain.head === "matmul" ? "valid" : (head.attrs.str("padding").toLowerCase() as "same" | "valid");
  // Folded weights (only when a scale folds into them) and bias, kept while the weights and operands are the same tensors.
  let cachedFrom: readonly Tensor[] = [];
  let cachedW: TfTensor | undefined;
  let cachedBias: TfTensor | undefined;
  state.onClose(() => {
    cachedW?.dispose();
    cachedBias?.dispose();
  });

  /** The original ops, one after another (operands not per-channel). */
  const unfused = (ctx: KernelContext): Tensor[] => {
    const [x, w, ...ops] = ctx.inputs;
    let y: Value = invoke(state, graph, head, kernelSpecOf(head), [x, w])[0];
    try {
      chain.nodes.slice(1).forEach((n, i) => {
        const node = graph.nodes[n];
        const values: Value[] = node.inputs.map((r) => (r.node === chain.nodes[i] ? y : ops[chain.operands.findIndex((o) => o.node === r.node && o.out === r.out)]));
        const prev = y;
        y = invoke(state, graph, node, kernelSpecOf(node), values)[0];
        if (prev instanceof Tensor && prev !== y) prev.disposeIfUnowned();
      });
    } catch (e) {
      // The intermediate a later op refused belongs to no one: free it.
      if (y instanceof Tensor) y.disposeIfUnowned();
      throw e;
    }
    return [y as Tensor];
  };

  /**
   * The fused kernels skip tfjs's own shape checks (and a bad shape can crash
   * the wasm module), so the geometry is checked here; anything unusual takes
   * the unfused path, which reports TF's error.
   */
  const shapesOk = (x: Tensor, w: Tensor): boolean => {
    if (chain.head === "matmul") {
      const k1 = transposeA ? x.shape[0] : x.shape[1];
      const k2 = transposeB ? w.shape[1] : w.shape[0];
      return k1 === k2 && k1 > 0 && x.size > 0 && w.size > 0;
    }
    const [, h, wd, cin] = x.shape;
    const [fh, fw, fcin] = w.shape;
    if (x.size === 0 || w.size === 0 || fcin !== cin) return false;
    const eh = (fh - 1) * dilations[0] + 1;
    const ew = (fw - 1) * dilations[1] + 1;
    if (pad === "valid" && (h < eh || wd < ew)) return false;
    return h > 0 && wd > 0;
  };

  const run = (ctx: KernelContext): Tensor[] => {
    const [x, w, ...ops] = ctx.inputs;
    if (x.dtype !== DataType.DT_FLOAT || w.dtype !== DataType.DT_FLOAT) return unfused(ctx);
    if (chain.head === "matmul" ? x.rank !== 2 || w.rank !== 2 : x.rank !== 4 || w.rank !== 4) return unfused(ctx);
    if (!shapesOk(x, w)) return unfused(ctx);
    const c = channels(chain.head, w, transposeB);
    const kinds = ops.map((t) => perChannel(t, c));
    if (kinds.some((k) => k === undefined)) return unfused(ctx);
    const from = [w, ...ops];
    if (from.length !== cachedFrom.length || from.some((t, i) => t !== cachedFrom[i])) {
      cachedW?.dispose();
      cachedBias?.dispose();
      [cachedW, cachedBias] = tf.tidy(() => {
        let scale: TfTensor | undefined;
        let bias: TfTensor | undefined;
        const vec = (t: Tensor) => tf.reshape(t.tf(ctx.node.name), [t.size === 1 ? 1 : c]);
        for (const a of chain.affine) {
          const v = vec(ops[a.operand]);
          if (a.kind === "add") bias = bias ? tf.add(bias, v) : v;
          else if (a.kind === "sub") bias = bias ? tf.sub(bias, v) : tf.neg(v);
          else {
            scale = scale ? tf.mul(scale, v) : v;
            if (bias) bias = tf.mul(bias, v);
          }
        }
        let wf: TfTensor | undefined;
        if (scale) {
          const s = scale.size === 1 ? tf.broadcastTo(scale, [c]) : scale;
          const shape = chain.head === "conv2d" ? [c] : chain.head === "depthwise" ? [w.shape[2], w.shape[3]] : transposeB ? [c, 1] : [c];
          wf = tf.keep(tf.mul(w.tf(ctx.node.name), tf.reshape(s, shape)));
        }
        const b = bias ? (bias.size === 1 ? tf.broadcastTo(bias, [c]) : bias) : undefined;
        return [wf, b ? tf.keep(b) : undefined] as const;
      });
      cachedFrom = from;
    }
    const epilogue = { bias: cachedBias, activation: chain.activation, leakyreluAlpha: chain.leakyreluAlpha };
    const xt = x.tf(ctx.node.name);
    const filter = cachedW ?? w.tf(ctx.node.name);
    const out =
      chain.head === "matmul"
        ? compute.matMul({ a: xt, b: filter, transposeA, transposeB, ...epilogue })
        : (chain.head === "conv2d" ? compute.conv2d : compute.depthwiseConv2d)({ x: xt, filter, strides, pad, dilations, ...epilogue });
    return [Tensor.fromTf(DataType.DT_FLOAT, out)];
  };
  return { outputs: "output", run };
}

/** Units for the plan: one per node, except fused chains, which become one unit at their last node. */
export function optimize(
  state: SessionState,
  graph: Graph,
  order: readonly number[],
  fetches: readonly TensorRef[],
  kernelFor: (node: GNode) => KernelSpec,
): Unit[] {
  const absorbed = new Set<number>();
  const fused = new Map<number, Unit>();
  if (process.env.TFSM_NO_FUSION !== "1") {
    for (const chain of findChains(graph, order, fetches)) {
      if (chain.nodes.some((n) => absorbed.has(n) || fused.has(n))) continue;
      const last = chain.nodes[chain.nodes.length - 1];
      for (const n of chain.nodes) if (n !== last) absorbed.add(n);
      fused.set(last, { node: last, kernel: fusedKernel(state, graph, chain, kernelFor), inputs: [chain.x, chain.w, ...chain.operands], memo: false });
    }
  }
  // Stable: derives only from constants and variable reads.
  const stable = new Set<number>();
  const units: Unit[] = [];
  for (const n of order) {
    if (absorbed.has(n)) continue;
    const f = fused.get(n);
    if (f) {
      units.push(f);
      continue;
    }
    const node = graph.nodes[n];
    const leaf = node.op === "Const" || node.op === "ReadVariableOp";
    const derived = !leaf && isPure(node) && node.inputs.length > 0 && node.inputs.every((r) => stable.has(r.node));
    if (leaf || derived) stable.add(n);
    units.push({ node: n, kernel: kernelFor(node), inputs: node.inputs, memo: derived });
  }
  return units;
}
