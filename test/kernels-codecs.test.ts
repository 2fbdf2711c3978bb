import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as zlib from "node:zlib";
import { setup, runOp, attr, DataType, Tensor, tensor } from "./support/ops.js";
import { TfsmError } from "../src/errors.js";
import { rng, fuzzCases, mutateBytes } from "./support/fuzz.js";
import { decodePng } from "../src/runtime/kernels/codecs/png.js";
import { decodeJpeg } from "../src/runtime/kernels/codecs/jpeg.js";
import { decodeGif } from "../src/runtime/kernels/codecs/gif.js";
import { decodeBmp } from "../src/runtime/kernels/codecs/bmp.js";
import { CodecError } from "../src/runtime/kernels/codecs/common.js";
import type { AttrValue } from "../src/proto/gen/graph_pb.js";

test.before(setup);

const D = DataType;
const DIR = join(dirname(fileURLToPath(import.meta.url)), "data", "codecs");
const file = (f: string) => new Uint8Array(readFileSync(join(DIR, f)));
const bytes = (b: Uint8Array) => Tensor.fromHost(D.DT_STRING, { dtype: "bytes", shape: [], data: [b] });

interface Case {
  file: string;
  op: string;
  attrs: Record<string, number | string | boolean>;
  shape: number[];
  dtype: "uint8" | "uint16" | "float32";
  data: string;
}
const CASES: Case[] = JSON.parse(readFileSync(join(DIR, "manifest.json"), "utf8"));
const DT: Record<string, number> = { uint8: D.DT_UINT8, uint16: D.DT_UINT16, float32: D.DT_FLOAT };

function attrsOf(c: Record<string, number | string | boolean>): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(c)) {
    if (k === "dtype") out[k] = attr.type(DT[v as string]);
    else if (typeof v === "boolean") out[k] = attr.bool(v);
    else if (typeof v === "number") out[k] = attr.int(v);
    else out[k] = attr.str(v);
  }
  return out;
}

function expected(c: Case): ArrayLike<number> {
  const b = Buffer.from(c.data, "base64");
  const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  return c.dtype === "uint8" ? new Uint8Array(ab) : c.dtype === "uint16" ? new Uint16Array(ab) : new Float32Array(ab);
}

function throwsTf(fn: () => unknown, text: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, TfsmError, String(e));
    assert.is((e as TfsmError).pyClass, "InvalidArgumentError", (e as Error).message);
    assert.ok((e as Error).message.includes(text), (e as Error).message);
    return;
  }
  assert.unreachable("no error");
}

const groups = new Map<string, Case[]>();
for (const c of CASES) {
  const g = c.file.endsWith(".jpg") ? "jpeg " + c.file : c.file.split(".").pop()!;
  groups.set(g, [...(groups.get(g) ?? []), c]);
}
for (const [g, cs] of groups) {
  test(`reference pixels: ${g} (${cs.length} cases)`, () => {
    for (const c of cs) {
      const [y] = runOp(c.op, [bytes(file(c.file))], attrsOf(c.attrs));
      const what = `${c.file} ${c.op} ${JSON.stringify(c.attrs)}`;
      assert.equal(y.shape, c.shape, what);
      assert.is(y.dtype, DT[c.dtype], what);
      const got = y.host().data as ArrayLike<number>;
      const want = expected(c);
      let bad = 0;
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++) {
        if (got[i] !== want[i]) bad++;
        maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      }
      assert.is(bad, 0, `${what}: ${bad} of ${want.length} differ, max |diff| ${maxDiff}`);
    }
  });
}

test("DecodeImage dispatches by magic bytes; dtype scaling as TF", () => {
  const png = file("png_c2_d8.png");
  const [u8] = runOp("DecodePng", [bytes(png)], {});
  const [f] = runOp("DecodeImage", [bytes(png)], { dtype: attr.type(D.DT_FLOAT) });
  const [u16] = runOp("DecodeImage", [bytes(png)], { dtype: attr.type(D.DT_UINT16) });
  const a = u8.host().data as Uint8Array;
  const fv = f.host().data as Float32Array;
  const w = u16.host().data as Uint16Array;
  for (let i = 0; i < a.length; i++) {
    assert.is(w[i], a[i] * 257);
    assert.is(fv[i], Math.fround(a[i] * 257 * Math.fround(1 / 65535)));
  }
  const jpg = file("j420.jpg");
  const [j8] = runOp("DecodeJpeg", [bytes(jpg)], {});
  const [j16] = runOp("DecodeImage", [bytes(jpg)], { dtype: attr.type(D.DT_UINT16) });
  const [jf] = runOp("DecodeImage", [bytes(jpg)], { dtype: attr.type(D.DT_FLOAT) });
  const jb = j8.host().data as Uint8Array;
  for (let i = 0; i < jb.length; i++) {
    assert.is((j16.host().data as Uint16Array)[i], jb[i] * 256);
    assert.is((jf.host().data as Float32Array)[i], Math.fround(jb[i] * Math.fround(1 / 255)));
  }
  const [gifAsPng] = runOp("DecodePng", [bytes(file("single.gif"))], {});
  assert.equal(gifAsPng.shape, [5, 6, 3]);
  const [pngAsGif] = runOp("DecodeGif", [bytes(png)], {});
  assert.equal(pngAsGif.shape, [1, 4, 5, 3]);
  const [anim] = runOp("DecodeImage", [bytes(file("anim.gif"))], {});
  assert.equal(anim.shape, [3, 5, 6, 3]);
});

test("errors use TF's wording", () => {
  throwsTf(() => runOp("DecodeImage", [bytes(new Uint8Array([1, 2, 3, 4]))], {}), "Unknown image file format. One of JPEG, PNG, GIF, BMP required.");
  throwsTf(() => runOp("DecodeImage", [bytes(new Uint8Array(0))], {}), "Input is empty.");
  throwsTf(() => runOp("DecodeImage", [tensor(D.DT_STRING, [1], ["x"])], {}), "`contents` must be scalar but got shape[1]");
  throwsTf(() => runOp("DecodeBmp", [bytes(file("j420.jpg"))], {}), "Trying to decode JPEG format using DecodeBmp op");
  throwsTf(() => runOp("DecodeJpeg", [bytes(file("bmp_24.bmp"))], {}), "Trying to decode BMP format using a wrong op");
  throwsTf(() => runOp("DecodeJpeg", [bytes(file("anim.gif"))], {}), "Got 3 frames, but animated gifs can only be decoded by tf.io.decode_gif or tf.io.decode_image");
  throwsTf(() => runOp("DecodePng", [bytes(file("j420.jpg"))], { channels: attr.int(4) }), "JPEG does not support 4 channels");
  throwsTf(() => runOp("DecodeJpeg", [bytes(file("j420.jpg"))], { ratio: attr.int(3) }), "ratio must be 1, 2, 4, or 8, got 3");
  throwsTf(() => runOp("DecodeJpeg", [bytes(file("j420.jpg"))], { dct_method: attr.str("FLOAT") }), "dct_method must be one of");
  throwsTf(() => runOp("DecodeJpeg", [bytes(file("j420.jpg").subarray(0, 300))], {}), "jpeg::Uncompress failed. Invalid JPEG data or crop window.");
  const png = file("png_c2_d8.png");
  const badCrc = png.slice();
  badCrc[20] ^= 1; // inside IHDR
  throwsTf(() => runOp("DecodePng", [bytes(badCrc)], {}), "Invalid PNG. Failed to initialize decoder.");
  throwsTf(() => runOp("DecodePng", [bytes(png.subarray(0, png.length - 12))], {}), `Invalid PNG data, size ${png.length - 12}`);
  throwsTf(() => runOp("DecodeBmp", [bytes(file("bmp_24.bmp").subarray(0, 60))], {}), "Input size should match (header_size + row_size * abs_height) but they differ by");
  throwsTf(() => runOp("DecodeGif", [bytes(file("anim.gif").subarray(0, 40))], {}), "Invalid GIF data (size 40), failed to slurp gif file");
});

test("ExtractJpegShape and DecodeAndCropJpeg", () => {
  const jpg = file("j422.jpg");
  const [s] = runOp("ExtractJpegShape", [bytes(jpg)], {});
  assert.equal(Array.from(s.host().data as Int32Array), [29, 37, 3]);
  const [s64] = runOp("ExtractJpegShape", [bytes(jpg)], { output_type: attr.type(D.DT_INT64) });
  assert.is(s64.dtype, D.DT_INT64);
  const [full] = runOp("DecodeJpeg", [bytes(jpg)], {});
  const [crop] = runOp("DecodeAndCropJpeg", [bytes(jpg), tensor(D.DT_INT32, [4], [3, 5, 10, 7])], {});
  assert.equal(crop.shape, [10, 7, 3]);
  const fd = full.host().data as Uint8Array;
  const cd = crop.host().data as Uint8Array;
  // Away from the crop's right edge the pixels are the full decode's; at it, libjpeg-turbo's
  // jpeg_crop_scanline makes the upsampler treat the edge as the image's (checked against
  // `djpeg -crop 7x10+5+3`: 0 differing samples).
  for (let y = 0; y < 10; y++) for (let x = 0; x < 12; x++) assert.is(cd[y * 21 + x], fd[(y + 3) * 37 * 3 + 15 + x]);
  let edgeDiffers = false;
  for (let y = 0; y < 10; y++) for (let x = 18; x < 21; x++) edgeDiffers ||= cd[y * 21 + x] !== fd[(y + 3) * 37 * 3 + 15 + x];
  assert.ok(edgeDiffers, "crop edge treated as the image edge");
  throwsTf(() => runOp("DecodeAndCropJpeg", [bytes(jpg), tensor(D.DT_INT32, [4], [20, 0, 10, 7])], {}), "Invalid JPEG data or crop window");
  throwsTf(() => runOp("ExtractJpegShape", [bytes(file("png_c2_d8.png"))], {}), "Invalid JPEG data, size");
});

test("EncodePng round-trips through DecodePng", () => {
  for (const [dtype, ch, max] of [
    [D.DT_UINT8, 1, 255],
    [D.DT_UINT8, 3, 255],
    [D.DT_UINT8, 4, 255],
    [D.DT_UINT16, 2, 65535],
  ] as const) {
    const n = 7 * 6 * ch;
    const r = rng(ch);
    const vals = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? Math.floor(r() * (max + 1)) : (i * 37) % (max + 1)));
    const img = tensor(dtype, [7, 6, ch], vals);
    const [png] = runOp("EncodePng", [img], { compression: attr.int(9) });
    const [back] = runOp("DecodePng", [png], { dtype: attr.type(dtype) });
    assert.equal(back.shape, [7, 6, ch]);
    assert.equal(Array.from(back.host().data as ArrayLike<number>), vals);
  }
});

const VALID: Record<string, string[]> = {
  png: ["png_c6_d8_adam7.png", "png_c3_d4_trns.png", "png_c0_d16.png", "png_c2_d8_trns.png"],
  jpeg: ["j420.jpg", "jprog.jpg", "j420_odd_restart.jpg", "jgray_prog.jpg"],
  gif: ["anim.gif"],
  bmp: ["bmp_24.bmp", "bmp_32_td.bmp"],
};
const DECODERS: Record<string, (b: Uint8Array, i: number) => unknown> = {
  png: (b, i) => decodePng(b, [0, 1, 3, 4][i % 4], i % 2 ? 16 : 8),
  jpeg: (b, i) => decodeJpeg(b, { components: [0, 1, 3][i % 3], ratio: [1, 2, 4, 8][i % 4], fancyUpscaling: i % 2 === 0, tryRecoverTruncated: i % 5 === 0, acceptableFraction: 1, dct: i % 2 ? "int" : "fast" }),
  gif: (b, i) => decodeGif(b, i % 2 === 0),
  bmp: (b, i) => decodeBmp(b, [0, 3, 4][i % 3]),
};

for (const [codec, files] of Object.entries(VALID)) {
  test(`fuzz: mutated ${codec} files decode or raise CodecError, nothing else`, () => {
    const rand = rng(0xc0dec + codec.length);
    const srcs = files.map(file);
    const n = fuzzCases(2000);
    let ok = 0;
    for (let i = 0; i < n; i++) {
      let m = mutateBytes(srcs[i % srcs.length], rand);
      if (codec === "png" && i % 3 === 0) m = fixCrcs(m);
      try {
        DECODERS[codec](m, i);
        ok++;
      } catch (e) {
        if (!(e instanceof CodecError)) throw new Error(`case ${i}: ${String(e)}`);
      }
    }
    assert.ok(ok > 0, "no mutated input decoded at all");
  });
}

/** Recomputes chunk CRCs so mutations reach the pixel code, not just the CRC check. */
function fixCrcs(b: Uint8Array): Uint8Array {
  const out = b.slice();
  let p = 8;
  while (p + 12 <= out.length) {
    const len = ((out[p] << 24) | (out[p + 1] << 16) | (out[p + 2] << 8) | out[p + 3]) >>> 0;
    if (p + 12 + len > out.length) break;
    const crc = zlib.crc32(out.subarray(p + 4, p + 8 + len)) >>> 0;
    new DataView(out.buffer).setUint32(p + 8 + len, crc);
    p += 12 + len;
  }
  return out;
}

test.run();
