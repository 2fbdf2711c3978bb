/**
 * Fused recurrent layers: CudnnRNN, CudnnRNNV2, CudnnRNNV3 (forward pass);
 * the TF1 contrib block cells LSTMBlockCell, BlockLSTM, BlockLSTMV2 and
 * GRUBlockCell (at the end of this file).
 *
 * cuDNN's equations per mode (cudnnRNNMode_t), gate order as cuDNN numbers
 * its linear layers:
 *   rnn_relu/rnn_tanh  h = act(W x + R h + bW + bR)
 *   lstm (i, f, c, o)  c = f*c + i*c';  h = o*tanh(c)  [then h = P h with num_proj]
 *   gru  (r, z, h)     h' = tanh(W_h x + r*(R_h h + bR_h) + bW_h);  h = (1-z)*h' + z*h
 *
 * The flat `params` buffer is read in cuDNN's canonical layout (what Keras'
 * CuDNN-compatible LSTM/GRU and CudnnRNNCanonicalToParams produce): first
 * every pseudo-layer's matrices (layer-major, forward before backward; per
 * pseudo-layer the gate input matrices [units, layer input] then the gate
 * recurrent matrices [units, units-or-proj] then the projection [proj,
 * units], all row-major), then every pseudo-layer's biases (gate input
 * biases, then gate recurrent biases). Layers after the first take the
 * concatenated directions as input.
 *
 * Inference semantics: dropout is not applied and is_training only changes
 * what TF would keep for backprop, so reserve_space/host_reserved are empty.
 * num_layers is input_h's leading (time-major) dimension over the direction
 * count, as in TF. With V3's sequence_lengths, batch entry b runs only its
 * first len_b steps (the backward direction runs them in reverse), its
 * padded outputs are zero and its final state is the one after its last
 * valid step. float32/half/bfloat16 compute in float32 on the backend;
 * float64 runs on the host in double precision.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor } from "../tensor.js";
import { tf, type TfTensor } from "../backend.js";
import { DataType, cppDtypeName } from "../../dtypes.js";
import * as compute from "../compute.js";

type Mode = "lstm" | "gru" | "rnn_tanh" | "rnn_relu";
const GATES: Record<Mode, number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

interface Config {
  mode: Mode;
  gates: number;
  timeMajor: boolean;
  dirs: number;
  layers: number;
  T: number;
  B: number;
  I: number;
  /** Cell size (num_units). */
  H: number;
  /** Hidden state / output size per direction: num_proj, or num_units. */
  O: number;
  proj: number;
  skipInput: boolean;
  /** Per batch entry, the number of valid steps (V3), or null for all T. */
  lengths: number[] | null;
}

/** Offsets of one pseudo-layer's pieces in the flat params buffer. */
interface Slices {
  /** [gates*H, in] or null for skip_input. */
  W: { off: number; rows: number; cols: number } | null;
  R: { off: number; rows: number; cols: number };
  P: { off: number; rows: number; cols: number } | null;
  bW: number;
  bR: number;
}

const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;

/** The canonical layout for `c`; also returns the total element count. */
function layout(c: Config): { slices: Slices[]; total: number } {
  const g = c.gates;
  const slices: Slices[] = [];
  let off = 0;
  for (let l = 0; l < c.layers; l++) {
    const inSize = l === 0 ? c.I : c.dirs * c.O;
    for (let d = 0; d < c.dirs; d++) {
      let W: Slices["W"] = null;
      if (!(l === 0 && c.skipInput)) {
        W = { off, rows: g * c.H, cols: inSize };
        off += g * c.H * inSize;
      }
      const R = { off, rows: g * c.H, cols: c.O };
      off += g * c.H * c.O;
      let P: Slices["P"] = null;
      if (c.proj) {
        P = { off, rows: c.proj, cols: c.H };
        off += c.proj * c.H;
      }
      slices.push({ W, R, P, bW: 0, bR: 0 });
    }
  }
  for (const s of slices) {
    s.bW = off;
    off += g * c.H;
    s.bR = off;
    off += g * c.H;
  }
  return { slices, total: off };
}

function configure(ctx: KernelContext, version: 1 | 2 | 3): Config {
  const mode = ctx.attrs.str("rnn_mode", "lstm") as Mode;
  if (!(mode in GATES)) throw ctx.error("InvalidArgumentError", `Invalid RNN mode: ${mode}`);
  const direction = ctx.attrs.str("direction", "unidirectional");
  if (direction !== "unidirectional" && direction !== "bidirectional") throw ctx.error("InvalidArgumentError", `Invalid RNN direction: ${direction}`);
  const inputMode = ctx.attrs.str("input_mode", "linear_input");
  if (!["linear_input", "skip_input", "auto_select"].includes(inputMode)) throw ctx.error("InvalidArgumentError", `Invalid RNN input mode: ${inputMode}`);
  const timeMajor = version === 3 ? ctx.attrs.bool("time_major", true) : true;
  const proj = version === 3 ? ctx.attrs.int("num_proj", 0) : 0;
  const [x, h, c, params] = ctx.inputs;
  const dtype = ctx.attrs.type("T", x.dtype);
  if (![DataType.DT_FLOAT, DataType.DT_HALF, DataType.DT_DOUBLE, DataType.DT_BFLOAT16].includes(x.dtype)) {
    throw ctx.error("InvalidArgumentError", `CudnnRNN does not support inputs of type ${cppDtypeName(x.dtype)}`);
  }
  for (const t of [x, h, c, params]) {
    if (t.dtype !== dtype) throw ctx.error("InvalidArgumentError", `CudnnRNN inputs must all be ${cppDtypeName(dtype)}, got ${cppDtypeName(t.dtype)}`);
  }
  if (x.rank !== 3) throw ctx.error("InvalidArgumentError", "RNN input must be a 3-D vector.");
  if (h.rank !== 3) throw ctx.error("InvalidArgumentError", "RNN input_h must be a 3-D vector.");
  const lstm = mode === "lstm";
  if (lstm && c.rank !== 3) throw ctx.error("InvalidArgumentError", "RNN input_c must be a 3-D vector.");
  const [T, B] = timeMajor ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
  const I = x.shape[2];
  const dirs = direction === "bidirectional" ? 2 : 1;
  const layers = Math.floor((timeMajor ? h.shape[0] : h.shape[1]) / dirs);
  const O = h.shape[2];
  if (proj && !lstm) throw ctx.error("InvalidArgumentError", "num_proj is only supported for LSTM");
  const H = proj ? c.shape[2] : O;
  if (proj && proj !== O) throw ctx.error("InvalidArgumentError", `input_h's last dimension (${O}) must be num_proj (${proj})`);
  if (layers < 1) throw ctx.error("InvalidArgumentError", `Invalid input_h shape: ${shapeText(h.shape)}: no layers for direction ${direction}`);
  const stateShape = (n: number) => (timeMajor ? [layers * dirs, B, n] : [B, layers * dirs, n]);
  if (shapeText(h.shape) !== shapeText(stateShape(O))) {
    throw ctx.error("InvalidArgumentError", `Invalid input_h shape: ${shapeText(h.shape)} ${shapeText(stateShape(O))}`);
  }
  if (lstm && shapeText(c.shape) !== shapeText(stateShape(H))) {
    throw ctx.error("InvalidArgumentError", `Invalid input_c shape: ${shapeText(c.shape)} ${shapeText(stateShape(H))}`);
  }
  const skipInput = inputMode === "skip_input" || (inputMode === "auto_select" && I === H);
  if (skipInput && I !== H) throw ctx.error("InvalidArgumentError", `skip_input requires input_size (${I}) == num_units (${H})`);
  let lengths: number[] | null = null;
  if (version === 3) {
    const s = ctx.inputs[4];
    if (s.rank !== 1 || s.size !== B) throw ctx.error("InvalidArgumentError", `sequence_lengths must be a vector of batch_size (${B}) entries, got shape ${shapeText(s.shape)}`);
    lengths = s.numbers();
    for (const n of lengths) if (n < 0 || n > T) throw ctx.error("InvalidArgumentError", `sequence_lengths entry ${n} is outside [0, ${T}]`);
    if (lengths.every((n) => n === T)) lengths = null;
  }
  const cfg: Config = { mode, gates: GATES[mode], timeMajor, dirs, layers, T, B, I, H, O, proj, skipInput, lengths };
  const { total } = layout(cfg);
  if (params.rank !== 1 || params.size !== total) {
    throw ctx.error(
      "InvalidArgumentError",
      `Invalid params size: expected ${total} values for ${mode} with num_layers=${layers}, num_units=${H}${proj ? `, num_proj=${proj}` : ""}, input_size=${I}, ${direction}, got shape ${shapeText(params.shape)}`,
    );
  }
  return cfg;
}

// ---------------------------------------------------------------------------
// Backend (float32) path.

function runTf(c: Config, x: TfTensor, h: TfTensor, cc: TfTensor | null, params: TfTensor): TfTensor[] {
  const { slices } = layout(c);
  const { T, B, H, O, gates: G } = c;
  return tf.tidy(() => {
    const xs = c.timeMajor ? x : tf.transpose(x, [1, 0, 2]);
    const h0 = c.timeMajor ? h : tf.transpose(h, [1, 0, 2]);
    const c0 = cc ? (c.timeMajor ? cc : tf.transpose(cc, [1, 0, 2])) : null;
    const h0s = tf.unstack(h0);
    const c0s = c0 ? tf.unstack(c0) : [];
    const masks = c.lengths ? Array.from({ length: T }, (_, t) => tf.tensor(c.lengths!.map((n) => (t < n ? 1 : 0)), [B, 1], "bool")) : null;
    const zeros = masks ? tf.zeros([B, O]) : null;
    const piece = (off: number, rows: number, cols: number) => tf.reshape(tf.slice(params, [off], [rows * cols]), [rows, cols]);
    const vec = (off: number) => tf.slice(params, [off], [G * H]);
    const hn: TfTensor[] = [];
    const cn: TfTensor[] = [];
    let inp = xs;
    for (let l = 0; l < c.layers; l++) {
      const outs: TfTensor[] = [];
      for (let d = 0; d < c.dirs; d++) {
        const pl = l * c.dirs + d;
        const s = slices[pl];
        const inSize = l === 0 ? c.I : c.dirs * O;
        const R = piece(s.R.off, s.R.rows, s.R.cols);
        const P = s.P ? piece(s.P.off, s.P.rows, s.P.cols) : null;
        const bR = vec(s.bR);
        const flat = tf.reshape(inp, [T * B, inSize]);
        const proj = s.W ? tf.matMul(flat, piece(s.W.off, s.W.rows, s.W.cols), false, true) : tf.tile(flat, [1, G]);
        const xw = tf.unstack(tf.reshape(tf.add(proj, vec(s.bW)), [T, B, G * H]));
        let hs = h0s[pl];
        let cs = c0s[pl] ?? null;
        const ys = new Array<TfTensor>(T);
        for (let k = 0; k < T; k++) {
          const t = d === 0 ? k : T - 1 - k;
          const [h2, c2, y] = tf.tidy(() => {
            const rh = tf.add(tf.matMul(hs, R, false, true), bR);
            let hNew: TfTensor;
            let cNew: TfTensor | null = cs;
            if (c.mode === "lstm") {
              const [gi, gf, gc, go] = tf.split(tf.add(xw[t], rh), 4, 1);
              cNew = tf.add(tf.mul(tf.sigmoid(gf), cs!), tf.mul(tf.sigmoid(gi), tf.tanh(gc)));
              hNew = tf.mul(tf.sigmoid(go), tf.tanh(cNew));
              if (P) hNew = tf.matMul(hNew, P, false, true);
            } else if (c.mode === "gru") {
              const [xr, xz, xh] = tf.split(xw[t], 3, 1);
              const [rr, rz, rhh] = tf.split(rh, 3, 1);
              const r = tf.sigmoid(tf.add(xr, rr));
              const z = tf.sigmoid(tf.add(xz, rz));
              const n = tf.tanh(tf.add(xh, tf.mul(r, rhh)));
              hNew = tf.add(n, tf.mul(z, tf.sub(hs, n)));
            } else {
              const pre = tf.add(xw[t], rh);
              hNew = c.mode === "rnn_tanh" ? tf.tanh(pre) : tf.relu(pre);
            }
            if (!masks) return [hNew, cNew ?? hNew, hNew];
            const m = masks[t];
            return [tf.where(m, hNew, hs), cNew ? tf.where(m, cNew, cs!) : hNew, tf.where(m, hNew, zeros!)];
          });
          hs = h2;
          if (c.mode === "lstm") cs = c2;
          ys[t] = y;
        }
        outs.push(tf.stack(ys));
        hn.push(hs);
        if (cs) cn.push(cs);
      }
      inp = c.dirs === 2 ? tf.concat(outs, 2) : outs[0];
    }
    const batchMajor = (t: TfTensor) => (c.timeMajor ? t : tf.transpose(t, [1, 0, 2]));
    const out = [batchMajor(inp), batchMajor(tf.stack(hn))];
    if (c.mode === "lstm") out.push(batchMajor(tf.stack(cn)));
    return out;
  });
}

// ---------------------------------------------------------------------------
// Host (float64) path: the same recurrence in double precision.

function runHost(c: Config, x: Float64Array, h: Float64Array, cc: Float64Array | null, p: Float64Array): Float64Array[] {
  const { slices } = layout(c);
  const { T, B, H, O, gates: G } = c;
  // To time-major [T][B][n] / [LD][B][n].
  const tm = (a: Float64Array, d0: number, d1: number, n: number) => {
    if (c.timeMajor) return a;
    const out = new Float64Array(a.length);
    for (let i = 0; i < d1; i++) for (let j = 0; j < d0; j++) out.set(a.subarray((j * d1 + i) * n, (j * d1 + i + 1) * n), (i * d0 + j) * n);
    return out;
  };
  const LD = c.layers * c.dirs;
  let inp = tm(x, B, T, c.I);
  const h0 = tm(h, B, LD, O);
  const c0 = cc ? tm(cc, B, LD, H) : null;
  const hn = new Float64Array(LD * B * O);
  const cn = new Float64Array(LD * B * H);
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  for (let l = 0; l < c.layers; l++) {
    const inSize = l === 0 ? c.I : c.dirs * O;
    const next = new Float64Array(T * B * c.dirs * O);
    for (let d = 0; d < c.dirs; d++) {
      const pl = l * c.dirs + d;
      const s = slices[pl];
      const hs = h0.slice(pl * B * O, (pl + 1) * B * O);
      const cs = c0 ? c0.slice(pl * B * H, (pl + 1) * B * H) : new Float64Array(B * H);
      const xw = new Float64Array(G * H);
      const rh = new Float64Array(G * H);
      const hNew = new Float64Array(H);
      for (let k = 0; k < T; k++) {
        const t = d === 0 ? k : T - 1 - k;
        for (let b = 0; b < B; b++) {
          const live = !c.lengths || t < c.lengths[b];
          const yOff = (t * B + b) * c.dirs * O + d * O;
          if (!live) continue; // state carried, output stays zero
          const xv = inp.subarray((t * B + b) * inSize, (t * B + b + 1) * inSize);
          const hv = hs.subarray(b * O, (b + 1) * O);
          for (let r = 0; r < G * H; r++) {
            let a = p[s.bW + r];
            if (s.W) for (let k2 = 0, o = s.W.off + r * inSize; k2 < inSize; k2++) a += p[o + k2] * xv[k2];
            else a += xv[r % H];
            xw[r] = a;
            let e = p[s.bR + r];
            for (let k2 = 0, o = s.R.off + r * O; k2 < O; k2++) e += p[o + k2] * hv[k2];
            rh[r] = e;
          }
          const cv = cs.subarray(b * H, (b + 1) * H);
          for (let u = 0; u < H; u++) {
            if (c.mode === "lstm") {
              const i = sig(xw[u] + rh[u]);
              const f = sig(xw[H + u] + rh[H + u]);
              const n = Math.tanh(xw[2 * H + u] + rh[2 * H + u]);
              const o = sig(xw[3 * H + u] + rh[3 * H + u]);
              cv[u] = f * cv[u] + i * n;
              hNew[u] = o * Math.tanh(cv[u]);
            } else if (c.mode === "gru") {
              const r = sig(xw[u] + rh[u]);
              const z = sig(xw[H + u] + rh[H + u]);
              const n = Math.tanh(xw[2 * H + u] + r * rh[2 * H + u]);
              hNew[u] = (1 - z) * n + z * hv[u];
            } else {
              const v = xw[u] + rh[u];
              hNew[u] = c.mode === "rnn_tanh" ? Math.tanh(v) : Math.max(v, 0);
            }
          }
          if (s.P) {
            for (let q = 0; q < O; q++) {
              let a = 0;
              for (let u = 0, o = s.P.off + q * H; u < H; u++) a += p[o + u] * hNew[u];
              hv[q] = a;
            }
          } else hv.set(hNew);
          next.set(hv, yOff);
        }
      }
      hn.set(hs, pl * B * O);
      cn.set(cs, pl * B * H);
    }
    inp = next;
  }
  const bm = (a: Float64Array, d0: number, d1: number, n: number) => {
    if (c.timeMajor) return a;
    const out = new Float64Array(a.length);
    for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) out.set(a.subarray((i * d1 + j) * n, (i * d1 + j + 1) * n), (j * d0 + i) * n);
    return out;
  };
  return [bm(inp, T, B, c.dirs * O), bm(hn, LD, B, O), bm(cn, LD, B, H)];
}

function cudnnRnn(version: 1 | 2 | 3) {
  return (ctx: KernelContext): Tensor[] => {
    const c = configure(ctx, version);
    const [x, h, cIn, params] = ctx.inputs;
    const dtype = x.dtype;
    const lstm = c.mode === "lstm";
    const LD = c.layers * c.dirs;
    const yShape = c.timeMajor ? [c.T, c.B, c.dirs * c.O] : [c.B, c.T, c.dirs * c.O];
    const state = (n: number) => (c.timeMajor ? [LD, c.B, n] : [c.B, LD, n]);
    let outs: Tensor[];
    if (dtype === DataType.DT_DOUBLE) {
      const d = (t: Tensor) => t.host().data as Float64Array;
      const [y, hn, cn] = runHost(c, d(x), d(h), lstm ? d(cIn) : null, d(params));
      outs = [Tensor.fromHost(dtype, { dtype: "float64", shape: yShape, data: y }), Tensor.fromHost(dtype, { dtype: "float64", shape: state(c.O), data: hn })];
      if (lstm) outs.push(Tensor.fromHost(dtype, { dtype: "float64", shape: state(c.H), data: cn }));
    } else {
      const r = runTf(c, ctx.tf(0), ctx.tf(1), lstm ? ctx.tf(2) : null, ctx.tf(3));
      outs = r.map((t) => Tensor.fromTf(dtype, t));
    }
    // output_c is a dummy scalar for modes without a cell state, as in TF.
    if (!lstm) outs.push(Tensor.fromValues(dtype, [], [0]));
    outs.push(Tensor.fromValues(dtype, [0], []));
    if (version > 1) outs.push(Tensor.fromValues(DataType.DT_INT8, [0], []));
    return outs;
  };
}

// ---------------------------------------------------------------------------
// TF1 contrib fused cells: LSTMBlockCell, BlockLSTM, BlockLSTMV2, GRUBlockCell.
//
// LSTM (lstm_ops), with xh = [x, h_prev] and [4H] gate pre-activations
// xh·w + b laid out i, ci, f, o (ICFO: LSTMBlockCell, BlockLSTM) or
// i, f, ci, o (IFCO: BlockLSTMV2, Keras' order):
//   i  = sigmoid(i~ + cs_prev·wci)             (peephole terms only with use_peephole)
//   f  = sigmoid(f~ + forget_bias + cs_prev·wcf)
//   ci = tanh(ci~)
//   cs = clip(ci·i + cs_prev·f, ±cell_clip)    (only when cell_clip > 0)
//   o  = sigmoid(o~ + cs·wco)
//   co = tanh(cs);  h = co·o
// Defaults: forget_bias 1, cell_clip 3 (LSTMBlockCell, BlockLSTM); BlockLSTMV2
// has no forget_bias (0) and cell_clip 0. BlockLSTM runs steps t <
// seq_len_max; later steps' outputs are zero (TF zeroes cs and h and leaves
// the other five unset; zero here). GRU (gru_ops), [r, u] = sigmoid([x,
// h_prev]·w_ru + b_ru); c = tanh([x, r·h_prev]·w_c + b_c); h = u·h_prev + (1−u)·c.
// half computes in float32 and rounds each output.

const LSTM_OUTPUTS = "i,cs,f,o,ci,co,h";

interface LstmCfg {
  forgetBias: number;
  cellClip: number;
  peephole: boolean;
  /** Column block of each gate in the [4H] pre-activations: i, ci, f, o. */
  order: { i: number; ci: number; f: number; o: number };
}

const ICFO = { i: 0, ci: 1, f: 2, o: 3 };
const IFCO = { i: 0, f: 1, ci: 2, o: 3 };

function lstmCfg(ctx: KernelContext, v2: boolean): LstmCfg {
  return {
    forgetBias: v2 ? 0 : ctx.attrs.float("forget_bias", 1),
    cellClip: ctx.attrs.float("cell_clip", v2 ? 0 : 3),
    peephole: ctx.attrs.bool("use_peephole", false),
    order: v2 ? IFCO : ICFO,
  };
}

function blockDtype(ctx: KernelContext, allowed: readonly number[], first: number): number {
  const dt = ctx.inputs[first].dtype;
  if (!allowed.includes(dt)) throw ctx.error("InvalidArgumentError", `${ctx.node.op} does not support T=${cppDtypeName(dt)}`);
  for (const t of ctx.inputs.slice(first)) {
    if (t.dtype !== dt) throw ctx.error("InvalidArgumentError", `${ctx.node.op} inputs must all be ${cppDtypeName(dt)}, got ${cppDtypeName(t.dtype)}`);
  }
  return dt;
}

/** Checks the LSTM operands (x [.., B, I]) and returns batch, input and cell sizes. */
function lstmShapes(ctx: KernelContext, x: Tensor, first: number): { B: number; I: number; H: number } {
  const [cs, h, w, wci, wcf, wco, b] = ctx.inputs.slice(first + 1);
  const B = x.shape[x.rank - 2];
  const I = x.shape[x.rank - 1];
  const need = (ok: boolean, msg: string) => {
    if (!ok) throw ctx.error("InvalidArgumentError", msg);
  };
  need(cs.rank === 2, `cs_prev must be 2D: ${shapeText(cs.shape)}`);
  const H = cs.shape[1];
  need(cs.shape[0] === B, `cs_prev.dims(0) != batch_size: ${cs.shape[0]} vs. ${B}`);
  need(h.rank === 2 && h.shape[0] === B, `h_prev.dims(0) != batch_size: ${h.shape[0]} vs. ${B}`);
  need(h.shape[1] === H, `h_prev.dims(1) != cell_size: ${h.shape[1]} vs. ${H}`);
  need(w.rank === 2 && w.shape[0] === I + H, `w.dim_size(0) != input_size + cell_size: ${w.shape[0]} vs. ${I + H}`);
  need(w.shape[1] === 4 * H, `w.dim_size(1) != cell_size * 4: ${w.shape[1]} vs. ${4 * H}`);
  for (const [t, n] of [[wci, "wci"], [wcf, "wcf"], [wco, "wco"]] as const) need(t.rank === 1 && t.shape[0] === H, `${n}.dim_size(0) != cell_size: ${t.shape[0]} vs. ${H}`);
  need(b.rank === 1 && b.shape[0] === 4 * H, `b.dim_size(0) != cell_size * 4: ${b.shape[0]} vs. ${4 * H}`);
  return { B, I, H };
}

/** One LSTM step from the [B, 4H] pre-activations `g` (bias and forget_bias not yet added to f). Returns i, cs, f, o, ci, co, h. */
function lstmStep(c: LstmCfg, g: TfTensor, csPrev: TfTensor, peep: [TfTensor, TfTensor, TfTensor] | null): TfTensor[] {
  return tf.tidy(() => {
    const parts = tf.split(g, 4, 1);
    let iPre = parts[c.order.i];
    let fPre = tf.add(parts[c.order.f], c.forgetBias);
    if (peep) {
      iPre = tf.add(iPre, tf.mul(csPrev, peep[0]));
      fPre = tf.add(fPre, tf.mul(csPrev, peep[1]));
    }
    const i = tf.sigmoid(iPre);
    const f = tf.sigmoid(fPre);
    const ci = tf.tanh(parts[c.order.ci]);
    let cs = tf.add(tf.mul(ci, i), tf.mul(csPrev, f));
    if (c.cellClip > 0) cs = tf.clipByValue(cs, -c.cellClip, c.cellClip);
    let oPre = parts[c.order.o];
    if (peep) oPre = tf.add(oPre, tf.mul(cs, peep[2]));
    const o = tf.sigmoid(oPre);
    const co = tf.tanh(cs);
    return [i, cs, f, o, ci, co, tf.mul(co, o)];
  });
}

function lstmBlockCell(ctx: KernelContext): Tensor[] {
  const dtype = blockDtype(ctx, [DataType.DT_FLOAT, DataType.DT_HALF], 0);
  const x = ctx.inputs[0];
  if (x.rank !== 2) throw ctx.error("InvalidArgumentError", `x must be 2D: ${shapeText(x.shape)}`);
  const { I } = lstmShapes(ctx, x, 0);
  const c = lstmCfg(ctx, false);
  const outs = tf.tidy(() => {
    const w = ctx.tf(3);
    const g = tf.add(tf.add(compute.matMul({ a: ctx.tf(0), b: tf.slice(w, [0, 0], [I, -1]), transposeA: false, transposeB: false }), compute.matMul({ a: ctx.tf(2), b: tf.slice(w, [I, 0], [-1, -1]), transposeA: false, transposeB: false })), ctx.tf(7));
    return lstmStep(c, g, ctx.tf(1), c.peephole ? [ctx.tf(4), ctx.tf(5), ctx.tf(6)] : null);
  });
  return outs.map((t) => Tensor.fromTf(dtype, t));
}

function blockLstm(v2: boolean) {
  return (ctx: KernelContext): Tensor[] => {
    const dtype = blockDtype(ctx, [DataType.DT_FLOAT, DataType.DT_HALF], 1);
    const [seqLen, x] = ctx.inputs;
    if (seqLen.size !== 1) throw ctx.error("InvalidArgumentError", `seq_len_max must be a scalar, got shape ${shapeText(seqLen.shape)}`);
    if (x.rank !== 3) throw ctx.error("InvalidArgumentError", `x must be 3D: ${shapeText(x.shape)}`);
    const { B, I, H } = lstmShapes(ctx, x, 1);
    const T = x.shape[0];
    const maxLen = Number(seqLen.host().data[0]);
    if (maxLen < 0) throw ctx.error("InvalidArgumentError", `seq_len_max must be >= 0, got ${maxLen}`);
    const steps = Math.min(T, maxLen);
    const c = lstmCfg(ctx, v2);
    const outs = tf.tidy(() => {
      const w = ctx.tf(4);
      const Wh = tf.slice(w, [I, 0], [-1, -1]);
      const peep: [TfTensor, TfTensor, TfTensor] | null = c.peephole ? [ctx.tf(5), ctx.tf(6), ctx.tf(7)] : null;
      const seqs: TfTensor[][] = Array.from({ length: 7 }, () => []);
      if (steps > 0 && B > 0) {
        // The input projection of every step in one product.
        const xw = tf.add(compute.matMul({ a: tf.reshape(tf.slice(ctx.tf(1), [0, 0, 0], [steps, -1, -1]), [steps * B, I]), b: tf.slice(w, [0, 0], [I, -1]), transposeA: false, transposeB: false }), ctx.tf(8));
        const xws = tf.split(tf.reshape(xw, [steps, B, 4 * H]), steps, 0);
        let cs = ctx.tf(2);
        let h = ctx.tf(3);
        for (let t = 0; t < steps; t++) {
          const g = tf.add(tf.reshape(xws[t], [B, 4 * H]), H > 0 ? compute.matMul({ a: h, b: Wh, transposeA: false, transposeB: false }) : tf.zeros([B, 0]));
          const r = lstmStep(c, g, cs, peep);
          r.forEach((v, k) => seqs[k].push(v));
          cs = r[1];
          h = r[6];
        }
      }
      const rest = T - steps;
      return seqs.map((s) => {
        if (rest > 0) s.push(tf.zeros([rest, B, H]));
        if (steps === 0 || B === 0) return tf.zeros([T, B, H]);
        const stacked = tf.stack(s.slice(0, steps));
        return rest > 0 ? tf.concat([stacked, s[steps]], 0) : stacked;
      });
    });
    return outs.map((t) => Tensor.fromTf(dtype, t));
  };
}

function gruBlockCell(ctx: KernelContext): Tensor[] {
  const dtype = blockDtype(ctx, [DataType.DT_FLOAT], 0);
  const [x, h, wru, wc, bru, bc] = ctx.inputs;
  const need = (ok: boolean, msg: string) => {
    if (!ok) throw ctx.error("InvalidArgumentError", msg);
  };
  need(x.rank === 2, `Rank of x should be 2, got ${x.rank}`);
  const [B, I] = x.shape;
  need(h.rank === 2, `Rank of h_prev should be 2, got ${h.rank}`);
  const H = h.shape[1];
  need(h.shape[0] === B, `h_prev.dims(0) != batch_size: ${h.shape[0]} vs. ${B}`);
  need(wru.rank === 2 && wru.shape[0] === I + H, `w_ru.dim_size(0) != input_size + cell_size: ${wru.shape[0]} vs. ${I + H}`);
  need(wru.shape[1] === 2 * H, `w_ru.dim_size(1) != cell_size * 2: ${wru.shape[1]} vs. ${2 * H}`);
  need(wc.rank === 2 && wc.shape[0] === I + H, `w_c.dim_size(0) != input_size + cell_size: ${wc.shape[0]} vs. ${I + H}`);
  need(wc.shape[1] === H, `w_c.dim_size(1) != cell_size: ${wc.shape[1]} vs. ${H}`);
  need(bru.rank === 1 && bru.shape[0] === 2 * H, `b_ru.dim_size(0) != cell_size * 2: ${bru.shape[0]} vs. ${2 * H}`);
  need(bc.rank === 1 && bc.shape[0] === H, `b_c.dim_size(0) != cell_size: ${bc.shape[0]} vs. ${H}`);
  const outs = tf.tidy(() => {
    const xt = ctx.tf(0);
    const hp = ctx.tf(1);
    const mm = (a: TfTensor, b: TfTensor) => compute.matMul({ a, b, transposeA: false, transposeB: false });
    const ru = tf.sigmoid(tf.add(mm(tf.concat([xt, hp], 1), ctx.tf(2)), ctx.tf(4)));
    const [r, u] = tf.split(ru, 2, 1);
    const c = tf.tanh(tf.add(mm(tf.concat([xt, tf.mul(r, hp)], 1), ctx.tf(3)), ctx.tf(5)));
    const hn = tf.add(tf.mul(u, hp), tf.mul(tf.sub(1, u), c));
    return [r, u, c, hn];
  });
  return outs.map((t) => Tensor.fromTf(dtype, t));
}

export const rnnKernels: KernelTable = {
  CudnnRNN: op("output,output_h,output_c,reserve_space", cudnnRnn(1)),
  CudnnRNNV2: op("output,output_h,output_c,reserve_space,host_reserved", cudnnRnn(2)),
  CudnnRNNV3: op("output,output_h,output_c,reserve_space,host_reserved", cudnnRnn(3)),
  LSTMBlockCell: op(LSTM_OUTPUTS, lstmBlockCell),
  BlockLSTM: op(LSTM_OUTPUTS, blockLstm(false)),
  BlockLSTMV2: op(LSTM_OUTPUTS, blockLstm(true)),
  GRUBlockCell: op("r,u,c,h", gruBlockCell),
};
