/**
 * JPEG decoding that reproduces libjpeg-turbo (what TensorFlow links) as TF
 * drives it from jpeg_mem.cc: baseline/extended sequential and progressive
 * Huffman, any sampling libjpeg-turbo accepts, restart markers; libjpeg's
 * integer IDCTs (jidctfst.c for INTEGER_FAST — TF's default — and
 * jidctint.c for INTEGER_ACCURATE, the reduced jidctred.c 4x4/2x2/1x1 for
 * ratio 2/4/8, with libjpeg-turbo's enlarged chroma DCT sizes when scaling),
 * its range-limit table, its upsamplers (h2v1/h2v2/h1v2 "fancy" triangle
 * filters, replication otherwise) and jdcolor.c's fixed-point YCbCr→RGB;
 * CMYK/YCCK (Adobe) converted to RGB with TF's formula.
 *
 * Decoding runs in two steps: every scan into a coefficient buffer, then
 * IDCT + upsampling + colour conversion. Corrupt entropy data degrades as in
 * libjpeg (a bad Huffman code decodes as 0, a marker inside the data ends it
 * and the rest decodes as zeros); structural errors throw CodecError.
 */
import { fail } from "./common.js";
import type { Image } from "./common.js";

export interface JpegOptions {
  /** 0 (as in the file, CMYK → 3), 1 or 3. */
  components: number;
  ratio: number;
  fancyUpscaling: boolean;
  tryRecoverTruncated: boolean;
  acceptableFraction: number;
  dct: "fast" | "int";
  crop?: { x: number; y: number; width: number; height: number };
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  quant?: Uint16Array; // latched at the component's first scan
  bw: number; // blocks per line (padded to the MCU grid)
  bh: number;
  coefs: Int16Array;
  // non-interleaved block counts (ceil of the component's own size / 8)
  nbw: number;
  nbh: number;
  dcPred: number;
  seen: boolean;
}

interface Huff {
  lookup: Map<number, number>; // (len << 16 | code) → symbol
  maxcode: Int32Array; // per length 1..16, -1 when none
}

const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
  58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

function buildHuff(counts: Uint8Array, symbols: Uint8Array): Huff {
  const lookup = new Map<number, number>();
  const maxcode = new Int32Array(17).fill(-1);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < counts[len - 1]; i++) {
      lookup.set((len << 16) | code, symbols[k++]);
      code++;
    }
    if (counts[len - 1]) maxcode[len] = code - 1;
    if (code > 1 << len) fail("Bogus Huffman table definition");
    code <<= 1;
  }
  return { lookup, maxcode };
}

/** Entropy-coded segment reader: stops at a marker and then feeds zeros, as libjpeg's fill_bit_buffer does. */
class Bits {
  acc = 0;
  n = 0;
  hitMarker = false;
  constructor(
    readonly b: Uint8Array,
    public pos: number,
  ) {}
  bit(): number {
    if (this.n === 0) {
      let byte = 0;
      if (!this.hitMarker && this.pos < this.b.length) {
        byte = this.b[this.pos];
        if (byte === 0xff) {
          let p = this.pos + 1;
          while (p < this.b.length && this.b[p] === 0xff) p++;
          if (p < this.b.length && this.b[p] === 0) {
            this.pos = p + 1;
          } else {
            this.hitMarker = true;
            this.pos = p - 1; // at the marker's last 0xFF
            byte = 0;
          }
        } else this.pos++;
      } else if (this.pos >= this.b.length) this.hitMarker = true;
      this.acc = byte;
      this.n = 8;
    }
    this.n--;
    return (this.acc >> this.n) & 1;
  }
  bits(k: number): number {
    let v = 0;
    for (let i = 0; i < k; i++) v = (v << 1) | this.bit();
    return v;
  }
  decode(h: Huff): number {
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | this.bit();
      if (code <= h.maxcode[len]) {
        const s = h.lookup.get((len << 16) | code);
        if (s !== undefined) return s;
      }
    }
    return 0; // JWRN_HUFF_BAD_CODE: a zero is the safest result
  }
  /** Byte-aligns and, at a restart point, consumes an RSTn marker if one is next. */
  restart(): void {
    this.n = 0;
    this.hitMarker = false;
    let p = this.pos;
    while (p < this.b.length && this.b[p] === 0xff) p++;
    if (p > this.pos && p < this.b.length && this.b[p] >= 0xd0 && this.b[p] <= 0xd7) this.pos = p + 1;
  }
  /** The position of the next marker (for the scan loop to continue). */
  markerPos(): number {
    let p = this.pos;
    for (;;) {
      while (p < this.b.length && this.b[p] !== 0xff) p++;
      if (p + 1 >= this.b.length) return this.b.length;
      const m = this.b[p + 1];
      if (m === 0 || (m >= 0xd0 && m <= 0xd7) || m === 0xff) {
        p += m === 0xff ? 1 : 2;
        continue;
      }
      return p;
    }
  }
}

const extend = (v: number, t: number) => (t === 0 ? 0 : v < 1 << (t - 1) ? v - (1 << t) + 1 : v);

interface Frame {
  width: number;
  height: number;
  progressive: boolean;
  comps: Component[];
  maxH: number;
  maxV: number;
  mcusX: number;
  mcusY: number;
  adobe?: number; // transform flag
  jfif: boolean;
}

interface Parsed {
  frame: Frame;
  truncated: boolean;
}

/** Parses markers and decodes every scan into coefficients. `headerOnly` stops at the first SOS. */
function parse(b: Uint8Array, headerOnly: boolean): Parsed {
  if (b.length < 2 || b[0] !== 0xff || b[1] !== 0xd8) fail("Not a JPEG file");
  let p = 2;
  const qt: (Uint16Array | undefined)[] = [];
  const dcT: (Huff | undefined)[] = [];
  const acT: (Huff | undefined)[] = [];
  let frame: Frame | undefined;
  let restartInterval = 0;
  let adobe: number | undefined;
  let jfif = false;
  let eobrun = 0;
  let sawScan = false;
  const seg = (): [number, number] => {
    if (p + 2 > b.length) fail("Premature end of data");
    const len = (b[p] << 8) | b[p + 1];
    if (len < 2 || p + len > b.length) fail("Premature end of data");
    const s = p + 2;
    p += len;
    return [s, p];
  };
  for (;;) {
    // next marker: libjpeg skips garbage (with a warning) up to an FF xx
    while (p < b.length && b[p] !== 0xff) p++;
    while (p < b.length && b[p] === 0xff) p++;
    if (p >= b.length) {
      if (!frame || !sawScan) fail("Premature end of data");
      return { frame: frame!, truncated: true };
    }
    const m = b[p++];
    if (m === 0xd9) {
      if (!frame || !sawScan) fail("Premature EOI");
      return { frame: frame!, truncated: false };
    }
    if (m >= 0xd0 && m <= 0xd7) continue;
    if (m === 0x01) continue;
    if (m === 0xd8) fail("Invalid SOI");
    const [s, e] = seg();
    if (m === 0xdb) {
      let q = s;
      while (q < e) {
        const pq = b[q] >> 4;
        const tq = b[q] & 15;
        if (tq > 3) fail("Bogus DQT index");
        const n = pq ? 128 : 64;
        if (q + 1 + n > e) fail("Bogus marker length");
        const t = new Uint16Array(64);
        for (let i = 0; i < 64; i++) t[ZIGZAG[i]] = pq ? (b[q + 1 + 2 * i] << 8) | b[q + 2 + 2 * i] : b[q + 1 + i];
        qt[tq] = t;
        q += 1 + n;
      }
    } else if (m === 0xc4) {
      let q = s;
      while (q < e) {
        if (q + 17 > e) fail("Bogus marker length");
        const tc = b[q] >> 4;
        const th = b[q] & 15;
        const counts = b.subarray(q + 1, q + 17);
        let total = 0;
        for (let i = 0; i < 16; i++) total += counts[i];
        if (total > 256 || q + 17 + total > e) fail("Bogus Huffman table definition");
        if (th > 3 || tc > 1) fail("Bogus DHT index");
        const syms = b.subarray(q + 17, q + 17 + total);
        const h = buildHuff(counts, syms);
        if (tc === 0) {
          if (syms.some((v) => v > 15)) fail("Bogus Huffman table definition");
          dcT[th] = h;
        } else acT[th] = h;
        q += 17 + total;
      }
    } else if (m === 0xdd) {
      if (e - s < 2) fail("Bogus marker length");
      restartInterval = (b[s] << 8) | b[s + 1];
    } else if (m === 0xe0) {
      if (e - s >= 5 && b[s] === 0x4a && b[s + 1] === 0x46 && b[s + 2] === 0x49 && b[s + 3] === 0x46 && b[s + 4] === 0) jfif = true;
    } else if (m === 0xee) {
      if (e - s >= 12 && b[s] === 0x41 && b[s + 1] === 0x64 && b[s + 2] === 0x6f && b[s + 3] === 0x62 && b[s + 4] === 0x65) adobe = b[s + 11];
    } else if (m === 0xc0 || m === 0xc1 || m === 0xc2) {
      if (frame) fail("Invalid JPEG file structure: two SOF markers");
      if (e - s < 6) fail("Bogus marker length");
      if (b[s] !== 8) fail("Unsupported JPEG data precision");
      const height = (b[s + 1] << 8) | b[s + 2];
      const width = (b[s + 3] << 8) | b[s + 4];
      const nc = b[s + 5];
      if (height === 0 || width === 0 || nc === 0) fail("Empty JPEG image (DNL not supported)");
      if (width > 65500 || height > 65500) fail("Maximum supported image dimension is 65500 pixels");
      if (nc > 10 || e - s !== 6 + nc * 3) fail("Bogus marker length");
      const comps: Component[] = [];
      for (let i = 0; i < nc; i++) {
        const o = s + 6 + i * 3;
        const h = b[o + 1] >> 4;
        const v = b[o + 1] & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4) fail("Bogus sampling factors");
        comps.push({ id: b[o], h, v, tq: b[o + 2] & 3, bw: 0, bh: 0, nbw: 0, nbh: 0, coefs: new Int16Array(0), dcPred: 0, seen: false });
      }
      const maxH = Math.max(...comps.map((c) => c.h));
      const maxV = Math.max(...comps.map((c) => c.v));
      const mcusX = Math.ceil(width / (8 * maxH));
      const mcusY = Math.ceil(height / (8 * maxV));
      if (mcusX * mcusY * comps.reduce((n, c) => n + c.h * c.v, 0) * 64 > 2 ** 30) fail("Image too large");
      for (const c of comps) {
        c.bw = mcusX * c.h;
        c.bh = mcusY * c.v;
        c.nbw = Math.ceil(Math.ceil((width * c.h) / maxH) / 8);
        c.nbh = Math.ceil(Math.ceil((height * c.v) / maxV) / 8);
      }
      frame = { width, height, progressive: m === 0xc2, comps, maxH, maxV, mcusX, mcusY, jfif, adobe };
      if (headerOnly) return { frame, truncated: false };
    } else if ((m >= 0xc3 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) || m === 0xcc) {
      fail("Unsupported JPEG process: arithmetic or lossless coding");
    } else if (m === 0xda) {
      if (!frame) fail("Invalid JPEG file structure: SOS before SOF");
      const f = frame!;
      f.jfif = jfif;
      f.adobe = adobe;
      const ns = b[s];
      if (ns < 1 || ns > 4 || e - s !== 4 + ns * 2) fail("Bogus marker length");
      const sc: { c: Component; dc: number; ac: number }[] = [];
      for (let i = 0; i < ns; i++) {
        const id = b[s + 1 + i * 2];
        const c = f.comps.find((x) => x.id === id && !sc.some((y) => y.c === x));
        if (!c) fail("Invalid component ID in SOS");
        sc.push({ c: c!, dc: b[s + 2 + i * 2] >> 4, ac: b[s + 2 + i * 2] & 15 });
      }
      const ss = b[s + 1 + ns * 2];
      const se = b[s + 2 + ns * 2];
      const ah = b[s + 3 + ns * 2] >> 4;
      const al = b[s + 3 + ns * 2] & 15;
      if (f.progressive) {
        let bad = false;
        if (ss === 0) bad = se !== 0;
        else bad = ss > se || se > 63 || ns !== 1;
        if (ah !== 0 && al !== ah - 1) bad = true;
        if (al > 13) bad = true;
        if (bad) fail("Invalid progressive parameters");
      }
      if (ns > 1 && sc.reduce((n, x) => n + x.c.h * x.c.v, 0) > 10) fail("Sampling factors too large for interleaved scan");
      for (const { c, dc, ac } of sc) {
        if (!c.seen) {
          c.seen = true;
          const q = qt[c.tq];
          if (!q) fail("Quantization table 0x0" + c.tq + " was not defined");
          c.quant = q!.slice();
          c.coefs = new Int16Array(c.bw * c.bh * 64);
        }
        const needDc = !f.progressive || (ss === 0 && ah === 0);
        const needAc = !f.progressive ? true : ss > 0;
        if (needDc && !dcT[dc]) fail("Huffman table 0x0" + dc + " was not defined");
        if (needAc && !acT[ac]) fail("Huffman table 0x0" + ac + " was not defined");
        c.dcPred = 0;
      }
      sawScan = true;
      eobrun = 0;
      const bits = new Bits(b, e);
      const decodeBlock = (x: (typeof sc)[number], off: number) => {
        const co = x.c.coefs;
        if (!f.progressive) {
          const t = bits.decode(dcT[x.dc]!);
          const diff = t ? extend(bits.bits(t), t) : 0;
          x.c.dcPred = (x.c.dcPred + diff) | 0;
          co[off] = x.c.dcPred;
          const act = acT[x.ac]!;
          for (let k = 1; k < 64; ) {
            const rs = bits.decode(act);
            const r = rs >> 4;
            const sz = rs & 15;
            if (sz === 0) {
              if (r !== 15) break;
              k += 16;
              continue;
            }
            k += r;
            if (k > 63) break;
            co[off + ZIGZAG[k]] = extend(bits.bits(sz), sz);
            k++;
          }
          return;
        }
        if (ss === 0) {
          if (ah === 0) {
            const t = bits.decode(dcT[x.dc]!);
            const diff = t ? extend(bits.bits(t), t) : 0;
            x.c.dcPred = (x.c.dcPred + diff) | 0;
            co[off] = x.c.dcPred << al;
          } else if (bits.bit()) co[off] |= 1 << al;
          return;
        }
        const act = acT[x.ac]!;
        if (ah === 0) {
          if (eobrun > 0) {
            eobrun--;
            return;
          }
          for (let k = ss; k <= se; ) {
            const rs = bits.decode(act);
            const r = rs >> 4;
            const sz = rs & 15;
            if (sz === 0) {
              if (r < 15) {
                eobrun = (1 << r) - 1;
                if (r) eobrun += bits.bits(r);
                break;
              }
              k += 16;
              continue;
            }
            k += r;
            if (k > 63) break;
            co[off + ZIGZAG[k]] = extend(bits.bits(sz), sz) * (1 << al);
            k++;
          }
          return;
        }
        // AC refinement
        const p1 = 1 << al;
        const m1 = -1 << al;
        let k = ss;
        if (eobrun <= 0) {
          for (; k <= se; ) {
            const rs = bits.decode(act);
            let r = rs >> 4;
            const sz = rs & 15;
            let val = 0;
            if (sz) {
              val = bits.bit() ? p1 : m1;
            } else if (r !== 15) {
              eobrun = 1 << r;
              if (r) eobrun += bits.bits(r);
              break;
            }
            while (k <= se) {
              const z = off + ZIGZAG[k];
              if (co[z] !== 0) {
                if (bits.bit() && (co[z] & p1) === 0) co[z] += co[z] >= 0 ? p1 : m1;
              } else {
                if (r === 0) {
                  if (val) co[z] = val;
                  k++;
                  break;
                }
                r--;
              }
              k++;
            }
          }
        }
        if (eobrun > 0) {
          for (; k <= se; k++) {
            const z = off + ZIGZAG[k];
            if (co[z] !== 0 && bits.bit() && (co[z] & p1) === 0) co[z] += co[z] >= 0 ? p1 : m1;
          }
          eobrun--;
        }
      };
      const restart = () => {
        bits.restart();
        for (const x of sc) x.c.dcPred = 0;
        eobrun = 0;
      };
      let count = 0;
      if (ns === 1) {
        const x = sc[0];
        const c = x.c;
        for (let by = 0; by < c.nbh; by++) {
          for (let bx = 0; bx < c.nbw; bx++) {
            if (restartInterval && count === restartInterval) {
              restart();
              count = 0;
            }
            decodeBlock(x, (by * c.bw + bx) * 64);
            count++;
          }
        }
      } else {
        for (let my = 0; my < f.mcusY; my++) {
          for (let mx = 0; mx < f.mcusX; mx++) {
            if (restartInterval && count === restartInterval) {
              restart();
              count = 0;
            }
            for (const x of sc) {
              const c = x.c;
              for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) decodeBlock(x, ((my * c.v + v) * c.bw + mx * c.h + h) * 64);
            }
            count++;
          }
        }
      }
      if (bits.pos >= b.length && bits.hitMarker) return { frame: f, truncated: true };
      p = bits.markerPos();
    }
    // other markers (APPn, COM, DNL, …) are skipped by their length
  }
}

export function jpegInfo(b: Uint8Array): { width: number; height: number; components: number } {
  const { frame } = parse(b, true);
  colorSpace(frame);
  return { width: frame.width, height: frame.height, components: frame.comps.length };
}

type Space = "gray" | "ycc" | "rgb" | "cmyk" | "ycck";

/** libjpeg's default_decompress_parms. */
function colorSpace(f: Frame): Space {
  const n = f.comps.length;
  if (n === 1) return "gray";
  if (n === 3) {
    if (f.jfif) return "ycc";
    if (f.adobe !== undefined) return f.adobe === 0 ? "rgb" : "ycc";
    const [a, b2, c] = f.comps.map((x) => x.id);
    if (a === 82 && b2 === 71 && c === 66) return "rgb";
    return "ycc";
  }
  if (n === 4) {
    if (f.adobe !== undefined) return f.adobe === 2 ? "ycck" : f.adobe === 0 ? "cmyk" : "ycck";
    return "cmyk";
  }
  return fail("Unsupported color conversion request");
}

// ---------------------------------------------------------------------------
// IDCTs (libjpeg's integer algorithms, bit for bit)

/** libjpeg's IDCT range-limit table lookup for a value centred on 0. */
function rl(x: number): number {
  x &= 1023;
  return x < 128 ? x + 128 : x < 512 ? 255 : x < 896 ? 0 : x - 896;
}

const AANSCALES = [
  16384, 22725, 21407, 19266, 16384, 12873, 8867, 4520, 22725, 31521, 29692, 26722, 22725, 17855, 12299, 6270, 21407, 29692, 27969, 25172, 21407, 16819, 11585, 5906, 19266, 26722,
  25172, 22654, 19266, 15137, 10426, 5315, 16384, 22725, 21407, 19266, 16384, 12873, 8867, 4520, 12873, 17855, 16819, 15137, 12873, 10114, 6967, 3552, 8867, 12299, 11585, 10426,
  8867, 6967, 4799, 2446, 4520, 6270, 5906, 5315, 4520, 3552, 2446, 1247,
];

const ws = new Int32Array(64);

function idctFast(co: Int16Array, o: number, q: Int32Array, out: Uint8Array, oo: number, stride: number): void {
  const M = (v: number, c: number) => (v * c) >> 8;
  for (let c = 0; c < 8; c++) {
    const i = o + c;
    if (co[i + 8] === 0 && co[i + 16] === 0 && co[i + 24] === 0 && co[i + 32] === 0 && co[i + 40] === 0 && co[i + 48] === 0 && co[i + 56] === 0) {
      const dc = co[i] * q[c];
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    let t0 = co[i] * q[c];
    let t1 = co[i + 16] * q[16 + c];
    let t2 = co[i + 32] * q[32 + c];
    let t3 = co[i + 48] * q[48 + c];
    let t10 = t0 + t2;
    let t11 = t0 - t2;
    const t13 = t1 + t3;
    let t12 = M(t1 - t3, 362) - t13;
    t0 = t10 + t13;
    t3 = t10 - t13;
    t1 = t11 + t12;
    t2 = t11 - t12;
    let t4 = co[i + 8] * q[8 + c];
    let t5 = co[i + 24] * q[24 + c];
    let t6 = co[i + 40] * q[40 + c];
    let t7 = co[i + 56] * q[56 + c];
    const z13 = t6 + t5;
    const z10 = t6 - t5;
    const z11 = t4 + t7;
    const z12 = t4 - t7;
    t7 = z11 + z13;
    t11 = M(z11 - z13, 362);
    const z5 = M(z10 + z12, 473);
    t10 = M(z12, 277) - z5;
    t12 = M(z10, -669) + z5;
    t6 = t12 - t7;
    t5 = t11 - t6;
    t4 = t10 + t5;
    ws[c] = t0 + t7;
    ws[56 + c] = t0 - t7;
    ws[8 + c] = t1 + t6;
    ws[48 + c] = t1 - t6;
    ws[16 + c] = t2 + t5;
    ws[40 + c] = t2 - t5;
    ws[32 + c] = t3 + t4;
    ws[24 + c] = t3 - t4;
  }
  for (let r = 0; r < 8; r++) {
    const w = r * 8;
    const d = oo + r * stride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 && ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const v = rl(ws[w] >> 5);
      for (let k = 0; k < 8; k++) out[d + k] = v;
      continue;
    }
    let t10 = ws[w] + ws[w + 4];
    let t11 = ws[w] - ws[w + 4];
    const t13 = ws[w + 2] + ws[w + 6];
    let t12 = M(ws[w + 2] - ws[w + 6], 362) - t13;
    const t0 = t10 + t13;
    const t3 = t10 - t13;
    const t1 = t11 + t12;
    const t2 = t11 - t12;
    const z13 = ws[w + 5] + ws[w + 3];
    const z10 = ws[w + 5] - ws[w + 3];
    const z11 = ws[w + 1] + ws[w + 7];
    const z12 = ws[w + 1] - ws[w + 7];
    const t7 = z11 + z13;
    t11 = M(z11 - z13, 362);
    const z5 = M(z10 + z12, 473);
    t10 = M(z12, 277) - z5;
    t12 = M(z10, -669) + z5;
    const t6 = t12 - t7;
    const t5 = t11 - t6;
    const t4 = t10 + t5;
    out[d] = rl((t0 + t7) >> 5);
    out[d + 7] = rl((t0 - t7) >> 5);
    out[d + 1] = rl((t1 + t6) >> 5);
    out[d + 6] = rl((t1 - t6) >> 5);
    out[d + 2] = rl((t2 + t5) >> 5);
    out[d + 5] = rl((t2 - t5) >> 5);
    out[d + 4] = rl((t3 + t4) >> 5);
    out[d + 3] = rl((t3 - t4) >> 5);
  }
}

const DS = (x: number, n: number) => Math.floor((x + 2 ** (n - 1)) / 2 ** n);

function idctSlow(co: Int16Array, o: number, q: Int32Array, out: Uint8Array, oo: number, stride: number): void {
  for (let c = 0; c < 8; c++) {
    const i = o + c;
    if (co[i + 8] === 0 && co[i + 16] === 0 && co[i + 24] === 0 && co[i + 32] === 0 && co[i + 40] === 0 && co[i + 48] === 0 && co[i + 56] === 0) {
      const dc = (co[i] * q[c]) * 4;
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    const [a0, a1, a2, a3, a4, a5, a6, a7] = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => co[i + 8 * k] * q[8 * k + c]);
    const r = islow(a0, a1, a2, a3, a4, a5, a6, a7);
    for (let k = 0; k < 8; k++) ws[k * 8 + c] = DS(r[k], 11);
  }
  for (let r = 0; r < 8; r++) {
    const w = r * 8;
    const d = oo + r * stride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 && ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const v = rl(DS(ws[w], 5));
      for (let k = 0; k < 8; k++) out[d + k] = v;
      continue;
    }
    const res = islow(ws[w], ws[w + 1], ws[w + 2], ws[w + 3], ws[w + 4], ws[w + 5], ws[w + 6], ws[w + 7]);
    for (let k = 0; k < 8; k++) out[d + k] = rl(DS(res[k], 18));
  }
}

const isr = new Float64Array(8);
/** jidctint.c's 1-D pass (values × 2^13, not yet descaled), outputs in order 0..7. */
function islow(d0: number, d1: number, d2: number, d3: number, d4: number, d5: number, d6: number, d7: number): Float64Array {
  let z2 = d2;
  let z3 = d6;
  let z1 = (z2 + z3) * 4433;
  const tmp2 = z1 + z3 * -15137;
  const tmp3 = z1 + z2 * 6270;
  const tmp0e = (d0 + d4) * 8192;
  const tmp1e = (d0 - d4) * 8192;
  const t10 = tmp0e + tmp3;
  const t13 = tmp0e - tmp3;
  const t11 = tmp1e + tmp2;
  const t12 = tmp1e - tmp2;
  let tmp0 = d7;
  let tmp1 = d5;
  let tmp2o = d3;
  let tmp3o = d1;
  z1 = tmp0 + tmp3o;
  z2 = tmp1 + tmp2o;
  z3 = tmp0 + tmp2o;
  let z4 = tmp1 + tmp3o;
  const z5 = (z3 + z4) * 9633;
  tmp0 *= 2446;
  tmp1 *= 16819;
  tmp2o *= 25172;
  tmp3o *= 12299;
  z1 *= -7373;
  z2 *= -20995;
  z3 *= -16069;
  z4 *= -3196;
  z3 += z5;
  z4 += z5;
  tmp0 += z1 + z3;
  tmp1 += z2 + z4;
  tmp2o += z2 + z3;
  tmp3o += z1 + z4;
  isr[0] = t10 + tmp3o;
  isr[7] = t10 - tmp3o;
  isr[1] = t11 + tmp2o;
  isr[6] = t11 - tmp2o;
  isr[2] = t12 + tmp1;
  isr[5] = t12 - tmp1;
  isr[3] = t13 + tmp0;
  isr[4] = t13 - tmp0;
  return isr;
}

function idct4(co: Int16Array, o: number, q: Int32Array, out: Uint8Array, oo: number, stride: number): void {
  const odd = (z1: number, z2: number, z3: number, z4: number): [number, number] => [
    z1 * -1730 + z2 * 11893 + z3 * -17799 + z4 * 8697,
    z1 * -4176 + z2 * -4926 + z3 * 7373 + z4 * 20995,
  ];
  for (let c = 0; c < 8; c++) {
    if (c === 4) continue;
    const i = o + c;
    const Q = (k: number) => co[i + 8 * k] * q[8 * k + c];
    if (co[i + 8] === 0 && co[i + 16] === 0 && co[i + 24] === 0 && co[i + 40] === 0 && co[i + 48] === 0 && co[i + 56] === 0) {
      const dc = Q(0) * 4;
      for (let r = 0; r < 4; r++) ws[r * 8 + c] = dc;
      continue;
    }
    const t0 = Q(0) * 16384;
    const t2 = Q(2) * 15137 + Q(6) * -6270;
    const t10 = t0 + t2;
    const t12 = t0 - t2;
    const [a, b2] = odd(Q(7), Q(5), Q(3), Q(1));
    ws[c] = DS(t10 + b2, 12);
    ws[24 + c] = DS(t10 - b2, 12);
    ws[8 + c] = DS(t12 + a, 12);
    ws[16 + c] = DS(t12 - a, 12);
  }
  for (let r = 0; r < 4; r++) {
    const w = r * 8;
    const d = oo + r * stride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const v = rl(DS(ws[w], 5));
      for (let k = 0; k < 4; k++) out[d + k] = v;
      continue;
    }
    const t0 = ws[w] * 16384;
    const t2 = ws[w + 2] * 15137 + ws[w + 6] * -6270;
    const t10 = t0 + t2;
    const t12 = t0 - t2;
    const [a, b2] = odd(ws[w + 7], ws[w + 5], ws[w + 3], ws[w + 1]);
    out[d] = rl(DS(t10 + b2, 19));
    out[d + 3] = rl(DS(t10 - b2, 19));
    out[d + 1] = rl(DS(t12 + a, 19));
    out[d + 2] = rl(DS(t12 - a, 19));
  }
}

function idct2(co: Int16Array, o: number, q: Int32Array, out: Uint8Array, oo: number, stride: number): void {
  const odd = (z7: number, z5: number, z3: number, z1: number) => z7 * -5906 + z5 * 6967 + z3 * -10426 + z1 * 29692;
  for (const c of [0, 1, 3, 5, 7]) {
    const i = o + c;
    const Q = (k: number) => co[i + 8 * k] * q[8 * k + c];
    if (co[i + 8] === 0 && co[i + 24] === 0 && co[i + 40] === 0 && co[i + 56] === 0) {
      ws[c] = ws[8 + c] = Q(0) * 4;
      continue;
    }
    const t10 = Q(0) * 32768;
    const t0 = odd(Q(7), Q(5), Q(3), Q(1));
    ws[c] = DS(t10 + t0, 13);
    ws[8 + c] = DS(t10 - t0, 13);
  }
  for (let r = 0; r < 2; r++) {
    const w = r * 8;
    const d = oo + r * stride;
    if (ws[w + 1] === 0 && ws[w + 3] === 0 && ws[w + 5] === 0 && ws[w + 7] === 0) {
      out[d] = out[d + 1] = rl(DS(ws[w], 5));
      continue;
    }
    const t10 = ws[w] * 32768;
    const t0 = odd(ws[w + 7], ws[w + 5], ws[w + 3], ws[w + 1]);
    out[d] = rl(DS(t10 + t0, 20));
    out[d + 1] = rl(DS(t10 - t0, 20));
  }
}

function idct1(co: Int16Array, o: number, q: Int32Array, out: Uint8Array, oo: number): void {
  out[oo] = rl(DS(co[o] * q[0], 3));
}

// ---------------------------------------------------------------------------
// Upsampling and colour conversion (jdsample.c, jdcolor.c)

interface Plane {
  w: number; // buffer width (whole blocks)
  h: number;
  dw: number; // downsampled_width (valid samples)
  dh: number;
  data: Uint8Array;
  x0?: number; // first sample column (a crop's iMCU-aligned start)
}

/** Upsamples `p` by (fh, fv) to a full-size plane of width `ow` rows `oh`. */
function upsample(p: Plane, fh: number, fv: number, fancy: boolean, ow: number, oh: number, wideEnough = p.dw > 2): Uint8Array {
  if (p.x0) {
    // A crop (jpeg_crop_scanline): the region starting at the aligned column is the whole row.
    const w = p.w - p.x0;
    const data = new Uint8Array(w * p.h);
    for (let y = 0; y < p.h; y++) data.set(p.data.subarray(y * p.w + p.x0, (y + 1) * p.w), y * w);
    p = { ...p, w, data, x0: 0 };
  }
  const out = new Uint8Array(ow * oh);
  const at = (x: number, y: number) => p.data[Math.min(y, p.dh - 1) * p.w + x];
  const row = (y: number) => Math.max(0, Math.min(y, p.dh - 1)) * p.w;
  if (fh === 1 && fv === 1) {
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[y * ow + x] = at(x, y);
    return out;
  }
  if (fh === 2 && fv === 1 && fancy && wideEnough) {
    const tmp = new Uint8Array(p.w * 2 + 2);
    for (let y = 0; y < oh; y++) {
      const r = row(y);
      const d = p.data;
      let o = 0;
      let v = d[r];
      tmp[o++] = v;
      tmp[o++] = (v * 3 + d[r + 1] + 2) >> 2;
      for (let x = 1; x < p.dw - 1; x++) {
        v = d[r + x] * 3;
        tmp[o++] = (v + d[r + x - 1] + 1) >> 2;
        tmp[o++] = (v + d[r + x + 1] + 2) >> 2;
      }
      const xl = p.dw - 1;
      v = d[r + xl];
      tmp[o++] = (v * 3 + d[r + xl - 1] + 1) >> 2;
      tmp[o++] = v;
      out.set(tmp.subarray(0, ow), y * ow);
    }
    return out;
  }
  if (fh === 1 && fv === 2 && fancy) {
    for (let y = 0; y < oh; y++) {
      const iy = y >> 1;
      const near = row(iy);
      const far = row(y & 1 ? iy + 1 : iy - 1);
      const bias = y & 1 ? 2 : 1;
      for (let x = 0; x < ow; x++) out[y * ow + x] = (p.data[near + x] * 3 + p.data[far + x] + bias) >> 2;
    }
    return out;
  }
  if (fh === 2 && fv === 2 && fancy && wideEnough) {
    const tmp = new Uint8Array(p.w * 2 + 2);
    const d = p.data;
    for (let y = 0; y < oh; y++) {
      const iy = y >> 1;
      const r0 = row(iy);
      const r1 = row(y & 1 ? iy + 1 : iy - 1);
      const sum = (x: number) => d[r0 + x] * 3 + d[r1 + x];
      let o = 0;
      let thiscol = sum(0);
      let nextcol = sum(1);
      tmp[o++] = (thiscol * 4 + 8) >> 4;
      tmp[o++] = (thiscol * 3 + nextcol + 7) >> 4;
      let lastcol = thiscol;
      thiscol = nextcol;
      for (let x = 2; x < p.dw; x++) {
        nextcol = sum(x);
        tmp[o++] = (thiscol * 3 + lastcol + 8) >> 4;
        tmp[o++] = (thiscol * 3 + nextcol + 7) >> 4;
        lastcol = thiscol;
        thiscol = nextcol;
      }
      tmp[o++] = (thiscol * 3 + lastcol + 8) >> 4;
      tmp[o++] = (thiscol * 4 + 7) >> 4;
      out.set(tmp.subarray(0, ow), y * ow);
    }
    return out;
  }
  // replication (h2v1/h2v2 plain, int_upsample)
  for (let y = 0; y < oh; y++) {
    const r = Math.floor(y / fv) * p.w;
    for (let x = 0; x < ow; x++) out[y * ow + x] = p.data[r + Math.floor(x / fh)];
  }
  return out;
}

const FIX16 = (x: number) => Math.floor(x * 65536 + 0.5);
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (FIX16(1.402) * x + 32768) >> 16;
  CB_B[i] = (FIX16(1.772) * x + 32768) >> 16;
  CR_G[i] = -FIX16(0.71414) * x;
  CB_G[i] = -FIX16(0.34414) * x + 32768;
}
const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

export function decodeJpeg(b: Uint8Array, o: JpegOptions): Image {
  const { frame: f, truncated } = parse(b, false);
  if (truncated && !o.tryRecoverTruncated && (f.progressive || o.acceptableFraction >= 1)) fail("Premature end of JPEG data");
  const space = colorSpace(f);
  const comps = o.components === 0 ? Math.min(f.comps.length, 3) : o.components;
  if (comps === 1 && (space === "cmyk" || space === "ycck")) fail("Unsupported color conversion request");
  const ratio = o.ratio;
  const minScaled = 8 / ratio;
  const outW = Math.ceil(f.width / ratio);
  const outH = Math.ceil(f.height / ratio);
  if (outW * outH >= 2 ** 29) fail("Image too large");
  // libjpeg-turbo enlarges chroma DCT sizes to reduce upsampling when scaling.
  const scaled = f.comps.map((c) => {
    let s = minScaled;
    while (s < 8 && (f.maxH * minScaled) % (c.h * s * 2) === 0 && (f.maxV * minScaled) % (c.v * s * 2) === 0) s *= 2;
    return s;
  });
  const fancy = o.fancyUpscaling && minScaled > 1;
  // DecodeAndCropJpeg: TF calls jpeg_crop_scanline, which starts the row at the
  // iMCU column holding crop.x and ends it at the crop's right edge: the
  // upsamplers treat both as image edges.
  let cropX0 = 0;
  let regionW = outW;
  if (o.crop) {
    const { x, y, width, height } = o.crop;
    if (!(width > 0 && height > 0 && x >= 0 && y >= 0 && y + height <= outH && x + width <= outW)) fail("Invalid crop window");
    const align = f.comps.length === 1 ? minScaled : minScaled * f.maxH;
    cropX0 = Math.floor(x / align) * align;
    regionW = width + x - cropX0;
  }
  const needed = comps === 1 && (space === "ycc" || space === "gray") ? [0] : f.comps.map((_, i) => i);
  const planes: Uint8Array[] = [];
  for (const ci of needed) {
    const c = f.comps[ci];
    const s = scaled[ci];
    const hIn = (c.h * s) / minScaled;
    const vIn = (c.v * s) / minScaled;
    if (f.maxH % hIn !== 0 || f.maxV % vIn !== 0) fail("Fractional sampling not implemented yet");
    const p: Plane = {
      w: c.bw * s,
      h: c.bh * s,
      dw: Math.ceil((f.width * c.h * s) / (f.maxH * 8)),
      dh: Math.ceil((f.height * c.v * s) / (f.maxV * 8)),
      data: new Uint8Array(c.bw * s * c.bh * s),
    };
    if (c.seen) {
      const q = new Int32Array(64);
      const fast = s === 8 && o.dct === "fast";
      for (let i = 0; i < 64; i++) q[i] = fast ? (c.quant![i] * AANSCALES[i] + 2048) >> 12 : c.quant![i];
      const bh = Math.min(c.bh, Math.ceil(p.dh / s) + 1);
      for (let by = 0; by < bh; by++) {
        for (let bx = 0; bx < c.bw; bx++) {
          const off = (by * c.bw + bx) * 64;
          const oo = by * s * p.w + bx * s;
          if (s === 8) (fast ? idctFast : idctSlow)(c.coefs, off, q, p.data, oo, p.w);
          else if (s === 4) idct4(c.coefs, off, q, p.data, oo, p.w);
          else if (s === 2) idct2(c.coefs, off, q, p.data, oo, p.w);
          else idct1(c.coefs, off, q, p.data, oo);
        }
      }
    } else p.data.fill(128); // a component no scan carried: all-zero coefficients
    const wideEnough = p.dw > 2;
    if (cropX0 || regionW !== outW) {
      const hs = f.comps.length === 1 ? 1 : c.h;
      const align = f.comps.length === 1 ? minScaled : minScaled * f.maxH;
      p.x0 = (cropX0 / align) * (hs * s) * (f.comps.length === 1 ? 1 : 1);
      p.dw = Math.ceil((regionW * c.h) / f.maxH);
    }
    planes.push(upsample(p, f.maxH / hIn, f.maxV / vIn, fancy, regionW, outH, p.dw < 2 ? false : wideEnough));
  }
  const n = regionW * outH;
  const out = new Uint8Array(n * comps);
  if (comps === 1) {
    if (space === "rgb") {
      const [r, g, bb] = planes;
      for (let i = 0; i < n; i++) out[i] = (19595 * r[i] + 38470 * g[i] + 7471 * bb[i] + 32768) >> 16;
    } else out.set(planes[0].subarray(0, n));
  } else if (space === "gray") {
    for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = planes[0][i];
  } else if (space === "rgb") {
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) out[3 * i + k] = planes[k][i];
  } else if (space === "ycc") {
    const [Y, Cb, Cr] = planes;
    for (let i = 0; i < n; i++) {
      const y = Y[i];
      const cb = Cb[i];
      const cr = Cr[i];
      out[3 * i] = clamp(y + CR_R[cr]);
      out[3 * i + 1] = clamp(y + ((CB_G[cb] + CR_G[cr]) >> 16));
      out[3 * i + 2] = clamp(y + CB_B[cb]);
    }
  } else {
    const adobe = f.adobe !== undefined;
    for (let i = 0; i < n; i++) {
      let c: number, m: number, y: number;
      if (space === "ycck") {
        const Y = planes[0][i];
        const cb = planes[1][i];
        const cr = planes[2][i];
        c = 255 - clamp(Y + CR_R[cr]);
        m = 255 - clamp(Y + ((CB_G[cb] + CR_G[cr]) >> 16));
        y = 255 - clamp(Y + CB_B[cb]);
      } else {
        c = planes[0][i];
        m = planes[1][i];
        y = planes[2][i];
      }
      const k = planes[3][i];
      if (adobe) {
        out[3 * i] = Math.trunc((k * c) / 255);
        out[3 * i + 1] = Math.trunc((k * m) / 255);
        out[3 * i + 2] = Math.trunc((k * y) / 255);
      } else {
        out[3 * i] = Math.trunc(((255 - k) * (255 - c)) / 255);
        out[3 * i + 1] = Math.trunc(((255 - k) * (255 - m)) / 255);
        out[3 * i + 2] = Math.trunc(((255 - k) * (255 - y)) / 255);
      }
    }
  }
  if (o.crop) {
    const { x, y, width, height } = o.crop;
    const cropped = new Uint8Array(width * height * comps);
    const dx = x - cropX0;
    for (let r = 0; r < height; r++) cropped.set(out.subarray(((y + r) * regionW + dx) * comps, ((y + r) * regionW + dx + width) * comps), r * width * comps);
    return { width, height, channels: comps, data: cropped };
  }
  return { width: outW, height: outH, channels: comps, data: out };
}
