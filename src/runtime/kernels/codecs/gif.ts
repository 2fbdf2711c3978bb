/**
 * GIF as TensorFlow decodes it: giflib's DGifOpen + DGifSlurp (record
 * parsing, sub-blocks, giflib's LZW decoder), then gif_io.cc's compositing:
 * the canvas is the largest frame's width × height (not the logical screen),
 * frame k starts as a copy of frame k-1 (frame 0 as black where it does not
 * cover the canvas), the frame's rectangle is clipped to the canvas, pixels
 * equal to the frame's Graphics Control Extension transparent index keep the
 * previous frame's value (black in frame 0); disposal methods are ignored,
 * as TF ignores them. Error strings are giflib's, prefixed as TF does.
 *
 * Where TF would return uninitialized memory (a frame whose data ends early
 * after its raster was allocated: giflib stops, TF keeps going), the missing
 * pixels are index 0 here.
 */
import { CodecError, u16le } from "./common.js";

const ERR = {
  READ_FAILED: "Failed to read from given file",
  NOT_GIF: "Data is not in GIF format",
  WRONG_RECORD: "Wrong record type detected",
  DATA_TOO_BIG: "Number of pixels bigger than width * height",
  NO_MEM: "Failed to allocate required memory",
  IMAGE_DEFECT: "Image is defective, decoding aborted",
  EOF_TOO_SOON: "Image EOF detected before image complete",
  NO_IMAG_DSCR: "No Image Descriptor detected",
  UNKNOWN: "Unknown error",
};

class GifFail extends Error {}

interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
  colorMap?: Uint8Array;
  colorCount: number;
  raster?: Uint8Array;
  transparent: number; // -1 for none
}

const LZ_MAX_CODE = 4095;
const LZ_BITS = 12;
const NO_SUCH_CODE = 4098;

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new GifFail(ERR.READ_FAILED);
    return this.b[this.pos++];
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.b.length) {
      this.pos = this.b.length;
      throw new GifFail(ERR.READ_FAILED);
    }
    const r = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}

/** giflib's LZW decoder state for one image. */
class Lzw {
  private readonly prefix = new Uint16Array(LZ_MAX_CODE + 1);
  private readonly suffix = new Uint8Array(LZ_MAX_CODE + 1);
  private readonly stack = new Uint8Array(LZ_MAX_CODE);
  private stackPtr = 0;
  private readonly clearCode: number;
  private readonly eofCode: number;
  private runningCode: number;
  private runningBits: number;
  private maxCode1: number;
  private lastCode = NO_SUCH_CODE;
  private shiftState = 0;
  private shiftDWord = 0;
  private blockLeft = 0;

  constructor(
    private readonly r: Reader,
    private readonly bitsPerPixel: number,
  ) {
    this.clearCode = 1 << bitsPerPixel;
    this.eofCode = this.clearCode + 1;
    this.runningCode = this.eofCode + 1;
    this.runningBits = bitsPerPixel + 1;
    this.maxCode1 = 1 << this.runningBits;
    this.prefix.fill(NO_SUCH_CODE);
  }

  private nextByte(): number {
    if (this.blockLeft === 0) {
      const n = this.r.byte();
      if (n === 0) throw new GifFail(ERR.IMAGE_DEFECT);
      this.r.bytes(n); // giflib reads the whole sub-block at once
      this.r.pos -= n;
      this.blockLeft = n;
    }
    this.blockLeft--;
    return this.r.byte();
  }

  private code(): number {
    if (this.runningBits > LZ_BITS) throw new GifFail(ERR.IMAGE_DEFECT);
    while (this.shiftState < this.runningBits) {
      this.shiftDWord |= this.nextByte() << this.shiftState;
      this.shiftState += 8;
    }
    const c = this.shiftDWord & ((1 << this.runningBits) - 1);
    this.shiftDWord >>>= this.runningBits;
    this.shiftState -= this.runningBits;
    if (this.runningCode < LZ_MAX_CODE + 2 && ++this.runningCode > this.maxCode1 && this.runningBits < LZ_BITS) {
      this.maxCode1 <<= 1;
      this.runningBits++;
    }
    return c;
  }

  private prefixChar(code: number): number {
    let i = 0;
    while (code > this.clearCode && i++ <= LZ_MAX_CODE) {
      if (code > LZ_MAX_CODE) return NO_SUCH_CODE;
      code = this.prefix[code];
    }
    return code;
  }

  /** DGifDecompressLine: fills `line[start, start+len)`. */
  line(line: Uint8Array, start: number, len: number): void {
    let i = 0;
    const st = this.stack;
    while (this.stackPtr !== 0 && i < len) line[start + i++] = st[--this.stackPtr];
    while (i < len) {
      const crnt = this.code();
      if (crnt === this.eofCode) throw new GifFail(ERR.EOF_TOO_SOON);
      if (crnt === this.clearCode) {
        this.prefix.fill(NO_SUCH_CODE);
        this.runningCode = this.eofCode + 1;
        this.runningBits = this.bitsPerPixel + 1;
        this.maxCode1 = 1 << this.runningBits;
        this.lastCode = NO_SUCH_CODE;
        continue;
      }
      if (crnt < this.clearCode) {
        line[start + i++] = crnt;
      } else {
        let crntPrefix: number;
        if (this.prefix[crnt] === NO_SUCH_CODE) {
          crntPrefix = this.lastCode;
          const at = this.runningCode - 2;
          const c = this.prefixChar(crnt === at ? this.lastCode : crnt);
          if (at <= LZ_MAX_CODE) this.suffix[at] = c;
          st[this.stackPtr++] = c;
        } else crntPrefix = crnt;
        while (this.stackPtr < LZ_MAX_CODE && crntPrefix > this.clearCode && crntPrefix <= LZ_MAX_CODE) {
          st[this.stackPtr++] = this.suffix[crntPrefix];
          crntPrefix = this.prefix[crntPrefix];
        }
        if (this.stackPtr >= LZ_MAX_CODE || crntPrefix > LZ_MAX_CODE) throw new GifFail(ERR.IMAGE_DEFECT);
        st[this.stackPtr++] = crntPrefix;
        while (this.stackPtr !== 0 && i < len) line[start + i++] = st[--this.stackPtr];
      }
      const at = this.runningCode - 2;
      if (this.lastCode !== NO_SUCH_CODE && at < LZ_MAX_CODE + 1 && this.prefix[at] === NO_SUCH_CODE) {
        this.prefix[at] = this.lastCode;
        this.suffix[at] = this.prefixChar(crnt === at ? this.lastCode : crnt);
      }
      this.lastCode = crnt;
    }
  }

  /** After the last pixel: skip the rest of the image's sub-blocks. */
  flush(): void {
    this.r.pos += this.blockLeft; // giflib has the current sub-block buffered already
    this.blockLeft = 0;
    for (;;) {
      const n = this.r.byte();
      if (n === 0) return;
      this.r.bytes(n);
    }
  }
}

function colorMap(r: Reader, flags: number): [Uint8Array, number] {
  const count = 1 << ((flags & 7) + 1);
  return [r.bytes(count * 3), count];
}

export interface GifResult {
  frames: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export function decodeGif(buf: Uint8Array, expandAnimations: boolean): GifResult {
  const r = new Reader(buf);
  let global: [Uint8Array, number] | undefined;
  // DGifOpen
  try {
    const sig = r.bytes(6);
    if (sig[0] !== 0x47 || sig[1] !== 0x49 || sig[2] !== 0x46) throw new GifFail(ERR.NOT_GIF);
    const sd = r.bytes(7);
    if (sd[4] & 0x80) global = colorMap(r, sd[4]);
  } catch (e) {
    if (e instanceof GifFail) throw new CodecError(`failed to open gif file: ${e.message}`);
    throw e;
  }
  // DGifSlurp
  const frames: Frame[] = [];
  let pendingTransparent: number | undefined;
  let slurpError: string | undefined;
  try {
    for (let done = false; !done; ) {
      const rec = r.byte();
      if (rec === 0x2c) {
        const d = r.bytes(9);
        const f: Frame = { left: u16le(d, 0), top: u16le(d, 2), width: u16le(d, 4), height: u16le(d, 6), colorCount: 0, transparent: -1 };
        if (d[8] & 0x80) [f.colorMap, f.colorCount] = colorMap(r, d[8]);
        frames.push(f);
        const bitsPerPixel = r.byte();
        if (bitsPerPixel > 8) throw new GifFail(ERR.READ_FAILED);
        const size = f.width * f.height;
        if (size === 0) throw new GifFail(ERR.UNKNOWN);
        // No valid stream yields more than 4096 pixels per (≥ 1-bit) code: a
        // larger claim is a corrupt header, refused before allocating.
        if (size > 32768 * (buf.length - r.pos) || size > 2 ** 28) throw new GifFail(ERR.NO_MEM);
        f.raster = new Uint8Array(size);
        const lzw = new Lzw(r, bitsPerPixel);
        if (d[8] & 0x40) {
          for (const [off, jump] of [
            [0, 8],
            [4, 8],
            [2, 4],
            [1, 2],
          ]) {
            for (let j = off; j < f.height; j += jump) lzw.line(f.raster, j * f.width, f.width);
          }
        } else lzw.line(f.raster, 0, size);
        lzw.flush();
        if (pendingTransparent !== undefined) f.transparent = pendingTransparent;
        pendingTransparent = undefined;
      } else if (rec === 0x21) {
        const fn = r.byte();
        let first = true;
        for (;;) {
          const n = r.byte();
          if (n === 0) break;
          const data = r.bytes(n);
          // DGifSavedExtensionToGCB: the first GCB block of the frame, if 4 bytes long.
          if (first && fn === 0xf9 && pendingTransparent === undefined) pendingTransparent = n === 4 ? (data[0] & 1 ? data[3] : -1) : -1;
          first = false;
        }
      } else if (rec === 0x3b) {
        done = true;
      } else throw new GifFail(ERR.WRONG_RECORD);
    }
    if (frames.length === 0) throw new GifFail(ERR.NO_IMAG_DSCR);
  } catch (e) {
    if (!(e instanceof GifFail)) throw e;
    slurpError = `failed to slurp gif file: ${e.message}`;
    const last = frames[frames.length - 1];
    if (!last || !last.raster || e.message === ERR.EOF_TOO_SOON) throw new CodecError(slurpError);
  }
  if (frames.length === 0) throw new CodecError("gif file does not contain any image");

  let width = 0;
  let height = 0;
  for (const f of frames) {
    width = Math.max(width, f.width);
    height = Math.max(height, f.height);
  }
  const n = expandAnimations ? frames.length : 1;
  const frameSize = width * height * 3;
  if (n * frameSize > 2 ** 31 - 1) throw new CodecError(`failed to slurp gif file: ${ERR.NO_MEM}`);
  const out = new Uint8Array(n * frameSize);
  for (let k = 0; k < n; k++) {
    const f = frames[k];
    const base = k * frameSize;
    if (k > 0) out.copyWithin(base, base - frameSize, base);
    let x0 = f.left;
    let y0 = f.top;
    let x1 = f.left + f.width;
    let y1 = f.top + f.height;
    if (f.left !== 0 || f.top !== 0 || f.width !== width || f.height !== height) {
      x0 = Math.max(x0, 0);
      y0 = Math.max(y0, 0);
      x1 = Math.min(x1, width);
      y1 = Math.min(y1, height);
    }
    const map = f.colorMap ?? global?.[0];
    const count = f.colorMap ? f.colorCount : (global?.[1] ?? 0);
    if (!map) throw new CodecError(`missing color map for frame ${k}`);
    const raster = f.raster ?? new Uint8Array(f.width * f.height);
    for (let i = y0; i < y1; i++) {
      for (let j = x0; j < x1; j++) {
        const idx = raster[(i - f.top) * f.width + (j - f.left)];
        const o = base + (i * width + j) * 3;
        if (idx === f.transparent) {
          if (k === 0) out[o] = out[o + 1] = out[o + 2] = 0;
          continue;
        }
        if (idx >= count) throw new CodecError(`found color index ${idx} outside of color map range ${count}`);
        out[o] = map[idx * 3];
        out[o + 1] = map[idx * 3 + 1];
        out[o + 2] = map[idx * 3 + 2];
      }
    }
  }
  return { frames: n, width, height, data: out };
}
