#!/usr/bin/env python3
"""Reference values for TF1 contrib's fused block cells (test/kernels-rnn.test.ts).

numpy float64 implementations of lstm_ops' and gru_ops' documented formulas,
written independently of the TypeScript kernels.

LSTMBlockCell / BlockLSTM (gate layout ICFO) and BlockLSTMV2 (IFCO):
    xh = [x, h_prev];  [i~, ci~, f~, o~] = xh @ w + b   (ICFO column blocks; IFCO: i, f, ci, o)
    i  = sigmoid(i~ + cs_prev * wci)          peephole terms only with use_peephole
    f  = sigmoid(f~ + forget_bias + cs_prev * wcf)
    ci = tanh(ci~)
    cs = ci * i + cs_prev * f, clipped to +-cell_clip when cell_clip > 0
    o  = sigmoid(o~ + cs * wco)
    co = tanh(cs);  h = co * o
  BlockLSTM runs t < seq_len_max; outputs of later steps are zero.
  BlockLSTMV2 has no forget_bias attribute (0).
GRUBlockCell:
    [r, u] = sigmoid([x, h_prev] @ w_ru + b_ru)
    c = tanh([x, r * h_prev] @ w_c + b_c)
    h = u * h_prev + (1 - u) * c

    python3 scripts/make-block-rnn-cases.py   # writes test/data/kernels/block_rnn.json
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20240919)


def rnd(*shape, scale=1.0):
    return (rng.uniform(-scale, scale, size=shape)).astype(np.float32).astype(np.float64)


def sig(v):
    return 1 / (1 + np.exp(-v))


def lstm_cell(x, cs_prev, h_prev, w, wci, wcf, wco, b, forget_bias, cell_clip, peephole, layout):
    H = cs_prev.shape[1]
    g = np.concatenate([x, h_prev], 1) @ w + b
    blocks = {name: g[:, k * H:(k + 1) * H] for k, name in enumerate(layout)}
    if not peephole:
        wci = wcf = wco = np.zeros(H)
    i = sig(blocks["i"] + cs_prev * wci)
    f = sig(blocks["f"] + forget_bias + cs_prev * wcf)
    ci = np.tanh(blocks["ci"])
    cs = ci * i + cs_prev * f
    if cell_clip > 0:
        cs = np.clip(cs, -cell_clip, cell_clip)
    o = sig(blocks["o"] + cs * wco)
    co = np.tanh(cs)
    return [i, cs, f, o, ci, co, co * o]


def enc(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "values": [float(str(np.float32(v))) for v in a.reshape(-1)]}


cases = []


def lstm_case(op, name, T, B, I, H, attrs, seq_len_max=None, scale=1.0):
    v2 = op == "BlockLSTMV2"
    layout = ["i", "f", "ci", "o"] if v2 else ["i", "ci", "f", "o"]
    forget_bias = 0.0 if v2 else attrs.get("forget_bias", 1.0)
    cell_clip = attrs.get("cell_clip", 0.0 if v2 else 3.0)
    peephole = attrs.get("use_peephole", False)
    xs = rnd(T, B, I, scale=scale) if T else rnd(B, I, scale=scale)
    cs0, h0 = rnd(B, H, scale=2.0), rnd(B, H)
    w, wci, wcf, wco, b = rnd(I + H, 4 * H, scale=scale), rnd(H), rnd(H), rnd(H), rnd(4 * H)
    if not T:
        outs = lstm_cell(xs, cs0, h0, w, wci, wcf, wco, b, forget_bias, cell_clip, peephole, layout)
        inputs = [xs, cs0, h0, w, wci, wcf, wco, b]
    else:
        steps = min(T, seq_len_max if seq_len_max is not None else T)
        seqs = [np.zeros((T, B, H)) for _ in range(7)]
        cs, h = cs0, h0
        for t in range(steps):
            r = lstm_cell(xs[t], cs, h, w, wci, wcf, wco, b, forget_bias, cell_clip, peephole, layout)
            for k in range(7):
                seqs[k][t] = r[k]
            cs, h = r[1], r[6]
        outs = seqs
        inputs = [xs, cs0, h0, w, wci, wcf, wco, b]
    cases.append({"op": op, "name": name, "attrs": attrs, "seq_len_max": seq_len_max if T else None, "inputs": [enc(a) for a in inputs], "outputs": [enc(a) for a in outs]})


def gru_case(name, B, I, H):
    x, h = rnd(B, I), rnd(B, H)
    w_ru, w_c, b_ru, b_c = rnd(I + H, 2 * H), rnd(I + H, H), rnd(2 * H), rnd(H)
    ru = sig(np.concatenate([x, h], 1) @ w_ru + b_ru)
    r, u = ru[:, :H], ru[:, H:]
    c = np.tanh(np.concatenate([x, r * h], 1) @ w_c + b_c)
    hn = u * h + (1 - u) * c
    cases.append({"op": "GRUBlockCell", "name": name, "attrs": {}, "seq_len_max": None, "inputs": [enc(a) for a in (x, h, w_ru, w_c, b_ru, b_c)], "outputs": [enc(a) for a in (r, u, c, hn)]})


def main():
    lstm_case("LSTMBlockCell", "defaults (forget_bias 1, cell_clip 3)", 0, 3, 4, 5, {}, scale=2.0)
    lstm_case("LSTMBlockCell", "peephole, cell_clip off, forget_bias 0.5", 0, 2, 3, 4, {"use_peephole": True, "cell_clip": -1.0, "forget_bias": 0.5})
    lstm_case("LSTMBlockCell", "peephole with a tight clip", 0, 2, 3, 4, {"use_peephole": True, "cell_clip": 0.5}, scale=2.0)
    lstm_case("BlockLSTM", "defaults", 5, 2, 3, 4, {})
    lstm_case("BlockLSTM", "peephole, seq_len_max 3 of 5", 5, 3, 2, 3, {"use_peephole": True, "forget_bias": 0.0, "cell_clip": 1.0}, seq_len_max=3)
    lstm_case("BlockLSTM", "seq_len_max past the end", 3, 2, 2, 2, {"cell_clip": -1.0}, seq_len_max=10)
    lstm_case("BlockLSTMV2", "defaults (IFCO, no forget_bias, no clip)", 4, 2, 3, 4, {}, scale=2.0)
    lstm_case("BlockLSTMV2", "peephole, clip 0.8, seq_len_max 2 of 4", 4, 2, 3, 3, {"use_peephole": True, "cell_clip": 0.8}, seq_len_max=2)
    gru_case("batch 3", 3, 4, 5)
    gru_case("batch 1, one unit", 1, 2, 1)

    path = os.path.join(os.path.dirname(__file__), "..", "test", "data", "kernels", "block_rnn.json")
    with open(path, "w") as fh:
        json.dump({"cases": cases}, fh, separators=(",", ":"))
    print(f"{len(cases)} cases -> {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
