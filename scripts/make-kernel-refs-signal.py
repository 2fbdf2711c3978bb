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


def main():
    write("signal.json", signal_cases())


if __name__ == "__main__":
    main()
