import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { runOp, setup, tensor, ints, floats, attr, DataType, sessionFor, nodeDef, Tensor } from "./support/ops.js";
import { Philox } from "../src/runtime/kernels/random.js";
import { TfsmError } from "../src/errors.js";
import { tensorProto } from "../src/proto/build.js";
import { DT } from "./support/kernel-refs.js";

test.before(setup);

const refs = JSON.parse(readFileSync(new URL("./data/kernels/random.json", import.meta.url), "utf8"));

/** Exact encodings matching the reference script: float bits, half bits, double repr, ints as strings. */
function encoded(t: Tensor, kind: string): (number | string)[] {
  const h = t.host();
  switch (kind) {
    case "float":
      return Array.from(new Uint32Array((h.data as Float32Array).slice().buffer));
    case "half":
      return Array.from(h.data as Uint16Array);
    case "double":
      return Array.from(h.data as Float64Array, (v) => pyRepr(v));
    default:
      return Array.from(h.data as ArrayLike<number | bigint>, (v) => v.toString());
  }
}

/** Python's repr of a float (shortest round-trip, with ".0" / exponent forms). */
function pyRepr(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const s = String(v);
  const m = s.match(/^(-?[\d.]+)e([+-])(\d+)$/);
  if (!m) return s;
  return `${m[1]}e${m[2]}${m[3].padStart(2, "0")}`;
}

/**
 * Exact equality, except double normals: V8's sin/cos are not always
 * correctly rounded like glibc's (which TF and the reference use), so those
 * may differ in the last bit.
 */
function same(actual: (number | string)[], expected: (number | string)[], ulp: boolean, msg: string): void {
  if (!ulp) return assert.equal(actual, expected, msg);
  assert.equal(actual.length, expected.length, msg);
  actual.forEach((a, i) => {
    const x = Number(a);
    const y = Number(expected[i]);
    assert.ok(Math.abs(x - y) <= Math.abs(y) * 4e-16, `${msg}: [${i}] ${a} vs ${expected[i]}`);
  });
}

const seedT = (seed: (number | string)[], dt = DataType.DT_INT64) => tensor(dt, [2], seed.map((s) => (dt === DataType.DT_INT64 ? BigInt(s) : Number(s))));

test("Philox-4x32-10 reproduces the Random123 known-answer vectors", () => {
  for (const k of refs.philox_kat) {
    const p = new Philox(Uint32Array.from(k.counter), Uint32Array.from(k.key));
    assert.equal(Array.from(p.next()), k.out);
  }
  assert.equal(refs.philox_kat[0].out, [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
});

test("Philox skip carries across the 128-bit counter", () => {
  const p = new Philox(new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff, 0]), new Uint32Array(2));
  p.skip(1);
  assert.equal(Array.from(p.counter), [0, 0, 0, 1]);
  p.skip(2 ** 40 + 5);
  assert.equal(Array.from(p.counter), [5, 256, 0, 1]);
});

test("StatelessRandomGetKeyCounter(Alg) scramble seeds as TF's GenerateKey", () => {
  for (const c of refs.keys) {
    const [key, counter] = runOp("StatelessRandomGetKeyCounter", [seedT(c.seed)], { Tseed: attr.type(DataType.DT_INT64) }, 2);
    assert.equal(key.dtype, DataType.DT_UINT64);
    assert.equal(key.shape, [1]);
    assert.equal(encoded(key, "uint64"), [c.key]);
    assert.equal(encoded(counter, "uint64"), c.counter);
    const [k2, c2, alg] = runOp("StatelessRandomGetKeyCounterAlg", [seedT(c.seed)], {}, 3);
    assert.equal(encoded(k2, "uint64"), [c.key]);
    assert.equal(encoded(c2, "uint64"), c.counter);
    assert.equal(alg.numbers(), [1]);
  }
  // int32 seeds sign-extend to 64 bits like TF's static_cast
  const c = refs.keys.find((k: { seed: string[] }) => k.seed[0] === "-1");
  const [key] = runOp("StatelessRandomGetKeyCounter", [seedT(c.seed, DataType.DT_INT32)], {}, 2);
  assert.equal(encoded(key, "uint64"), [c.key]);
  assert.equal(runOp("StatelessRandomGetAlg", [])[0].numbers(), [1]);
});

test("stateless ops (v1 seed and v2 key/counter/alg) match TF's Philox streams bit for bit", () => {
  let checked = 0;
  for (const c of refs.stateless) {
    const dtype = DT[c.dtype];
    const shape = ints([c.shape.length], c.shape);
    const v1Name = { Uniform: "StatelessRandomUniform", Normal: "StatelessRandomNormal", TruncatedNormal: "StatelessTruncatedNormal", UniformInt: "StatelessRandomUniformInt", UniformFullInt: "StatelessRandomUniformFullInt" }[c.op as string]!;
    const v2Name = { Uniform: "StatelessRandomUniformV2", Normal: "StatelessRandomNormalV2", TruncatedNormal: "StatelessTruncatedNormalV2", UniformInt: "StatelessRandomUniformIntV2", UniformFullInt: "StatelessRandomUniformFullIntV2" }[c.op as string]!;
    const bounds = c.lo === undefined ? [] : [tensor(dtype, [], [c.dtype === "int64" ? BigInt(c.lo) : Number(c.lo)]), tensor(dtype, [], [c.dtype === "int64" ? BigInt(c.hi) : Number(c.hi)])];
    const seed = seedT(c.seed);
    if (c.dtype !== "uint32" && c.dtype !== "uint64") {
      const [y] = runOp(v1Name, [shape, seed, ...bounds], { dtype: attr.type(dtype) });
      assert.equal(y.dtype, dtype);
      assert.equal(y.shape, c.shape);
      same(encoded(y, c.dtype), c.values, c.dtype === "double" && c.op.includes("Normal"), `${v1Name} ${c.dtype} seed ${c.seed}`);
    }
    const [key, counter, alg] = runOp("StatelessRandomGetKeyCounterAlg", [seed], {}, 3);
    const [y2] = runOp(v2Name, [shape, key, counter, alg, ...bounds], { dtype: attr.type(dtype) });
    same(encoded(y2, c.dtype), c.values, c.dtype === "double" && c.op.includes("Normal"), `${v2Name} ${c.dtype} seed ${c.seed}`);
    checked++;
  }
  assert.ok(checked > 40);
});

test("stateless v2: AUTO_SELECT is Philox, ThreeFry is refused", () => {
  const c = refs.stateless[0];
  const [key, counter] = runOp("StatelessRandomGetKeyCounter", [seedT(c.seed)], {}, 2);
  const shape = ints([c.shape.length], c.shape);
  const [y] = runOp("StatelessRandomUniformV2", [shape, key, counter, tensor(DataType.DT_INT32, [], [3])], { dtype: attr.type(DataType.DT_FLOAT) });
  assert.equal(encoded(y, "float"), c.values);
  assert.throws(() => runOp("StatelessRandomUniformV2", [shape, key, counter, tensor(DataType.DT_INT32, [], [2])], { dtype: attr.type(DataType.DT_FLOAT) }), /Unsupported algorithm id: 2/);
});

test("uniform ints: minval >= maxval is TF's error", () => {
  const args = [ints([1], [4]), seedT([1, 2]), tensor(DataType.DT_INT32, [], [3]), tensor(DataType.DT_INT32, [], [3])];
  assert.throws(() => runOp("StatelessRandomUniformInt", args, { dtype: attr.type(DataType.DT_INT32) }), /Need minval < maxval, got 3 >= 3/);
});

function statefulSession(op: string, shape: number[], attrs: Record<string, ReturnType<typeof attr.int>>) {
  return sessionFor([
    nodeDef("shape", "Const", [], { dtype: attr.type(DataType.DT_INT32), value: attr.tensor(tensorProto({ dtype: "int32", shape: [shape.length], data: Int32Array.from(shape) })) }),
    nodeDef("r", op, ["shape"], attrs),
  ]);
}

test("stateful ops: seeded streams equal TF's, advancing 256 samples per element each run", () => {
  for (const c of refs.stateful) {
    const s = statefulSession(c.op, c.shape, { seed: attr.int(BigInt(c.seed)), seed2: attr.int(BigInt(c.seed2)), dtype: attr.type(DT[c.dtype]), T: attr.type(DataType.DT_INT32) });
    try {
      for (const run of c.runs) {
        const [y] = s.run([], ["r:0"]);
        assert.equal(y.shape, c.shape);
        assert.equal(encoded(y, c.dtype), run, `${c.op} seed ${c.seed}/${c.seed2}`);
      }
    } finally {
      s.close();
    }
  }
});

test("RandomStandardNormal(seed=5, seed2=1) gives TF's documented tf.random.normal example", () => {
  const s = statefulSession("RandomStandardNormal", [2, 2], { seed: attr.int(5), seed2: attr.int(1), dtype: attr.type(DataType.DT_FLOAT) });
  const [y] = s.run([], ["r:0"]);
  s.close();
  // tf.random.set_seed(5); tf.random.normal([2,2], 0, 1, tf.float32, seed=1)
  assert.equal(y.numbers().map((v) => v.toPrecision(8)), ["-1.3768897", "-0.012583158", "-0.16951500", "1.0824056"]);
});

test("RandomShuffle permutes rows with TF's Fisher-Yates draws", () => {
  const c = refs.shuffle;
  const rows = Array.from({ length: c.n * 2 }, (_, i) => i);
  const [y] = runOp("RandomShuffle", [ints([c.n, 2], rows)], { seed: attr.int(c.seed), seed2: attr.int(c.seed2), T: attr.type(DataType.DT_INT32) });
  assert.equal(y.numbers(), c.perm.flatMap((p: number) => [2 * p, 2 * p + 1]));
  const [s] = runOp("RandomShuffle", [tensor(DataType.DT_STRING, [3], ["a", "b", "c"])], { seed: attr.int(1), seed2: attr.int(1) });
  assert.equal(s.strings().map((b) => new TextDecoder().decode(b)).sort(), ["a", "b", "c"]);
});

test("unseeded stateful ops are random per session but well distributed", () => {
  const draw = () => {
    const s = statefulSession("RandomUniform", [4000], { dtype: attr.type(DataType.DT_FLOAT) });
    const [y] = s.run([], ["r:0"]);
    s.close();
    return y.numbers();
  };
  const a = draw();
  const b = draw();
  assert.not.equal(a.slice(0, 8), b.slice(0, 8));
  const mean = a.reduce((p, v) => p + v, 0) / a.length;
  assert.ok(Math.abs(mean - 0.5) < 0.03, `mean ${mean}`);
  assert.ok(a.every((v) => v >= 0 && v < 1));
});

test("RandomUniformInt draws from [minval, maxval)", () => {
  const [y] = runOp("RandomUniformInt", [ints([1], [1000]), tensor(DataType.DT_INT64, [], [-3n]), tensor(DataType.DT_INT64, [], [4n])], { Tout: attr.type(DataType.DT_INT64), seed: attr.int(1), seed2: attr.int(2) });
  assert.equal(y.dtype, DataType.DT_INT64);
  const v = y.numbers();
  assert.ok(v.every((x) => x >= -3 && x < 4));
  assert.equal(new Set(v).size, 7);
  try {
    runOp("RandomUniformInt", [ints([1], [3]), tensor(DataType.DT_INT32, [], [5]), tensor(DataType.DT_INT32, [], [1])], { Tout: attr.type(DataType.DT_INT32) });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, TfsmError);
    assert.match((e as Error).message, "Need minval < maxval, got 5 >= 1");
  }
});

test("Multinomial / StatelessMultinomial sample TF's cdf with TF's stream", () => {
  const m = refs.multinomial;
  const logits = floats([3, 5], m.logits.flat().map((v: number | string) => (v === "-inf" ? -Infinity : v)));
  const [y] = runOp("StatelessMultinomial", [logits, ints([], [m.stateless.num_samples]), seedT(m.stateless.seed)], { output_dtype: attr.type(DataType.DT_INT32) });
  assert.equal(y.dtype, DataType.DT_INT32);
  assert.equal(y.numbers(), m.stateless.samples.flat());
  assert.ok(!y.numbers().slice(0, m.stateless.num_samples).some((v) => v === 3)); // row 0's -inf logit is never drawn
  const s = sessionFor([
    nodeDef("l", "Const", [], { dtype: attr.type(DataType.DT_FLOAT), value: attr.tensor(tensorProto({ dtype: "float32", shape: [3, 5], data: Float32Array.from(logits.numbers()) })) }),
    nodeDef("n", "Const", [], { dtype: attr.type(DataType.DT_INT32), value: attr.tensor(tensorProto({ dtype: "int32", shape: [], data: Int32Array.from([m.stateful.num_samples]) })) }),
    nodeDef("r", "Multinomial", ["l", "n"], { seed: attr.int(m.stateful.seed), seed2: attr.int(m.stateful.seed2) }),
  ]);
  try {
    for (const run of m.stateful.runs) {
      const [r] = s.run([], ["r:0"]);
      assert.equal(r.dtype, DataType.DT_INT64);
      assert.equal(r.numbers(), run.flat());
    }
  } finally {
    s.close();
  }
});

test("truncated normals stay within two standard deviations", () => {
  const [y] = runOp("StatelessTruncatedNormal", [ints([1], [2000]), seedT([3, 4])], { dtype: attr.type(DataType.DT_FLOAT) });
  const v = y.numbers();
  assert.ok(v.every((x) => Math.abs(x) < 2));
  const sd = Math.sqrt(v.reduce((p, x) => p + x * x, 0) / v.length);
  assert.ok(Math.abs(sd - 0.88) < 0.05, `sd ${sd}`);
});

test.run();
