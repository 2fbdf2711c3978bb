#!/usr/bin/env python3
"""Writes test/data/codecs/: small PNG/JPEG/GIF/BMP files and manifest.json with the
pixels TensorFlow returns for them.

PNG, GIF and BMP files are written here from numpy arrays (zlib/struct), so the
expected pixels are exact by construction (conversions follow png_io.cc/libpng's
rules as documented in src/runtime/kernels/codecs/png.ts). JPEGs are encoded by
libjpeg-turbo's cjpeg and the references are libjpeg-turbo's djpeg output (what TF
links): `djpeg -dct fast|int [-nosmooth] [-scale 1/N] [-grayscale]`.
  DJPEG=/path/djpeg CJPEG=/path/cjpeg python3 scripts/make-codec-data.py
"""
import base64, json, os, struct, subprocess, zlib
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "data", "codecs")
CJPEG = os.environ.get("CJPEG", "cjpeg")
DJPEG = os.environ.get("DJPEG", "djpeg")
rng = np.random.RandomState(7)
cases = []

def b64(a):
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()

def add(file, op, attrs, arr):
    dt = {np.dtype("uint8"): "uint8", np.dtype("<u2"): "uint16", np.dtype("float32"): "float32"}[arr.dtype]
    cases.append({"file": file, "op": op, "attrs": attrs, "shape": list(arr.shape), "dtype": dt, "data": b64(arr.astype(arr.dtype.newbyteorder("<")))})

# ---------------------------------------------------------------- PNG
def chunk(t, body):
    return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body) & 0xffffffff)

def pack_row(samples, depth):
    if depth == 8: return bytes(samples.astype(np.uint8))
    if depth == 16: return samples.astype(">u2").tobytes()
    out, acc, n = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | int(s); n += depth
        if n == 8: out.append(acc); acc = n = 0
    if n: out.append(acc << (8 - n))
    return bytes(out)

def filt(row, prev, bpp, ft):
    r = np.frombuffer(row, np.uint8).astype(int); p = np.frombuffer(prev, np.uint8).astype(int)
    a = np.concatenate([np.zeros(bpp, int), r[:-bpp]]) if len(r) > bpp else np.zeros(len(r), int)
    c = np.concatenate([np.zeros(bpp, int), p[:-bpp]]) if len(r) > bpp else np.zeros(len(r), int)
    if ft == 0: pred = 0 * r
    elif ft == 1: pred = a
    elif ft == 2: pred = p
    elif ft == 3: pred = (a + p) // 2
    else:
        pred = np.zeros(len(r), int)
        for i in range(len(r)):
            pp = a[i] + p[i] - c[i]; pa, pb, pc = abs(pp - a[i]), abs(pp - p[i]), abs(pp - c[i])
            pred[i] = a[i] if pa <= pb and pa <= pc else (p[i] if pb <= pc else c[i])
    return bytes([ft]) + bytes(((r - pred) % 256).astype(np.uint8))

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

def write_png(name, samples, depth, ctype, interlace=0, plte=None, trns=None, extra=b""):
    h, w, ch = samples.shape
    bpp = max(1, ch * depth // 8)
    raw = b""
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    k = 0
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.size == 0: continue
        prev = bytes(len(pack_row(sub[0].reshape(-1), depth)))
        for row in sub:
            pr = pack_row(row.reshape(-1), depth)
            raw += filt(pr, prev, bpp, k % 5); k += 1; prev = pr
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace)) + extra
    if plte is not None: data += chunk(b"PLTE", bytes(plte.astype(np.uint8).reshape(-1)))
    if trns is not None: data += chunk(b"tRNS", trns)
    z = zlib.compress(raw, 9)
    data += chunk(b"IDAT", z[: len(z) // 2]) + chunk(b"IDAT", z[len(z) // 2 :])
    data += chunk(b"IEND", b"")
    open(os.path.join(OUT, name), "wb").write(data)

def to_gray8(rgb):  # libpng rgb_to_gray, 8-bit, no gamma: truncating
    r, g, b = [rgb[..., i].astype(np.int64) for i in range(3)]
    y = (9797 * r + 19234 * g + 3737 * b) >> 15
    return np.where((r == g) & (g == b), r, y)

def to_gray16(rgb):
    r, g, b = [rgb[..., i].astype(np.int64) for i in range(3)]
    y = (9797 * r + 19234 * g + 3737 * b + 16384) >> 15
    return np.where((r == g) & (g == b), r, y)

def png_expected(rgba, has_alpha_src, is_gray, depth, filler, want_ch, bits):
    """rgba: int array [h,w,4] at working depth (8 or 16), alpha None-able via has_alpha_src."""
    work16 = depth == 16
    if want_ch < 3:
        g = rgba[..., 0] if is_gray else (to_gray16 if work16 else to_gray8)(rgba[..., :3])
        chans = [g]
    else:
        chans = [rgba[..., 0], rgba[..., 1], rgba[..., 2]]
    a = rgba[..., 3] if has_alpha_src else None
    if bits == 8 and work16:
        chans = [c >> 8 for c in chans]; a = None if a is None else a >> 8
    if bits == 16 and not work16:
        chans = [c * 257 for c in chans]; a = None if a is None else a * 257
    if want_ch in (2, 4):
        if a is None:
            f = filler & 0xff if (bits == 8 or not work16) else filler
            a = np.full(chans[0].shape, f * 257 if (bits == 16 and not work16) else f)
        chans.append(a)
    return np.stack(chans, -1).astype(np.uint8 if bits == 8 else "<u2")

def png_case(name, ctype, depth, h=4, w=5, interlace=0, trns=False):
    maxv = (1 << depth) - 1
    ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    s = rng.randint(0, maxv + 1, size=(h, w, ch))
    if ctype in (2, 6):  # some gray pixels so rgb→gray's equal-channel path is used
        s[0, 0, 1:3] = s[0, 0, 0]
    plte = trns_b = None
    scale = {1: 255, 2: 85, 4: 17}.get(depth, 1) if ctype == 0 else 1
    if ctype == 3:
        n = min(1 << depth, 6)
        s = rng.randint(0, n, size=(h, w, 1))
        plte = rng.randint(0, 256, size=(n, 3)); plte[1] = [90, 90, 90]
        alpha_t = rng.randint(0, 256, size=n - 2) if trns else None
        if trns: trns_b = bytes(alpha_t.astype(np.uint8))
        pal = np.zeros((256, 4), int); pal[:, 3] = 255; pal[:n, :3] = plte
        if trns: pal[: n - 2, 3] = alpha_t
        rgba = pal[s[..., 0]]
        has_alpha = trns
        work_depth = 8
    else:
        work_depth = 16 if depth == 16 else 8
        rgba = np.zeros((h, w, 4), int)
        if ctype in (0, 4):
            for i in range(3): rgba[..., i] = s[..., 0] * scale
        else:
            rgba[..., :3] = s[..., :3]
        has_alpha = ctype in (4, 6)
        if has_alpha: rgba[..., 3] = s[..., -1]
        if trns and ctype in (0, 2):
            tv = s[1, 1, :]
            trns_b = b"".join(struct.pack(">H", int(v)) for v in tv)
            eq = np.all(s == tv, axis=-1)
            rgba[..., 3] = np.where(eq, 0, 0xffff if depth == 16 else 0xff)
    write_png(name, s, depth, ctype, interlace, plte, trns_b)
    auto = (4 if trns else 3) if ctype == 3 else ch
    for want in sorted({0, 1, 3, 4}):
        wc = auto if want == 0 else want
        for bits in (8, 16):
            exp = png_expected(rgba, has_alpha or (trns and wc in (2, 4)), ctype in (0, 4), work_depth, maxv, wc, bits)
            add(name, "DecodePng", {"channels": want, "dtype": "uint8" if bits == 8 else "uint16"}, exp)

for ct, depths in [(0, [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16])]:
    for d in depths:
        png_case(f"png_c{ct}_d{d}.png", ct, d)
png_case("png_c0_d8_trns.png", 0, 8, trns=True)
png_case("png_c0_d2_trns.png", 0, 2, trns=True)
png_case("png_c2_d16_trns.png", 2, 16, trns=True)
png_case("png_c2_d8_trns.png", 2, 8, trns=True)
png_case("png_c3_d4_trns.png", 3, 4, trns=True)
png_case("png_c3_d8_trns.png", 3, 8, trns=True)
png_case("png_c6_d8_adam7.png", 6, 8, h=11, w=10, interlace=1)
png_case("png_c0_d1_adam7.png", 0, 1, h=9, w=13, interlace=1)
png_case("png_c3_d2_adam7.png", 3, 2, h=3, w=2, interlace=1)

# ---------------------------------------------------------------- BMP
def write_bmp(name, pix, bpc, top_down=False):
    h, w = pix.shape[:2]
    row = (bpc * w + 3) // 4 * 4
    rows = []
    for y in (range(h) if top_down else range(h - 1, -1, -1)):
        r = pix[y]
        if bpc >= 3: r = np.concatenate([r[:, 2::-1], r[:, 3:]], axis=1)
        b = bytes(r.astype(np.uint8).reshape(-1)); rows.append(b + b"\x00" * (row - len(b)))
    off = 54 + (1024 if bpc == 1 else 0)
    hdr = b"BM" + struct.pack("<IHHI", off + row * h, 0, 0, off) + struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, bpc * 8, 0, row * h, 2835, 2835, 0, 0)
    pal = bytes(1024) if bpc == 1 else b""
    open(os.path.join(OUT, name), "wb").write(hdr + pal + b"".join(rows))

for bpc, td in [(3, False), (4, True), (1, False)]:
    pix = rng.randint(0, 256, size=(3, 5, bpc))
    name = f"bmp_{bpc * 8}{'_td' if td else ''}.bmp"
    write_bmp(name, pix, bpc, td)
    rgb = np.repeat(pix, 3, -1) if bpc == 1 else pix[..., :3]
    alpha = pix[..., 3:] if bpc == 4 else np.full(pix.shape[:2] + (1,), 255)
    add(name, "DecodeBmp", {"channels": 0}, pix.astype(np.uint8))
    add(name, "DecodeBmp", {"channels": 3}, rgb.astype(np.uint8))
    add(name, "DecodeBmp", {"channels": 4}, np.concatenate([rgb, alpha], -1).astype(np.uint8))
    add(name, "DecodeImage", {"channels": 3, "dtype": "float32"}, (rgb.astype(np.float32) * np.float32(1 / 255)).astype(np.float32))

# ---------------------------------------------------------------- GIF
def lzw(indices, min_size):
    """A valid LZW stream that clears the table before it would grow (codes stay min_size+1 bits)."""
    clear, eoi = 1 << min_size, (1 << min_size) + 1
    bits = min_size + 1
    codes = [clear]
    n = 0
    for v in indices:
        codes.append(int(v)); n += 1
        if n == (1 << bits) - eoi - 2: codes.append(clear); n = 0
    codes.append(eoi)
    acc = nb = 0; out = bytearray()
    for c in codes:
        acc |= c << nb; nb += bits
        while nb >= 8: out.append(acc & 255); acc >>= 8; nb -= 8
    if nb: out.append(acc)
    blocks = b"".join(bytes([len(out[i:i + 255])]) + bytes(out[i:i + 255]) for i in range(0, len(out), 255))
    return bytes([min_size]) + blocks + b"\x00"

def gif_frame(idx, left=0, top=0, lct=None, transparent=None, interlace=False):
    h, w = idx.shape
    g = b""
    if transparent is not None: g += b"\x21\xf9\x04" + bytes([1, 0, 0, transparent]) + b"\x00"
    flags = (0x40 if interlace else 0) | ((0x80 | 2) if lct is not None else 0)
    g += b"\x2c" + struct.pack("<HHHHB", left, top, w, h, flags)
    if lct is not None: g += bytes(lct.astype(np.uint8).reshape(-1))
    rows = idx if not interlace else np.concatenate([idx[0::8], idx[4::8], idx[2::4], idx[1::2]])
    return g + lzw(rows.reshape(-1), 3)

gct = rng.randint(0, 256, size=(8, 3))
lct = rng.randint(0, 256, size=(8, 3))
W, H = 6, 5
f0 = rng.randint(0, 8, size=(H, W))
f1 = rng.randint(0, 8, size=(3, 4)); f1[0, 0] = 5
f2 = rng.randint(0, 8, size=(H, W))
gif = b"GIF89a" + struct.pack("<HHBBB", W, H, 0x80 | 2, 0, 0) + bytes(gct.astype(np.uint8).reshape(-1))
gif += gif_frame(f0) + gif_frame(f1, 1, 2, transparent=5) + gif_frame(f2, lct=lct, interlace=True) + b"\x3b"
open(os.path.join(OUT, "anim.gif"), "wb").write(gif)
c0 = gct[f0]
c1 = c0.copy()
sub = gct[f1]
for y in range(3):
    for x in range(4):
        if 2 + y < H and 1 + x < W and f1[y, x] != 5: c1[2 + y, 1 + x] = sub[y, x]
c2 = lct[f2]
frames = np.stack([c0, c1, c2]).astype(np.uint8)
add("anim.gif", "DecodeGif", {}, frames)
add("anim.gif", "DecodeImage", {"channels": 3, "expand_animations": False}, frames[0])
single = b"GIF87a" + struct.pack("<HHBBB", W, H, 0x80 | 2, 0, 0) + bytes(gct.astype(np.uint8).reshape(-1)) + gif_frame(f0) + b"\x3b"
open(os.path.join(OUT, "single.gif"), "wb").write(single)
add("single.gif", "DecodeJpeg", {"channels": 0}, c0.astype(np.uint8))

# ---------------------------------------------------------------- JPEG
def read_pnm(data):
    import re
    m = re.match(rb"(P[56])\s+(\d+)\s+(\d+)\s+255\s", data)
    magic, w, h = m.group(1), int(m.group(2)), int(m.group(3))
    pix = np.frombuffer(data[m.end():], np.uint8)
    return pix.reshape(h, w, 3 if magic == b"P6" else 1)

def smooth(h, w, ch):
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)), ((x + y) * 7) % 256][:ch], -1)
    return np.clip(base + rng.randint(-40, 41, size=(h, w, ch)), 0, 255).astype(np.uint8)

def pnm(a):
    h, w, ch = a.shape
    return (b"P6" if ch == 3 else b"P5") + f"\n{w} {h}\n255\n".encode() + a.tobytes()

def jpeg_case(name, img, cargs, refs):
    src = os.path.join(OUT, "_src.pnm")
    open(src, "wb").write(pnm(img))
    subprocess.run([CJPEG, *cargs, "-outfile", os.path.join(OUT, name), src], check=True)
    os.remove(src)
    for attrs, dargs in refs:
        out = subprocess.run([DJPEG, *dargs, os.path.join(OUT, name)], check=True, capture_output=True).stdout
        add(name, "DecodeJpeg", attrs, read_pnm(out))

FAST = ({}, ["-dct", "fast"])
INT = ({"dct_method": "INTEGER_ACCURATE"}, ["-dct", "int"])
GRAY = ({"channels": 1}, ["-dct", "fast", "-grayscale"])
NOSMOOTH = ({"fancy_upscaling": False}, ["-dct", "fast", "-nosmooth"])
def scale(n): return ({"ratio": n}, ["-dct", "fast", "-scale", f"1/{n}"])

color = smooth(24, 32, 3)
odd = smooth(29, 37, 3)
gray = smooth(18, 20, 1)
jpeg_case("j420.jpg", color, ["-quality", "85"], [FAST, INT, GRAY, NOSMOOTH, scale(2), scale(4), scale(8)])
jpeg_case("j444.jpg", color, ["-sample", "1x1"], [FAST, INT, scale(2)])
jpeg_case("j422.jpg", odd, ["-sample", "2x1"], [FAST, INT, NOSMOOTH, scale(2)])
jpeg_case("j440.jpg", odd, ["-sample", "1x2"], [FAST, INT, NOSMOOTH])
jpeg_case("j420_odd_restart.jpg", odd, ["-restart", "1B", "-quality", "60"], [FAST, INT, scale(4)])
jpeg_case("jprog.jpg", odd, ["-progressive", "-quality", "90"], [FAST, INT, scale(2)])
jpeg_case("jprog_restart.jpg", color, ["-progressive", "-restart", "2B", "-sample", "1x1"], [FAST, INT])
jpeg_case("jgray.jpg", gray, ["-grayscale"], [FAST, INT])
jpeg_case("jgray_prog.jpg", gray, ["-grayscale", "-progressive"], [FAST, INT, scale(8)])
jpeg_case("jopt_q100.jpg", odd, ["-optimize", "-quality", "100"], [FAST, INT])

json.dump(cases, open(os.path.join(OUT, "manifest.json"), "w"), separators=(",", ":"))
print(len(cases), "cases")
