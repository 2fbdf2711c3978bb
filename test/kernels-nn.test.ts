import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { runOp, setup, tensor, floats, ints, attr, DataType, Tensor } from "./support/ops.js";
import type { AttrValue } from "../src/proto/gen/graph_pb.js";
import { TfsmError } from "../src/errors.js";
import { tf } from "../src/runtime/backend.js";
import { DT, refAttr, refTensor, type RefCase, type RefTensor } from "./support/kernel-refs.js";

test.before(setup);

const cases: RefCase[] = JSON.parse(readFileSync(new URL("./data/kernels/nn.json", import.meta.url), "utf8"));

const FLOAT_ATTRS = new Set(["epsilon", "alpha", "bias", "beta", "exponential_avg_factor", "variance_epsilon"]);

function attrsOf(c: RefCase, dtype: number): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = { T: attr.type(dtype) };
  for (const [k, v] of Object.entries(c.attrs)) out[k] = refAttr(k, v, FLOAT_ATTRS);
  return out;
}

function close(actual: Tensor, want: RefTensor, label: string): void {
  assert.equal(actual.dtype, DT[want.dtype], `${label}: dtype`);
  assert.equal(actual.shape, want.shape, `${label}: shape`);
  const got = actual.numbers();
  const [rel, abs] = want.dtype === "half" ? [2e-3, 2e-3] : want.dtype === "double" ? [1e-12, 1e-12] : want.dtype === "float" ? [1e-4, 2e-5] : [0, 0];
  for (let i = 0; i < got.length; i++) {
    const w = want.values[i];
    const ok = got[i] === w || Math.abs(got[i] - w) <= abs + rel * Math.abs(w);
    if (!ok) assert.unreachable(`${label}: [${i}] ${got[i]} vs ${w}`);
  }
}

for (const c of cases) {
  test(`${c.op}: ${c.name} (numpy reference)`, () => {
    const inputs = c.inputs.map(refTensor);
    const outs = runOp(c.op, inputs, attrsOf(c, DT[c.inputs[0].dtype]), c.outputs.length);
    outs.forEach((o, i) => close(o, c.outputs[i], `${c.name} output ${i}`));
  });
}

test("Conv2D SAME pads asymmetric (more after) like TF", () => {
  // 1x4x4 ones, 2x2 ones filter, stride 1 SAME: pad only bottom/right
  const [y] = runOp("Conv2D", [floats([1, 4, 4, 1], new Array(16).fill(1)), floats([2, 2, 1, 1], [1, 1, 1, 1])], { strides: attr.ints([1, 1, 1, 1]), padding: attr.str("SAME") });
  assert.equal(y.numbers(), [4, 4, 4, 2, 4, 4, 4, 2, 4, 4, 4, 2, 2, 2, 2, 1]);
});

test("Conv2D: output sizes use C++ integer division; negative sizes are TF's error", () => {
  // (2 - 3 + 1) / 1 = 0: an empty output, as in TF
  const [e] = runOp("Conv2D", [floats([1, 2, 2, 1], [1, 2, 3, 4]), floats([3, 3, 1, 1], new Array(9).fill(1))], { strides: attr.ints([1, 1, 1, 1]), padding: attr.str("VALID") });
  assert.equal(e.shape, [1, 0, 0, 1]);
  // (2 - 5 + 2) / 2 truncates to 0, not -1
  const [e2] = runOp("Conv2D", [floats([1, 2, 2, 1], [1, 2, 3, 4]), floats([5, 5, 1, 1], new Array(25).fill(1))], { strides: attr.ints([1, 2, 2, 1]), padding: attr.str("VALID") });
  assert.equal(e2.shape, [1, 0, 0, 1]);
  assert.throws(() => runOp("Conv2D", [floats([1, 1, 1, 1], [1]), floats([3, 3, 1, 1], new Array(9).fill(1))], { strides: attr.ints([1, 1, 1, 1]), padding: attr.str("VALID") }), /Computed output size would be negative: -1 \[input_size: 1, effective_filter_size: 3, stride: 1\]/);
  assert.throws(() => runOp("Conv2D", [floats([1, 2, 2, 3], new Array(12).fill(1)), floats([1, 1, 2, 1], [1, 1])], { strides: attr.ints([1, 1, 1, 1]), padding: attr.str("VALID") }), /input depth must be evenly divisible by filter depth: 3 vs 2/);
  assert.throws(() => runOp("Conv2D", [floats([1, 2, 2, 1], [1, 2, 3, 4]), floats([1, 1, 1, 1], [1])], { strides: attr.ints([2, 1, 1, 1]), padding: attr.str("VALID") }), (e: Error) => e instanceof TfsmError && /strides in the batch and depth/.test(e.message));
});

test("Conv2DBackpropInputV2 takes the input tensor instead of its sizes", () => {
  const f = floats([2, 2, 1, 1], [1, 2, 3, 4]);
  const dy = floats([1, 2, 2, 1], [1, 0, 0, 1]);
  const attrs = { strides: attr.ints([1, 2, 2, 1]), padding: attr.str("VALID") };
  const [a] = runOp("Conv2DBackpropInput", [ints([4], [1, 4, 4, 1]), f, dy], attrs);
  const [b] = runOp("Conv2DBackpropInputV2", [floats([1, 4, 4, 1], new Array(16).fill(9)), f, dy], attrs);
  assert.equal(b.numbers(), a.numbers());
  assert.equal(a.numbers(), [1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4]);
});

test("MaxPoolV2 takes ksize and strides as inputs", () => {
  const x = floats([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const [y] = runOp("MaxPoolV2", [x, ints([4], [1, 2, 2, 1]), ints([4], [1, 1, 1, 1])], { padding: attr.str("VALID") });
  assert.equal(y.shape, [1, 2, 2, 1]);
  assert.equal(y.numbers(), [5, 6, 8, 9]);
});

test("MaxPool over depth (ksize on the channel dimension)", () => {
  const x = floats([1, 1, 2, 4], [1, 5, 2, 0, -1, -2, 9, 3]);
  const [y] = runOp("MaxPool", [x], { ksize: attr.ints([1, 1, 1, 2]), strides: attr.ints([1, 1, 1, 2]), padding: attr.str("VALID") });
  assert.equal(y.shape, [1, 1, 2, 2]);
  assert.equal(y.numbers(), [5, 2, -1, 9]);
});

test("BiasAdd keeps int64 exact and checks the bias length", () => {
  const x = tensor(DataType.DT_INT64, [2, 2], [2n ** 60n, 1n, -5n, 7n]);
  const [y] = runOp("BiasAdd", [x, tensor(DataType.DT_INT64, [2], [3n, 2n ** 61n])], { T: attr.type(DataType.DT_INT64) });
  assert.equal(y.dtype, DataType.DT_INT64);
  assert.equal(Array.from(y.host().data as BigInt64Array), [2n ** 60n + 3n, 1n + 2n ** 61n, -2n, 7n + 2n ** 61n]);
  assert.throws(() => runOp("BiasAdd", [floats([2, 3], [1, 2, 3, 4, 5, 6]), floats([2], [1, 2])]), /Must provide as many biases as the last dimension of the input tensor: \[2\] vs. \[2,3\]/);
  const [v1] = runOp("BiasAddV1", [floats([1, 2], [1, 2]), floats([2], [10, 20])]);
  assert.equal(v1.numbers(), [11, 22]);
  const [i8] = runOp("BiasAdd", [tensor(DataType.DT_INT8, [1, 2], [120, -3]), tensor(DataType.DT_INT8, [2], [10, 1])]);
  assert.equal(i8.dtype, DataType.DT_INT8);
  assert.equal(i8.numbers(), [-126, -2]); // wraps like TF's int8 arithmetic
});

test("Relu/Relu6 on integer types stay integers", () => {
  const [r] = runOp("Relu", [ints([4], [-3, 0, 4, 9])]);
  assert.equal(r.dtype, DataType.DT_INT32);
  assert.equal(r.numbers(), [0, 0, 4, 9]);
  const [r6] = runOp("Relu6", [tensor(DataType.DT_INT64, [3], [-3n, 4n, 9n])]);
  assert.equal(r6.numbers(), [0, 4, 6]);
});

test("activation and gradient ops follow TF's formulas", () => {
  const g = floats([4], [1, 2, 3, 4]);
  const f = floats([4], [-1, 0.5, 7, 3]);
  const run = (op: string, a: Tensor, b: Tensor, attrs = {}) => runOp(op, [a, b], attrs)[0].numbers();
  assert.equal(run("ReluGrad", g, f), [0, 2, 3, 4]);
  assert.equal(run("Relu6Grad", g, f), [0, 2, 0, 4]);
  assert.equal(run("LeakyReluGrad", g, f, { alpha: attr.float(0.5) }), [0.5, 2, 3, 4]);
  const y = floats([3], [0.25, 0.5, -0.5]);
  const dy = floats([3], [2, 4, 1]);
  close(runOp("EluGrad", [dy, y])[0], { dtype: "float", shape: [3], values: [2, 4, 0.5] }, "EluGrad");
  close(runOp("SeluGrad", [dy, y])[0], { dtype: "float", shape: [3], values: [2 * 1.0507009873554805, 4 * 1.0507009873554805, 1 * (-0.5 + 1.0507009873554805 * 1.6732632423543772)] }, "SeluGrad");
  close(runOp("SoftplusGrad", [dy, y])[0], { dtype: "float", shape: [3], values: [2 / (1 + Math.exp(-0.25)), 4 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(0.5))] }, "SoftplusGrad");
  close(runOp("SoftsignGrad", [dy, y])[0], { dtype: "float", shape: [3], values: [2 / 1.5625, 4 / 2.25, 1 / 2.25] }, "SoftsignGrad");
  const d = (v: number[]) => tensor(DataType.DT_DOUBLE, [v.length], v);
  assert.equal(runOp("ReluGrad", [d([1, 2]), d([-1, 1])])[0].numbers(), [0, 2]);
});

test("FusedBatchNorm v1/v2 outputs and the V3 reserve space", () => {
  const x = floats([1, 1, 2, 2], [1, 2, 3, 6]);
  const p = (v: number[]) => floats([2], v);
  const attrs = { epsilon: attr.float(0), is_training: attr.bool(false) };
  for (const op of ["FusedBatchNorm", "FusedBatchNormV2"]) {
    const outs = runOp(op, [x, p([1, 2]), p([0, 1]), p([2, 4]), p([1, 4])], attrs, 5);
    assert.equal(outs[0].numbers(), [-1, -1, 1, 3]);
    assert.equal(outs[1].numbers(), [2, 4]);
    assert.equal(outs[2].numbers(), [1, 4]);
  }
  const v3 = runOp("FusedBatchNormV3", [x, p([1, 1]), p([0, 0]), floats([0], []), floats([0], [])], { epsilon: attr.float(0) }, 6);
  assert.equal(v3[0].numbers(), [-1, -1, 1, 1]); // training by default: batch statistics
  assert.equal(v3[1].numbers(), [2, 4]);
  assert.equal(v3[2].numbers(), [2, 8]); // Bessel-corrected
  assert.equal(v3[4].numbers(), [1, 4]); // biased batch variance kept for the gradient
  assert.equal(v3[5].shape, []);
});

test("SparseSoftmaxCrossEntropyWithLogits refuses out-of-range labels like TF's CPU kernel", () => {
  assert.throws(() => runOp("SparseSoftmaxCrossEntropyWithLogits", [floats([2, 3], [1, 2, 3, 4, 5, 6]), ints([2], [1, 3])], {}, 2), /Received a label value of 3 which is outside the valid range of \[0, 3\)/);
});

test("TopKV2: index_type, k bounds, int64 values", () => {
  const [v, i] = runOp("TopKV2", [tensor(DataType.DT_INT64, [4], [5n, 2n ** 62n, -1n, 2n ** 62n]), ints([], [2])], { index_type: attr.type(DataType.DT_INT64) }, 2);
  assert.equal(Array.from(v.host().data as BigInt64Array), [2n ** 62n, 2n ** 62n]);
  assert.equal(i.dtype, DataType.DT_INT64);
  assert.equal(i.numbers(), [1, 3]);
  assert.throws(() => runOp("TopKV2", [floats([2], [1, 2]), ints([], [3])], {}, 2), /input must have at least k columns. Had 2, needed 3/);
});

test("InTopKV2: out-of-range targets and non-finite predictions are false", () => {
  const [r] = runOp("InTopKV2", [floats([3, 2], [1, 2, NaN, 1, 3, 3]), ints([3], [5, 0, 1]), ints([], [1])]);
  assert.equal(r.numbers(), [0, 0, 1]);
});

test("no backend tensors are left behind by any case", () => {
  const before = tf.memory().numTensors;
  for (const c of cases) {
    const inputs = c.inputs.map(refTensor);
    runOp(c.op, inputs, attrsOf(c, DT[c.inputs[0].dtype]), c.outputs.length);
    for (const t of inputs) t.release(); // feeds stay the caller's: free their backend copies
  }
  assert.equal(tf.memory().numTensors, before);
});

test("DataFormatDimMap / DataFormatVecPermute map between layouts", () => {
  const [d] = runOp("DataFormatDimMap", [ints([5], [0, 1, 2, 3, -1])], { src_format: attr.str("NHWC"), dst_format: attr.str("NCHW") });
  assert.equal(d.numbers(), [0, 2, 3, 1, 1]);
  const [p] = runOp("DataFormatVecPermute", [ints([4], [1, 2, 3, 4])], { src_format: attr.str("NHWC"), dst_format: attr.str("NCHW") });
  assert.equal(p.numbers(), [1, 4, 2, 3]);
  const [q] = runOp("DataFormatVecPermute", [tensor(DataType.DT_INT64, [4, 2], [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n])], { src_format: attr.str("NCHW"), dst_format: attr.str("NHWC") });
  assert.equal(q.numbers(), [1, 2, 5, 6, 7, 8, 3, 4]);
  const [sp] = runOp("DataFormatVecPermute", [ints([2], [7, 9])], { src_format: attr.str("NHWC"), dst_format: attr.str("NWHC") });
  assert.equal(sp.numbers(), [9, 7]);
});

test.run();
