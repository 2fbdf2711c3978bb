// Seeded fuzzer for the checkpoint reader stack (SSTable, Snappy, bundle
// entries, string/variant framing). TFSM_FUZZ_CASES cases (default 10000),
// TFSM_FUZZ_SEED to reproduce. Each case mutates a valid bundle, opens it and
// reads every tensor: the only acceptable failure is a FileFormatError that
// names a file; nothing may crash, hang or allocate without bound.
//
// Mutations are structure-aware so that they get past the CRCs: besides raw
// byte damage, index blocks are altered and re-checksummed, entries/headers are
// replaced by random (often absurd) protos and the index rebuilt, and
// fixed-size tensor data is altered with the entry CRC fixed up (then the read
// must succeed and return exactly the altered bytes).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import { create, fromBinary, toBinary } from "../src/proto/runtime.js";
import { BundleEntryProtoSchema, BundleHeaderProtoSchema, TensorSliceProtoSchema, type BundleEntryProto } from "../src/proto/gen/bundle_pb.js";
import { DataType, TensorShapeProtoSchema, TensorShapeProto_DimSchema, VariantTensorDataProtoSchema } from "../src/proto/gen/tensor_pb.js";
import { VersionDefSchema } from "../src/proto/gen/graph_pb.js";
import { FileFormatError } from "../src/errors.js";
import { crc32c, mask } from "../src/loaders/crc32c.js";
import { memoryFiles, openCheckpoint } from "../src/loaders/checkpoint.js";
import { FOOTER_SIZE, SSTable, buildSSTable, decodeBlockHandle, type BlockHandle, type Entry } from "../src/loaders/sstable.js";
import { encodeCheckpoint, type TensorToWrite } from "../src/format/checkpoint-writer.js";
import { rng } from "./support/fuzz.js";
import { GOLDEN } from "./support/corpus.js";

const CASES = Number(process.env.TFSM_FUZZ_CASES ?? 10000);
const SEED = Number(process.env.TFSM_FUZZ_SEED ?? 20240611);
const P = "/mem/fuzz/variables/variables";
const INDEX = P + ".index";
const DATA = P + ".data-00000-of-00001";

interface Base {
  name: string;
  /** Every tensor's bytes, for comparing reads of damaged copies. */
  snapshot: string;
  index: Uint8Array;
  data: Uint8Array;
  rows: Entry[];
  blocks: BlockHandle[];
}

function base(name: string, index: Uint8Array, data: Uint8Array): Base {
  const t = new SSTable(index);
  const rows = [...t.entries()].map(([k, v]) => [k.slice(), v.slice()] as Entry);
  const blocks = [...t.index.entries()].map(([, v]) => decodeBlockHandle(v, true, "h")[0]);
  blocks.push(t.indexHandle, t.metaindexHandle);
  return { name, snapshot: snapshot(index, data), index, data, rows, blocks };
}

function hex(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");
}

/** Opens and reads everything; a canonical text of all keys, dtypes, shapes and bytes. */
function snapshot(index: Uint8Array, data: Uint8Array): string {
  const ck = openCheckpoint(P, { openFile: memoryFiles({ [INDEX]: index, [DATA]: data }) });
  const parts: string[] = [];
  for (const [k, t] of ck.readAll()) {
    const bytes = Array.isArray(t.array.data) ? (t.array.data as Uint8Array[]).map(hex).join(",") : hex(t.array.data as ArrayBufferView);
    parts.push(`${k}|${t.dtype}|${t.shape.join("x")}|${bytes}`);
  }
  return parts.join("\n");
}

function fixture(): Array<[string, TensorToWrite]> {
  const variant = toBinary(VariantTensorDataProtoSchema, create(VariantTensorDataProtoSchema, { typeName: "tensorflow::Tensor", metadata: Uint8Array.of(9) }));
  const out: Array<[string, TensorToWrite]> = [
    ["w", { array: { dtype: "float32", shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) } }],
    ["i64", { array: { dtype: "int64", shape: [2], data: BigInt64Array.of(-1n, 5n) } }],
    ["c128", { array: { dtype: "complex128", shape: [1], data: Float64Array.of(1, 2) } }],
    ["s", { array: { dtype: "bytes", shape: [3], data: [Uint8Array.of(1), new Uint8Array(130).fill(3), new Uint8Array(0)] } }],
    ["s0", { array: { dtype: "bytes", shape: [0], data: [] } }],
    ["v", { dtype: DataType.DT_VARIANT, array: { dtype: "bytes", shape: [2], data: [variant, new Uint8Array(0)] } }],
    ["e", { array: { dtype: "uint8", shape: [0], data: new Uint8Array(0) } }],
  ];
  for (let i = 0; i < 20; i++) out.push([`k${i}`, { array: { dtype: "int16", shape: [2], data: Int16Array.of(i, -i) } }]);
  return out;
}

function bases(): Base[] {
  const out: Base[] = [];
  const a = encodeCheckpoint(fixture(), { blockSize: 256 });
  out.push(base("fixture", a.index, a.data));
  const b = encodeCheckpoint(fixture(), { blockSize: 300, compression: "snappy" });
  out.push(base("fixture-snappy", b.index, b.data));
  for (const m of ["serving_saved_model_half_plus_two_cpu/00000123", "serving_saved_model_half_plus_two_tf2_cpu/00000123"]) {
    const p = `${GOLDEN}/${m}/variables/variables`;
    if (existsSync(p + ".index")) out.push(base(m, new Uint8Array(readFileSync(p + ".index")), new Uint8Array(readFileSync(p + ".data-00000-of-00001"))));
  }
  return out;
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x3f, 0x40, 0x08, 0x12];

function damage(bytes: Uint8Array, r: () => number, start = 0, end = bytes.length): void {
  if (end <= start) return;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const i = start + Math.floor(r() * (end - start));
    const m = r();
    if (m < 0.4) bytes[i] ^= 1 << Math.floor(r() * 8);
    else if (m < 0.7) bytes[i] = INTERESTING[Math.floor(r() * INTERESTING.length)]!;
    else bytes[i] = Math.floor(r() * 256);
  }
}

function resize(bytes: Uint8Array, r: () => number): Uint8Array {
  if (r() < 0.5) return bytes.slice(0, Math.floor(r() * bytes.length));
  const extra = Uint8Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256));
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return out;
}

const bigPick = (r: () => number): bigint => {
  const c = [0n, 1n, 4n, 7n, 12n, 16n, 64n, 200n, 1n << 31n, (1n << 32n) + 3n, 1n << 53n, (1n << 63n) - 1n, -1n, -(1n << 63n)];
  return c[Math.floor(r() * c.length)]!;
};
const DTYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 18, 19, 20, 21, 22, 23, 24, 29, 33, 34, 77, 101, 107, 121];

function randomEntry(r: () => number, old: BundleEntryProto | undefined): BundleEntryProto {
  const e = old ? create(BundleEntryProtoSchema, old) : create(BundleEntryProtoSchema, {});
  const field = Math.floor(r() * 8);
  if (field === 0 || !old) e.dtype = DTYPES[Math.floor(r() * DTYPES.length)]! as DataType;
  if (field === 1 || !old) {
    const rank = Math.floor(r() * 4);
    e.shape = create(TensorShapeProtoSchema, {
      dim: Array.from({ length: rank }, () => create(TensorShapeProto_DimSchema, { size: r() < 0.7 ? BigInt(Math.floor(r() * 5)) : bigPick(r) })),
      unknownRank: r() < 0.05,
    });
  }
  if (field === 2) e.shardId = [0, 1, -1, 5, 2 ** 31 - 1][Math.floor(r() * 5)]!;
  if (field === 3) e.offset = r() < 0.5 ? BigInt(Math.floor(r() * 700)) : bigPick(r);
  if (field === 4) e.size = r() < 0.5 ? BigInt(Math.floor(r() * 700)) : bigPick(r);
  if (field === 5) e.crc32c = r() < 0.5 ? mask(0) : Math.floor(r() * 2 ** 32);
  if (field === 6) e.slices = [create(TensorSliceProtoSchema, { extent: [{ start: 0n }] })];
  if (field === 7) e.dtype = [DataType.DT_STRING, DataType.DT_VARIANT][Math.floor(r() * 2)]!;
  return e;
}

function rebuild(rows: Entry[], r: () => number): Uint8Array {
  return buildSSTable(rows, { blockSize: [64, 256, 4096, 262144][Math.floor(r() * 4)], compression: r() < 0.5 ? "none" : "snappy" });
}

type Strategy = "index-bytes" | "data-bytes" | "resize" | "block-recrc" | "entry" | "header" | "data-recrc" | "entry-bytes";
const STRATEGIES: Strategy[] = ["index-bytes", "data-bytes", "resize", "block-recrc", "entry", "header", "data-recrc", "entry-bytes"];

test(`fuzz: ${CASES} mutated bundles (seed ${SEED}) → values or FileFormatError only`, () => {
  const r = rng(SEED);
  const all = bases();
  const counts = new Map<string, { ok: number; err: number }>();
  let slowest = 0;
  const t0 = performance.now();
  for (let c = 0; c < CASES; c++) {
    const b = all[c % all.length]!;
    const strategy = STRATEGIES[Math.floor(r() * STRATEGIES.length)]!;
    let index = b.index;
    let data = b.data;
    /** For data-recrc: the key whose data was changed and its new bytes. */
    let expectKey: string | undefined;
    let expectBytes: Uint8Array | undefined;
    switch (strategy) {
      case "index-bytes":
        index = index.slice();
        damage(index, r);
        break;
      case "data-bytes":
        data = data.slice();
        damage(data, r);
        break;
      case "resize":
        if (r() < 0.5) index = resize(index, r);
        else data = resize(data, r);
        break;
      case "block-recrc": {
        // Damage a block (contents and/or type byte), then fix its CRC so the parser sees it.
        index = index.slice();
        const h = b.blocks[Math.floor(r() * b.blocks.length)]!;
        if (r() < 0.8) damage(index, r, h.offset, h.offset + h.size);
        if (r() < 0.3) index[h.offset + h.size] = [0, 1, 2, 0xff][Math.floor(r() * 4)]!;
        new DataView(index.buffer).setUint32(h.offset + h.size + 1, mask(crc32c(index.subarray(h.offset, h.offset + h.size + 1))), true);
        break;
      }
      case "entry":
      case "entry-bytes": {
        const rows = b.rows.map(([k, v]) => [k, v] as Entry);
        const i = 1 + Math.floor(r() * (rows.length - 1));
        if (strategy === "entry") {
          let old: BundleEntryProto | undefined;
          try {
            old = fromBinary(BundleEntryProtoSchema, rows[i]![1]);
          } catch {
            old = undefined;
          }
          rows[i] = [rows[i]![0], toBinary(BundleEntryProtoSchema, randomEntry(r, r() < 0.8 ? old : undefined))];
        } else {
          const v = rows[i]![1].slice();
          damage(v, r);
          rows[i] = [rows[i]![0], r() < 0.2 ? v.subarray(0, Math.floor(r() * v.length)) : v];
        }
        index = rebuild(rows, r);
        break;
      }
      case "header": {
        const rows = b.rows.map(([k, v]) => [k, v] as Entry);
        const h = create(BundleHeaderProtoSchema, {
          numShards: [0, 1, 2, -1, 100000][Math.floor(r() * 5)],
          endianness: [0, 1, 2][Math.floor(r() * 3)],
          version: r() < 0.8 ? create(VersionDefSchema, { producer: [1, 0, -1][Math.floor(r() * 3)], minConsumer: [0, 1, 2][Math.floor(r() * 3)], badConsumers: r() < 0.2 ? [1] : [] }) : undefined,
        });
        rows[0] = r() < 0.1 ? [Uint8Array.of(0), rows[0]![1]] : [rows[0]![0], r() < 0.1 ? Uint8Array.of(0xff, 0xff) : toBinary(BundleHeaderProtoSchema, h)];
        if (rows[0]![0].length > 0 && rows.length > 1 && rows[1]![0][0]! <= 0) rows.splice(0, 1);
        try {
          index = rebuild(rows, r);
        } catch {
          index = rebuild(b.rows, r);
        }
        break;
      }
      case "data-recrc": {
        // Change bytes of a fixed-size tensor and fix its CRC: must read back exactly.
        const rows = b.rows.map(([k, v]) => [k, v] as Entry);
        const cands = rows
          .map((row, i) => ({ i, e: i === 0 ? undefined : fromBinary(BundleEntryProtoSchema, row[1]) }))
          .filter((x) => x.e && x.e.dtype !== DataType.DT_STRING && x.e.dtype !== DataType.DT_VARIANT && x.e.size > 0n && x.e.slices.length === 0 && x.e.shardId === 0);
        if (cands.length === 0) break;
        const { i, e } = cands[Math.floor(r() * cands.length)]!;
        const off = Number(e!.offset);
        const size = Number(e!.size);
        data = data.slice();
        damage(data, r, off, off + size);
        e!.crc32c = mask(crc32c(data.subarray(off, off + size)));
        rows[i] = [rows[i]![0], toBinary(BundleEntryProtoSchema, e!)];
        index = rebuild(rows, r);
        expectKey = new TextDecoder().decode(rows[i]![0]);
        expectBytes = data.subarray(off, off + size);
        break;
      }
    }
    const started = performance.now();
    let outcome: "ok" | "err" = "ok";
    try {
      const ck = openCheckpoint(P, { openFile: memoryFiles({ [INDEX]: index, [DATA]: data }) });
      const values = ck.readAll();
      if (expectKey !== undefined) {
        const d = values.get(expectKey)!.array.data as ArrayBufferView;
        assert.equal(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), expectBytes, `case ${c}: re-checksummed data not returned as written`);
      }
      if (strategy === "index-bytes" || strategy === "data-bytes" || strategy === "resize") {
        // Raw damage that goes unreported must not have changed anything read.
        assert.is(snapshot(index, data), b.snapshot, `case ${c} (${b.name}, ${strategy}): damaged bundle read with different values`);
      }
    } catch (e) {
      if (!(e instanceof FileFormatError)) {
        throw new Error(`case ${c} (${b.name}, ${strategy}, seed ${SEED}): untyped error: ${(e as Error)?.stack ?? String(e)}`);
      }
      assert.ok(e.file === INDEX || e.file.startsWith(P + ".data-"), `case ${c}: error names ${e.file}`);
      assert.ok(e.message.startsWith(`${e.file}: `), e.message);
      outcome = "err";
    }
    slowest = Math.max(slowest, performance.now() - started);
    const k = `${strategy}`;
    const cnt = counts.get(k) ?? { ok: 0, err: 0 };
    cnt[outcome]++;
    counts.set(k, cnt);
  }
  const total = performance.now() - t0;
  const summary = [...counts].map(([k, v]) => `${k} ${v.ok}/${v.err}`).join(", ");
  console.log(`      ${CASES} cases in ${total.toFixed(0)} ms, slowest ${slowest.toFixed(1)} ms; ok/error per strategy: ${summary}`);
  assert.ok(slowest < 1000, `a case took ${slowest} ms`);
  // Footer size is a constant of the format; a cheap sanity check that the import is used.
  assert.is(FOOTER_SIZE, 48);
});

test.run();
