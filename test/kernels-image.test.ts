import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { runOp, setup, tensor, floats, ints, attr, DataType, Tensor } from "./support/ops.js";
import type { AttrValue } from "../src/proto/gen/graph_pb.js";
import { tf } from "../src/runtime/backend.js";
import { DT, refAttr, refTensor, type RefCase, type RefTensor } from "./support/kernel-refs.js";

test.before(setup);

const cases: RefCase[] = JSON.parse(readFileSync(new URL("./data/kernels/image.json", import.meta.url), "utf8"));

const FLOAT_ATTRS = new Set(["extrapolation_value"]);

function attrsOf(c: RefCase): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = { T: attr.type(DT[c.inputs[0].dtype]) };
  for (const [k, v] of Object.entries(c.attrs)) out[k] = k === "dtype" ? attr.type(DT[v as string]) : refAttr(k, v, FLOAT_ATTRS);
  return out;
}

function close(actual: Tensor, want: RefTensor, label: string, tol = 2e-5): void {
  assert.equal(actual.dtype, DT[want.dtype], `${label}: dtype`);
  assert.equal(actual.shape, want.shape, `${label}: shape`);
  const h = actual.host();
  const got = h.dtype === "int64" ? Array.from(h.data as BigInt64Array, (v) => Number(v)) : actual.numbers();
  for (let i = 0; i < got.length; i++) {
    const w = want.values[i];
    const ok = got[i] === w || (want.dtype === "float" && Math.abs(got[i] - w) <= tol * Math.max(1, Math.abs(w)));
    if (!ok) assert.unreachable(`${label}: [${i}] ${got[i]} vs ${w}`);
  }
}

/** Exactness: float results match the float32 reference up to the printed digits. */
for (const c of cases) {
  test(`${c.op}: ${c.name} (numpy reference)`, () => {
    const outs = runOp(c.op, c.inputs.map(refTensor), attrsOf(c), c.outputs.length);
    // resizes and transforms follow TF's float32 arithmetic: only text rounding of the reference remains
    const tol = c.tol ?? (c.op === "CropAndResize" || c.op === "ResizeArea" ? 1e-5 : 1e-6);
    outs.forEach((o, i) => close(o, c.outputs[i], `${c.name} output ${i}`, tol));
  });
}

test("no backend tensors are left behind by any case", () => {
  const before = tf.memory().numTensors;
  for (const c of cases) {
    const inputs = c.inputs.map(refTensor);
    runOp(c.op, inputs, attrsOf(c), c.outputs.length);
    for (const t of inputs) t.release(); // feeds stay the caller's: free their backend copies
  }
  assert.equal(tf.memory().numTensors, before);
});

test("resize: half_pixel_centers with align_corners is TF's error; sizes must be positive", () => {
  const x = floats([1, 2, 2, 1], [1, 2, 3, 4]);
  assert.throws(() => runOp("ResizeBilinear", [x, ints([2], [3, 3])], { align_corners: attr.bool(true), half_pixel_centers: attr.bool(true) }), /If half_pixel_centers is True, align_corners must be False/);
  assert.throws(() => runOp("ResizeNearestNeighbor", [x, ints([2], [0, 3])]), /output dimensions must be positive/);
  assert.throws(() => runOp("ResizeBilinear", [floats([2, 2], [1, 2, 3, 4]), ints([2], [3, 3])]), /input must be 4-dimensional/);
});

test("ResizeBilinear output is float32 for integer images and a copy for same-size resizes", () => {
  const x = tensor(DataType.DT_INT32, [1, 2, 2, 1], [1, 2, 3, 4]);
  const [y] = runOp("ResizeBilinear", [x, ints([2], [2, 2])], { T: attr.type(DataType.DT_INT32) });
  assert.equal(y.dtype, DataType.DT_FLOAT);
  assert.equal(y.numbers(), [1, 2, 3, 4]);
  // legacy align_corners=false: 2 → 4 samples at 0, 0.5, 1, 1.5 (clamped)
  const [u] = runOp("ResizeBilinear", [floats([1, 1, 2, 1], [0, 10]), ints([2], [1, 4])]);
  assert.equal(u.numbers(), [0, 5, 10, 10]);
});

test("ResizeNearestNeighbor keeps the dtype (half, uint8)", () => {
  const h = tensor(DataType.DT_HALF, [1, 1, 2, 1], [0.5, 1.5]);
  const [y] = runOp("ResizeNearestNeighbor", [h, ints([2], [1, 4])], { T: attr.type(DataType.DT_HALF) });
  assert.equal(y.dtype, DataType.DT_HALF);
  assert.equal(y.numbers(), [0.5, 0.5, 1.5, 1.5]);
  const u8 = tensor(DataType.DT_UINT8, [1, 1, 2, 1], [7, 250]);
  const [z] = runOp("ResizeNearestNeighbor", [u8, ints([2], [1, 3])], { align_corners: attr.bool(true) });
  assert.equal(z.dtype, DataType.DT_UINT8);
  assert.equal(z.numbers(), [7, 250, 250]); // roundf(0.5) = 1
});

test("DepthToSpace/SpaceToDepth validate block sizes like TF", () => {
  assert.throws(() => runOp("DepthToSpace", [floats([1, 1, 1, 5], [1, 2, 3, 4, 5])], { block_size: attr.int(2) }), /Input depth dimension 5 should be divisible by: 4/);
  assert.throws(() => runOp("SpaceToDepth", [floats([1, 3, 2, 1], [1, 2, 3, 4, 5, 6])], { block_size: attr.int(2) }), /Image width 2 and height 3 should be divisible by block_size: 2/);
  assert.throws(() => runOp("DepthToSpace", [floats([1, 1, 1, 4], [1, 2, 3, 4])], { block_size: attr.int(1) }), /block_size must be greater than one/);
  const [s] = runOp("DepthToSpace", [tensor(DataType.DT_STRING, [1, 1, 1, 4], ["a", "b", "c", "d"])], { block_size: attr.int(2), T: attr.type(DataType.DT_STRING) });
  assert.equal(s.shape, [1, 2, 2, 1]);
  assert.equal(s.strings().map((b) => new TextDecoder().decode(b)), ["a", "b", "c", "d"]);
});

test("ImageProjectiveTransformV3 checks transforms and keeps int64 pixels exact", () => {
  const img = tensor(DataType.DT_INT64, [1, 1, 3, 1], [2n ** 60n + 1n, 5n, -7n]);
  const shift = floats([1, 8], [1, 0, 1, 0, 1, 0, 0, 0]); // x_in = x_out + 1
  const [y] = runOp("ImageProjectiveTransformV3", [img, shift, ints([2], [1, 3]), floats([], [3])], { interpolation: attr.str("NEAREST"), fill_mode: attr.str("CONSTANT"), dtype: attr.type(DataType.DT_INT64) });
  assert.equal(Array.from(y.host().data as BigInt64Array), [5n, -7n, 3n]);
  assert.throws(() => runOp("ImageProjectiveTransformV3", [img, floats([1, 6], [1, 0, 0, 0, 1, 0]), ints([2], [1, 3]), floats([], [0])], { interpolation: attr.str("NEAREST"), dtype: attr.type(DataType.DT_INT64) }), /Input transform should be num_images x 8 or 1 x 8/);
});

test("NonMaxSuppressionV5 returns scores and pads", () => {
  const boxes = floats([3, 4], [0, 0, 1, 1, 0, 0, 1, 0.95, 0, 2, 1, 3]);
  const scores = floats([3], [0.9, 0.8, 0.7]);
  const outs = runOp("NonMaxSuppressionV5", [boxes, scores, ints([], [4]), floats([], [0.5]), floats([], [0]), floats([], [0])], { pad_to_max_output_size: attr.bool(true) }, 3);
  assert.equal(outs[0].numbers(), [0, 2, 0, 0]);
  close(outs[1], { dtype: "float", shape: [4], values: [0.9, 0.7, 0, 0] }, "scores");
  assert.equal(outs[2].numbers(), [2]);
});

test.run();
