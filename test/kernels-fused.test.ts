import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { runOp, setup, tensor, floats, attr, nodeDef, sessionFor, DataType, Tensor } from "./support/ops.js";
import type { AttrValue } from "../src/proto/gen/graph_pb.js";
import { TfsmError } from "../src/errors.js";
import * as compute from "../src/runtime/compute.js";
import { shutdown, whenReady } from "../src/runtime/parallel/pool.js";
import { DT, refAttr, type RefCase, type RefTensor } from "./support/kernel-refs.js";

test.before(setup);

// Expected values: numpy float64 references of TF's documented formulas (scripts/make-kernel-refs-fused.py).
const cases: RefCase[] = JSON.parse(readFileSync(new URL("./data/kernels/fused.json", import.meta.url), "utf8"));

const FLOAT_ATTRS = new Set(["epsilon", "leakyrelu_alpha"]);

const attrsOf = (attrs: Record<string, unknown>, dtype: number): Record<string, AttrValue> => ({
  T: attr.type(dtype),
  ...Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, refAttr(k, v, FLOAT_ATTRS)])),
});

function close(actual: Tensor, want: RefTensor, label: string, [rel, abs] = want.dtype === "double" ? [1e-12, 1e-12] : [1e-4, 2e-5]): void {
  assert.equal(actual.dtype, DT[want.dtype], `${label}: dtype`);
  assert.equal(actual.shape, want.shape, `${label}: shape`);
  const got = actual.numbers();
  for (let i = 0; i < got.length; i++) {
    const w = want.values[i];
    if (!(got[i] === w || Math.abs(got[i] - w) <= abs + rel * Math.abs(w))) assert.unreachable(`${label}: [${i}] ${got[i]} vs ${w}`);
  }
}

const toTensor = (d: RefTensor, dtype = DT[d.dtype]) => tensor(dtype, d.shape, d.values);

for (const c of cases) {
  test(`${c.op}: ${c.name} (numpy reference)`, () => {
    const [y] = runOp(c.op, c.inputs.map((d) => toTensor(d)), attrsOf(c.attrs, DT[c.inputs[0].dtype]));
    close(y, c.outputs[0], c.name);
  });
}

test("_FusedMatMul in half precision computes in float32 and rounds to half", () => {
  const c = cases.find((k) => k.op === "_FusedMatMul" && k.name === "BiasAdd+Relu, transpose_a")!;
  const [y] = runOp(c.op, c.inputs.map((d) => toTensor(d, DataType.DT_HALF)), attrsOf(c.attrs, DataType.DT_HALF));
  close(y, { ...c.outputs[0], dtype: "half" }, "half", [3e-3, 3e-3]);
});

// ---------------------------------------------------------------------------
// The fused op equals its unfused sequence run through our own kernels

let seed = 12345;
function rand(n: number, scale = 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out.push(Math.fround(((seed / 2147483648) * 2 - 1) * scale));
  }
  return out;
}
const randT = (shape: number[], scale = 1) => floats(shape, rand(shape.reduce((p, d) => p * d, 1), scale));

const F = attr.type(DataType.DT_FLOAT);

/** Runs a graph of placeholders in0.. and `nodes`, fetching `fetch`; with the plan optimizer's own fusion off when `noFusion`. */
function runGraph(inputs: Tensor[], nodes: ReturnType<typeof nodeDef>[], fetch: string, noFusion: boolean): Tensor {
  const before = process.env.TFSM_NO_FUSION;
  if (noFusion) process.env.TFSM_NO_FUSION = "1";
  try {
    const placeholders = inputs.map((t, i) => nodeDef(`in${i}`, "Placeholder", [], { dtype: attr.type(t.dtype) }));
    const s = sessionFor([...placeholders, ...nodes]);
    try {
      const [y] = s.run(inputs.map((t, i) => [`in${i}:0`, t] as const), [fetch]);
      const copy = Tensor.fromHost(y.dtype, y.host());
      y.release();
      return copy;
    } finally {
      s.close();
    }
  } finally {
    if (before === undefined) delete process.env.TFSM_NO_FUSION;
    else process.env.TFSM_NO_FUSION = before;
  }
}

function same(a: Tensor, b: Tensor, label: string, tol = 1e-5): void {
  assert.equal(a.shape, b.shape, `${label}: shape`);
  const x = a.numbers();
  const y = b.numbers();
  for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])))) assert.unreachable(`${label}: [${i}] ${x[i]} vs ${y[i]}`);
}

/** The activation node after `input`, as the unfused graph writes it. */
function actNode(name: string, act: string, input: string, alpha: number): ReturnType<typeof nodeDef> {
  const attrs: Record<string, AttrValue> = { T: F };
  if (act === "LeakyRelu") attrs.alpha = attr.float(alpha);
  return nodeDef(name, act, [input], attrs);
}

for (const act of [null, "Relu", "Relu6", "Elu", "LeakyRelu", "Tanh", "Sigmoid"]) {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
  ] as const) {
    test(`_FusedMatMul [BiasAdd${act ? "," + act : ""}] ta=${ta} tb=${tb} equals MatMul→BiasAdd${act ? "→" + act : ""} (random inputs)`, () => {
      const [M, K, N] = [33, 70, 21];
      const a = randT(ta ? [K, M] : [M, K], 2);
      const b = randT(tb ? [N, K] : [K, N], 2);
      const bias = randT([N]);
      const fusedOps = act ? ["BiasAdd", act] : ["BiasAdd"];
      const mm = { T: F, transpose_a: attr.bool(ta), transpose_b: attr.bool(tb) };
      const fused = runGraph([a, b, bias], [nodeDef("f", "_FusedMatMul", ["in0", "in1", "in2"], { ...mm, fused_ops: attr.strs(fusedOps), num_args: attr.int(1), leakyrelu_alpha: attr.float(0.3) })], "f:0", false);
      const chain = [nodeDef("mm", "MatMul", ["in0", "in1"], mm), nodeDef("ba", "BiasAdd", ["mm", "in2"], { T: F })];
      if (act) chain.push(actNode("act", act, "ba", 0.3));
      const last = act ? "act:0" : "ba:0";
      same(fused, runGraph([a, b, bias], chain, last, true), "kernel by kernel");
      same(fused, runGraph([a, b, bias], chain, last, false), "the plan optimizer's fusion");
    });
  }
}

for (const [act, cf, padding, strides, dil] of [
  ["Relu", false, "SAME", [1, 1], [1, 1]],
  ["Relu6", true, "VALID", [2, 2], [1, 1]],
  ["Elu", false, "SAME", [1, 1], [2, 2]],
  ["LeakyRelu", true, "SAME", [2, 1], [1, 1]],
  [null, false, "VALID", [1, 2], [1, 1]],
] as const) {
  for (const depthwise of [false, true]) {
    const op = depthwise ? "DepthwiseConv2dNative" : "Conv2D";
    for (const norm of ["BiasAdd", "FusedBatchNorm"] as const) {
      test(`_Fused${op} [${norm}${act ? "," + act : ""}] ${cf ? "NCHW" : "NHWC"} ${padding} strides ${strides} dilations ${dil} equals the unfused ops (random inputs)`, () => {
        const [N, H, W, C, M] = [2, 9, 8, 3, depthwise ? 2 : 4];
        const x = randT(cf ? [N, C, H, W] : [N, H, W, C], 2);
        const w = randT([3, 3, C, M]);
        const Cout = depthwise ? C * M : M;
        const args = norm === "BiasAdd" ? [randT([Cout])] : [randT([Cout]), randT([Cout]), randT([Cout]), floats([Cout], rand(Cout).map((v) => Math.fround(1.2 + v)))];
        const full = (v: readonly number[]) => (cf ? [1, 1, ...v] : [1, ...v, 1]);
        const convAttrs = { T: F, strides: attr.ints(full(strides)), dilations: attr.ints(full(dil)), padding: attr.str(padding), data_format: attr.str(cf ? "NCHW" : "NHWC") };
        const fusedOps = act ? [norm, act] : [norm];
        const ins = [x, w, ...args];
        const names = ins.map((_, i) => `in${i}`);
        const fused = runGraph(ins, [nodeDef("f", `_Fused${op}`, names, { ...convAttrs, fused_ops: attr.strs(fusedOps), num_args: attr.int(args.length), epsilon: attr.float(0.001), leakyrelu_alpha: attr.float(0.3) })], "f:0", false);
        const chain = [nodeDef("conv", op, ["in0", "in1"], convAttrs)];
        if (norm === "BiasAdd") chain.push(nodeDef("n", "BiasAdd", ["conv", "in2"], { T: F, data_format: attr.str(cf ? "NCHW" : "NHWC") }));
        else chain.push(nodeDef("n", "FusedBatchNormV3", ["conv", "in2", "in3", "in4", "in5"], { T: F, U: F, epsilon: attr.float(0.001), is_training: attr.bool(false), data_format: attr.str(cf ? "NCHW" : "NHWC") }));
        if (act) chain.push(actNode("act", act, "n", 0.3));
        same(fused, runGraph(ins, chain, act ? "act:0" : "n:0", true), "kernel by kernel", 2e-5);
      });
    }
  }
}

// ---------------------------------------------------------------------------
// Errors and edges

function throwsTf(f: () => unknown, pyClass: string, re: RegExp): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, TfsmError);
    assert.is((e as TfsmError).pyClass, pyClass);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable("expected an error");
}

const mmAttrs = (ops: string[], n: number) => ({ T: F, fused_ops: attr.strs(ops), num_args: attr.int(n) });

test("an unsupported fused_ops combination is TF's UnimplementedError naming it", () => {
  const [a, b, bias] = [randT([2, 3]), randT([3, 4]), randT([4])];
  throwsTf(() => runOp("_FusedMatMul", [a, b, bias], mmAttrs(["BiasAdd", "Softplus"], 1)), "UnimplementedError", /Fusion is not implemented: \[BiasAdd,Softplus\] \(node 'op'/);
  throwsTf(() => runOp("_FusedMatMul", [a, b, bias, bias, bias, bias], mmAttrs(["FusedBatchNorm"], 4)), "UnimplementedError", /Fusion is not implemented: \[FusedBatchNorm\]/);
  throwsTf(() => runOp("_FusedMatMul", [a, b, bias], mmAttrs(["Relu", "BiasAdd"], 1)), "UnimplementedError", /Fusion is not implemented: \[Relu,BiasAdd\]/);
  const x = randT([1, 4, 4, 3]);
  const w = randT([3, 3, 3, 4]);
  const conv = { T: F, strides: attr.ints([1, 1, 1, 1]), padding: attr.str("SAME") };
  throwsTf(() => runOp("_FusedConv2D", [x, w, bias], { ...conv, fused_ops: attr.strs(["BiasAdd", "Tanh"]), num_args: attr.int(1) }), "UnimplementedError", /Fusion is not implemented: \[BiasAdd,Tanh\]/);
  throwsTf(() => runOp("_FusedConv2D", [x, w], { ...conv, fused_ops: attr.strs([]), num_args: attr.int(0) }), "InvalidArgumentError", /Fused Conv2D must have at least one fused op/);
});

test("a wrong number of args is TF's InvalidArgumentError for the fusion", () => {
  const [a, b, bias] = [randT([2, 3]), randT([3, 4]), randT([4])];
  throwsTf(() => runOp("_FusedMatMul", [a, b, bias, bias], mmAttrs(["BiasAdd", "Relu"], 2)), "InvalidArgumentError", /Fused MatMul with BiasAdd must have one extra argument: bias/);
  const x = randT([1, 4, 4, 3]);
  const w = randT([3, 3, 3, 4]);
  throwsTf(
    () => runOp("_FusedConv2D", [x, w, bias, bias], { T: F, strides: attr.ints([1, 1, 1, 1]), padding: attr.str("SAME"), fused_ops: attr.strs(["FusedBatchNorm"]), num_args: attr.int(2) }),
    "InvalidArgumentError",
    /Fused Conv2D with FusedBatchNorm must have four extra arguments: scale, offset, mean, variance/,
  );
});

test("shape errors: matrix sizes, bias length, grouped convolution", () => {
  throwsTf(() => runOp("_FusedMatMul", [randT([2, 3]), randT([4, 4]), randT([4])], mmAttrs(["BiasAdd"], 1)), "InvalidArgumentError", /Matrix size-incompatible: In\[0\]: \[2,3\], In\[1\]: \[4,4\]/);
  throwsTf(() => runOp("_FusedMatMul", [randT([2, 3]), randT([3, 4]), randT([3])], mmAttrs(["BiasAdd"], 1)), "InvalidArgumentError", /bias must have as many elements as the output has channels: 3 vs 4/);
  const conv = { T: F, strides: attr.ints([1, 1, 1, 1]), padding: attr.str("SAME"), fused_ops: attr.strs(["BiasAdd"]), num_args: attr.int(1) };
  throwsTf(() => runOp("_FusedConv2D", [randT([1, 4, 4, 4]), randT([3, 3, 2, 4]), randT([4])], conv), "UnimplementedError", /does not support grouped convolutions/);
});

test("empty outputs and an empty contraction (bias, then the activation)", () => {
  const [e] = runOp("_FusedMatMul", [randT([0, 3]), randT([3, 4]), randT([4])], mmAttrs(["BiasAdd", "Relu"], 1));
  assert.equal(e.shape, [0, 4]);
  const [z] = runOp("_FusedMatMul", [floats([2, 0], []), floats([0, 3], []), floats([3], [-1, 0.5, 2])], mmAttrs(["BiasAdd", "Relu"], 1));
  assert.equal(z.numbers(), [0, 0.5, 2, 0, 0.5, 2]);
});

test("fused convs and matMuls go through compute.ts: cut across worker threads, bit-identical to one thread", async () => {
  const saved = process.env.TFSM_THREADS;
  await shutdown();
  process.env.TFSM_THREADS = "2";
  try {
    assert.ok(await whenReady(), "workers start");
    const x = randT([2, 10, 9, 4], 2);
    const w = randT([3, 3, 4, 5]);
    const bn = [randT([5]), randT([5]), randT([5]), floats([5], [1, 1.5, 0.5, 2, 1.2])];
    const convAttrs = { T: F, strides: attr.ints([1, 1, 1, 1]), padding: attr.str("SAME"), fused_ops: attr.strs(["FusedBatchNorm", "Relu6"]), num_args: attr.int(4) };
    const a = randT([40, 64]);
    const b = randT([64, 24]);
    const bias = randT([24]);
    const dw = randT([3, 3, 4, 1]);
    const dwBias = randT([4]);
    const run = () => [
      runOp("_FusedConv2D", [x, w, ...bn], convAttrs)[0],
      runOp("_FusedDepthwiseConv2dNative", [x, dw, dwBias], { ...convAttrs, fused_ops: attr.strs(["BiasAdd", "Relu"]), num_args: attr.int(1) })[0],
      runOp("_FusedMatMul", [a, b, bias], mmAttrs(["BiasAdd", "Elu"], 1))[0],
    ];
    compute.parallelOptions.disable = true;
    const one = run();
    compute.parallelOptions.disable = false;
    const before = Object.values(compute.parallelStats).reduce((p, v) => p + v, 0);
    compute.parallelOptions.force = true;
    let cut: Tensor[];
    try {
      cut = run();
    } finally {
      compute.parallelOptions.force = false;
    }
    assert.is(Object.values(compute.parallelStats).reduce((p, v) => p + v, 0) - before, 3, "each op was cut");
    one.forEach((t, i) => assert.equal(cut[i].numbers(), t.numbers(), `op ${i}: bit-identical`));
  } finally {
    compute.parallelOptions.force = false;
    compute.parallelOptions.disable = false;
    await shutdown();
    if (saved === undefined) delete process.env.TFSM_THREADS;
    else process.env.TFSM_THREADS = saved;
  }
});

test.run();
