import { test } from "uvu";
import * as assert from "uvu/assert";
import { runOp, setup, tensor, values, attr, DataType } from "./support/ops.js";
import { throwsTf } from "./support/asserts.js";

test.before(setup);

const D = DataType;
const i64 = (shape: number[], v: number[]) => tensor(D.DT_INT64, shape, v.map(BigInt));
const i32 = (shape: number[], v: number[]) => tensor(D.DT_INT32, shape, v);
const f32 = (shape: number[], v: number[]) => tensor(D.DT_FLOAT, shape, v);
const strs = (shape: number[], v: string[]) => tensor(D.DT_STRING, shape, v);

test("SparseToDense: values, scalar broadcast, string default; TF's index validation messages", () => {
  const [y] = runOp("SparseToDense", [i64([2, 2], [0, 1, 2, 0]), i64([2], [3, 2]), f32([2], [5, 7]), f32([], [-1])]);
  assert.equal(y.shape, [3, 2]);
  assert.equal(values(y), [-1, 5, -1, -1, 7, -1]);
  const [s] = runOp("SparseToDense", [i64([2], [0, 2]), i64([1], [3]), strs([], ["x"]), strs([], [""])]);
  assert.equal(values(s), ["x", "", "x"]);
  throwsTf(() => runOp("SparseToDense", [i64([2, 1], [1, 1]), i64([1], [3]), f32([2], [1, 2]), f32([], [0])]), "indices[1] = [1] is repeated");
  throwsTf(() => runOp("SparseToDense", [i64([2, 1], [2, 1]), i64([1], [3]), f32([2], [1, 2]), f32([], [0])]), "indices[1] = [1] is out of order. Many sparse ops require sorted indices.");
  throwsTf(() => runOp("SparseToDense", [i64([1, 2], [0, 5]), i64([2], [3, 2]), f32([1], [1]), f32([], [0])]), "indices[0] = [0,5] is out of bounds: need 0 <= index < [3,2]");
  // without validation, unordered indices are fine
  const [u] = runOp("SparseToDense", [i64([2, 1], [2, 0]), i64([1], [3]), i32([2], [1, 2]), i32([], [0])], { validate_indices: attr.bool(false) });
  assert.equal(values(u), [2, 0, 1]);
});

test("SparseReshape infers -1 and reports TF's errors", () => {
  const [ix, sh] = runOp("SparseReshape", [i64([2, 2], [0, 1, 1, 2]), i64([2], [2, 3]), i64([2], [3, -1])], {}, 2);
  assert.equal(values(sh), ["3", "2"]);
  assert.equal(values(ix), ["0", "1", "2", "1"]);
  throwsTf(() => runOp("SparseReshape", [i64([0, 2], []), i64([2], [2, 3]), i64([2], [-1, -1])], {}, 2), "only one output dimension may be -1, not both 0 and 1");
  throwsTf(() => runOp("SparseReshape", [i64([0, 2], []), i64([2], [2, 3]), i64([1], [5])], {}, 2), "Input to reshape is a tensor with 6 dense values, but the requested shape has 5");
});

test("SparseFillEmptyRows (TF docs example)", () => {
  const [ix, v, empty, rev] = runOp("SparseFillEmptyRows", [i64([4, 2], [0, 1, 0, 3, 2, 0, 3, 1]), strs([4], ["a", "b", "c", "d"]), i64([2], [5, 6]), strs([], ["x"])], {}, 4);
  assert.equal(values(ix), ["0", "1", "0", "3", "1", "0", "2", "0", "3", "1", "4", "0"]);
  assert.equal(values(v), ["a", "b", "x", "c", "d", "x"]);
  assert.equal(values(empty), [0, 1, 0, 0, 1]);
  assert.equal(values(rev), ["0", "1", "3", "4"]);
});

test("SparseSegmentSum/Mean/SqrtN (+WithNumSegments) with TF's docs values and float32 accumulation", () => {
  const c = f32([3, 4], [1, 2, 3, 4, -1, -2, -3, -4, 5, 6, 7, 8]);
  const [s] = runOp("SparseSegmentSum", [c, i32([2], [0, 1]), i32([2], [0, 0])]);
  assert.equal(values(s), [0, 0, 0, 0]);
  const [s2] = runOp("SparseSegmentSum", [c, i32([3], [0, 1, 2]), i64([3], [0, 1, 2])], { Tsegmentids: attr.type(D.DT_INT64) });
  assert.equal(values(s2), [1, 2, 3, 4, -1, -2, -3, -4, 5, 6, 7, 8]);
  const [m] = runOp("SparseSegmentMean", [c, i32([3], [0, 1, 2]), i32([3], [0, 0, 1])]);
  assert.equal(values(m), [0, 0, 0, 0, 5, 6, 7, 8]);
  const [q] = runOp("SparseSegmentSqrtN", [f32([2], [3, 4]), i32([2], [0, 1]), i32([2], [0, 0])]);
  assert.equal(values(q), [Math.fround(7 / Math.fround(Math.SQRT2))]);
  const [w] = runOp("SparseSegmentSumWithNumSegments", [c, i32([2], [0, 2]), i32([2], [0, 2]), i32([], [4])]);
  assert.equal(w.shape, [4, 4]);
  assert.equal(values(w).slice(8, 12), [5, 6, 7, 8]);
  // float32 rounding at each addition: 2^24 + 1 + 1 stays 2^24 in float32
  const [r] = runOp("SparseSegmentSum", [f32([3], [16777216, 1, 1]), i32([3], [0, 1, 2]), i32([3], [0, 0, 0])]);
  assert.equal(values(r), [16777216]);
  throwsTf(() => runOp("SparseSegmentSum", [c, i32([2], [0, 1]), i32([2], [1, 0])]), "segment ids are not increasing");
  throwsTf(() => runOp("SparseSegmentSum", [c, i32([1], [3]), i32([1], [0])]), "Bad: indices[0] == 3 out of range [0, 3)");
});

test("SparseTensorDenseMatMul with adjoints", () => {
  // A = [[1,0,2],[0,3,0]] (2x3), B = 3x2
  const a = [i64([3, 2], [0, 0, 0, 2, 1, 1]), f32([3], [1, 2, 3]), i64([2], [2, 3])];
  const b = f32([3, 2], [1, 2, 3, 4, 5, 6]);
  assert.equal(values(runOp("SparseTensorDenseMatMul", [...a, b])[0]), [11, 14, 9, 12]);
  const bt = f32([2, 3], [1, 3, 5, 2, 4, 6]);
  assert.equal(values(runOp("SparseTensorDenseMatMul", [...a, bt], { adjoint_b: attr.bool(true) })[0]), [11, 14, 9, 12]);
  const [at] = runOp("SparseTensorDenseMatMul", [...a, f32([2, 1], [1, 1])], { adjoint_a: attr.bool(true) });
  assert.equal(values(at), [1, 3, 2]);
  throwsTf(() => runOp("SparseTensorDenseMatMul", [...a, f32([2, 2], [1, 2, 3, 4])]), "Cannot multiply A and B because inner dimension does not match: 3 vs. 2");
});

test("SparseConcat, SparseSlice, SparseReduceSum, SparseAdd", () => {
  const [ci, cv, cs] = runOp("SparseConcat", [
    i64([3, 2], [0, 2, 1, 0, 1, 1]), i64([2, 2], [0, 1, 0, 2]), strs([3], ["a", "b", "c"]), strs([2], ["d", "e"]), i64([2], [2, 3]), i64([2], [2, 4]),
  ], { N: attr.int(2), concat_dim: attr.int(1) }, 3);
  assert.equal(values(ci), ["0", "2", "0", "4", "0", "5", "1", "0", "1", "1"]);
  assert.equal(values(cv), ["a", "d", "e", "b", "c"]);
  assert.equal(values(cs), ["2", "7"]);
  const [si, sv, ss] = runOp("SparseSlice", [i64([4, 2], [0, 0, 0, 3, 1, 1, 2, 4]), i32([4], [1, 2, 3, 4]), i64([2], [3, 5]), i64([2], [0, 1]), i64([2], [2, 10])], {}, 3);
  assert.equal(values(si), ["0", "2", "1", "0"]);
  assert.equal(values(sv), [2, 3]);
  assert.equal(values(ss), ["2", "4"]);
  const sp = [i64([3, 2], [0, 0, 0, 2, 1, 1]), f32([3], [1, 1, 1]), i64([2], [2, 3])];
  assert.equal(values(runOp("SparseReduceSum", [...sp, i32([1], [1])])[0]), [2, 1]);
  const [k] = runOp("SparseReduceSum", [...sp, i32([2], [0, 1])], { keep_dims: attr.bool(true) });
  assert.equal(k.shape, [1, 1]);
  assert.equal(values(k), [3]);
  const [ai, av, as] = runOp("SparseAdd", [
    i64([2, 1], [0, 2]), f32([2], [1, 0.5]), i64([1], [4]), i64([2, 1], [2, 3]), f32([2], [-0.25, 4]), i64([1], [4]), f32([], [0.3]),
  ], {}, 3);
  assert.equal(values(ai), ["0", "3"]);
  assert.equal(values(av), [1, 4]);
  assert.equal(values(as), ["4"]);
});

test("DenseToDenseSetOperation (a-b on int32 as in the corpus, union/intersection on strings)", () => {
  const [ix, v, sh] = runOp("DenseToDenseSetOperation", [i32([2, 3], [1, 2, 3, 4, 5, 4]), i32([2, 2], [2, 9, 5, 7])], { set_operation: attr.str("a-b"), T: attr.type(D.DT_INT32) }, 3);
  assert.equal(values(ix), ["0", "0", "0", "1", "1", "0"]);
  assert.equal(values(v), [1, 3, 4]);
  assert.equal(values(sh), ["2", "2"]);
  const [, u] = runOp("DenseToDenseSetOperation", [strs([1, 2], ["b", "a"]), strs([1, 2], ["c", "a"])], { set_operation: attr.str("union") }, 3);
  assert.equal(values(u), ["a", "b", "c"]);
  const [, n] = runOp("DenseToDenseSetOperation", [strs([1, 2], ["b", "a"]), strs([1, 2], ["c", "a"])], { set_operation: attr.str("intersection") }, 3);
  assert.equal(values(n), ["a"]);
  throwsTf(() => runOp("DenseToDenseSetOperation", [i32([2, 3], [1, 2, 3, 4, 5, 4]), i32([3, 2], [2, 9, 5, 7, 1, 1])], { set_operation: attr.str("a-b") }, 3), "do not match in dimensions 0 to 0");
});

test("RaggedTensorToTensor: ROW_SPLITS, FIRST_DIM_SIZE + VALUE_ROWIDS, padding and truncation to a shape", () => {
  const types = (t: string[]) => ({ row_partition_types: attr.strs(t), num_row_partition_tensors: attr.int(t.length), Tindex: attr.type(D.DT_INT64), Tshape: attr.type(D.DT_INT64) });
  const [a] = runOp("RaggedTensorToTensor", [i64([], [-1]), i64([4], [1, 2, 3, 4]), i64([], [0]), i64([4], [0, 3, 3, 4])], types(["ROW_SPLITS"]));
  assert.equal(a.shape, [3, 3]);
  assert.equal(values(a), ["1", "2", "3", "0", "0", "0", "4", "0", "0"]);
  const [b] = runOp("RaggedTensorToTensor", [i64([2], [4, 2]), i64([4], [1, 2, 3, 4]), i64([], [-1]), i64([], [3]), i64([4], [0, 0, 0, 2])], types(["FIRST_DIM_SIZE", "VALUE_ROWIDS"]));
  assert.equal(b.shape, [4, 2]);
  assert.equal(values(b), ["1", "2", "-1", "-1", "4", "-1", "-1", "-1"]);
  // two ragged dimensions
  const [c] = runOp("RaggedTensorToTensor", [i64([], [-1]), f32([3], [1, 2, 3]), f32([], [0]), i64([3], [0, 2, 2]), i64([3], [0, 1, 3])], types(["ROW_SPLITS", "ROW_SPLITS"]));
  assert.equal(c.shape, [2, 2, 2]);
  assert.equal(values(c), [1, 0, 2, 3, 0, 0, 0, 0]);
});

test("RaggedTensorToSparse, RaggedRange, RaggedGather", () => {
  const [ix, v, sh] = runOp("RaggedTensorToSparse", [i64([3], [0, 2, 3]), strs([3], ["a", "b", "c"])], { RAGGED_RANK: attr.int(1) }, 3);
  assert.equal(values(ix), ["0", "0", "0", "1", "1", "0"]);
  assert.equal(values(v), ["a", "b", "c"]);
  assert.equal(values(sh), ["2", "2"]);
  const [rs, rv] = runOp("RaggedRange", [i32([3], [0, 5, 8]), i32([3], [3, 5, 12]), i32([], [2])], { Tsplits: attr.type(D.DT_INT64) }, 2);
  assert.equal(values(rs), ["0", "2", "2", "4"]);
  assert.equal(values(rv), [0, 2, 8, 10]);
  const [fs, fv] = runOp("RaggedRange", [f32([], [0]), f32([], [1]), f32([], [0.3])], {}, 2);
  assert.equal(values(fs), ["0", "4"]);
  assert.equal(values(fv).length, 4);
  throwsTf(() => runOp("RaggedRange", [i32([], [0]), i32([], [1]), i32([], [0])], {}, 2), "Requires delta != 0");
  const [gs, gv] = runOp("RaggedGather", [i64([4], [0, 2, 2, 5]), i32([5], [1, 2, 3, 4, 5]), i32([3], [2, 0, 2])], { PARAMS_RAGGED_RANK: attr.int(1), OUTPUT_RAGGED_RANK: attr.int(1) }, 2);
  assert.equal(values(gs), ["0", "3", "5", "8"]);
  assert.equal(values(gv), [3, 4, 5, 1, 2, 3, 4, 5]);
});

test("SparseCross / SparseCrossV2 / SparseCrossHashed: TF's known hashed values and cross order", () => {
  const sp = (rows: string[][]) => {
    const idx: number[] = [];
    const vals: string[] = [];
    let max = 0;
    rows.forEach((r, b) => r.forEach((v, k) => (idx.push(b, k), vals.push(v), (max = Math.max(max, k + 1)))));
    return [i64([vals.length, 2], idx), strs([vals.length], vals), i64([2], [rows.length, max])];
  };
  const three = [sp([["batch1-FC1-F1"]]), sp([["batch1-FC2-F1"]]), sp([["batch1-FC3-F1"]])];
  const legacy = (numBuckets: number, hashKey: bigint) =>
    runOp("SparseCross", [...three.map((t) => t[0]), ...three.map((t) => t[1]), ...three.map((t) => t[2])], {
      N: attr.int(3), hashed_output: attr.bool(true), num_buckets: attr.int(numBuckets), hash_key: attr.int(hashKey),
      sparse_types: attr.types([D.DT_STRING, D.DT_STRING, D.DT_STRING]), dense_types: attr.types([]), out_type: attr.type(D.DT_INT64), internal_type: attr.type(D.DT_INT64),
    }, 3)[1];
  // sparse_cross_op_test.py: test_hashed_zero_bucket_no_hash_key, test_hashed_zero_bucket, test_hashed_no_hash_key, test_hashed_output
  assert.equal(values(legacy(0, 0xdecafcaffen)), ["1971693436396284976"]);
  assert.equal(values(legacy(0, 0xdecafcaffen + 1n)), ["4847552627144134031"]);
  assert.equal(values(legacy(100, 0xdecafcaffen)), ["83"]);
  assert.equal(values(legacy(100, 0xdecafcaffen + 1n)), ["31"]);
  const a = sp([["batch1-FC1-F1"], ["batch2-FC1-F1", "batch2-FC1-F2"]]);
  const b = sp([["batch1-FC2-F1"], ["batch2-FC2-F1", "batch2-FC2-F2"]]);
  const [ix, v, sh] = runOp("SparseCrossV2", [a[0], b[0], a[1], b[1], a[2], b[2], tensor(D.DT_STRING, [], ["_Y_"])], {
    N: attr.int(2), sparse_types: attr.types([D.DT_STRING, D.DT_STRING]), dense_types: attr.types([]),
  }, 3);
  assert.equal(values(v), ["batch1-FC1-F1_Y_batch1-FC2-F1", "batch2-FC1-F1_Y_batch2-FC2-F1", "batch2-FC1-F1_Y_batch2-FC2-F2", "batch2-FC1-F2_Y_batch2-FC2-F1", "batch2-FC1-F2_Y_batch2-FC2-F2"]);
  assert.equal(values(ix), ["0", "0", "1", "0", "1", "1", "1", "2", "1", "3"]);
  assert.equal(values(sh), ["2", "4"]);
  const [, mixed] = runOp("SparseCrossV2", [tensor(D.DT_INT64, [2, 2], [11n, 333n, 55555n, 999999n]), strs([2, 1], ["x", "y"]), tensor(D.DT_STRING, [], ["_X_"])], {
    N: attr.int(0), sparse_types: attr.types([]), dense_types: attr.types([D.DT_INT64, D.DT_STRING]),
  }, 3);
  assert.equal(values(mixed), ["11_X_x", "333_X_x", "55555_X_y", "999999_X_y"]);
  const [, h] = runOp("SparseCrossHashed", [...three.map((t) => t[0]), ...three.map((t) => t[1]), ...three.map((t) => t[2]), i64([], [1000]), tensor(D.DT_BOOL, [], [false]), i64([2], [0, 0])], {
    N: attr.int(3), sparse_types: attr.types([D.DT_STRING, D.DT_STRING, D.DT_STRING]), dense_types: attr.types([]),
  }, 3);
  assert.is(h.size, 1);
  assert.ok(Number(values(h)[0]) >= 0 && Number(values(h)[0]) < 1000);
  throwsTf(() => runOp("SparseCrossV2", [a[0], i64([1, 2], [0, 0]), a[1], strs([1], ["q"]), a[2], i64([2], [7, 1]), tensor(D.DT_STRING, [], ["_"])], {
    N: attr.int(2), sparse_types: attr.types([D.DT_STRING, D.DT_STRING]), dense_types: attr.types([]),
  }, 3), "Expected batch size 2 got 7");
});

test.run();
