import { test } from "uvu";
import * as assert from "uvu/assert";
import { runOp, setup, tensor, floats, ints, attr, DataType } from "./support/ops.js";
import { loadCases, toTensor, attrsOf, expectClose, type Tolerance } from "./support/refs.js";

test.before(setup);

// numpy.fft in float64 on the same (already float32-rounded) inputs. The
// kernels compute in float64 too and round once at the end, so complex64/float
// outputs are within float32 rounding of each value; TF's own float32 DUCC
// transforms are accurate to ~1e-7·log2(n) of the signal's magnitude, hence a
// bound relative to the output's peak magnitude: 2e-6 of the peak for 32-bit
// results, 1e-12 for 64-bit ones (float64 round-off over at most 1024 points).
const TOL: Record<string, Tolerance> = {
  complex64: { peak: 2e-6 },
  float: { peak: 2e-6 },
  complex128: { peak: 1e-12 },
  double: { peak: 1e-12 },
};

for (const c of loadCases("signal.json")) {
  test(`${c.op}: ${c.name} (numpy.fft reference)`, () => {
    const outs = runOp(c.op, c.inputs.map(toTensor), attrsOf(c), c.outputs.length);
    outs.forEach((o, i) => expectClose(o, c.outputs[i], TOL[c.outputs[i].dtype], `${c.op} ${c.name}`));
  });
}

const c64 = (shape: number[], pairs: number[]) => {
  const t = tensor(DataType.DT_COMPLEX64, shape, new Array(pairs.length / 2).fill(0));
  (t.host().data as Float32Array).set(pairs);
  return t;
};

test("FFT: a unit impulse transforms to all ones; IFFT scales by 1/n", () => {
  const [y] = runOp("FFT", [c64([4], [1, 0, 0, 0, 0, 0, 0, 0])]);
  assert.equal(Array.from(y.host().data as Float32Array), [1, 0, 1, 0, 1, 0, 1, 0]);
  const [z] = runOp("IFFT", [c64([4], [4, 0, 0, 0, 0, 0, 0, 0])]);
  assert.equal(Array.from(z.host().data as Float32Array), [1, 0, 1, 0, 1, 0, 1, 0]);
});

test("FFT family: rank, dtype and fft_length errors use TF's wording", () => {
  assert.throws(() => runOp("FFT2D", [c64([3], [0, 0, 0, 0, 0, 0])]), /Input must have rank of at least 2 but got: \[3\]/);
  assert.throws(() => runOp("RFFT", [floats([4], [1, 2, 3, 4]), ints([2], [4, 4])]), /fft_length must have shape \[1\]/);
  assert.throws(() => runOp("RFFT", [floats([4], [1, 2, 3, 4]), ints([1], [-1])]), /fft_length\[0\] must >= 0, but got: -1/);
  // the raw op crops but never pads (tf.signal.rfft pads in the graph)
  assert.throws(() => runOp("RFFT", [floats([4], [1, 2, 3, 4]), ints([1], [6])]), /Input dimension 0 must have length of at least 6 but got: 4/);
  assert.throws(() => runOp("IRFFT", [c64([3], [1, 0, 2, 0, 3, 0]), ints([1], [6])]), /Input dimension 0 must have length of at least 4 but got: 3/);
  assert.throws(
    () => runOp("RFFT", [tensor(DataType.DT_DOUBLE, [2], [1, 2]), ints([1], [2])], { Tcomplex: attr.type(DataType.DT_COMPLEX64) }),
    /Wrong types for forward real FFT/,
  );
});

test("RFFT/IRFFT: empty inputs give zero-filled outputs of the output shape", () => {
  const [y] = runOp("RFFT", [floats([0, 4], []), ints([1], [4])]);
  assert.equal(y.shape, [0, 3]);
  const [z] = runOp("IRFFT", [c64([2, 0], []), ints([1], [4])]);
  assert.equal(z.shape, [2, 4]);
  assert.equal(z.numbers(), [0, 0, 0, 0, 0, 0, 0, 0]);
});

test.run();
