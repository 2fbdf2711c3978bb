import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { runOp, setup, tensor, ints, values, attr, DataType, Tensor } from "./support/ops.js";
import { TfsmError } from "../src/errors.js";
import type { AttrValue } from "../src/proto/gen/graph_pb.js";

test.before(setup);

interface Arr {
  shape: number[];
  values: number[];
}
interface Case {
  name: string;
  op: string;
  attrs: Record<string, string | boolean | number>;
  x: Arr;
  h0: Arr;
  c0: Arr;
  params: number[];
  seq_lengths: number[] | null;
  y: Arr;
  hn: Arr;
  cn: Arr | null;
}

// Expected values: numpy float64 reference of cuDNN's equations (scripts/make-cudnn-rnn-cases.py).
const cases: Case[] = JSON.parse(readFileSync(new URL("./data/kernels/cudnn_rnn.json", import.meta.url), "utf8")).cases;

function attrsOf(c: Case, dtype: number): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = { T: attr.type(dtype) };
  for (const [k, v] of Object.entries(c.attrs)) out[k] = typeof v === "string" ? attr.str(v) : typeof v === "boolean" ? attr.bool(v) : attr.int(v);
  return out;
}

function inputs(c: Case, dtype: number): Tensor[] {
  const t = (a: Arr) => tensor(dtype, a.shape, a.values);
  const ins = [t(c.x), t(c.h0), t(c.c0), tensor(dtype, [c.params.length], c.params)];
  if (c.op === "CudnnRNNV3") ins.push(ints([c.x.shape[c.attrs.time_major === false ? 0 : 1]], c.seq_lengths ?? new Array(c.x.shape[c.attrs.time_major === false ? 0 : 1]).fill(c.x.shape[c.attrs.time_major === false ? 1 : 0])));
  return ins;
}

function close(got: Tensor, want: Arr, tol: number, what: string): void {
  assert.equal(got.shape, want.shape, `${what} shape`);
  const g = values(got) as number[];
  let worst = 0;
  g.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want.values[i]) / (1 + Math.abs(want.values[i])))));
  assert.ok(worst <= tol, `${what}: max error ${worst} > ${tol}`);
}

for (const c of cases) {
  for (const [dtype, tol] of [
    [DataType.DT_FLOAT, 2e-6],
    [DataType.DT_DOUBLE, 1e-9],
  ] as const) {
    test(`${c.op} ${c.name} (${dtype === DataType.DT_FLOAT ? "float" : "double"}) matches the numpy reference`, () => {
      const n = c.op === "CudnnRNN" ? 4 : 5;
      const outs = runOp(c.op, inputs(c, dtype), attrsOf(c, dtype), n);
      outs.forEach((o) => assert.is(o.dtype, o === outs[n - 1] && n === 5 ? DataType.DT_INT8 : dtype));
      close(outs[0], c.y, tol, "output");
      close(outs[1], c.hn, tol, "output_h");
      if (c.cn) close(outs[2], c.cn, tol, "output_c");
      else assert.equal(outs[2].shape, [], "output_c is a dummy scalar for non-LSTM modes");
      assert.equal(outs[3].shape, [0], "reserve_space is empty");
    });
  }
}

test("CudnnRNN in half precision computes in float32 and rounds to half", () => {
  const c = cases.find((k) => k.name === "lstm")!;
  const [y] = runOp(c.op, inputs(c, DataType.DT_HALF), attrsOf(c, DataType.DT_HALF), 4);
  assert.is(y.dtype, DataType.DT_HALF);
  close(y, c.y, 2e-3, "output");
});

test("is_training and dropout do not change the forward pass", () => {
  const c = cases.find((k) => k.name === "gru")!;
  const [y] = runOp(c.op, inputs(c, DataType.DT_FLOAT), { ...attrsOf(c, DataType.DT_FLOAT), is_training: attr.bool(true), dropout: attr.float(0.5) }, 4);
  close(y, c.y, 2e-6, "output");
});

function throwsTf(f: () => unknown, re: RegExp): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, TfsmError);
    assert.is((e as TfsmError).pyClass, "InvalidArgumentError");
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable("expected an error");
}

test("wrong params size and state shapes are InvalidArgumentErrors naming the node", () => {
  const c = cases.find((k) => k.name === "lstm")!;
  const ins = inputs(c, DataType.DT_FLOAT);
  const short = tensor(DataType.DT_FLOAT, [c.params.length - 1], c.params.slice(1));
  throwsTf(() => runOp("CudnnRNN", [ins[0], ins[1], ins[2], short], attrsOf(c, DataType.DT_FLOAT), 4), /Invalid params size: expected 144 values for lstm with num_layers=1, num_units=4, input_size=3, unidirectional, got shape \[143\] \(node 'op'/);
  const badC = tensor(DataType.DT_FLOAT, [1, 2, 5], new Array(10).fill(0));
  throwsTf(() => runOp("CudnnRNN", [ins[0], ins[1], badC, ins[3]], attrsOf(c, DataType.DT_FLOAT), 4), /Invalid input_c shape: \[1,2,5\] \[1,2,4\]/);
  throwsTf(() => runOp("CudnnRNN", [ins[0], ins[1], ins[2], ins[3]], { ...attrsOf(c, DataType.DT_FLOAT), rnn_mode: attr.str("lstmx") }, 4), /Invalid RNN mode: lstmx/);
});

// ---------------------------------------------------------------------------
// TF1 contrib block cells: numpy float64 references of lstm_ops' / gru_ops' formulas (scripts/make-block-rnn-cases.py).

interface BlockCase {
  op: string;
  name: string;
  attrs: Record<string, number | boolean>;
  seq_len_max: number | null;
  inputs: Arr[];
  outputs: Arr[];
}
const blockCases: BlockCase[] = JSON.parse(readFileSync(new URL("./data/kernels/block_rnn.json", import.meta.url), "utf8")).cases;
const BLOCK_OUTPUTS: Record<string, string[]> = { GRUBlockCell: ["r", "u", "c", "h"] };

function blockRun(c: BlockCase, dtype: number, attrs: Record<string, AttrValue> = {}, seqLen?: number): Tensor[] {
  const a: Record<string, AttrValue> = { T: attr.type(dtype), ...attrs };
  for (const [k, v] of Object.entries(c.attrs)) a[k] = typeof v === "boolean" ? attr.bool(v) : attr.float(v);
  const ins = c.inputs.map((d) => tensor(dtype, d.shape, d.values));
  if (c.op.startsWith("BlockLSTM")) ins.unshift(tensor(DataType.DT_INT64, [], [BigInt(seqLen ?? c.seq_len_max ?? c.inputs[0].shape[0])]));
  return runOp(c.op, ins, a, c.outputs.length);
}

for (const c of blockCases) {
  for (const [dtype, tol] of [
    [DataType.DT_FLOAT, 2e-6],
    [DataType.DT_HALF, 4e-3],
  ] as const) {
    if (c.op === "GRUBlockCell" && dtype === DataType.DT_HALF) continue;
    test(`${c.op} ${c.name} (${dtype === DataType.DT_FLOAT ? "float" : "half"}) matches the numpy reference`, () => {
      const outs = blockRun(c, dtype);
      const names = BLOCK_OUTPUTS[c.op] ?? ["i", "cs", "f", "o", "ci", "co", "h"];
      outs.forEach((o, k) => {
        assert.is(o.dtype, dtype);
        close(o, c.outputs[k], tol, names[k]);
      });
    });
  }
}

test("BlockLSTM is LSTMBlockCell applied step by step; BlockLSTMV2 is the same cell with IFCO weights and forget_bias 0", () => {
  const c = blockCases.find((k) => k.op === "BlockLSTM" && k.name === "defaults")!;
  const [x, cs0, h0, w, wci, wcf, wco, b] = c.inputs;
  const [T, B, I] = x.shape;
  const H = cs0.shape[1];
  const seq = blockRun(c, DataType.DT_FLOAT);
  let cs = tensor(DataType.DT_FLOAT, cs0.shape, cs0.values);
  let h = tensor(DataType.DT_FLOAT, h0.shape, h0.values);
  const t = (a: Arr) => tensor(DataType.DT_FLOAT, a.shape, a.values);
  for (let s = 0; s < T; s++) {
    const xs = tensor(DataType.DT_FLOAT, [B, I], x.values.slice(s * B * I, (s + 1) * B * I));
    const outs = runOp("LSTMBlockCell", [xs, cs, h, t(w), t(wci), t(wcf), t(wco), t(b)], { T: attr.type(DataType.DT_FLOAT) }, 7);
    outs.forEach((o, k) => close(o, { shape: [B, H], values: (values(seq[k]) as number[]).slice(s * B * H, (s + 1) * B * H) }, 1e-6, `step ${s} output ${k}`));
    [cs, h] = [outs[1], outs[6]];
  }
  // ICFO → IFCO: swap the ci and f column blocks of w and b; fold forget_bias (1) into b's f block.
  const perm = (rowLen: number, vals: number[], bias: boolean) => {
    const out: number[] = [];
    for (let r = 0; r < vals.length / rowLen; r++) {
      const row = vals.slice(r * rowLen, (r + 1) * rowLen);
      const blk = (k: number) => row.slice(k * H, (k + 1) * H);
      out.push(...blk(0), ...blk(2).map((v) => (bias ? Math.fround(v + 1) : v)), ...blk(1), ...blk(3));
    }
    return out;
  };
  const v2: BlockCase = { ...c, op: "BlockLSTMV2", attrs: { cell_clip: 3 }, inputs: [x, cs0, h0, { shape: w.shape, values: perm(4 * H, w.values, false) }, wci, wcf, wco, { shape: b.shape, values: perm(4 * H, b.values, true) }] };
  const outs2 = blockRun(v2, DataType.DT_FLOAT);
  // Outputs are named gates, not column blocks: all seven agree.
  outs2.forEach((o, k) => close(o, { shape: [...seq[k].shape], values: values(seq[k]) as number[] }, 1e-6, `V2 output ${k}`));
});

test("BlockLSTM with seq_len_max 0 returns zeros of the full length", () => {
  const c = blockCases.find((k) => k.op === "BlockLSTM" && k.name === "defaults")!;
  const outs = blockRun(c, DataType.DT_FLOAT, {}, 0);
  for (const o of outs) {
    assert.equal(o.shape, [c.inputs[0].shape[0], c.inputs[0].shape[1], c.inputs[1].shape[1]]);
    assert.ok((values(o) as number[]).every((v) => v === 0));
  }
});

test("block cells check their operands with TF's messages", () => {
  const c = blockCases.find((k) => k.op === "LSTMBlockCell")!;
  const ins = c.inputs.map((d) => tensor(DataType.DT_FLOAT, d.shape, d.values));
  const badB = tensor(DataType.DT_FLOAT, [c.inputs[7].shape[0] - 1], c.inputs[7].values.slice(1));
  throwsTf(() => runOp("LSTMBlockCell", [...ins.slice(0, 7), badB], { T: attr.type(DataType.DT_FLOAT) }, 7), /b.dim_size\(0\) != cell_size \* 4: 19 vs. 20 \(node 'op'/);
  const g = blockCases.find((k) => k.op === "GRUBlockCell")!;
  const gi = g.inputs.map((d) => tensor(DataType.DT_FLOAT, d.shape, d.values));
  throwsTf(() => runOp("GRUBlockCell", [gi[0], gi[1], gi[3], gi[3], gi[4], gi[5]], { T: attr.type(DataType.DT_FLOAT) }, 4), /w_ru.dim_size\(1\) != cell_size \* 2: 5 vs. 10/);
});

test.run();
