/**
 * PNG decoding with the conversions TensorFlow's png_io.cc asks libpng for.
 *
 * Chunks are read and CRC-checked as libpng does (a bad CRC on a critical
 * chunk is an error, on an ancillary chunk the chunk is dropped), IDAT is
 * inflated with node:zlib, scanlines are unfiltered and Adam7 passes
 * scattered here. Then, per pixel and in libpng's transformation order:
 * palette → RGB(A) (indices past the palette are black, as libpng's
 * zero-filled 256-entry palette gives), gray < 8 bits → 8 bits, tRNS → alpha
 * when alpha is wanted (else stripped), RGB → gray with libpng's fixed-point
 * weights (0.299, 0.587: 9797/19234/3737 of 32768; 8-bit truncates, 16-bit
 * rounds; with a gAMA/sRGB chunk libpng linearizes first, done here for
 * 8-bit samples), 16 → 8 bits by dropping the low byte (png_set_strip_16),
 * gray → RGB, a filler alpha of (1 << file bit depth) - 1 (TF's own value:
 * 1 for 1-bit gray, 15 for a 4-bit palette), and 8 → 16 bits as v * 257.
 *
 * Every length is checked against the bytes present; the whole file must
 * be readable through IEND, as TF's reader errors on a short read.
 */
import * as zlib from "node:zlib";
import { crc32 } from "../../../loaders/npz.js";
import { CodecError, fail, u32be, type Image } from "./common.js";

export const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** libpng's default user limit on width and height. */
const USER_MAX = 1_000_000;

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  palette?: Uint8Array; // 256*3, zero-filled
  paletteLen: number;
  trns?: Uint8Array; // palette alpha, 256 entries filled with 255
  trnsColor?: number[]; // gray or r,g,b
  gamma?: number; // gAMA ×100000
  idat: Uint8Array[];
}

const chunkName = (b: Uint8Array, p: number) => String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);

/** The number of channels png_io picks for `channels` = 0 and the layout it will produce. */
export interface PngInfo {
  width: number;
  height: number;
  channels: number;
  bitDepth: number;
  colorType: number;
}

function parse(buf: Uint8Array): Header {
  if (buf.length < 8 || PNG_MAGIC.some((m, i) => buf[i] !== m)) fail("Not a PNG file", "init");
  let p = 8;
  let h: Header | undefined;
  let sawIdat = false;
  let afterIdat = false;
  let sawIend = false;
  const idat: Uint8Array[] = [];
  while (!sawIend) {
    // Before the first IDAT a failure is "init" (png_read_info); after, "data".
    const stage = sawIdat ? "data" : "init";
    if (p + 8 > buf.length) fail("Read beyond end of data", stage);
    const len = u32be(buf, p);
    if (len > 0x7fffffff) fail("PNG unsigned integer out of range", stage);
    const name = chunkName(buf, p + 4);
    const typeOk = [0, 1, 2, 3].every((i) => {
      const c = buf[p + 4 + i];
      return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    });
    if (!typeOk) fail("invalid chunk type", stage);
    if (p + 12 + len > buf.length) fail("Read beyond end of data", stage);
    const body = buf.subarray(p + 8, p + 8 + len);
    const critical = (buf[p + 4] & 0x20) === 0;
    const crcOk = crc32(buf.subarray(p + 4, p + 8 + len)) === u32be(buf, p + 8 + len);
    p += 12 + len;
    if (!crcOk) {
      if (critical) fail(`${name}: CRC error`, stage);
      continue; // ancillary: discarded
    }
    if (!h) {
      if (name !== "IHDR") fail("Missing IHDR before " + name, "init");
      if (len !== 13) fail("IHDR: invalid", "init");
      const width = u32be(body, 0);
      const height = u32be(body, 4);
      const bitDepth = body[8];
      const colorType = body[9];
      if (width === 0 || height === 0) fail("Image dimensions are zero in IHDR", "init");
      if (width > USER_MAX || height > USER_MAX) fail("Image size exceeds user limit in IHDR", "init");
      const depthOk: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
      if (!depthOk[colorType]) fail("Invalid color type in IHDR", "init");
      if (!depthOk[colorType].includes(bitDepth)) fail("Invalid bit depth in IHDR", "init");
      if (body[10] !== 0) fail("Unknown compression method in IHDR", "init");
      if (body[11] !== 0) fail("Unknown filter method in IHDR", "init");
      if (body[12] > 1) fail("Unknown interlace method in IHDR", "init");
      h = { width, height, bitDepth, colorType, interlace: body[12], paletteLen: 0, idat };
      continue;
    }
    switch (name) {
      case "IHDR":
        fail("IHDR: out of place", stage);
        break;
      case "PLTE": {
        if (h.palette) fail("PLTE: duplicate", stage);
        if (sawIdat) {
          if (h.colorType === 3) fail("PLTE: out of place", stage);
          break;
        }
        if (h.colorType === 0 || h.colorType === 4) break; // ignored in grayscale PNG
        if (len > 768 || len % 3 !== 0 || len === 0) {
          if (h.colorType === 3) fail("PLTE: invalid", stage);
          break;
        }
        let n = len / 3;
        if (h.colorType === 3) n = Math.min(n, 1 << h.bitDepth);
        h.palette = new Uint8Array(768);
        h.palette.set(body.subarray(0, n * 3));
        h.paletteLen = n;
        break;
      }
      case "tRNS": {
        if (sawIdat || h.trns || h.trnsColor) break;
        if (h.colorType === 3) {
          if (!h.palette || len > h.paletteLen || len === 0) break;
          h.trns = new Uint8Array(256).fill(255);
          h.trns.set(body);
        } else if (h.colorType === 0) {
          if (len === 2) h.trnsColor = [(body[0] << 8) | body[1]];
        } else if (h.colorType === 2) {
          if (len === 6) h.trnsColor = [(body[0] << 8) | body[1], (body[2] << 8) | body[3], (body[4] << 8) | body[5]];
        }
        break;
      }
      case "gAMA":
        if (!sawIdat && len === 4 && h.gamma === undefined) h.gamma = u32be(body, 0) || undefined;
        break;
      case "sRGB":
        if (!sawIdat && len === 1) h.gamma = 45455;
        break;
      case "IDAT":
        if (h.colorType === 3 && !h.palette) fail("Missing PLTE before IDAT", "init");
        if (afterIdat) break; // "Too many IDATs found": benign, ignored
        sawIdat = true;
        idat.push(body);
        break;
      case "IEND":
        if (!sawIdat) fail("No image in file", stage);
        sawIend = true;
        break;
      default:
        if (critical) fail(`${name}: unknown critical chunk`, stage);
        if (sawIdat) afterIdat = true;
    }
    if (name !== "IDAT" && sawIdat) afterIdat = true;
  }
  if (!h) fail("Missing IHDR", "init");
  return h!;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Reads the header chunks only: what `CommonInitDecode` learns (for the auto channel count). */
export function pngInfo(buf: Uint8Array, desiredChannels: number): PngInfo {
  const h = parse(buf);
  return { width: h.width, height: h.height, bitDepth: h.bitDepth, colorType: h.colorType, channels: autoChannels(h, desiredChannels) };
}

function autoChannels(h: Header, desired: number): number {
  if (desired !== 0) return desired;
  if (h.colorType === 3) return h.trns ? 4 : 3;
  return CHANNELS[h.colorType];
}

/** Inflates the IDAT stream: zlib header checked, Adler-32 and trailing data ignored as libpng does once every row is read. */
function inflate(idat: Uint8Array[], expected: number): Uint8Array {
  const z = Buffer.concat(idat);
  if (z.length < 2) fail("Not enough image data");
  const cmf = z[0];
  const flg = z[1];
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) fail("incorrect header check");
  let out: Uint8Array;
  try {
    out = zlib.inflateRawSync(z.subarray(2), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: expected + 65536 });
  } catch (e) {
    throw new CodecError(`IDAT: ${(e as Error).message}`);
  }
  if (out.length < expected) fail("Not enough image data");
  return out;
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Unfilters one pass of `rows` scanlines of `rowBytes` in place starting at `off`; returns the next offset. */
function unfilter(d: Uint8Array, off: number, rows: number, rowBytes: number, bpp: number, out: (y: number, row: Uint8Array) => void): number {
  let prev: Uint8Array = new Uint8Array(rowBytes);
  for (let y = 0; y < rows; y++) {
    const ft = d[off];
    const row = d.subarray(off + 1, off + 1 + rowBytes);
    switch (ft) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < rowBytes; i++) row[i] = (row[i] + row[i - bpp]) & 0xff;
        break;
      case 2:
        for (let i = 0; i < rowBytes; i++) row[i] = (row[i] + prev[i]) & 0xff;
        break;
      case 3:
        for (let i = 0; i < rowBytes; i++) row[i] = (row[i] + (((i >= bpp ? row[i - bpp] : 0) + prev[i]) >> 1)) & 0xff;
        break;
      case 4:
        for (let i = 0; i < rowBytes; i++) row[i] = (row[i] + paeth(i >= bpp ? row[i - bpp] : 0, prev[i], i >= bpp ? prev[i - bpp] : 0)) & 0xff;
        break;
      default:
        fail("bad adaptive filter value");
    }
    out(y, row);
    prev = row;
    off += 1 + rowBytes;
  }
  return off;
}

/** libpng's png_gamma_8bit_correct over a whole table (gamma ×100000). */
function gammaTable(g: number): Uint8Array {
  const t = new Uint8Array(256);
  const significant = g < 95000 || g > 105000;
  for (let i = 0; i < 256; i++) t[i] = !significant || i === 0 || i === 255 ? i : Math.floor(255 * Math.pow(i / 255, g * 0.00001) + 0.5);
  return t;
}
const reciprocal = (g: number) => Math.floor(1e10 / g + 0.5);

/**
 * Decodes `buf` to `desiredChannels` (0 = as TF picks) samples of `desiredBits` (8 or 16).
 * Throws CodecError with stage "init" for header problems, "data" for the rest.
 */
export function decodePng(buf: Uint8Array, desiredChannels: number, desiredBits: 8 | 16): Image<Uint8Array | Uint16Array> {
  const h = parse(buf);
  const { width, height, bitDepth, colorType } = h;
  const channels = autoChannels(h, desiredChannels);
  const fileCh = CHANNELS[colorType];
  const bitsPerPixel = fileCh * bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const rowBytesFor = (w: number) => Math.ceil((w * bitsPerPixel) / 8);

  // Passes and their sizes.
  const passes = h.interlace ? ADAM7 : [[0, 0, 1, 1]];
  let expected = 0;
  const dims = passes.map(([x0, y0, dx, dy]) => {
    const pw = width > x0 ? Math.ceil((width - x0) / dx) : 0;
    const ph = height > y0 ? Math.ceil((height - y0) / dy) : 0;
    if (pw && ph) expected += ph * (1 + rowBytesFor(pw));
    return [pw, ph];
  });
  // decode_image_op.cc's limits, checked before any pixel is read.
  if (width >= 2 ** 27 || height >= 2 ** 27 || width * height >= 2 ** 29) {
    throw new CodecError("too large", "data", `PNG size too large for int: ${width} by ${height}`);
  }
  const raw = inflate(h.idat, expected);

  // Samples at file depth, file channel layout.
  const samples = new Uint16Array(width * height * fileCh);
  let off = 0;
  passes.forEach(([x0, y0, dx, dy], pi) => {
    const [pw, ph] = dims[pi];
    if (!pw || !ph) return;
    off = unfilter(raw, off, ph, rowBytesFor(pw), bpp, (py, row) => {
      const y = y0 + py * dy;
      let bit = 0;
      for (let px = 0; px < pw; px++) {
        const o = (y * width + x0 + px * dx) * fileCh;
        for (let c = 0; c < fileCh; c++) {
          let v: number;
          if (bitDepth === 8) v = row[bit >> 3];
          else if (bitDepth === 16) v = (row[bit >> 3] << 8) | row[(bit >> 3) + 1];
          else v = (row[bit >> 3] >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
          samples[o + c] = v;
          bit += bitDepth;
        }
      }
    });
  });

  // Transformations (png_io.cc's CommonInitDecode choices, libpng's order).
  const isGray = (colorType & 2) === 0;
  const hasAlpha = (colorType & 4) !== 0;
  const wantAlpha = (channels & 1) === 0;
  const wantGray = channels < 3;
  const depth16 = bitDepth === 16; // working depth after expansion: 8 or 16
  const strip16 = depth16 && desiredBits === 8;
  const synth16 = bitDepth <= 8 && desiredBits === 16;
  const filler = (1 << bitDepth) - 1;
  const outMax = desiredBits === 16 ? 0xffff : 0xff;
  const fillerOut = synth16 ? (filler & 0xff) * 257 : depth16 && !strip16 ? filler & 0xffff : filler & 0xff;
  const grayScale = bitDepth < 8 ? [0, 0xff, 0x55, 0, 0x11][bitDepth] : 1;
  const trnsMasked = h.trnsColor?.map((v) => v & (bitDepth < 8 ? (1 << bitDepth) - 1 : bitDepth === 8 ? 0xff : 0xffff));

  let gTo1: Uint8Array | undefined;
  let gFrom1: Uint8Array | undefined;
  const g = h.gamma;
  if (wantGray && !isGray && !depth16 && g !== undefined && (g < 95000 || g > 105000)) {
    const screen = reciprocal(g);
    gTo1 = gammaTable(reciprocal(g));
    gFrom1 = gammaTable(reciprocal(screen));
  }
  const RC = 9797;
  const GC = 19234;
  const BC = 32768 - RC - GC;

  const out = desiredBits === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  for (let i = 0, n = width * height; i < n; i++) {
    const s = i * fileCh;
    // 1. expand: palette / low-depth gray, tRNS → alpha
    let r: number, gg: number, b: number, a: number | undefined;
    let color: boolean;
    if (colorType === 3) {
      const idx = samples[s];
      r = h.palette![idx * 3];
      gg = h.palette![idx * 3 + 1];
      b = h.palette![idx * 3 + 2];
      a = h.trns ? h.trns[idx] : undefined;
      color = true;
    } else if (isGray) {
      const v = samples[s];
      r = gg = b = v * grayScale;
      if (hasAlpha) a = samples[s + 1];
      else if (trnsMasked && wantAlpha) a = v === trnsMasked[0] ? 0 : depth16 ? 0xffff : 0xff;
      color = false;
    } else {
      r = samples[s];
      gg = samples[s + 1];
      b = samples[s + 2];
      if (hasAlpha) a = samples[s + 3];
      else if (trnsMasked && wantAlpha) a = r === trnsMasked[0] && gg === trnsMasked[1] && b === trnsMasked[2] ? 0 : depth16 ? 0xffff : 0xff;
      color = true;
    }
    // 2. strip alpha
    if (!wantAlpha) a = undefined;
    // 3. rgb → gray
    if (wantGray && color) {
      if (!(r === gg && r === b)) {
        if (depth16) r = (RC * r + GC * gg + BC * b + 16384) >>> 15;
        else if (gTo1) r = gFrom1![(RC * gTo1[r] + GC * gTo1[gg] + BC * gTo1[b] + 16384) >>> 15];
        else r = (RC * r + GC * gg + BC * b) >>> 15;
      }
      gg = b = r;
    }
    // 4. strip 16
    if (strip16) {
      r >>= 8;
      gg >>= 8;
      b >>= 8;
      if (a !== undefined) a >>= 8;
    }
    // 5. synthesize 16
    if (synth16) {
      r *= 257;
      gg *= 257;
      b *= 257;
      if (a !== undefined) a *= 257;
    }
    // 6. gray → rgb is implicit (r = g = b); filler alpha
    if (wantAlpha && a === undefined) a = fillerOut;
    const o = i * channels;
    if (wantGray) {
      out[o] = r & outMax;
      if (channels === 2) out[o + 1] = a! & outMax;
    } else {
      out[o] = r & outMax;
      out[o + 1] = gg & outMax;
      out[o + 2] = b & outMax;
      if (channels === 4) out[o + 3] = a! & outMax;
    }
  }
  return { width, height, channels, data: out };
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const c = new Uint8Array(12 + body.length);
  const dv = new DataView(c.buffer);
  dv.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) c[4 + i] = type.charCodeAt(i);
  c.set(body, 8);
  dv.setUint32(8 + body.length, crc32(c.subarray(4, 8 + body.length)));
  return c;
}

/**
 * EncodePng: IHDR (gray, gray+alpha, RGB, RGBA by channel count; 8 or 16
 * bits), one IDAT, IEND. Each row's filter is chosen as libpng's default
 * heuristic does (smallest sum of |byte| as signed over None, Sub, Up,
 * Average, Paeth); `compression` is the zlib level (-1 = zlib's default).
 */
export function encodePng(data: Uint8Array | Uint16Array, width: number, height: number, channels: number, compression: number): Uint8Array {
  const depth = data instanceof Uint16Array ? 16 : 8;
  const bpp = (channels * depth) / 8;
  const rowBytes = width * bpp;
  const raw = new Uint8Array(height * (rowBytes + 1));
  let prev: Uint8Array = new Uint8Array(rowBytes);
  const cur = new Uint8Array(rowBytes);
  const cand = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const base = y * width * channels;
    for (let i = 0; i < width * channels; i++) {
      const v = data[base + i];
      if (depth === 8) cur[i] = v;
      else {
        cur[2 * i] = v >> 8;
        cur[2 * i + 1] = v & 0xff;
      }
    }
    let best = -1;
    let bestSum = Infinity;
    const o = y * (rowBytes + 1);
    for (let f = 0; f < 5; f++) {
      let sum = 0;
      for (let i = 0; i < rowBytes; i++) {
        const a = i >= bpp ? cur[i - bpp] : 0;
        const b = prev[i];
        const c = i >= bpp ? prev[i - bpp] : 0;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const v = (cur[i] - pred) & 0xff;
        cand[i] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = f;
        raw[o] = f;
        raw.set(cand, o + 1);
      }
    }
    void best;
    prev = Uint8Array.from(cur);
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = depth;
  ihdr[9] = [0, 0, 4, 2, 6][channels];
  const level = compression < 0 || compression > 9 ? zlib.constants.Z_DEFAULT_COMPRESSION : compression;
  const idat = zlib.deflateSync(raw, { level });
  const parts = [Uint8Array.from(PNG_MAGIC), chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
