/**
 * LevelDB-format sorted string table ("SSTable"), the container of a
 * TensorBundle index file (spec savedmodel_format.md §7.2): reader and the
 * builder used by our checkpoint writer.
 *
 * Reader: the whole file is in memory (index files are small). Every varint,
 * length and offset is checked against the bytes present, every block's
 * masked CRC32C trailer is verified before its contents are looked at, and
 * problems are reported as DecodeError (the caller adds the file name).
 * Lookups binary-search the restart points of the index block and of the data
 * block; `entries()` walks everything in order and additionally validates the
 * structure (strictly ascending keys, restart points on entry boundaries,
 * index keys separating their blocks).
 */

import { DecodeError } from "../errors.js";
import { crc32c, hex32, mask } from "./crc32c.js";
import { snappyCompress, snappyUncompress } from "./snappy.js";

/** `0xdb4775248b80fb57` as fixed64 little-endian. */
export const TABLE_MAGIC = Uint8Array.of(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);
export const FOOTER_SIZE = 48;
/** 1 compression-type byte + 4 bytes masked CRC32C. */
export const BLOCK_TRAILER_SIZE = 5;
export const NO_COMPRESSION = 0;
export const SNAPPY_COMPRESSION = 1;

export interface BlockHandle {
  readonly offset: number;
  readonly size: number;
}

export type Entry = [key: Uint8Array, value: Uint8Array];

/** memcmp order, shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Reads a varint of at most `maxBytes` bytes (5 for varint32, 10 for
 * varint64) from `buf[pos..limit)`. Values must fit a safe integer; larger
 * ones (never legitimate for lengths/offsets in a file that fits in memory)
 * are rejected, and so are overlong encodings. Returns the value and the
 * position after it.
 */
export function readVarint(buf: Uint8Array, pos: number, limit: number, maxBytes: number, what: string): [value: number, next: number] {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (pos + i >= limit) throw new DecodeError(`truncated varint (${what})`);
    const b = buf[pos + i]!;
    result += (b & 0x7f) * scale;
    if (b < 0x80) {
      // A final zero byte after continuation bytes adds nothing: writers never
      // emit such overlong forms, so one is a sign of corruption.
      if (b === 0 && i > 0) throw new DecodeError(`non-canonical (overlong) varint (${what})`);
      if (maxBytes === 5 && result > 0xffffffff) throw new DecodeError(`varint32 overflow (${what})`);
      if (!Number.isSafeInteger(result)) throw new DecodeError(`varint out of range (${what})`);
      return [result, pos + i + 1];
    }
    scale *= 128;
  }
  throw new DecodeError(`malformed varint longer than ${maxBytes} bytes (${what})`);
}

function readFixed32(buf: Uint8Array, pos: number): number {
  return (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
}

/** Decodes a BlockHandle occupying exactly `bytes` (when `exact`) or a prefix of it. */
export function decodeBlockHandle(bytes: Uint8Array, exact: boolean, what: string): [BlockHandle, number] {
  const [offset, p1] = readVarint(bytes, 0, bytes.length, 10, `${what} offset`);
  const [size, p2] = readVarint(bytes, p1, bytes.length, 10, `${what} size`);
  if (exact && p2 !== bytes.length) throw new DecodeError(`${what}: ${bytes.length - p2} stray bytes after the block handle`);
  return [{ offset, size }, p2];
}

function describeHandle(h: BlockHandle): string {
  return `at offset ${h.offset} (${h.size} bytes)`;
}

/**
 * One decompressed block: entries then the restart array. The constructor
 * validates the restart array; entries are decoded lazily and checked as they
 * are read.
 */
export class Block {
  readonly data: Uint8Array;
  /** Where the restart array starts = end of the entries. */
  readonly restartsOffset: number;
  /** Restart points (0 for an empty block). */
  readonly numRestarts: number;
  private readonly what: string;

  constructor(data: Uint8Array, what: string) {
    this.data = data;
    this.what = what;
    if (data.length < 4) throw new DecodeError(`${what}: block of ${data.length} bytes is too short for a restart count`);
    const num = readFixed32(data, data.length - 4);
    const maxRestarts = (data.length - 4) / 4;
    if (num > maxRestarts) throw new DecodeError(`${what}: restart count ${num} does not fit in a block of ${data.length} bytes`);
    this.numRestarts = num;
    this.restartsOffset = data.length - 4 - 4 * num;
    if (num === 0 && this.restartsOffset !== 0) throw new DecodeError(`${what}: block has entries but no restart points`);
    if (this.restartsOffset === 0) {
      // An empty block: writers emit the single restart point 0.
      if (num > 1 || (num === 1 && this.restartPoint(0) !== 0)) throw new DecodeError(`${what}: empty block with ${num} restart points`);
      this.numRestarts = 0;
      return;
    }
    let prev = -1;
    for (let i = 0; i < num; i++) {
      const r = this.restartPoint(i);
      if (r >= this.restartsOffset || r <= prev) throw new DecodeError(`${what}: restart point ${i} (${r}) is out of order or past the entries (${this.restartsOffset} bytes)`);
      prev = r;
    }
    if (num > 0 && this.restartPoint(0) !== 0) throw new DecodeError(`${what}: first restart point is ${this.restartPoint(0)}, not 0`);
  }

  restartPoint(i: number): number {
    return readFixed32(this.data, this.restartsOffset + 4 * i);
  }

  /**
   * Decodes the entry at `pos` given the previous key. Returns the key, the
   * value, the number of shared bytes and the offset of the next entry.
   */
  private decodeEntry(pos: number, prevKey: Uint8Array): { key: Uint8Array; value: Uint8Array; shared: number; next: number } {
    const d = this.data;
    const limit = this.restartsOffset;
    let shared: number, nonShared: number, valueLen: number;
    let p = pos;
    // Fast path: three one-byte varints.
    if (p + 3 <= limit && (d[p]! | d[p + 1]! | d[p + 2]!) < 0x80) {
      shared = d[p]!;
      nonShared = d[p + 1]!;
      valueLen = d[p + 2]!;
      p += 3;
    } else {
      [shared, p] = readVarint(d, p, limit, 5, `${this.what} entry at ${pos}: shared length`);
      [nonShared, p] = readVarint(d, p, limit, 5, `${this.what} entry at ${pos}: key length`);
      [valueLen, p] = readVarint(d, p, limit, 5, `${this.what} entry at ${pos}: value length`);
    }
    if (shared > prevKey.length) throw new DecodeError(`${this.what}: entry at ${pos} shares ${shared} key bytes but the previous key has ${prevKey.length}`);
    if (nonShared > limit - p || valueLen > limit - p - nonShared) {
      throw new DecodeError(`${this.what}: entry at ${pos} (key ${nonShared} + value ${valueLen} bytes) runs past the end of the entries (${limit})`);
    }
    let key: Uint8Array;
    if (shared === 0) key = d.subarray(p, p + nonShared);
    else {
      key = new Uint8Array(shared + nonShared);
      key.set(prevKey.subarray(0, shared), 0);
      key.set(d.subarray(p, p + nonShared), shared);
    }
    p += nonShared;
    const value = d.subarray(p, p + valueLen);
    return { key, value, shared, next: p + valueLen };
  }

  /** Key stored at restart point `i` (must have shared == 0). */
  private restartKey(i: number): Uint8Array {
    const pos = this.restartPoint(i);
    const e = this.decodeEntry(pos, EMPTY);
    if (e.shared !== 0) throw new DecodeError(`${this.what}: entry at restart point ${i} (${pos}) shares ${e.shared} key bytes`);
    return e.key;
  }

  /**
   * Checks the entry at `pos` against restart point `r`, the next one a scan
   * expects: an entry there must share no key bytes, and no restart point may
   * fall inside an entry. Returns the restart point expected next.
   */
  private checkRestart(r: number, pos: number, shared: number): number {
    if (r < this.numRestarts && pos === this.restartPoint(r)) {
      if (shared !== 0) throw new DecodeError(`${this.what}: entry at restart point ${r} (${pos}) shares ${shared} key bytes`);
      return r + 1;
    }
    if (r < this.numRestarts && pos > this.restartPoint(r)) {
      throw new DecodeError(`${this.what}: restart point ${r} (${this.restartPoint(r)}) is not at an entry boundary`);
    }
    return r;
  }

  /** The first entry whose key is ≥ `target`, or undefined. */
  seek(target: Uint8Array): Entry | undefined {
    if (this.numRestarts === 0) return undefined;
    // Last restart point whose key is < target (or 0).
    let lo = 0;
    let hi = this.numRestarts - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareBytes(this.restartKey(mid), target) < 0) lo = mid;
      else hi = mid - 1;
    }
    let pos = this.restartPoint(lo);
    let r = lo; // next restart point expected at or after `pos`
    let prev: Uint8Array = EMPTY;
    let first = true;
    // Scan from that restart point; continues into later intervals if needed.
    while (pos < this.restartsOffset) {
      const e = this.decodeEntry(pos, prev);
      r = this.checkRestart(r, pos, e.shared);
      if (!first && compareBytes(e.key, prev) <= 0) throw new DecodeError(`${this.what}: keys out of order at ${pos}`);
      first = false;
      if (compareBytes(e.key, target) >= 0) return [e.key, e.value];
      prev = e.key;
      pos = e.next;
    }
    return undefined;
  }

  /** All entries in order, validating order and restart points. */
  *entries(): Generator<Entry> {
    let pos = 0;
    let prev: Uint8Array = EMPTY;
    let r = 0;
    let count = 0;
    while (pos < this.restartsOffset) {
      const e = this.decodeEntry(pos, prev);
      r = this.checkRestart(r, pos, e.shared);
      if (count > 0 && compareBytes(e.key, prev) <= 0) throw new DecodeError(`${this.what}: keys out of order at entry ${count} (offset ${pos})`);
      yield [e.key, e.value];
      prev = e.key;
      pos = e.next;
      count++;
    }
    if (r !== this.numRestarts) throw new DecodeError(`${this.what}: restart point ${r} (${this.restartPoint(r)}) is not at an entry boundary`);
  }
}

const EMPTY = new Uint8Array(0);

export interface SSTableOptions {
  /** Verify block trailers' CRCs (default true). */
  verifyChecksums?: boolean;
  /** Cap on a single decompressed block (default 256 MiB). */
  maxBlockSize?: number;
}

/** A table held entirely in memory. */
export class SSTable {
  readonly file: Uint8Array;
  readonly metaindexHandle: BlockHandle;
  readonly indexHandle: BlockHandle;
  readonly index: Block;
  private readonly verify: boolean;
  private readonly maxBlockSize: number;
  private readonly cache = new Map<number, Block>();

  constructor(file: Uint8Array, options: SSTableOptions = {}) {
    this.file = file;
    this.verify = options.verifyChecksums ?? true;
    this.maxBlockSize = options.maxBlockSize ?? 256 << 20;
    if (file.length < FOOTER_SIZE) throw new DecodeError(`file of ${file.length} bytes is too short to be an sstable (footer is ${FOOTER_SIZE} bytes)`);
    const footer = file.subarray(file.length - FOOTER_SIZE);
    for (let i = 0; i < 8; i++) {
      if (footer[40 + i] !== TABLE_MAGIC[i]) throw new DecodeError("not an sstable (bad magic number)");
    }
    // The two handles are varints at the start of the footer; bytes after
    // them up to the magic are padding (written as zeros, never read — TF's
    // reader ignores them too).
    const handles = footer.subarray(0, 40);
    const [meta, p] = decodeBlockHandle(handles, false, "footer metaindex handle");
    const [idx] = decodeBlockHandle(handles.subarray(p), false, "footer index handle");
    this.metaindexHandle = meta;
    this.indexHandle = idx;
    this.index = new Block(this.readBlockContents(idx, "index block"), "index block");
    // TF never consults the metaindex block (no filter policy), but it is
    // part of the file: check it is a well-formed, uncorrupted block.
    new Block(this.readBlockContents(meta, "metaindex block"), "metaindex block");
  }

  /** Reads, verifies and (if needed) decompresses a block's contents. */
  readBlockContents(h: BlockHandle, what: string): Uint8Array {
    const end = this.file.length - FOOTER_SIZE;
    if (h.offset > end || h.size > end - h.offset || BLOCK_TRAILER_SIZE > end - h.offset - h.size) {
      throw new DecodeError(`${what} ${describeHandle(h)} plus its ${BLOCK_TRAILER_SIZE}-byte trailer extends past the blocks region (${end} bytes)`);
    }
    const raw = this.file.subarray(h.offset, h.offset + h.size);
    const type = this.file[h.offset + h.size]!;
    if (this.verify) {
      const stored = readFixed32(this.file, h.offset + h.size + 1);
      const computed = mask(crc32c(this.file.subarray(h.offset, h.offset + h.size + 1)));
      if (stored !== computed) throw new DecodeError(`${what} ${describeHandle(h)}: block checksum mismatch (stored ${hex32(stored)}, computed ${hex32(computed)})`);
    }
    if (type === NO_COMPRESSION) return raw;
    if (type === SNAPPY_COMPRESSION) {
      try {
        return snappyUncompress(raw, this.maxBlockSize);
      } catch (e) {
        if (e instanceof DecodeError) throw new DecodeError(`${what} ${describeHandle(h)}: corrupted compressed block contents (${e.message})`);
        throw e;
      }
    }
    throw new DecodeError(`${what} ${describeHandle(h)}: bad block type ${type}`);
  }

  private dataBlock(h: BlockHandle): Block {
    let b = this.cache.get(h.offset);
    if (b === undefined) {
      const what = `data block ${describeHandle(h)}`;
      b = new Block(this.readBlockContents(h, "data block"), what);
      this.cache.set(h.offset, b);
    }
    return b;
  }

  private handleOf(indexValue: Uint8Array): BlockHandle {
    return decodeBlockHandle(indexValue, true, "index entry")[0];
  }

  /** The first entry whose key is ≥ `target`. */
  seek(target: Uint8Array): Entry | undefined {
    let hit = this.index.seek(target);
    // Normally the first index key ≥ target names the only block that can
    // hold it; a hit always lies in that block.
    if (hit === undefined) return undefined;
    const found = this.dataBlock(this.handleOf(hit[1])).seek(target);
    if (found !== undefined) {
      if (compareBytes(found[0], hit[0]) > 0) throw new DecodeError(`index key does not bound its data block`);
      return found;
    }
    // Target is greater than every key of that block: the answer is the first
    // key of the next block.
    const next = this.nextIndexEntry(hit[0]);
    if (next === undefined) return undefined;
    hit = next;
    const first = this.dataBlock(this.handleOf(hit[1])).seek(EMPTY);
    return first;
  }

  private nextIndexEntry(after: Uint8Array): Entry | undefined {
    // Index keys are distinct; the first key > `after` is the seek of after+"\0".
    const probe = new Uint8Array(after.length + 1);
    probe.set(after);
    return this.index.seek(probe);
  }

  /** Value stored under exactly `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    const e = this.seek(key);
    return e !== undefined && compareBytes(e[0], key) === 0 ? e[1] : undefined;
  }

  /** Every entry in key order; validates block structure and key order across blocks. */
  *entries(): Generator<Entry> {
    let prev: Uint8Array | undefined;
    let prevIndexKey: Uint8Array | undefined;
    for (const [indexKey, handleBytes] of this.index.entries()) {
      const h = this.handleOf(handleBytes);
      let first = true;
      for (const [key, value] of this.dataBlock(h).entries()) {
        if (prev !== undefined && compareBytes(key, prev) <= 0) throw new DecodeError(`keys out of order across data blocks (block ${describeHandle(h)})`);
        if (first && prevIndexKey !== undefined && compareBytes(key, prevIndexKey) <= 0) {
          throw new DecodeError(`first key of data block ${describeHandle(h)} is not greater than the previous index key`);
        }
        if (compareBytes(key, indexKey) > 0) throw new DecodeError(`data block ${describeHandle(h)} holds a key beyond its index key`);
        first = false;
        prev = key;
        yield [key, value];
      }
      prevIndexKey = indexKey;
    }
  }
}

// ---------------------------------------------------------------------------
// Builder

export interface TableBuildOptions {
  /** Target uncompressed bytes per data block (default 262144, TF's 256 KiB). */
  blockSize?: number;
  /** Entries between restart points in data blocks (default 16). */
  restartInterval?: number;
  /**
   * "none" (default; what open-source TF writes) or "snappy" (what
   * Google-built TF writes; a block is kept uncompressed unless Snappy saves
   * at least 1/8).
   */
  compression?: "none" | "snappy";
}

class ByteSink {
  buf = new Uint8Array(1024);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.length++] = v;
  }
  fixed32(v: number): void {
    this.ensure(4);
    const p = this.length;
    this.buf[p] = v & 0xff;
    this.buf[p + 1] = (v >>> 8) & 0xff;
    this.buf[p + 2] = (v >>> 16) & 0xff;
    this.buf[p + 3] = (v >>> 24) & 0xff;
    this.length += 4;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** LevelDB's BlockBuilder. */
class BlockBuilder {
  private sink = new ByteSink();
  private restarts: number[] = [0];
  private counter = 0;
  private lastKey: Uint8Array = EMPTY;
  entries = 0;
  constructor(private readonly interval: number) {}

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.counter < this.interval) {
      const n = Math.min(this.lastKey.length, key.length);
      while (shared < n && this.lastKey[shared] === key[shared]) shared++;
    } else {
      this.restarts.push(this.sink.length);
      this.counter = 0;
    }
    this.sink.varint(shared);
    this.sink.varint(key.length - shared);
    this.sink.varint(value.length);
    this.sink.bytes(key.subarray(shared));
    this.sink.bytes(value);
    this.lastKey = key;
    this.counter++;
    this.entries++;
  }

  sizeEstimate(): number {
    return this.sink.length + 4 * this.restarts.length + 4;
  }

  finish(): Uint8Array {
    for (const r of this.restarts) this.sink.fixed32(r);
    this.sink.fixed32(this.restarts.length);
    return this.sink.view();
  }
}

/** Shortest key k with start ≤ k < limit (LevelDB's FindShortestSeparator). */
export function shortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const n = Math.min(start.length, limit.length);
  let i = 0;
  while (i < n && start[i] === limit[i]) i++;
  if (i >= n) return start; // one is a prefix of the other
  const b = start[i]!;
  if (b < 0xff && b + 1 < limit[i]!) {
    const out = start.slice(0, i + 1);
    out[i] = b + 1;
    return out;
  }
  return start;
}

/** Shortest key ≥ `key` (LevelDB's FindShortSuccessor). */
export function shortSuccessor(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.length; i++) {
    if (key[i] !== 0xff) {
      const out = key.slice(0, i + 1);
      out[i] = key[i]! + 1;
      return out;
    }
  }
  return key;
}

/**
 * Builds a table from entries in strictly ascending key order, as TF's
 * TableBuilder does: data blocks cut at `blockSize`, restart interval 16,
 * empty metaindex block, index block with restart interval 1 and shortened
 * separator keys, 48-byte footer.
 */
export function buildSSTable(entries: Iterable<Entry>, options: TableBuildOptions = {}): Uint8Array {
  const blockSize = options.blockSize ?? 262144;
  const interval = options.restartInterval ?? 16;
  const snappy = options.compression === "snappy";
  const out = new ByteSink();
  const index = new BlockBuilder(1);
  let data = new BlockBuilder(interval);
  let lastKey: Uint8Array | undefined;
  let pending: BlockHandle | undefined;

  const writeBlock = (contents: Uint8Array): BlockHandle => {
    let body = contents;
    let type = NO_COMPRESSION;
    if (snappy) {
      const c = snappyCompress(contents);
      if (c.length < contents.length - Math.floor(contents.length / 8)) {
        body = c;
        type = SNAPPY_COMPRESSION;
      }
    }
    const handle = { offset: out.length, size: body.length };
    out.bytes(body);
    out.byte(type);
    const crcWithType = crc32c(Uint8Array.of(type), crc32c(body));
    out.fixed32(mask(crcWithType));
    return handle;
  };
  const flush = (): void => {
    if (data.entries === 0) return;
    pending = writeBlock(data.finish());
    data = new BlockBuilder(interval);
  };

  for (const [key, value] of entries) {
    if (lastKey !== undefined && compareBytes(key, lastKey) <= 0) throw new RangeError("buildSSTable: keys must be strictly ascending");
    // An entry at least twice the block size goes in a block of its own.
    if (data.entries > 0 && key.length + value.length >= 2 * blockSize) flush();
    if (pending !== undefined) {
      index.add(shortestSeparator(lastKey!, key), encodeHandle(pending));
      pending = undefined;
    }
    data.add(key, value);
    lastKey = key;
    if (data.sizeEstimate() >= blockSize) flush();
  }
  flush();
  if (pending !== undefined) index.add(shortSuccessor(lastKey!), encodeHandle(pending));
  const metaHandle = writeBlock(new BlockBuilder(interval).finish());
  const indexHandle = writeBlock(index.finish());
  const footer = new ByteSink();
  footer.bytes(encodeHandle(metaHandle));
  footer.bytes(encodeHandle(indexHandle));
  const f = new Uint8Array(FOOTER_SIZE);
  f.set(footer.view());
  f.set(TABLE_MAGIC, 40);
  out.bytes(f);
  return out.view().slice();
}

export function encodeHandle(h: BlockHandle): Uint8Array {
  const s = new ByteSink();
  s.varint(h.offset);
  s.varint(h.size);
  return s.view().slice();
}
