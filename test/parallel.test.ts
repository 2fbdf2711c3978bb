/**
 * The parallel path of compute.ts: ops cut across the main thread and the
 * compute workers give bit-identical results to the single-thread kernels
 * (every element compared with Object.is), through compute.* directly and
 * through a Session (plain and fused kernels); weights reach a worker once
 * and are re-sent when their tensor changes; small ops, other backends and
 * TFSM_THREADS=1 stay on the main thread; a failing worker falls back.
 *
 * The pool here has 2 workers (TFSM_THREADS=3), so 3-way cuts with uneven
 * ranges are exercised even on a 2-core machine.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setup, attr, nodeDef, sessionFor, Tensor, DataType } from "./support/ops.js";
import { tf, type TfTensor } from "../src/runtime/backend.js";
import * as compute from "../src/runtime/compute.js";
import { readyPool, shutdown, threadCount, whenReady } from "../src/runtime/parallel/pool.js";

const F = DataType.DT_FLOAT;
let savedThreads: string | undefined;

test.before(async () => {
  await setup();
  savedThreads = process.env.TFSM_THREADS;
  await shutdown();
  process.env.TFSM_THREADS = "3";
  assert.ok(await whenReady(), "workers start");
});

test.after(async () => {
  compute.parallelOptions.force = false;
  compute.parallelOptions.disable = false;
  await shutdown();
  if (savedThreads === undefined) delete process.env.TFSM_THREADS;
  else process.env.TFSM_THREADS = savedThreads;
});

/** Deterministic values in [-1, 1) with a few exact zeros and ties. */
function rnd(shape: number[], seed = 1): TfTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    v[i] = i % 17 === 0 ? 0 : (s / 2 ** 32) * 2 - 1;
  }
  return tf.tensor(v, shape, "float32");
}

function splits(): number {
  return Object.values(compute.parallelStats).reduce((a, b) => a + b, 0);
}

/** Runs `f` on one thread and cut (forced), and checks every element is the same float. */
function same(name: string, f: () => TfTensor, wantMode?: string): void {
  compute.parallelOptions.disable = true;
  const one = f();
  compute.parallelOptions.disable = false;
  compute.parallelOptions.force = true;
  const before = { ...compute.parallelStats };
  let cut: TfTensor;
  try {
    cut = f();
  } finally {
    compute.parallelOptions.force = false;
  }
  const ran = Object.keys(compute.parallelStats).filter((k) => compute.parallelStats[k] !== (before[k] ?? 0));
  assert.equal(ran.length, 1, `${name}: was cut`);
  if (wantMode) assert.equal(ran[0], wantMode, `${name}: cut kind`);
  assert.equal(cut.shape, one.shape, `${name}: shape`);
  const a = one.dataSync();
  const b = cut.dataSync();
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  assert.is(diff, 0, `${name}: ${diff} of ${a.length} elements differ`);
  one.dispose();
  cut.dispose();
}

test("conv2d: rows, batch and channel cuts are bit-identical", () => {
  const x1 = rnd([1, 37, 29, 12], 1);
  const xb = rnd([5, 11, 13, 12], 2);
  const xrow = rnd([1, 3, 23, 12], 3);
  const w = rnd([3, 3, 12, 10], 4);
  const w5 = rnd([5, 4, 12, 10], 5);
  const w1 = rnd([1, 1, 12, 10], 6);
  const bias = rnd([10], 7);
  const acts = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const;
  for (const pad of ["same", "valid"] as const) {
    for (const [strides, dilations] of [[[1, 1], [1, 1]], [[2, 2], [1, 1]], [[3, 2], [1, 1]], [[1, 1], [2, 3]]] as [[number, number], [number, number]][]) {
      for (const filter of [w, w5, w1]) {
        const args = { filter, strides, pad, dilations };
        const tag = `${pad} s${strides} d${dilations} k${filter.shape.slice(0, 2)}`;
        same(`rows ${tag}`, () => compute.conv2d({ x: x1, ...args }), "conv2d/rows");
        same(`batch ${tag}`, () => compute.conv2d({ x: xb, ...args, bias, activation: "relu" }), "conv2d/batch");
      }
    }
  }
  for (const activation of acts) {
    same(`rows ${activation}`, () => compute.conv2d({ x: x1, filter: w, strides: [1, 1], pad: "same", dilations: [1, 1], bias, activation, leakyreluAlpha: 0.25 }), "conv2d/rows");
    same(`channels ${activation}`, () => compute.conv2d({ x: xrow, filter: w, strides: [1, 1], pad: "valid", dilations: [1, 1], bias, activation, leakyreluAlpha: 0.25 }), "conv2d/channels");
  }
  same("channels, no bias", () => compute.conv2d({ x: xrow, filter: w1, strides: [3, 2], pad: "same", dilations: [1, 1] }), "conv2d/channels");
  tf.dispose([x1, xb, xrow, w, w5, w1, bias]);
});

test("depthwise: rows and batch cuts are bit-identical (multiplier 1 and 2)", () => {
  const x1 = rnd([1, 31, 17, 8], 11);
  const xb = rnd([3, 9, 10, 8], 12);
  for (const mult of [1, 2]) {
    const w = rnd([3, 3, 8, mult], 13 + mult);
    const bias = rnd([8 * mult], 15);
    for (const pad of ["same", "valid"] as const) {
      for (const [strides, dilations] of [[[1, 1], [1, 1]], [[2, 2], [1, 1]], [[1, 1], [2, 2]]] as [[number, number], [number, number]][]) {
        const tag = `m${mult} ${pad} s${strides} d${dilations}`;
        same(`rows ${tag}`, () => compute.depthwiseConv2d({ x: x1, filter: w, strides, pad, dilations, bias, activation: "relu6" }), "depthwise/rows");
        same(`batch ${tag}`, () => compute.depthwiseConv2d({ x: xb, filter: w, strides, pad, dilations }), "depthwise/batch");
      }
    }
    tf.dispose([w, bias]);
  }
  tf.dispose([x1, xb]);
});

test("matMul: row and column cuts are bit-identical (every transpose, bias, activation)", () => {
  for (const [M, K, N] of [[61, 45, 39], [4, 70, 50], [300, 9, 17]]) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = rnd(ta ? [K, M] : [M, K], M + K);
        const b = rnd(tb ? [N, K] : [K, N], N + K);
        const bias = rnd([N], 3);
        const mode = M >= 16 ? "matmul/rows" : "matmul/cols";
        const tag = `${M}x${K}x${N} ta=${ta} tb=${tb}`;
        same(tag, () => compute.matMul({ a, b, transposeA: ta, transposeB: tb }), mode);
        same(`${tag} bias relu`, () => compute.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: "relu" }), mode);
        same(`${tag} bias leakyrelu`, () => compute.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: "leakyrelu", leakyreluAlpha: 0.1 }), mode);
        tf.dispose([a, b, bias]);
      }
    }
  }
});

const hostFloats = (shape: number[], seed: number) => {
  const t = rnd(shape, seed);
  const v = Tensor.fromHost(F, { dtype: "float32", shape, data: t.dataSync() as Float32Array });
  t.dispose();
  return v;
};

function sessionBits(nodes: ReturnType<typeof nodeDef>[], feeds: [string, Tensor][], fetch: string): Float32Array {
  const s = sessionFor(nodes);
  try {
    const [y] = s.run(feeds, [fetch]);
    const v = Float32Array.from(y.host().data as Float32Array);
    y.release();
    return v;
  } finally {
    s.close();
  }
}

function sameThroughSession(name: string, nodes: ReturnType<typeof nodeDef>[], feeds: [string, Tensor][], fetch: string): void {
  compute.parallelOptions.disable = true;
  const one = sessionBits(nodes, feeds, fetch);
  compute.parallelOptions.disable = false;
  compute.parallelOptions.force = true;
  const n0 = splits();
  let cut: Float32Array;
  try {
    cut = sessionBits(nodes, feeds, fetch);
  } finally {
    compute.parallelOptions.force = false;
  }
  assert.ok(splits() > n0, `${name}: was cut`);
  assert.is(cut.length, one.length);
  let diff = 0;
  for (let i = 0; i < one.length; i++) if (!Object.is(one[i], cut[i])) diff++;
  assert.is(diff, 0, `${name}: ${diff} elements differ`);
}

test("through a Session: Conv2D, DepthwiseConv2dNative, MatMul and a fused conv+bias+relu chain", () => {
  const ph = (n: string) => nodeDef(n, "Placeholder", [], { dtype: attr.type(F) });
  const conv = { T: attr.type(F), strides: attr.ints([1, 1, 1, 1]), padding: attr.str("SAME") };
  const x = hostFloats([2, 15, 14, 6], 21);
  const w = hostFloats([3, 3, 6, 7], 22);
  const dw = hostFloats([3, 3, 6, 2], 23);
  const bias = hostFloats([7], 24);
  sameThroughSession("Conv2D", [ph("x"), ph("w"), nodeDef("y", "Conv2D", ["x", "w"], conv)], [["x:0", x], ["w:0", w]], "y:0");
  sameThroughSession("DepthwiseConv2dNative", [ph("x"), ph("w"), nodeDef("y", "DepthwiseConv2dNative", ["x", "w"], conv)], [["x:0", x], ["w:0", dw]], "y:0");
  sameThroughSession(
    "Conv2D+BiasAdd+Relu (fused)",
    [ph("x"), ph("w"), ph("b"), nodeDef("c", "Conv2D", ["x", "w"], conv), nodeDef("a", "BiasAdd", ["c", "b"], { T: attr.type(F) }), nodeDef("y", "Relu", ["a"], { T: attr.type(F) })],
    [["x:0", x], ["w:0", w], ["b:0", bias]],
    "y:0",
  );
  // (big enough for the backend: small products are computed on the host)
  const a = hostFloats([40, 64], 25);
  const b = hostFloats([64, 40], 26);
  sameThroughSession("MatMul", [ph("a"), ph("b"), nodeDef("y", "MatMul", ["a", "b"], { T: attr.type(F) })], [["a:0", a], ["b:0", b]], "y:0");
  const bt = hostFloats([40, 64], 28);
  const mb = hostFloats([40], 29);
  sameThroughSession(
    "MatMul(transpose_b)+BiasAdd+Relu (fused)",
    [ph("a"), ph("b"), ph("c"), nodeDef("m", "MatMul", ["a", "b"], { T: attr.type(F), transpose_b: attr.bool(true) }), nodeDef("s", "BiasAdd", ["m", "c"], { T: attr.type(F) }), nodeDef("y", "Relu", ["s"], { T: attr.type(F) })],
    [["a:0", a], ["b:0", bt], ["c:0", mb]],
    "y:0",
  );
  const a3 = hostFloats([2, 20, 64], 27);
  sameThroughSession("BatchMatMulV2 [2,20,64]@[64,40] (one 2-D product)", [ph("a"), ph("b"), nodeDef("y", "BatchMatMulV2", ["a", "b"], { T: attr.type(F) })], [["a:0", a3], ["b:0", b]], "y:0");
});

test("fused MatMul with a transposed operand + BiasAdd + Relu equals the separate ops (tfjs's wasm fused epilogue there is wrong)", () => {
  const ph = (n: string) => nodeDef(n, "Placeholder", [], { dtype: attr.type(F) });
  const a = hostFloats([6, 100], 71); // K = 100 > tfjs's block of 48
  const b = hostFloats([7, 100], 72);
  const c = hostFloats([7], 73);
  const nodes = [
    ph("a"),
    ph("b"),
    ph("c"),
    nodeDef("m", "MatMul", ["a", "b"], { T: attr.type(F), transpose_b: attr.bool(true) }),
    nodeDef("s", "BiasAdd", ["m", "c"], { T: attr.type(F) }),
    nodeDef("y", "Relu", ["s"], { T: attr.type(F) }),
  ];
  const feeds: [string, Tensor][] = [["a:0", a], ["b:0", b], ["c:0", c]];
  const fused = sessionBits(nodes, feeds, "y:0");
  const saved = process.env.TFSM_NO_FUSION;
  process.env.TFSM_NO_FUSION = "1";
  let plain: Float32Array;
  try {
    plain = sessionBits(nodes, feeds, "y:0");
  } finally {
    if (saved === undefined) delete process.env.TFSM_NO_FUSION;
    else process.env.TFSM_NO_FUSION = saved;
  }
  // (the unfused MatMul of this size runs on the host in double: equal up to rounding)
  assert.is(fused.length, plain.length);
  for (let i = 0; i < fused.length; i++) assert.ok(Math.abs(fused[i] - plain[i]) <= 1e-5 * Math.max(1, Math.abs(plain[i])), `element ${i}: ${fused[i]} vs ${plain[i]}`);
});

test("ops cut in rounds (bounded memory) are bit-identical too", () => {
  const saved = compute.parallelOptions.roundBytes;
  compute.parallelOptions.roundBytes = 6000; // a few rows / images per thread per round, uneven last round
  try {
    const x1 = rnd([1, 41, 23, 6], 81);
    const xb = rnd([7, 9, 8, 6], 82);
    const w = rnd([3, 3, 6, 5], 83);
    const bias = rnd([5], 84);
    const dw = rnd([3, 3, 6, 1], 85);
    same("rows in rounds", () => compute.conv2d({ x: x1, filter: w, strides: [2, 1], pad: "same", dilations: [1, 1], bias, activation: "relu" }), "conv2d/rows");
    same("batch in rounds", () => compute.conv2d({ x: xb, filter: w, strides: [1, 1], pad: "valid", dilations: [1, 1] }), "conv2d/batch");
    same("depthwise rows in rounds", () => compute.depthwiseConv2d({ x: x1, filter: dw, strides: [1, 1], pad: "same", dilations: [2, 2] }), "depthwise/rows");
    const a = rnd([203, 37], 86);
    const at = rnd([37, 203], 87);
    const b = rnd([37, 29], 88);
    same("matMul rows in rounds", () => compute.matMul({ a, b, transposeA: false, transposeB: false }), "matmul/rows");
    same("matMul rows (transposed A) in rounds", () => compute.matMul({ a: at, b, transposeA: true, transposeB: false }), "matmul/rows");
    tf.dispose([x1, xb, w, bias, dw, a, at, b]);
  } finally {
    compute.parallelOptions.roundBytes = saved;
  }
});

test("weights reach a worker once; a changed or disposed weight is re-sent and dropped", () => {
  const pool = readyPool()!;
  assert.ok(pool, "pool up");
  const w0 = pool.workers[0];
  const x = rnd([1, 20, 20, 8], 31);
  const filter = rnd([3, 3, 8, 8], 32);
  const run = (f: TfTensor) => compute.conv2d({ x, filter: f, strides: [1, 1], pad: "same", dilations: [1, 1] });
  compute.parallelOptions.force = true;
  try {
    const l0 = w0.loads;
    tf.dispose([run(filter), run(filter), run(filter)]);
    assert.is(w0.loads - l0, 1, "filter sent once for three calls");

    // A variable keeps its tensor object but gets new data on assign.
    const v = tf.variable(filter);
    tf.dispose(run(v));
    const l1 = w0.loads;
    const other = rnd([3, 3, 8, 8], 33);
    v.assign(other);
    const y = run(v);
    assert.is(w0.loads - l1, 1, "re-sent after assign");
    compute.parallelOptions.force = false;
    compute.parallelOptions.disable = true;
    const want = run(other);
    compute.parallelOptions.disable = false;
    assert.equal(Array.from(y.dataSync()), Array.from(want.dataSync()), "computed with the new values");
    tf.dispose([y, want]);
    compute.parallelOptions.force = true;

    // Disposed weights are dropped from the worker when the next weight is sent.
    const d0 = w0.drops;
    filter.dispose();
    v.dispose();
    const fresh = rnd([3, 3, 8, 8], 34);
    tf.dispose(run(fresh));
    assert.ok(w0.drops - d0 >= 2, `dropped the disposed weights (${w0.drops - d0})`);
    tf.dispose([fresh, other]);
  } finally {
    compute.parallelOptions.force = false;
  }
  x.dispose();
});

test("the size threshold: small ops stay on the main thread, big ones are cut", () => {
  const n0 = splits();
  const xs = rnd([1, 8, 8, 4], 41);
  const ws = rnd([3, 3, 4, 4], 42);
  tf.dispose(compute.conv2d({ x: xs, filter: ws, strides: [1, 1], pad: "same", dilations: [1, 1] }));
  const as = rnd([8, 8], 43);
  tf.dispose(compute.matMul({ a: as, b: as, transposeA: false, transposeB: false }));
  assert.is(splits(), n0, "small ops not cut");
  const x = rnd([1, 96, 96, 32], 44);
  const w = rnd([3, 3, 32, 32], 45);
  const a = rnd([512, 512], 46);
  tf.dispose(compute.conv2d({ x, filter: w, strides: [1, 1], pad: "same", dilations: [1, 1] }));
  tf.dispose(compute.matMul({ a, b: a, transposeA: false, transposeB: false }));
  assert.is(splits(), n0 + 2, "big conv and matmul cut");
  tf.dispose([xs, ws, as, x, w, a]);
});

test("never cut under the cpu backend", async () => {
  const n0 = splits();
  await tf.setBackend("cpu");
  try {
    const x = rnd([1, 12, 12, 4], 51);
    const w = rnd([3, 3, 4, 4], 52);
    compute.parallelOptions.force = true;
    tf.dispose(compute.conv2d({ x, filter: w, strides: [1, 1], pad: "same", dilations: [1, 1] }));
    tf.dispose([x, w]);
  } finally {
    compute.parallelOptions.force = false;
    await tf.setBackend("wasm");
  }
  assert.is(splits(), n0);
});

test("a worker that fails a job turns the pool off; ops fall back to the main thread", async () => {
  const pool = readyPool()!;
  const w = pool.workers[0];
  w.ensureArena(16);
  w.post({ kind: "matmul", strides: [1, 1], pad: "valid", dilations: [1, 1], transposeA: false, transposeB: false, activation: "linear" }, [2, 2], "no-such-weight", undefined, 4, 4);
  assert.throws(() => w.wait(), /not loaded/);
  pool.disable("test");
  assert.is(readyPool(), undefined);
  const a = rnd([64, 64], 61);
  const n0 = splits();
  compute.parallelOptions.force = true;
  let y: TfTensor;
  try {
    y = compute.matMul({ a, b: a, transposeA: false, transposeB: false });
  } finally {
    compute.parallelOptions.force = false;
  }
  assert.is(splits(), n0, "not cut");
  assert.equal(y.shape, [64, 64]);
  tf.dispose([a, y]);
  // A new pool can be started afterwards.
  await shutdown();
  assert.ok(await whenReady());
});

test("TFSM_THREADS: 1 means no workers; the default is the core count, at most 8", () => {
  const saved = process.env.TFSM_THREADS;
  try {
    process.env.TFSM_THREADS = "1";
    assert.is(threadCount(), 1);
    delete process.env.TFSM_THREADS;
    assert.ok(threadCount() >= 1 && threadCount() <= 8);
  } finally {
    process.env.TFSM_THREADS = saved;
  }
});

test("workers never keep the process alive", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const script = `
    import { initBackend, tf } from "./src/runtime/backend.ts";
    import * as compute from "./src/runtime/compute.ts";
    import { whenReady } from "./src/runtime/parallel/pool.ts";
    await initBackend();
    if (!(await whenReady())) throw new Error("no workers");
    compute.parallelOptions.force = true;
    const a = tf.ones([64, 64]);
    compute.matMul({ a, b: a, transposeA: false, transposeB: false }).dataSync();
    console.log(JSON.stringify(compute.parallelStats));
  `;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, TFSM_THREADS: "2" }, timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /"matmul\/rows":1/);
  assert.ok(Date.now() - t0 < 30_000);
});

test.run();
