#!/usr/bin/env python3
"""Reference values for the signal, quantization and special kernels
(test/kernels-signal.test.ts, test/kernels-quantization.test.ts,
test/kernels-special.test.ts).

Written independently of the TypeScript kernels:
  - FFTs from numpy.fft (fftn/ifftn/rfftn/irfftn over the inner-most axes).
    TF's raw RFFT/IRFFT ops crop every transformed input dimension to
    fft_length (fft_length/2+1 for IRFFT's inner-most) and refuse shorter
    ones, so inputs here are at least that long and numpy's s= does the same
    cropping. numpy's irfft, like TF's DUCC, ignores the imaginary part of the
    DC and Nyquist bins; the inputs have non-zero ones to show it.
  - FakeQuant*, QuantizeV2 and Dequantize: TF's documented algorithms
    (nudged min/max for FakeQuant; MIN_COMBINED / MIN_FIRST / SCALED), every
    step rounded to float32 as TF's float kernels compute them.
  - Bessel functions, Dawson, Ei, Fresnel, Spence from scipy.special.

Inputs come from a seeded generator and are stored with the expected values.

    python3 scripts/make-kernel-refs-signal.py
        # writes test/data/kernels/{signal,quantization,special}.json
"""
import json
import os

import numpy as np
import scipy.special as sp

rng = np.random.default_rng(20240917)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "data", "kernels")

f32 = np.float32


def t(a, dtype=None):
    a = np.asarray(a)
    if dtype is None:
        dtype = {np.float32: "float", np.float64: "double", np.complex64: "complex64", np.complex128: "complex128",
                 np.int32: "int32", np.int64: "int64", np.bool_: "bool"}[a.dtype.type]
    if dtype in ("complex64", "complex128"):
        flat = np.asarray(a, dtype=np.complex128).ravel()
        vals = np.stack([flat.real, flat.imag], -1).ravel().tolist()
    elif dtype in ("float", "double", "half", "bfloat16"):
        vals = [float(v) if np.isfinite(v) else ("nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")) for v in np.asarray(a, dtype=np.float64).ravel()]
    else:
        vals = [int(v) for v in np.asarray(a).ravel()]
    return {"dtype": dtype, "shape": list(a.shape), "values": vals}


def write(name, cases):
    path = os.path.join(OUT, name)
    with open(path, "w") as fh:
        json.dump(cases, fh, separators=(",", ":"))
        fh.write("\n")
    print(name, len(cases), "cases", os.path.getsize(path), "bytes")


# ---------------------------------------------------------------------------
# FFT


def crandn(shape, dtype):
    re = rng.standard_normal(shape)
    im = rng.standard_normal(shape)
    z = (re + 1j * im).astype(dtype)  # the stored input is what the kernel sees
    return z


def signal_cases():
    cases = []

    def add(op, inputs, attrs, outputs, name):
        cases.append({"op": op, "name": name, "inputs": inputs, "attrs": attrs, "outputs": outputs})

    names = {1: "", 2: "2D", 3: "3D"}
    # complex transforms: power-of-two, prime, composite and length-1 axes
    for rank, shape in ((1, (3, 8)), (1, (2, 7)), (1, (12,)), (1, (1,)), (1, (2, 1, 30)), (2, (2, 4, 6)), (2, (5, 3)), (3, (2, 3, 4, 5)), (3, (2, 2, 2))):
        for dt, dname in ((np.complex64, "complex64"), (np.complex128, "complex128")):
            x = crandn(shape, dt) * 3
            axes = tuple(range(len(shape) - rank, len(shape)))
            xd = x.astype(np.complex128)
            add("FFT" + names[rank], [t(x, dname)], {"Tcomplex": dname}, [t(np.fft.fftn(xd, axes=axes), dname)], f"{dname} {shape}")
            add("IFFT" + names[rank], [t(x, dname)], {"Tcomplex": dname}, [t(np.fft.ifftn(xd, axes=axes), dname)], f"{dname} {shape}")
    # a long prime length (Bluestein) and a long power of two
    for n in (257, 1024):
        x = crandn((n,), np.complex128)
        add("FFT", [t(x, "complex128")], {"Tcomplex": "complex128"}, [t(np.fft.fft(x), "complex128")], f"complex128 n={n}")

    # real transforms; (input shape, fft_length): exact, cropped, odd, even, zero
    real_cases = {
        1: [((3, 8), [8]), ((2, 10), [7]), ((9,), [9]), ((4, 6), [6]), ((5,), [1]), ((2, 4), [0])],
        2: [((2, 4, 6), [4, 6]), ((5, 7), [3, 5]), ((2, 6, 9), [6, 8])],
        3: [((2, 3, 4, 5), [3, 4, 5]), ((3, 5, 6), [2, 4, 6])],
    }
    for rank, lst in real_cases.items():
        for shape, fl in lst:
            for rdt, rname, cname in ((np.float32, "float", "complex64"), (np.float64, "double", "complex128")):
                x = rng.standard_normal(shape).astype(rdt) * 2
                axes = tuple(range(len(shape) - rank, len(shape)))
                crop = tuple(slice(None) for _ in range(len(shape) - rank)) + tuple(slice(0, n) for n in fl)
                xc = x.astype(np.float64)[crop]
                if 0 in fl:
                    outshape = list(shape[: len(shape) - rank]) + [n for n in fl]
                    want = np.zeros(outshape, np.complex128)
                else:
                    want = np.fft.rfftn(xc, s=fl, axes=axes)
                add("RFFT" + names[rank], [t(x, rname), t(np.array(fl, np.int32), "int32")], {"Treal": rname, "Tcomplex": cname}, [t(want, cname)], f"{rname} {shape} fft_length={fl}")
    irfft_cases = {
        1: [((3, 5), [8]), ((2, 9), [8]), ((4, 5), [9]), ((6,), [10]), ((3,), [1]), ((2, 3), [2])],
        2: [((2, 4, 4), [4, 6]), ((6, 7), [5, 9]), ((3, 2), [2, 2])],
        3: [((2, 3, 4, 3), [3, 4, 5]), ((3, 5, 5), [2, 4, 8])],
    }
    for rank, lst in irfft_cases.items():
        for shape, fl in lst:
            for rname, cdt, cname in (("float", np.complex64, "complex64"), ("double", np.complex128, "complex128")):
                x = crandn(shape, cdt)
                axes = tuple(range(len(shape) - rank, len(shape)))
                lead = tuple(slice(None) for _ in range(len(shape) - rank))
                crop = lead + tuple(slice(0, n) for n in fl[:-1]) + (slice(0, fl[-1] // 2 + 1),)
                xc = x.astype(np.complex128)[crop]
                want = np.fft.irfftn(xc, s=fl, axes=axes)
                add("IRFFT" + names[rank], [t(x, cname), t(np.array(fl, np.int32), "int32")], {"Treal": rname, "Tcomplex": cname}, [t(want, rname)], f"{cname} {shape} fft_length={fl}")
    return cases


# ---------------------------------------------------------------------------
# Quantization: TF's documented algorithms, every step in float32.

F = np.float32
QT = {  # lowest, highest, bits
    "qint8": (-128, 127, 8), "quint8": (0, 255, 8), "qint16": (-32768, 32767, 16),
    "quint16": (0, 65535, 16), "qint32": (-2 ** 31, 2 ** 31 - 1, 32),
}


def round_away(a):
    a = np.asarray(a, np.float64)  # exact for float32 values; no float32 rounding of a+0.5
    return np.sign(a) * np.floor(np.abs(a) + 0.5)


def round_even(a):
    return np.rint(np.asarray(a, np.float64))


def to_q(v, name):
    """float -> quantized the way x86-64 converts (through int32; out of range -> INT32_MIN)."""
    v = np.asarray(v, np.float64)
    i = np.where(np.isnan(v) | (v >= 2 ** 31) | (v < -2 ** 31), -2 ** 31, np.trunc(np.nan_to_num(v))).astype(np.int64)
    bits = QT[name][2]
    if bits == 32:
        return i
    m = 2 ** bits
    w = np.mod(i, m)
    return np.where((QT[name][0] < 0) & (w >= m // 2), w - m, w)


def nudge(mn, mx, qmin, qmax):
    mn, mx = F(mn), F(mx)
    scale = F(F(mx - mn) / F(qmax - qmin))
    zpf = F(F(qmin) - F(mn / scale))
    zp = qmin if zpf < qmin else qmax if zpf > qmax else float(round_away(zpf))
    return F(F(qmin - zp) * scale), F(F(qmax - zp) * scale), scale


def fake_quant(x, mn, mx, bits, narrow, mul_inv):
    qmin, qmax = (1 if narrow else 0), 2 ** bits - 1
    nmin, nmax, scale = nudge(mn, mx, qmin, qmax)
    c = np.minimum(np.maximum(x, nmin), nmax).astype(F)
    shifted = (c - nmin).astype(F)
    scaled = (shifted * F(F(1) / scale)).astype(F) if mul_inv else (shifted / scale).astype(F)
    q = np.floor((scaled + F(0.5)).astype(F)).astype(F)
    return ((q * scale).astype(F) + nmin).astype(F)


def grid_inputs(mn, mx, bits, narrow, n=40):
    """random values plus exact grid midpoints (the rounding ties) and out-of-range values"""
    qmin, qmax = (1 if narrow else 0), 2 ** bits - 1
    nmin, nmax, scale = nudge(mn, mx, qmin, qmax)
    ks = rng.integers(0, qmax - qmin, size=8)
    ties = (nmin + (ks + F(0.5)) * scale).astype(F)
    rnd = rng.uniform(mn - 1, mx + 1, size=n).astype(F)
    return np.concatenate([rnd, ties, np.array([mn - 5, mx + 5, 0, nmin, nmax], F)]).astype(F)


def quantize_v2(x, mins, maxs, name, mode, round_mode="HALF_AWAY_FROM_ZERO", narrow=False, axis=-1, ensure=0.01):
    lo, hi, bits = QT[name]
    x = x.astype(F)
    out = np.zeros(x.shape, np.int64)
    mins, maxs = np.atleast_1d(mins).astype(F), np.atleast_1d(maxs).astype(F)
    omin, omax = np.zeros_like(mins), np.zeros_like(maxs)
    xs = np.moveaxis(x, axis, 0) if axis >= 0 else x[None]
    os_ = np.moveaxis(out, axis, 0) if axis >= 0 else out[None]
    for s in range(len(mins)):
        v = xs[s]
        in_min, in_max = mins[s], maxs[s]
        min_r = F(min(F(0), in_min))
        eps = F(F(max(F(1), abs(in_min), abs(in_max))) * F(ensure))
        max_r = F(max(F(0), in_max, F(min_r + eps)))
        cl = lambda a: np.maximum(np.minimum(a, max_r), min_r).astype(F)
        if mode == "MIN_COMBINED":
            scale = F((float(hi) - float(lo)) / float(F(max_r - min_r)))
            t_ = ((cl(v) - min_r).astype(F) * scale).astype(F)
            if lo < 0:
                half = F((float(hi) - float(lo) + 1) / 2)
                q = to_q(round_away((t_ - half).astype(F)), name)
            else:
                q = to_q((t_ + F(0.5)).astype(F), name)
        elif mode == "SCALED":
            min_out, max_out = F(lo + (1 if narrow else 0)), F(hi)
            from_min = F(min_out / min_r) if F(min_out * min_r) > 0 else np.finfo(F).max
            from_max = F(max_out / max_r) if F(max_out * max_r) > 0 else np.finfo(F).max
            scale = F(min(from_min, from_max))
            min_r, max_r = F(min_out / scale), F(max_out / scale)
            r = round_even if round_mode == "HALF_TO_EVEN" else round_away
            q = to_q(r((cl(v) * scale).astype(F)), name)
        else:  # MIN_FIRST
            steps = 2 ** bits
            rs = F(0) if max_r == min_r else F((steps - 1.0) / float(F(max_r - min_r)))
            min_scaled = F(round_away(F(min_r * rs)))
            off = F(min_scaled - F(lo))
            r = (round_away((v * rs).astype(F)).astype(F) - off).astype(F)
            r = np.minimum(np.maximum(r, max(F(lo), F(-2.147483648e9))), min(F(hi), F(2147483520.0)))
            q = to_q(r, name)
        os_[s] = q
        omin[s], omax[s] = min_r, max_r
    return out, omin, omax


def to_bf16(a):
    b = np.asarray(a, F).view(np.uint32).astype(np.uint64)
    b = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) << 16
    return b.astype(np.uint32).view(F)


def dequantize(q, mins, maxs, name, mode, narrow=False, axis=-1):
    lo, hi, bits = QT[name]
    out = np.zeros(q.shape, F)
    mins, maxs = np.atleast_1d(mins).astype(F), np.atleast_1d(maxs).astype(F)
    qs = np.moveaxis(q, axis, 0) if axis >= 0 else q[None]
    os_ = np.moveaxis(out, axis, 0) if axis >= 0 else out[None]
    for s in range(len(mins)):
        v = qs[s].astype(F)  # int -> float conversion (rounds for qint32)
        mn, mx = mins[s], maxs[s]
        if mode == "MIN_COMBINED":
            half = F(F(F(F(hi) - F(lo)) + F(1)) / F(2)) if lo < 0 else F(0)
            scale = F(F(mx - mn) / F(F(hi) - F(lo)))
            os_[s] = (((v + half).astype(F) * scale).astype(F) + mn).astype(F)
        elif mode == "SCALED":
            min_out = F(lo + (1 if narrow else 0))
            scale = F(mx / F(hi)) if lo == 0 else max(F(mn / min_out), F(mx / F(hi)))
            os_[s] = (v * scale).astype(F)
        else:
            rs = F(float(F(mx - mn)) / (2.0 ** bits - 1))
            mr = mn if mx == mn else F(F(round_away(F(mn / rs))) * rs)
            base = F(mr - F(F(lo) * rs))
            os_[s] = (base + (v * rs).astype(F)).astype(F)
    return out


def quantization_cases():
    cases = []

    def add(op, inputs, attrs, outputs, name):
        cases.append({"op": op, "name": name, "inputs": inputs, "attrs": attrs, "outputs": outputs})

    for mn, mx, bits, narrow in ((-6, 6, 8, False), (-0.3, 1.7, 4, True), (-2.5, 0.75, 8, False), (0.5, 2.0, 8, False),
                                 (-1.7, -0.2, 5, False), (-10.0, 10.0, 16, True), (-0.1, 0.1, 2, False)):
        mn, mx = F(mn), F(mx)
        x = grid_inputs(mn, mx, bits, narrow).reshape(-1, 1)
        attrs = {"min": float(mn), "max": float(mx), "num_bits": bits, "narrow_range": narrow}
        add("FakeQuantWithMinMaxArgs", [t(x)], attrs, [t(fake_quant(x, mn, mx, bits, narrow, True))], f"[{mn},{mx}] bits={bits} narrow={narrow}")
        add("FakeQuantWithMinMaxVars", [t(x), t(np.array(mn, F)), t(np.array(mx, F))], {"num_bits": bits, "narrow_range": narrow},
            [t(fake_quant(x, mn, mx, bits, narrow, False))], f"[{mn},{mx}] bits={bits} narrow={narrow}")
    x = rng.uniform(-3, 3, size=(5,)).astype(F)
    add("FakeQuantWithMinMaxVars", [t(x), t(np.array(0, F)), t(np.array(0, F))], {}, [t(np.zeros(5, F))], "min == max == 0 gives zeros")
    # per channel: [2, 3, 4] with 4 channels, one of them (0, 0)
    mins = np.array([-1.0, -0.25, 0.0, -3.0], F)
    maxs = np.array([1.0, 2.0, 0.0, 0.5], F)
    for bits, narrow in ((8, False), (3, True)):
        x = rng.uniform(-3.5, 2.5, size=(2, 3, 4)).astype(F)
        want = np.zeros_like(x)
        for c in range(4):
            if mins[c] != 0 or maxs[c] != 0:
                want[..., c] = fake_quant(x[..., c], mins[c], maxs[c], bits, narrow, False)
        add("FakeQuantWithMinMaxVarsPerChannel", [t(x), t(mins), t(maxs)], {"num_bits": bits, "narrow_range": narrow}, [t(want)], f"bits={bits} narrow={narrow}")
    x = rng.uniform(-2, 2, size=(7,)).astype(F)
    add("FakeQuantWithMinMaxVarsPerChannel", [t(x), t(np.full(7, -1.5, F)), t(np.full(7, 1.0, F))], {}, [t(np.array([fake_quant(x[i:i + 1], -1.5, 1.0, 8, False, False)[0] for i in range(7)], F))], "1-D input, one channel per element")

    # QuantizeV2 / Dequantize
    for name in QT:
        lo, hi, bits = QT[name]
        for mode in ("MIN_COMBINED", "MIN_FIRST", "SCALED"):
            for rmin, rmax in ((-1.5, 2.0), (0.25, 3.0), (-4.0, -1.0)):
                x = np.concatenate([rng.uniform(rmin - 0.5, rmax + 0.5, size=24), [rmin, rmax, 0.0]]).astype(F)
                # (qint32 MIN_COMBINED maps max_range to 2^31, which x86's conversion
                # and Eigen's lrint-then-int32 both turn into INT32_MIN)
                attrs = {"T": name, "mode": mode}
                q, omin, omax = quantize_v2(x, rmin, rmax, name, mode)
                add("QuantizeV2", [t(x), t(np.array(rmin, F)), t(np.array(rmax, F))], attrs,
                    [t(q, name), t(np.array(omin[0], F)), t(np.array(omax[0], F))], f"{name} {mode} [{rmin},{rmax}]")
                qin = (rng.integers(lo, hi, size=12, endpoint=True) if bits < 32 else rng.integers(-2 ** 31, 2 ** 31 - 1, size=12)).astype(np.int64)
                qin = np.concatenate([qin, [lo, hi, 0 if lo < 0 else lo + 1]])
                add("Dequantize", [t(qin, name), t(np.array(rmin, F)), t(np.array(rmax, F))], {"T": name, "mode": mode},
                    [t(dequantize(qin, rmin, rmax, name, mode))], f"{name} {mode} [{rmin},{rmax}]")
        # SCALED with narrow_range and half-to-even ties
        x = np.concatenate([rng.uniform(-2, 2, size=16), [-2.0, 2.0]]).astype(F)
        for narrow in (False, True):
            for rm in ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"):
                q, omin, omax = quantize_v2(x, -1.0, 1.0, name, "SCALED", rm, narrow)
                add("QuantizeV2", [t(x), t(np.array(-1.0, F)), t(np.array(1.0, F))], {"T": name, "mode": "SCALED", "round_mode": rm, "narrow_range": narrow},
                    [t(q, name), t(np.array(omin[0], F)), t(np.array(omax[0], F))], f"{name} SCALED narrow={narrow} {rm}")
            qin = np.array([lo + 1, -1 if lo < 0 else 1, 0, hi, 7], np.int64)
            add("Dequantize", [t(qin, name), t(np.array(-1.0, F)), t(np.array(1.0, F))], {"T": name, "mode": "SCALED", "narrow_range": narrow},
                [t(dequantize(qin, -1.0, 1.0, name, "SCALED", narrow))], f"{name} SCALED narrow={narrow}")
        # ensure_minimum_range widens a degenerate range
        x = np.array([0.0, 0.001, -0.002, 0.5], F)
        q, omin, omax = quantize_v2(x, 0.0, 0.0, name, "MIN_COMBINED", ensure=0.05)
        add("QuantizeV2", [t(x), t(np.array(0.0, F)), t(np.array(0.0, F))], {"T": name, "mode": "MIN_COMBINED", "ensure_minimum_range": 0.05},
            [t(q, name), t(np.array(omin[0], F)), t(np.array(omax[0], F))], f"{name} ensure_minimum_range")
    # SCALED ties: scale = 127 for qint8 over [-1, 1]; x = (k + 0.5) / 127
    ks = np.arange(-6, 6)
    x = ((ks + 0.5) / 127).astype(F)
    for rm in ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"):
        q, omin, omax = quantize_v2(x, -1.0, 1.0, "qint8", "SCALED", rm)
        add("QuantizeV2", [t(x), t(np.array(-1.0, F)), t(np.array(1.0, F))], {"T": "qint8", "mode": "SCALED", "round_mode": rm},
            [t(q, "qint8"), t(np.array(omin[0], F)), t(np.array(omax[0], F))], f"qint8 SCALED ties {rm}")
    # per-axis
    x = rng.uniform(-3, 3, size=(2, 3, 4)).astype(F)
    mins, maxs = np.array([-1.0, -3.0, 0.5], F), np.array([2.0, 1.0, 4.0], F)
    for name in ("qint8", "quint8", "qint32"):
        for mode in ("MIN_COMBINED", "SCALED"):
            q, omin, omax = quantize_v2(x, mins, maxs, name, mode, axis=1)
            add("QuantizeV2", [t(x), t(mins), t(maxs)], {"T": name, "mode": mode, "axis": 1}, [t(q, name), t(omin), t(omax)], f"{name} {mode} axis=1")
            add("Dequantize", [t(q, name), t(mins), t(maxs)], {"T": name, "mode": mode, "axis": 1}, [t(dequantize(q, mins, maxs, name, mode, axis=1))], f"{name} {mode} axis=1")
    # bfloat16 output (MIN_COMBINED only)
    qin = np.array([-128, -5, 0, 3, 127, 100], np.int64)
    add("Dequantize", [t(qin, "qint8"), t(np.array(-1.3, F)), t(np.array(2.9, F))], {"T": "qint8", "mode": "MIN_COMBINED", "dtype": "bfloat16"},
        [t(to_bf16(dequantize(qin, -1.3, 2.9, "qint8", "MIN_COMBINED")), "bfloat16")], "qint8 -> bfloat16")
    return cases


# ---------------------------------------------------------------------------
# Special functions: scipy.special in double on the (dtype-rounded) inputs.

SPECIAL = {
    "BesselI0": (sp.i0, (-40, 40)), "BesselI1": (sp.i1, (-40, 40)), "BesselI0e": (sp.i0e, (-60, 60)), "BesselI1e": (sp.i1e, (-60, 60)),
    "BesselJ0": (sp.j0, (-60, 60)), "BesselJ1": (sp.j1, (-60, 60)), "BesselY0": (sp.y0, (0, 60)), "BesselY1": (sp.y1, (0, 60)),
    "BesselK0": (sp.k0, (0, 40)), "BesselK1": (sp.k1, (0, 40)), "BesselK0e": (sp.k0e, (0, 60)), "BesselK1e": (sp.k1e, (0, 60)),
    "Dawsn": (sp.dawsn, (-15, 15)), "Expint": (sp.expi, (-50, 50)),
    "FresnelCos": (lambda x: sp.fresnel(x)[1], (-12, 12)), "FresnelSin": (lambda x: sp.fresnel(x)[0], (-12, 12)),
    "Spence": (sp.spence, (0, 12)),
}
EXTRA = [0.0, 1e-6, 0.01, 0.5, 1.0, 1.9999, 2.0, 2.4048255576957727, 3.8317059702075125, 0.8935769662791675, 0.3725074107813666,
         7.0, 7.01, 6.0, 6.001, 24.99, 25.01, 29.99, 30.01, 100.0, 250.0, -0.5, -1.0, -3.0, -30.5, float("inf"), float("-inf"), float("nan")]


def special_cases():
    cases = []
    for op, (f, (lo, hi)) in SPECIAL.items():
        base = np.concatenate([rng.uniform(lo, hi, size=30), rng.uniform(-2, 2, size=10), EXTRA])
        for dname, npdt in (("double", np.float64), ("float", np.float32), ("half", np.float16)):
            x = base.astype(npdt)
            if dname == "half":
                x = x[np.abs(np.nan_to_num(x.astype(np.float64), posinf=0, neginf=0)) < 20]
            with np.errstate(all="ignore"):
                want = np.asarray(f(x.astype(np.float64)), np.float64).astype(npdt)
            cases.append({"op": op, "name": dname, "inputs": [t(x, dname)], "attrs": {"T": dname}, "outputs": [t(want, dname)]})
        x = np.array([0.25, 1.5, 3.0, 5.5, 9.0], np.float32)
        x = to_bf16(x)
        with np.errstate(all="ignore"):
            want = to_bf16(np.asarray(f(x.astype(np.float64)), np.float64).astype(np.float32))
        cases.append({"op": op, "name": "bfloat16", "inputs": [t(x, "bfloat16")], "attrs": {"T": "bfloat16"}, "outputs": [t(want, "bfloat16")]})
    return cases


def main():
    write("signal.json", signal_cases())
    write("quantization.json", quantization_cases())
    write("special.json", special_cases())


if __name__ == "__main__":
    main()
