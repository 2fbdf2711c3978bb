import { test } from "uvu";
import * as assert from "uvu/assert";
import { runOp, setup, tensor, DataType } from "./support/ops.js";
import { loadCases, toTensor, attrsOf, expectClose, type Tolerance } from "./support/refs.js";

test.before(setup);

// scipy.special in double on the same dtype-rounded inputs. The kernels
// compute in double too (independently of scipy's Cephes), agreeing to
// ~1e-15 relative, or ~1e-16 absolute near a function's zeros (J/Y zeros,
// the root of Ei) where neither is relatively accurate; the large-argument
// J/Y differ by Cephes' rounding of x - π/4. Narrower dtypes are one rounding
// of those doubles, so they may differ by one ulp where the two doubles
// straddle a rounding boundary: 2^-23, 2^-10 and 2^-7 relative.
const TOL: Record<string, Tolerance> = {
  double: { rel: 1e-13, abs: 1e-15 },
  float: { rel: 2 ** -23, abs: 1e-15 },
  half: { rel: 2 ** -10, abs: 1e-7 },
  bfloat16: { rel: 2 ** -7, abs: 1e-30 },
};

for (const c of loadCases("special.json")) {
  test(`${c.op}: ${c.name} (scipy.special reference)`, () => {
    const outs = runOp(c.op, c.inputs.map(toTensor), attrsOf(c), 1);
    expectClose(outs[0], c.outputs[0], TOL[c.outputs[0].dtype], `${c.op} ${c.name}`);
  });
}

test("special functions refuse integer inputs", () => {
  assert.throws(() => runOp("BesselJ0", [tensor(DataType.DT_INT32, [1], [1])]), /BesselJ0 is not defined for int32 tensors/);
});

test.run();
