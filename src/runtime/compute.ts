/**
 * The heavy float32 kernels behind the runner, in one place: convolutions
 * and matrix products with an optional fused bias and activation (tfjs's
 * fused kernels). Kernels and the plan optimizer call these instead of
 * tf.* directly, so how they are computed (one backend, several threads)
 * is decided here.
 *
 * Several threads: under the wasm backend (single-threaded in Node), an op
 * big enough to pay for the hand-off is cut into slices, one for the main
 * thread and one for each compute worker (./parallel/pool.ts), each worker
 * running its own tfjs + wasm backend. The caller still sees one
 * synchronous call: the main thread posts the workers' slices, computes its
 * own, then waits for theirs and assembles the result.
 *
 * - conv2d / depthwise, batch ≥ 2: the batch is cut.
 * - batch 1: the output rows are cut; each slice reads its rows of the input
 *   plus the halo its window needs, with the original padding made explicit
 *   at the image's edges. Rows rather than output channels: a worker gets
 *   only its rows, not the whole input, and the results join end to end
 *   instead of interleaving (measured on a 224×224×32 3×3 conv: 1.5–1.65×
 *   vs 1.2–1.3× for a channel cut; equal on 28×28×128). A conv2d with a
 *   single output row cuts its output channels (filter and bias slices).
 * - matMul: the rows of A are cut, or the columns of B when A has few rows.
 *
 * Every slice runs the same tfjs kernel (./parallel/protocol.ts runKernel)
 * on the same operands as the whole op would, and every output element of
 * these kernels depends only on its own window / row / column, so the result
 * is bit-identical to the single-thread one (test/parallel.test.ts).
 *
 * Which ops are cut: see `COST` (a cost model of compute and copies).
 * Weights go to a worker once and stay there (pool.ts); the filter and bias
 * slices of a channel or column cut are kept on the main thread too, while
 * their source tensor lives.
 */
import { tf, type TfTensor } from "./backend.js";
import { runKernel, type Activation, type KernelSpec, type Pad } from "./parallel/protocol.js";
import { readyPool, startPool, type ComputeWorker, type Pool } from "./parallel/pool.js";

export type { Activation } from "./parallel/protocol.js";

export interface Epilogue {
  /** Per-output-channel bias, shape [C]. */
  bias?: TfTensor;
  activation?: Activation;
  leakyreluAlpha?: number;
}

export interface Conv2DArgs extends Epilogue {
  x: TfTensor;
  filter: TfTensor;
  strides: [number, number];
  pad: "same" | "valid";
  dilations: [number, number];
}

export interface MatMulArgs extends Epilogue {
  a: TfTensor;
  b: TfTensor;
  transposeA: boolean;
  transposeB: boolean;
}

function convSpec(kind: "conv2d" | "depthwise", a: Conv2DArgs): KernelSpec {
  return { kind, strides: a.strides, pad: a.pad, dilations: a.dilations, transposeA: false, transposeB: false, activation: a.activation ?? "linear", leakyreluAlpha: a.leakyreluAlpha };
}

/** NHWC conv2d (+ bias + activation). */
export function conv2d(a: Conv2DArgs): TfTensor {
  const spec = convSpec("conv2d", a);
  return execute(convPlan(spec, a), () => runKernel(tf, spec, a.x, a.filter, a.bias));
}

/** NHWC depthwise conv2d (+ bias + activation). */
export function depthwiseConv2d(a: Conv2DArgs): TfTensor {
  const spec = convSpec("depthwise", a);
  return execute(convPlan(spec, a), () => runKernel(tf, spec, a.x, a.filter, a.bias));
}

/**
 * 2-D matrix product (+ bias over the last dim + activation).
 *
 * Under wasm a transposed operand sends tfjs to its naive loop, whose fused
 * epilogue is wrong (it adds bias[min(row·N + col, N−1)], once per block of
 * 48 along K, and clamps relu/relu6 per block); there the product runs
 * plain and the bias and activation follow as ops of their own.
 */
export function matMul(m: MatMulArgs): TfTensor {
  const activation = m.activation ?? "linear";
  const epilogue = m.bias !== undefined || activation !== "linear";
  if (epilogue && (m.transposeA || m.transposeB) && tf.getBackend() === "wasm") {
    return applyEpilogue(matMul({ a: m.a, b: m.b, transposeA: m.transposeA, transposeB: m.transposeB }), m);
  }
  const spec: KernelSpec = { kind: "matmul", strides: [1, 1], pad: "valid", dilations: [1, 1], transposeA: m.transposeA, transposeB: m.transposeB, activation, leakyreluAlpha: m.leakyreluAlpha };
  return execute(matMulPlan(spec, m), () => runKernel(tf, spec, m.a, m.b, m.bias));
}

/** `y` + bias, then the activation, as separate tfjs ops (consumes `y`). */
function applyEpilogue(y: TfTensor, e: Epilogue): TfTensor {
  let r = y;
  const step = (next: TfTensor) => {
    r.dispose();
    r = next;
  };
  if (e.bias) step(tf.add(r, e.bias));
  switch (e.activation ?? "linear") {
    case "relu":
      step(tf.relu(r));
      break;
    case "relu6":
      step(tf.relu6(r));
      break;
    case "elu":
      step(tf.elu(r));
      break;
    case "sigmoid":
      step(tf.sigmoid(r));
      break;
    case "leakyrelu":
      step(tf.leakyRelu(r, e.leakyreluAlpha ?? 0.2));
      break;
  }
  return r;
}

// ---------------------------------------------------------------------------
// The parallel path

/** The parts of tfjs's wasm backend used to move data without extra copies. */
interface WasmBackend {
  dataIdMap: { has(dataId: object): boolean };
  typedArrayFromHeap(t: { dataId: object; shape: number[]; dtype: string }): Float32Array;
  makeOutput(shape: number[], dtype: "float32"): { dataId: object; shape: number[]; dtype: "float32" };
}

/**
 * Which ops are cut: those whose estimated single-thread time (FLOPs at the
 * kernel family's throughput) exceeds, by a margin, the estimate of the cut:
 * its share of the compute, the host copies (heap → arena → worker heap and
 * back, the main thread's own input slice, the assembly) and the fixed cost
 * of one hand-off (~0.15 ms: post, wake-up, wait, output allocation, for a
 * 32×32 matMul). Throughputs measured on the 2-core Xeon the benchmarks run
 * on (tfjs 4.22 wasm SIMD, quiet machine): XNNPACK convs and fully
 * connected ~25 GFLOP/s, less when the reduction (kh·kw·Cin) is short (a
 * 3-channel 3×3 input conv: 9–19), depthwise ~9 (memory-bound), tfjs's
 * naive loop for a transposed matMul ~1.7. In practice a 3×3 conv is cut
 * from ~10 MFLOP, a matMul from ~8 MFLOP; depthwise convs rarely are. The
 * first op that qualifies starts the workers.
 *
 * (Timing both ways per op signature and keeping the faster was tried: on
 * the shared VMs measured, early samples are too noisy — the first cut runs
 * of a signature pay XNNPACK operator creation and a cold second core — and
 * it kept choosing single-thread runs that were slower.)
 */
export const COST = {
  /** GFLOP/s on one thread. */
  gflops: { conv2d: 24, conv2dShortK: 12, depthwise: 9, matmul: 24, matmulSlow: 1.6 },
  /** Reductions shorter than this run at conv2dShortK. */
  shortK: 64,
  copyGBps: 10,
  fixedMs: 0.15,
  /** Cut when the estimate falls below this fraction of the single-thread one. */
  gain: 0.85,
};

/** How many ops were cut, by kind and cut (tests, benchmarks). */
export const parallelStats: Record<string, number> = {};

/**
 * `force` cuts every op that can be cut (no cost model), `disable` none (tests, benchmarks).
 *
 * `roundBytes`: host memory a cut op may add per thread at once. An op cut
 * along its outermost output axis runs in rounds, each thread's slice of a
 * round reading and writing at most this much, so the arena, the worker's
 * heap and the main thread's slice copies stay bounded (in one round, a
 * batch-32 CNN held a second copy of its largest activations: RSS 615 →
 * 1028 MB). A round costs one hand-off (~0.15 ms); 16 MB of slice is ~10 ms
 * of conv work.
 */
export const parallelOptions: { force: boolean; disable: boolean; roundBytes: number } = { force: false, disable: false, roundBytes: 16 * 2 ** 20 };

/**
 * Whether cutting an op of `flops` (estimated at `gflops` on one thread)
 * into `parts` pays, when the cut moves `copyBytes` through the host.
 */
function worthSplitting(flops: number, gflops: number, parts: number, copyBytes: number): boolean {
  if (parallelOptions.force) return true;
  const single = flops / (gflops * 1e6);
  const split = single / parts + copyBytes / (COST.copyGBps * 1e6) + COST.fixedMs;
  return split < single * COST.gain;
}

/** An op the pool can take: the cut computation (undefined when a worker failed). */
type Plan = () => TfTensor | undefined;

/** Runs a planned op cut, or whole when it has no plan or the cut failed. */
function execute(plan: Plan | undefined, single: () => TfTensor): TfTensor {
  return (plan && plan()) ?? single();
}

/** The wasm backend when it is the active one and splitting is on; undefined otherwise. */
function wasmBackend(): WasmBackend | undefined {
  if (parallelOptions.disable || tf.getBackend() !== "wasm") return undefined;
  return tf.backend() as unknown as WasmBackend;
}

function onHeap(b: WasmBackend, ...ts: (TfTensor | undefined)[]): boolean {
  return ts.every((t) => t === undefined || (t.dtype === "float32" && !t.isDisposed && b.dataIdMap.has(t.dataId)));
}

/** Near-equal contiguous ranges of [0, n), at most `parts` of them. */
function ranges(n: number, parts: number): [number, number][] {
  const k = Math.min(parts, n);
  const out: [number, number][] = [];
  for (let i = 0; i < k; i++) out.push([Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)]);
  return out;
}

let nextKey = 1;
const keys = new WeakMap<TfTensor, { key: string; dataId: object }>();

/** A process-wide name for a tensor's current data (a new one when a variable is assigned). */
function keyOf(t: TfTensor): string {
  let k = keys.get(t);
  if (!k || k.dataId !== t.dataId) keys.set(t, (k = { key: String(nextKey++), dataId: t.dataId }));
  return k.key;
}

/**
 * Slices of weights kept on the main thread (filter channels, B columns,
 * bias parts), by source tensor; dropped with their source.
 */
const derived = new Map<TfTensor, { dataId: object; parts: Map<string, TfTensor> }>();

function derivedSlice(src: TfTensor, begin: number[], size: number[]): TfTensor {
  const tag = `${begin}/${size}`;
  let d = derived.get(src);
  if (d && d.dataId !== src.dataId) {
    for (const t of d.parts.values()) t.dispose();
    d = undefined;
  }
  if (!d) {
    for (const [s, e] of derived) {
      if (s.isDisposed || s.dataId !== e.dataId) {
        for (const t of e.parts.values()) t.dispose();
        derived.delete(s);
      }
    }
    derived.set(src, (d = { dataId: src.dataId, parts: new Map() }));
  }
  let t = d.parts.get(tag);
  if (!t) d.parts.set(tag, (t = tf.keep(tf.slice(src, begin, size))));
  return t;
}

/** Makes sure worker `w` holds `t` (or its slice `begin`/`size`) and returns the key it is held under. */
function weight(b: WasmBackend, w: ComputeWorker, t: TfTensor, begin?: number[], size?: number[]): string {
  const key = begin ? `${keyOf(t)}:${begin}/${size}` : keyOf(t);
  if (w.has(key, t)) return key;
  let data: Float32Array;
  let shape: number[];
  if (begin && size) {
    const s = tf.slice(t, begin, size);
    data = b.typedArrayFromHeap(s).slice();
    shape = s.shape;
    s.dispose();
  } else {
    data = b.typedArrayFromHeap(t).slice();
    shape = t.shape;
  }
  w.load(key, t, shape, data);
  return key;
}

/** A new uninitialised float32 tensor on the wasm heap. */
function makeOutput(b: WasmBackend, shape: number[]): TfTensor {
  return tf.engine().makeTensorFromTensorInfo(b.makeOutput(shape, "float32"), tf.backend());
}

/**
 * A contiguous run of `x`'s values as a tensor of `shape` (tfjs's wasm
 * Slice first copies the whole input out of the heap).
 */
function contiguous(b: WasmBackend, x: TfTensor, offset: number, shape: number[]): TfTensor {
  const out = makeOutput(b, shape);
  const n = size(shape);
  b.typedArrayFromHeap(out).set(b.typedArrayFromHeap(x).subarray(offset, offset + n));
  return out;
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

interface Slice {
  /** The indices of the cut axis this slice computes. */
  range: [number, number];
  /** The worker's input, and how to read it: a contiguous run of the caller's tensor, or a tensor made for it. */
  xShape: number[];
  x: (b: WasmBackend) => Float32Array;
  spec: KernelSpec;
  w: TfTensor;
  wSlice?: [number[], number[]];
  bias?: TfTensor;
  biasSlice?: [number[], number[]];
  outSize: number;
}

/**
 * Posts slices 1.. to the workers, computes slice 0 here with `mine`, waits
 * and returns [main's result, each worker's results as a view of its arena].
 * Undefined (once every posted job has finished) when a worker failed: the
 * caller then computes the op on the main thread alone.
 */
function runSlices(pool: Pool, b: WasmBackend, slices: Slice[], mine: () => TfTensor): [TfTensor, Float32Array[]] | undefined {
  const workers = pool.workers;
  const posted: ComputeWorker[] = [];
  let failed: unknown;
  try {
    for (let i = 1; i < slices.length; i++) {
      const s = slices[i];
      const w = workers[i - 1];
      const wKey = s.wSlice ? weight(b, w, s.w, ...s.wSlice) : weight(b, w, s.w);
      const biasKey = s.bias === undefined ? undefined : s.biasSlice ? weight(b, w, s.bias, ...s.biasSlice) : weight(b, w, s.bias);
      const xSize = size(s.xShape);
      const arena = w.ensureArena(xSize + s.outSize);
      arena.set(s.x(b), 0);
      w.post(s.spec, s.xShape, wKey, biasKey, xSize, s.outSize);
      posted.push(w);
    }
  } catch (e) {
    failed = e;
  }
  let own: TfTensor | undefined;
  try {
    if (failed === undefined) own = mine();
  } finally {
    for (const w of posted) {
      try {
        w.wait();
      } catch (e) {
        failed ??= e;
      }
    }
  }
  if (failed !== undefined || !own) {
    own?.dispose();
    if (failed !== undefined) pool.disable(failed instanceof Error ? failed.message : String(failed));
    return undefined;
  }
  return [own, slices.slice(1).map((s, i) => workers[i].arena.subarray(size(s.xShape), size(s.xShape) + s.outSize))];
}

/**
 * Runs an op cut along its outermost output axis: `n` indices, `unit`
 * output floats each, `unitBytes` read and written per index. Each round
 * cuts its indices into `parts` slices (`sliceFor`), the main thread
 * computing the first (`mineFor`); results land in one output tensor.
 */
function runOuter(pool: Pool, b: WasmBackend, parts: number, n: number, unit: number, unitBytes: number, shape: number[], sliceFor: (range: [number, number]) => Slice, mineFor: (s: Slice) => TfTensor): TfTensor | undefined {
  const perRound = parts * Math.max(1, Math.floor(parallelOptions.roundBytes / unitBytes));
  const out = makeOutput(b, shape);
  for (let r0 = 0; r0 < n; r0 += perRound) {
    const r1 = Math.min(n, r0 + perRound);
    const slices = ranges(r1 - r0, parts).map(([c0, c1]) => sliceFor([r0 + c0, r0 + c1]));
    const done = runSlices(pool, b, slices, () => mineFor(slices[0]));
    if (!done) {
      out.dispose();
      return undefined;
    }
    const [own, theirs] = done;
    const ov = b.typedArrayFromHeap(out);
    ov.set(b.typedArrayFromHeap(own), slices[0].range[0] * unit);
    theirs.forEach((v, i) => ov.set(v, slices[i + 1].range[0] * unit));
    own.dispose();
  }
  return out;
}

/** Results interleaved along the innermost axis (`rows` rows of `n` floats; each slice holds its columns). */
function joinInner(b: WasmBackend, shape: number[], rows: number, n: number, slices: Slice[], own: TfTensor, theirs: Float32Array[]): TfTensor {
  const out = makeOutput(b, shape);
  const ov = b.typedArrayFromHeap(out);
  const parts = [b.typedArrayFromHeap(own), ...theirs];
  slices.forEach((s, i) => {
    const [c0, c1] = s.range;
    const w = c1 - c0;
    const src = parts[i];
    if (w >= 32) {
      for (let r = 0; r < rows; r++) ov.set(src.subarray(r * w, (r + 1) * w), r * n + c0);
    } else {
      for (let r = 0; r < rows; r++) for (let c = 0; c < w; c++) ov[r * n + c0 + c] = src[r * w + c];
    }
  });
  own.dispose();
  return out;
}

/**
 * The pool and the number of slices when cutting pays; undefined otherwise.
 * The first op that would pay starts the workers (in the background).
 */
function gate(flops: number, gflops: number, n: number, copyBytes: (parts: number) => number): { pool: Pool; parts: number } | undefined {
  const pool = readyPool();
  if (!pool) {
    if (parallelOptions.force || worthSplitting(flops, gflops, 2, copyBytes(2))) startPool();
    return undefined;
  }
  const parts = Math.min(pool.workers.length + 1, n);
  if (parts < 2 || !worthSplitting(flops, gflops, parts, copyBytes(parts))) return undefined;
  return { pool, parts };
}

function count(what: string): void {
  parallelStats[what] = (parallelStats[what] ?? 0) + 1;
}

function convPlan(spec: KernelSpec, a: Conv2DArgs): Plan | undefined {
  const b = wasmBackend();
  if (!b) return undefined;
  const { x, filter, bias } = a;
  const depthwise = spec.kind === "depthwise";
  if (x.rank !== 4 || filter.rank !== 4) return undefined;
  const [kh, kw, fin, fout] = filter.shape as number[];
  if (bias && (bias.rank !== 1 || bias.size !== (depthwise ? fin * fout : fout))) return undefined;
  if (!onHeap(b, x, filter, bias)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations, a.pad, undefined, depthwise);
  const [B, , , C] = x.shape as number[];
  const [, OH, OW, OC] = info.outShape;
  if (!(OH > 0 && OW > 0 && OC > 0)) return undefined; // tfjs's own call reports the bad shape
  const flops = 2 * B * OH * OW * OC * kh * kw * (depthwise ? 1 : C);
  const mode = B >= 2 ? "batch" : OH >= 2 ? "rows" : !depthwise && OC >= 2 ? "channels" : undefined;
  if (!mode || flops === 0) return undefined;
  const n = mode === "batch" ? B : mode === "rows" ? OH : OC;
  const xBytes = x.size * 4;
  const yBytes = B * OH * OW * OC * 4;
  // Host copies: each worker's input into the arena and onto its heap, its
  // output back likewise, main's own input slice, and the assembly.
  const copyBytes = (parts: number) => {
    const share = (parts - 1) / parts;
    const inputs = mode === "channels" ? 2 * xBytes * (parts - 1) : 2 * xBytes * share + xBytes / parts;
    return inputs + yBytes * (1 + 2 * share);
  };
  const gflops = depthwise ? COST.gflops.depthwise : kh * kw * C < COST.shortK ? COST.gflops.conv2dShortK : COST.gflops.conv2d;
  const g = gate(flops, gflops, n, copyBytes);
  if (!g) return undefined;
  return () => convRun(b, g, mode, spec, a, info);
}

function convRun(b: WasmBackend, g: { pool: Pool; parts: number }, mode: "batch" | "rows" | "channels", spec: KernelSpec, a: Conv2DArgs, info: ReturnType<typeof tf.backend_util.computeConv2DInfo>): TfTensor | undefined {
  const { x, filter, bias } = a;
  const [B, H, W, C] = x.shape as number[];
  const [, OH, OW, OC] = info.outShape;
  const [kh, kw, fin] = filter.shape as number[];
  const shape = [B, OH, OW, OC];
  let y: TfTensor | undefined;
  if (mode === "batch") {
    const per = H * W * C;
    const sliceFor = ([r0, r1]: [number, number]): Slice => ({
      range: [r0, r1],
      xShape: [r1 - r0, H, W, C],
      x: (b) => b.typedArrayFromHeap(x).subarray(r0 * per, r1 * per),
      spec,
      w: filter,
      bias,
      outSize: (r1 - r0) * OH * OW * OC,
    });
    const mineFor = (s: Slice) => {
      const xs = contiguous(b, x, s.range[0] * per, s.xShape);
      const r = runKernel(tf, spec, xs, filter, bias);
      xs.dispose();
      return r;
    };
    y = runOuter(g.pool, b, g.parts, B, OH * OW * OC, (per + OH * OW * OC) * 4, shape, sliceFor, mineFor);
  } else if (mode === "rows") {
    // Output rows [o0, o1) read input rows [o0·s − top, (o1−1)·s + effective kernel − top);
    // the part of that outside the image is the slice's explicit padding.
    const { top, left, right } = info.padInfo;
    const sh = info.strideHeight;
    const ekh = info.effectiveFilterHeight;
    const sliceFor = ([o0, o1]: [number, number]): Slice => {
      const start = o0 * sh - top;
      const end = (o1 - 1) * sh + ekh - top;
      const in0 = Math.max(0, start);
      const in1 = Math.min(H, end);
      const pad: Pad = [[0, 0], [in0 - start, end - in1], [left, right], [0, 0]];
      return {
        range: [o0, o1],
        xShape: [1, in1 - in0, W, C],
        x: (b) => b.typedArrayFromHeap(x).subarray(in0 * W * C, in1 * W * C),
        spec: { ...spec, pad },
        w: filter,
        bias,
        outSize: (o1 - o0) * OW * OC,
      };
    };
    const mineFor = (s: Slice) => {
      const xs = contiguous(b, x, Math.max(0, s.range[0] * sh - top) * W * C, s.xShape);
      const r = runKernel(tf, s.spec, xs, filter, bias);
      xs.dispose();
      return r;
    };
    y = runOuter(g.pool, b, g.parts, OH, OW * OC, (sh * W * C + OW * OC) * 4, shape, sliceFor, mineFor);
  } else {
    const slices: Slice[] = ranges(OC, g.parts).map(([c0, c1]) => ({
      range: [c0, c1],
      xShape: [B, H, W, C],
      x: (b) => b.typedArrayFromHeap(x),
      spec,
      w: filter,
      wSlice: [[0, 0, 0, c0], [kh, kw, fin, c1 - c0]],
      bias,
      biasSlice: bias && [[c0], [c1 - c0]],
      outSize: OH * OW * (c1 - c0),
    }));
    const s0 = slices[0];
    const done = runSlices(g.pool, b, slices, () => runKernel(tf, spec, x, derivedSlice(filter, ...s0.wSlice!), bias && derivedSlice(bias, ...s0.biasSlice!)));
    if (done) y = joinInner(b, shape, OH * OW, OC, slices, ...done);
  }
  if (y) count(`${spec.kind}/${mode}`);
  return y;
}

function matMulPlan(spec: KernelSpec, m: MatMulArgs): Plan | undefined {
  const b = wasmBackend();
  if (!b) return undefined;
  const { a, b: bm, bias } = m;
  if (a.rank !== 2 || bm.rank !== 2) return undefined;
  const ta = spec.transposeA;
  const tb = spec.transposeB;
  const [ar, ac] = a.shape as number[];
  const [br, bc] = bm.shape as number[];
  const [M, K] = ta ? [ac, ar] : [ar, ac];
  const N = tb ? br : bc;
  if ((tb ? bc : br) !== K) return undefined;
  if (bias && (bias.rank !== 1 || bias.size !== N)) return undefined;
  if (!onHeap(b, a, bm, bias)) return undefined;
  const flops = 2 * M * N * K;
  // Rows of A unless A has too few for XNNPACK's row tiles; then columns of B.
  const mode = M >= 16 ? "rows" : N >= 16 ? "cols" : undefined;
  if (!mode || flops === 0) return undefined;
  const aBytes = a.size * 4;
  const yBytes = M * N * 4;
  // B (and its column slices) reach a worker once: not counted.
  const copyBytes = (parts: number) => {
    const share = (parts - 1) / parts;
    const inputs = mode === "rows" ? 2 * aBytes * share + aBytes / parts : 2 * aBytes * (parts - 1);
    return inputs + yBytes * (1 + 2 * share);
  };
  const n = mode === "rows" ? M : N;
  const g = gate(flops, ta || tb ? COST.gflops.matmulSlow : COST.gflops.matmul, Math.floor(n / 8), copyBytes);
  if (!g) return undefined;
  return () => matMulRun(b, g, mode, spec, m, M, K, N);
}

function matMulRun(b: WasmBackend, g: { pool: Pool; parts: number }, mode: "rows" | "cols", spec: KernelSpec, m: MatMulArgs, M: number, K: number, N: number): TfTensor | undefined {
  const { a, b: bm, bias } = m;
  const ta = spec.transposeA;
  const tb = spec.transposeB;
  const [ar, ac] = a.shape as number[];
  let y: TfTensor | undefined;
  if (mode === "rows") {
    const part = ([r0, r1]: [number, number]): [number[], number[]] => (ta ? [[0, r0], [K, r1 - r0]] : [[r0, 0], [r1 - r0, K]]);
    const sliceFor = ([r0, r1]: [number, number]): Slice => ({
      range: [r0, r1],
      xShape: part([r0, r1])[1],
      x: ta
        ? (b) => {
            const s = tf.slice(a, ...part([r0, r1]));
            const v = b.typedArrayFromHeap(s).slice();
            s.dispose();
            return v;
          }
        : (b) => b.typedArrayFromHeap(a).subarray(r0 * K, r1 * K),
      spec,
      w: bm,
      bias,
      outSize: (r1 - r0) * N,
    });
    const mineFor = (s: Slice) => {
      const as = ta ? tf.slice(a, ...part(s.range)) : contiguous(b, a, s.range[0] * K, s.xShape);
      const r = runKernel(tf, spec, as, bm, bias);
      as.dispose();
      return r;
    };
    y = runOuter(g.pool, b, g.parts, M, N, (K + N) * 4, [M, N], sliceFor, mineFor);
  } else {
    const slices: Slice[] = ranges(N, g.parts).map(([c0, c1]) => ({
      range: [c0, c1],
      xShape: [ar, ac],
      x: (b) => b.typedArrayFromHeap(a),
      spec,
      w: bm,
      wSlice: tb ? [[c0, 0], [c1 - c0, K]] : [[0, c0], [K, c1 - c0]],
      bias,
      biasSlice: bias && [[c0], [c1 - c0]],
      outSize: M * (c1 - c0),
    }));
    const s0 = slices[0];
    const done = runSlices(g.pool, b, slices, () => runKernel(tf, spec, a, derivedSlice(bm, ...s0.wSlice!), bias && derivedSlice(bias, ...s0.biasSlice!)));
    if (done) y = joinInner(b, [M, N], M, N, slices, ...done);
  }
  if (y) count(`matmul/${mode}`);
  return y;
}
