import { test } from "uvu";
import * as assert from "uvu/assert";
import { runOp, setup, tensor, floats, attr, DataType } from "./support/ops.js";
import { loadCases, toTensor, attrsOf, expectClose } from "./support/refs.js";

test.before(setup);

// The references reproduce TF's float32 formulas step by step in numpy, so
// the kernels must match bit for bit: quantized outputs exactly, float
// outputs with zero tolerance (bfloat16 too: one float32 result, then RNE).
const FLOAT_ATTRS = new Set(["min", "max", "ensure_minimum_range"]);

for (const c of loadCases("quantization.json")) {
  test(`${c.op}: ${c.name} (numpy reference of TF's formulas)`, () => {
    const outs = runOp(c.op, c.inputs.map(toTensor), attrsOf(c, FLOAT_ATTRS), c.outputs.length);
    outs.forEach((o, i) => expectClose(o, c.outputs[i], {}, `${c.op} ${c.name} output ${i}`));
  });
}

const scalar = (v: number) => floats([], [v]);

test("FakeQuant: attribute and shape errors use TF's wording", () => {
  const x = floats([2], [0.1, 0.2]);
  assert.throws(() => runOp("FakeQuantWithMinMaxArgs", [x], { min: attr.float(1), max: attr.float(1) }), /min has to be smaller than max, was: 1 >= 1/);
  assert.throws(() => runOp("FakeQuantWithMinMaxArgs", [x], { num_bits: attr.int(17) }), /num_bits must be between 2 and 16, inclusive/);
  assert.throws(() => runOp("FakeQuantWithMinMaxVars", [x, floats([1], [0]), scalar(1)]), /`min` must be rank 0 but is rank 1/);
  assert.throws(() => runOp("FakeQuantWithMinMaxVarsPerChannel", [floats([1, 2], [0, 0]), floats([3], [0, 0, 0]), floats([3], [1, 1, 1])]), /min has incorrect size, expected 2 was 3/);
});

test("QuantizeV2/Dequantize: mode, range and axis errors", () => {
  const x = floats([2, 2], [0, 1, 2, 3]);
  const q8 = { T: attr.type(DataType.DT_QUINT8) };
  assert.throws(() => runOp("QuantizeV2", [x, scalar(2), scalar(1)], q8, 3), /input_max_range must be larger than input_min_range/);
  assert.throws(() => runOp("QuantizeV2", [x, scalar(0), scalar(1)], { ...q8, mode: attr.str("BOGUS") }, 3), /Mode string must be 'MIN_COMBINED', 'MIN_FIRST', or 'SCALED', is 'BOGUS'/);
  assert.throws(() => runOp("QuantizeV2", [x, scalar(0), scalar(1)], { ...q8, round_mode: attr.str("HALF_TO_EVEN") }, 3), /Round mode 'HALF_TO_EVEN' only supported for mode 'SCALED'/);
  assert.throws(() => runOp("QuantizeV2", [x, floats([2], [0, 0]), floats([2], [1, 1])], q8, 3), /If axis is not specified, min_range must contain a single float element, but it contains 2 elements/);
  assert.throws(() => runOp("QuantizeV2", [x, floats([3], [0, 0, 0]), floats([3], [1, 1, 1])], { ...q8, axis: attr.int(0) }, 3), /min_range is a 1-D tensor of size 3 and input's axis dimension is of size 2/);
  assert.throws(() => runOp("QuantizeV2", [x, floats([2], [0, 0]), floats([2], [1, 1])], { ...q8, axis: attr.int(1), mode: attr.str("MIN_FIRST") }, 3), /MIN_FIRST mode is not implemented for Quantize with axis != -1/);
  assert.throws(() => runOp("QuantizeV2", [x, scalar(0), scalar(1)], { T: attr.type(DataType.DT_INT8) }, 3), /not defined for int8/);
  const q = tensor(DataType.DT_QINT8, [2], [1, 2]);
  assert.throws(() => runOp("Dequantize", [q, scalar(0), scalar(1)], { dtype: attr.type(DataType.DT_HALF) }), /Output type must be bfloat16 or float, is 'half'/);
  assert.throws(() => runOp("Dequantize", [q, scalar(0), scalar(1)], { dtype: attr.type(DataType.DT_BFLOAT16), mode: attr.str("SCALED") }), /When output type is bfloat16, Mode string must be 'MIN_COMBINED', is 'SCALED'/);
  assert.throws(() => runOp("Dequantize", [q, scalar(0), scalar(1)], { axis: attr.int(1) }), /Axis must be less than input dimension\(1\), got 1/);
  assert.throws(() => runOp("Dequantize", [q, floats([2], [0, 0]), scalar(1)]), /input_min_tensor must have as many elements as input on the dequantization axis \(-1\), got 2, expected 1/);
});

test("QuantizeV2 → Dequantize round trip stays within one quantization step", () => {
  const x = floats([5], [-1, -0.5, 0, 0.37, 1]);
  const [q, mn, mx] = runOp("QuantizeV2", [x, scalar(-1), scalar(1)], { T: attr.type(DataType.DT_QINT8), mode: attr.str("SCALED") }, 3);
  assert.equal(q.dtype, DataType.DT_QINT8);
  const [y] = runOp("Dequantize", [q, mn, mx], { mode: attr.str("SCALED") });
  y.numbers().forEach((v, i) => assert.ok(Math.abs(v - x.numbers()[i]) <= 1 / 127, `${v} vs ${x.numbers()[i]}`));
});

test.run();
