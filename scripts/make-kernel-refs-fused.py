#!/usr/bin/env python3
"""Reference values for Grappler's fused contraction ops (test/kernels-fused.test.ts).

Naive numpy float64 implementations of what TensorFlow documents for each
fused op: the contraction (MatMul with transpose_a/b, Conv2D and
DepthwiseConv2dNative as direct loops over channels-last data, TF's SAME /
VALID / EXPLICIT padding and dilations; BatchMatMulV2 with broadcast batch
dims), then `fused_ops` in order:

  BiasAdd         y + bias[c]
  FusedBatchNorm  (y - mean[c]) * scale[c] / sqrt(variance[c] + epsilon) + offset[c]
  Add             y + side (same shape as y)
  Mul             y * factor (broadcast)
  Relu, Relu6, Elu, LeakyRelu(alpha), Tanh, Sigmoid,
  GeluExact       0.5 x (1 + erf(x / sqrt 2))
  GeluApproximate 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  _MklSwish       x * sigmoid(x)

Inputs come from a seeded generator and are stored (rounded to float32,
or float64 for double cases) with the expected values.

    python3 scripts/make-kernel-refs-fused.py   # writes test/data/kernels/fused.json
"""
import itertools
import json
import math
import os

import numpy as np

rng = np.random.default_rng(20240917)


def rnd(*shape, lo=-1.0, hi=1.0, dtype="float"):
    a = rng.uniform(lo, hi, size=shape)
    return a if dtype == "double" else a.astype(np.float32).astype(np.float64)


def out_geo(n, k, s, d, padding, pads=(0, 0)):
    eff = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-n // s)
        need = max(0, (out - 1) * s + eff - n)
        return out, need // 2
    before, after = pads
    return (n + before + after - eff) // s + 1, before


def conv2d(x, w, strides, dil, padding, explicit=None, depthwise=False):
    """x [N, H, W, C]; w [KH, KW, C, O] or depthwise [KH, KW, C, M] -> [N, OH, OW, O or C*M]."""
    N, H, W, C = x.shape
    KH, KW = w.shape[:2]
    (OH, top), (OW, left) = [out_geo(n, k, s, d, padding, explicit[i] if explicit else (0, 0)) for i, (n, k, s, d) in enumerate(zip((H, W), (KH, KW), strides, dil))]
    cout = C * w.shape[3] if depthwise else w.shape[3]
    y = np.zeros((N, OH, OW, cout))
    for oh, ow, kh, kw in itertools.product(range(OH), range(OW), range(KH), range(KW)):
        ih = oh * strides[0] - top + kh * dil[0]
        iw = ow * strides[1] - left + kw * dil[1]
        if not (0 <= ih < H and 0 <= iw < W):
            continue
        xv = x[:, ih, iw, :]  # [N, C]
        if depthwise:
            y[:, oh, ow, :] += (xv[:, :, None] * w[kh, kw][None]).reshape(N, cout)
        else:
            y[:, oh, ow, :] += xv @ w[kh, kw]
    return y


def act(name, y, alpha):
    if name is None:
        return y
    if name == "Relu":
        return np.maximum(y, 0)
    if name == "Relu6":
        return np.clip(y, 0, 6)
    if name == "Elu":
        return np.where(y < 0, np.expm1(np.minimum(y, 0)), y)
    if name == "LeakyRelu":
        return np.where(y < 0, y * alpha, y)
    if name == "Tanh":
        return np.tanh(y)
    if name == "Sigmoid":
        return 1 / (1 + np.exp(-y))
    if name == "_MklSwish":
        return y / (1 + np.exp(-y))
    if name == "GeluExact":
        return 0.5 * y * (1 + np.vectorize(math.erf)(y / math.sqrt(2)))
    if name == "GeluApproximate":
        return 0.5 * y * (1 + np.tanh(math.sqrt(2 / math.pi) * (y + 0.044715 * y ** 3)))
    raise ValueError(name)


def epilogue(y, fused, args, eps, alpha, channel_axis=-1):
    """y channels-last or with the channel axis given; args in fused-op order."""
    args = list(args)
    shape = [1] * y.ndim
    shape[channel_axis] = -1
    for op in fused:
        if op == "BiasAdd":
            y = y + args.pop(0).reshape(shape)
        elif op == "FusedBatchNorm":
            scale, offset, mean, var = (args.pop(0).reshape(shape) for _ in range(4))
            y = (y - mean) * scale / np.sqrt(var + eps) + offset
        elif op in ("Add", "AddV2"):
            y = y + args.pop(0)
        elif op == "Mul":
            y = y * args.pop(0)
        else:
            y = act(op, y, alpha)
    return y


cases = []


def t(a, dtype="float"):
    a = np.asarray(a, dtype=np.float64)
    vals = [float(v) for v in a.reshape(-1)]
    if dtype == "float":  # shortest float32 text: parses back to the same float32
        vals = [float(str(np.float32(v))) for v in vals]
    return {"dtype": dtype, "shape": list(a.shape), "values": vals}


def add(op, name, inputs, attrs, y, dtype="float"):
    cases.append({"op": op, "name": name, "inputs": [t(a, dtype) for a in inputs], "attrs": attrs, "outputs": [t(y, dtype)]})


def channel_args(fused, c, dtype="float"):
    args = []
    for op in fused:
        if op == "BiasAdd":
            args.append(rnd(c, dtype=dtype))
        elif op == "FusedBatchNorm":
            args += [rnd(c, lo=0.5, hi=1.5, dtype=dtype), rnd(c, dtype=dtype), rnd(c, dtype=dtype), rnd(c, lo=0.1, hi=2.0, dtype=dtype)]
    return args


def matmul_case(name, m, k, n, fused, ta=False, tb=False, alpha=0.2, scale=1.0):
    a = rnd(*((k, m) if ta else (m, k)), lo=-scale, hi=scale)
    b = rnd(*((n, k) if tb else (k, n)), lo=-scale, hi=scale)
    args = channel_args(fused, n)
    if "Add" in fused:
        args.append(rnd(m, n))
    y = epilogue((a.T if ta else a) @ (b.T if tb else b), fused, args, 0.0001, alpha)
    attrs = {"transpose_a": ta, "transpose_b": tb, "fused_ops": fused, "num_args": len(args)}
    if "LeakyRelu" in fused:
        attrs["leakyrelu_alpha"] = alpha
    add("_FusedMatMul", name, [a, b, *args], attrs, y)


def conv_case(name, xs, ws, fused, strides=(1, 1), dil=(1, 1), padding="SAME", explicit=None, cf=False, depthwise=False, eps=0.0001, alpha=0.2, dtype="float", scale=1.0):
    """xs is the channels-last input shape."""
    x = rnd(*xs, lo=-scale, hi=scale, dtype=dtype)
    w = rnd(*ws, dtype=dtype)
    y = conv2d(x, w, strides, dil, padding, explicit, depthwise)
    args = channel_args(fused, y.shape[-1], dtype)
    side = rnd(*y.shape, dtype=dtype) if "Add" in fused else None
    y = epilogue(y, [op for op in fused if op != "Add"] if side is None else fused, args + ([side] if side is not None else []), eps, alpha)
    full = lambda v: [1, 1, *v] if cf else [1, *v, 1]
    to_first = lambda a: np.moveaxis(a, -1, 1) if cf else a
    attrs = {"strides": full(list(strides)), "dilations": full(list(dil)), "padding": padding, "data_format": "NCHW" if cf else "NHWC", "fused_ops": fused, "num_args": len(args) + (side is not None), "epsilon": eps}
    if explicit:
        e = [[0, 0], *[list(p) for p in explicit], [0, 0]]
        if cf:
            e = [e[0], e[3], e[1], e[2]]
        attrs["explicit_paddings"] = [v for p in e for v in p]
    if "LeakyRelu" in fused:
        attrs["leakyrelu_alpha"] = alpha
    inputs = [to_first(x), w, *args] + ([to_first(side)] if side is not None else [])
    add("_FusedDepthwiseConv2dNative" if depthwise else "_FusedConv2D", name, inputs, attrs, to_first(y), dtype)


def bmm_case(name, xs, ys, fused, adj_x=False, adj_y=False, arg_shapes=()):
    x = rnd(*xs)
    y = rnd(*ys)
    args = [rnd(*s) for s in arg_shapes]
    p = np.matmul(np.swapaxes(x, -1, -2) if adj_x else x, np.swapaxes(y, -1, -2) if adj_y else y)
    out = epilogue(p, fused, args, 0.0001, 0.2)
    add("_FusedBatchMatMulV2", name, [x, y, *args], {"adj_x": adj_x, "adj_y": adj_y, "fused_ops": fused, "num_args": len(args)}, out)


def main():
    matmul_case("BiasAdd", 3, 4, 5, ["BiasAdd"])
    matmul_case("BiasAdd+Relu, transpose_a", 4, 6, 3, ["BiasAdd", "Relu"], ta=True)
    matmul_case("BiasAdd+Relu6, transpose_b, values past 6", 5, 7, 4, ["BiasAdd", "Relu6"], tb=True, scale=3.0)
    matmul_case("BiasAdd+Elu, both transposed", 3, 5, 6, ["BiasAdd", "Elu"], ta=True, tb=True)
    matmul_case("BiasAdd+LeakyRelu alpha 0.3", 4, 3, 5, ["BiasAdd", "LeakyRelu"], alpha=0.3)
    matmul_case("BiasAdd+Tanh", 2, 5, 3, ["BiasAdd", "Tanh"])
    matmul_case("BiasAdd+Sigmoid", 3, 4, 2, ["BiasAdd", "Sigmoid"])
    matmul_case("BiasAdd+GeluApproximate", 3, 6, 4, ["BiasAdd", "GeluApproximate"], scale=2.0)
    matmul_case("BiasAdd+GeluExact", 3, 6, 4, ["BiasAdd", "GeluExact"], scale=2.0)
    matmul_case("BiasAdd+_MklSwish", 2, 3, 4, ["BiasAdd", "_MklSwish"])
    matmul_case("BiasAdd+Add+Relu (residual)", 3, 4, 5, ["BiasAdd", "Add", "Relu"])
    matmul_case("BiasAdd+Relu, 48x96 by 96x40 (blocked K)", 48, 96, 40, ["BiasAdd", "Relu"])
    matmul_case("BiasAdd+Relu, 48x96 by 96x40 transpose_b", 48, 96, 40, ["BiasAdd", "Relu"], tb=True)

    conv_case("BiasAdd SAME 3x3", [1, 5, 5, 2], [3, 3, 2, 3], ["BiasAdd"])
    conv_case("BiasAdd+Relu NCHW VALID stride 2", [2, 7, 6, 3], [3, 2, 3, 4], ["BiasAdd", "Relu"], strides=(2, 2), padding="VALID", cf=True)
    conv_case("BiasAdd+Relu6 EXPLICIT paddings", [1, 5, 4, 2], [2, 3, 2, 3], ["BiasAdd", "Relu6"], padding="EXPLICIT", explicit=[(1, 2), (0, 1)], scale=4.0)
    conv_case("BiasAdd+Elu dilation 2", [1, 7, 7, 2], [3, 3, 2, 2], ["BiasAdd", "Elu"], dil=(2, 2))
    conv_case("BiasAdd+LeakyRelu dilation 2 with stride 2", [1, 9, 8, 2], [3, 2, 2, 3], ["BiasAdd", "LeakyRelu"], strides=(2, 2), dil=(2, 2), alpha=0.1)
    conv_case("BiasAdd+Elu NCHW EXPLICIT stride (2,1)", [2, 6, 5, 3], [3, 3, 3, 2], ["BiasAdd", "Elu"], strides=(2, 1), padding="EXPLICIT", explicit=[(2, 0), (1, 1)], cf=True)
    conv_case("FusedBatchNorm epsilon 0.001", [2, 4, 4, 3], [3, 3, 3, 4], ["FusedBatchNorm"], eps=0.001)
    conv_case("FusedBatchNorm+Relu NCHW", [1, 6, 5, 2], [3, 3, 2, 3], ["FusedBatchNorm", "Relu"], cf=True)
    conv_case("FusedBatchNorm+Relu6 VALID", [1, 6, 6, 3], [3, 3, 3, 2], ["FusedBatchNorm", "Relu6"], padding="VALID", scale=3.0)
    conv_case("FusedBatchNorm+Elu", [1, 4, 5, 2], [2, 2, 2, 3], ["FusedBatchNorm", "Elu"])
    conv_case("FusedBatchNorm+LeakyRelu EXPLICIT", [1, 5, 5, 2], [3, 3, 2, 2], ["FusedBatchNorm", "LeakyRelu"], padding="EXPLICIT", explicit=[(1, 1), (2, 0)], alpha=0.25)
    conv_case("BiasAdd+Add+Relu (residual)", [1, 4, 4, 3], [1, 1, 3, 3], ["BiasAdd", "Add", "Relu"])
    conv_case("BiasAdd+_MklSwish", [1, 4, 4, 2], [3, 3, 2, 2], ["BiasAdd", "_MklSwish"])
    conv_case("FusedBatchNorm+Relu6 double", [1, 5, 5, 2], [3, 3, 2, 3], ["FusedBatchNorm", "Relu6"], dtype="double", scale=3.0)
    conv_case("BiasAdd+Add+LeakyRelu NCHW double", [1, 4, 5, 2], [3, 3, 2, 2], ["BiasAdd", "Add", "LeakyRelu"], cf=True, dtype="double", alpha=0.3)

    conv_case("BiasAdd+Relu6 multiplier 2 SAME stride 2", [1, 7, 6, 3], [3, 3, 3, 2], ["BiasAdd", "Relu6"], strides=(2, 2), depthwise=True, scale=4.0)
    conv_case("FusedBatchNorm+Relu NCHW", [2, 5, 5, 2], [3, 3, 2, 1], ["FusedBatchNorm", "Relu"], cf=True, depthwise=True)
    conv_case("BiasAdd dilation 2 VALID", [1, 8, 8, 2], [3, 3, 2, 2], ["BiasAdd"], dil=(2, 2), padding="VALID", depthwise=True)
    conv_case("BiasAdd+Elu EXPLICIT", [1, 5, 6, 2], [2, 3, 2, 1], ["BiasAdd", "Elu"], padding="EXPLICIT", explicit=[(0, 2), (1, 1)], depthwise=True)
    conv_case("FusedBatchNorm+LeakyRelu double", [1, 5, 5, 3], [3, 3, 3, 1], ["FusedBatchNorm", "LeakyRelu"], depthwise=True, dtype="double")

    bmm_case("Mul by a scalar", [2, 3, 4], [2, 4, 5], ["Mul"], arg_shapes=[(1,)])
    bmm_case("Add with broadcast", [3, 4], [2, 4, 2], ["Add"], arg_shapes=[(1, 3, 2)])
    bmm_case("Mul+Add, adj_y, broadcast batch", [2, 1, 3, 4], [3, 5, 4], ["Mul", "Add"], adj_y=True, arg_shapes=[(), (2, 3, 3, 5)])

    path = os.path.join(os.path.dirname(__file__), "..", "test", "data", "kernels", "fused.json")
    with open(path, "w") as fh:
        json.dump(cases, fh, separators=(",", ":"))
    print(f"{len(cases)} cases -> {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
