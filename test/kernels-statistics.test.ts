import { test } from "uvu";
import * as assert from "uvu/assert";
import { runOp, setup, tensor, floats, ints, values, attr, DataType } from "./support/ops.js";

test.before(setup);

test("NthElement: n-th smallest along the last axis, reverse for n-th largest", () => {
  const x = floats([2, 4], [3, 1, 4, 1, 5, 9, 2, 6]);
  assert.equal(runOp("NthElement", [x, ints([], [0])])[0].numbers(), [1, 2]);
  assert.equal(runOp("NthElement", [x, ints([], [2])])[0].numbers(), [3, 6]);
  const [r] = runOp("NthElement", [x, ints([], [0])], { reverse: attr.bool(true) });
  assert.equal(r.shape, [2]);
  assert.equal(r.numbers(), [4, 9]);
  const big = tensor(DataType.DT_INT64, [3], [2n ** 62n, -(2n ** 62n), 5n]);
  const [b] = runOp("NthElement", [big, ints([], [2])]);
  assert.equal(b.dtype, DataType.DT_INT64);
  assert.equal(values(b), [(2n ** 62n).toString()]);
  assert.throws(() => runOp("NthElement", [x, ints([], [4])]), /Input must have at least n\+1 columns/);
  assert.throws(() => runOp("NthElement", [x, ints([], [-1])]), /Need n >= 0, got -1/);
  assert.throws(() => runOp("NthElement", [floats([], [1]), ints([], [0])]), /Input must be >= 1-D, got shape \[\]/);
});

test("HistogramFixedWidth: TF's docstring example, clamping and int64 counts", () => {
  // tf.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], nbins=5) == [2, 1, 1, 0, 2]
  const v = floats([6], [-1, 0, 1.5, 2, 5, 15]);
  const [h] = runOp("HistogramFixedWidth", [v, floats([2], [0, 5]), ints([], [5])]);
  assert.equal(h.dtype, DataType.DT_INT32);
  assert.equal(h.numbers(), [2, 1, 1, 0, 2]);
  const [h64] = runOp("HistogramFixedWidth", [ints([5], [0, 1, 2, 3, 100]), ints([2], [0, 4]), ints([], [2])], { dtype: attr.type(DataType.DT_INT64) });
  assert.equal(values(h64), ["2", "3"]);
  assert.equal(runOp("HistogramFixedWidth", [floats([3], [1, 2, NaN]), floats([2], [0, 1]), ints([], [1])])[0].numbers(), [3]);
  assert.throws(() => runOp("HistogramFixedWidth", [floats([2], [1, NaN]), floats([2], [0, 1]), ints([], [2])]), /Histogram values must not contain NaN/);
  assert.throws(() => runOp("HistogramFixedWidth", [v, floats([2], [5, 0]), ints([], [5])]), /value_range should satisfy value_range\[0\] < value_range\[1\], but got '\[5, 0\]'/);
  assert.throws(() => runOp("HistogramFixedWidth", [v, floats([2], [0, 5]), ints([], [0])]), /nbins should be a positive number, but got '0'/);
  assert.throws(() => runOp("HistogramFixedWidth", [v, floats([3], [0, 5, 6]), ints([], [2])]), /value_range should be a vector of 2 elements/);
});

test("SerializeTensor writes AsProtoField's bytes; ParseTensor reads them back", () => {
  const [s] = runOp("SerializeTensor", [floats([2], [1, 2])]);
  // dtype=1, tensor_shape{dim{size:2}}, float_val packed [1, 2]
  assert.equal(Array.from(s.strings()[0]), [0x08, 0x01, 0x12, 0x04, 0x12, 0x02, 0x08, 0x02, 0x2a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
  const [sc] = runOp("SerializeTensor", [ints([], [7])]);
  assert.equal(Array.from(sc.strings()[0]), [0x08, 0x03, 0x12, 0x00, 0x3a, 0x01, 0x07]); // a scalar still has its (empty) shape
  const cases = [
    tensor(DataType.DT_INT64, [2, 1], [2n ** 60n, -3n]),
    tensor(DataType.DT_STRING, [2], ["a", "bc"]),
    tensor(DataType.DT_HALF, [3], [0.5, -2, 65504]),
    tensor(DataType.DT_BOOL, [2], [true, false]),
    tensor(DataType.DT_QUINT8, [2], [0, 255]),
    tensor(DataType.DT_UINT64, [1], [2n ** 64n - 1n]),
  ];
  for (const t of cases) {
    const [ser] = runOp("SerializeTensor", [t]);
    const [back] = runOp("ParseTensor", [ser], { out_type: attr.type(t.dtype) });
    assert.equal(back.dtype, t.dtype);
    assert.equal(back.shape, t.shape);
    assert.equal(values(back), values(t));
  }
  assert.throws(() => runOp("ParseTensor", [s], { out_type: attr.type(DataType.DT_INT32) }), /Type mismatch between parsed tensor \(float\) and dtype \(int32\)/);
  assert.throws(() => runOp("ParseTensor", [tensor(DataType.DT_STRING, [], [new Uint8Array([0x0a, 0x05, 1])])], { out_type: attr.type(DataType.DT_FLOAT) }), /Could not parse `serialized` as TensorProto/);
});

test("Debug ops pass their input through and never write anything", () => {
  const x = floats([3], [1, NaN, 3]);
  for (const op of ["DebugIdentity", "DebugIdentityV2"]) {
    const [y] = runOp(op, [x], { debug_urls: attr.strs(["file:///tmp/tfsm-should-not-exist"]) });
    assert.equal(y.numbers(), [1, NaN, 3]);
  }
  const [n] = runOp("DebugNanCount", [x]);
  assert.equal(n.dtype, DataType.DT_INT64);
  assert.equal(values(n), ["1"]);
  assert.equal(values(runOp("DebugNanCount", [ints([2], [1, 2])])[0]), ["0"]);
});

test.run();
