import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { runOp, setup, tensor, floats, values, attr, DataType } from "./support/ops.js";
import type { AttrValue } from "../src/proto/gen/graph_pb.js";
import { TfsmError } from "../src/errors.js";

test.before(setup);

interface TData {
  dtype: string;
  shape: number[];
  values: number[];
}
interface Case {
  name: string;
  input: TData;
  attrs: { ksize: number[]; strides: number[]; padding: string; include_batch_in_index: boolean; Targmax: string };
  output: TData;
  argmax: TData;
}

// Expected values: a direct numpy loop over TF's documented semantics (scripts/make-kernel-refs-pooling.py).
const cases: Case[] = JSON.parse(readFileSync(new URL("./data/kernels/pooling-argmax.json", import.meta.url), "utf8"));
const DT: Record<string, number> = { float: DataType.DT_FLOAT, int64: DataType.DT_INT64, int32: DataType.DT_INT32, half: DataType.DT_HALF, double: DataType.DT_DOUBLE };

function attrsOf(a: Case["attrs"], dtype: number): Record<string, AttrValue> {
  return {
    T: attr.type(dtype),
    ksize: attr.ints(a.ksize),
    strides: attr.ints(a.strides),
    padding: attr.str(a.padding),
    include_batch_in_index: attr.bool(a.include_batch_in_index),
    Targmax: attr.type(DT[a.Targmax]),
  };
}

const input = (d: TData, dtype = DT[d.dtype]) => tensor(dtype, d.shape, dtype === DataType.DT_INT64 ? d.values.map((v) => BigInt(v)) : d.values);

for (const c of cases) {
  test(`MaxPoolWithArgmax: ${c.name} (numpy reference)`, () => {
    const [y, a] = runOp("MaxPoolWithArgmax", [input(c.input)], attrsOf(c.attrs, DT[c.input.dtype]), 2);
    assert.is(y.dtype, DT[c.output.dtype]);
    assert.equal(y.shape, c.output.shape);
    assert.equal(y.numbers(), c.output.values.map(Math.fround));
    assert.is(a.dtype, DT[c.argmax.dtype]);
    assert.equal(a.shape, c.argmax.shape);
    assert.equal(a.numbers(), c.argmax.values);
  });
}

test("MaxPoolWithArgmax in half and double keeps the input's exact values", () => {
  const c = cases.find((k) => k.attrs.include_batch_in_index && k.input.dtype === "float")!;
  for (const dt of [DataType.DT_HALF, DataType.DT_DOUBLE]) {
    const x = input(c.input, dt);
    const [y, a] = runOp("MaxPoolWithArgmax", [x], attrsOf(c.attrs, dt), 2);
    assert.is(y.dtype, dt);
    const xs = x.numbers();
    assert.equal(y.numbers(), a.numbers().map((i) => xs[i]));
    assert.equal(a.numbers(), c.argmax.values);
  }
});

test("MaxPoolWithArgmax: a window of NaNs gives TF's initial lowest value and index -1", () => {
  const [y, a] = runOp("MaxPoolWithArgmax", [floats([1, 2, 2, 1], [NaN, NaN, 3, NaN])], attrsOf({ ksize: [1, 1, 2, 1], strides: [1, 1, 2, 1], padding: "VALID", include_batch_in_index: false, Targmax: "int64" }, DataType.DT_FLOAT), 2);
  assert.equal(y.numbers(), [-3.4028234663852886e38, 3]);
  assert.equal(values(a), ["-1", "2"]);
});

test("MaxPoolWithArgmax errors follow TF", () => {
  const x = floats([1, 2, 2, 1], [1, 2, 3, 4]);
  const base = { ksize: [1, 2, 2, 1], strides: [1, 1, 1, 1], padding: "VALID", include_batch_in_index: false, Targmax: "int64" };
  const check = (a: Partial<Case["attrs"]>, cls: string, re: RegExp) => {
    try {
      runOp("MaxPoolWithArgmax", [x], attrsOf({ ...base, ...a }, DataType.DT_FLOAT), 2);
    } catch (e) {
      assert.instance(e, TfsmError);
      assert.is((e as TfsmError).pyClass, cls);
      assert.match((e as Error).message, re);
      return;
    }
    assert.unreachable("expected an error");
  };
  check({ ksize: [2, 1, 1, 1] }, "UnimplementedError", /Pooling is not yet supported on the batch dimension/);
  check({ ksize: [1, 2, 2] }, "InvalidArgumentError", /ksize field must specify 4 dimensions/);
  check({ padding: "EXPLICIT" }, "InvalidArgumentError", /Unknown padding 'EXPLICIT'/);
  check({ ksize: [1, 4, 4, 1] }, "InvalidArgumentError", /Computed output size would be negative/);
});

test.run();
