#!/usr/bin/env python3
"""Reference values for MaxPoolWithArgmax (test/kernels-pooling.test.ts).

A direct numpy loop over TF's documented semantics: NHWC windows with TF's
SAME / VALID geometry (`out = ceil(in / stride)`, padding split with the
smaller half before), padding never wins, the first maximum in row-major
window order, and the flattened index

    ((b * height + y) * width + x) * channels + c   include_batch_in_index
    (y * width + x) * channels + c                  otherwise

    python3 scripts/make-kernel-refs-pooling.py   # writes test/data/kernels/pooling-argmax.json
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20240918)


def geo(n, k, s, padding):
    if padding == "SAME":
        out = -(-n // s)
        return out, max(0, (out - 1) * s + k - n) // 2
    return (n - k) // s + 1, 0


def pool(x, k, s, padding, with_batch):
    N, H, W, C = x.shape
    (OH, top), (OW, left) = geo(H, k[0], s[0], padding), geo(W, k[1], s[1], padding)
    y = np.zeros((N, OH, OW, C), dtype=x.dtype)
    a = np.zeros((N, OH, OW, C), dtype=np.int64)
    for b in range(N):
        for oy in range(OH):
            for ox in range(OW):
                for c in range(C):
                    best, at = None, -1
                    for yy in range(max(0, oy * s[0] - top), min(H, oy * s[0] - top + k[0])):
                        for xx in range(max(0, ox * s[1] - left), min(W, ox * s[1] - left + k[1])):
                            if best is None or x[b, yy, xx, c] > best:
                                best, at = x[b, yy, xx, c], ((b * H + yy) * W + xx) * C + c
                    y[b, oy, ox, c] = best
                    a[b, oy, ox, c] = at if with_batch else at - b * H * W * C
    return y, a


cases = []


def case(name, shape, k, s, padding, with_batch, dtype="float", targmax="int64"):
    if dtype == "float":
        x = rng.uniform(-1, 1, size=shape).astype(np.float32)
    else:  # small integers: many ties
        x = rng.integers(-3, 4, size=shape).astype(np.int64)
    y, a = pool(x, k, s, padding, with_batch)
    vals = lambda arr: [float(str(v)) for v in arr.reshape(-1)] if dtype == "float" else [int(v) for v in arr.reshape(-1)]
    cases.append({
        "name": name,
        "input": {"dtype": dtype, "shape": list(shape), "values": vals(x)},
        "attrs": {"ksize": [1, *k, 1], "strides": [1, *s, 1], "padding": padding, "include_batch_in_index": with_batch, "Targmax": targmax},
        "output": {"dtype": dtype, "shape": list(y.shape), "values": vals(y)},
        "argmax": {"dtype": targmax, "shape": list(a.shape), "values": [int(v) for v in a.reshape(-1)]},
    })


def main():
    case("2x2 stride 2 VALID", [1, 4, 6, 2], (2, 2), (2, 2), "VALID", False)
    case("3x3 stride 2 SAME, batch 2", [2, 5, 5, 3], (3, 3), (2, 2), "SAME", False)
    case("3x3 stride 2 SAME, include_batch_in_index", [2, 5, 5, 3], (3, 3), (2, 2), "SAME", True)
    case("3x2 stride (1,2) SAME, int32 argmax", [2, 4, 7, 1], (3, 2), (1, 2), "SAME", True, targmax="int32")
    case("int64 values with ties: the first maximum", [2, 5, 4, 2], (2, 3), (1, 1), "VALID", True, dtype="int64")
    case("even window SAME (pad after)", [1, 4, 4, 2], (2, 2), (1, 1), "SAME", False)

    path = os.path.join(os.path.dirname(__file__), "..", "test", "data", "kernels", "pooling-argmax.json")
    with open(path, "w") as fh:
        json.dump(cases, fh, separators=(",", ":"))
    print(f"{len(cases)} cases -> {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
