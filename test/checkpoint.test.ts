import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary, type Init } from "../src/proto/runtime.js";
import { BundleEntryProtoSchema, BundleHeaderProtoSchema, TensorSliceProtoSchema, type BundleHeaderProto_Endianness } from "../src/proto/gen/bundle_pb.js";
import { DataType, TensorShapeProtoSchema, TensorShapeProto_DimSchema, VariantTensorDataProtoSchema } from "../src/proto/gen/tensor_pb.js";
import { VersionDefSchema } from "../src/proto/gen/graph_pb.js";
import { FileFormatError } from "../src/errors.js";
import { ITEM_SIZE, sizeOf, type NdArray, type NpDType } from "../src/ndarray.js";
import { allDtypes, dtypeInfo, dtypeName } from "../src/dtypes.js";
import { SSTable, buildSSTable, compareBytes, type Entry } from "../src/loaders/sstable.js";
import { crc32c, mask } from "../src/loaders/crc32c.js";
import { dataFilename, memoryFiles, openCheckpoint, type FileOpener, type RandomAccessFile } from "../src/loaders/checkpoint.js";
import { encodeCheckpoint, writeCheckpoint, type TensorToWrite } from "../src/format/checkpoint-writer.js";
import { rng } from "./support/fuzz.js";

const P = "/mem/variables/variables";
const INDEX = P + ".index";
const DATA = P + ".data-00000-of-00001";
const enc = (s: string) => new TextEncoder().encode(s);

/** Random array of `np` storage with distinct, exactly representable contents. */
function randomArray(np: NpDType, shape: number[], r: () => number): NdArray {
  const n = sizeOf(shape);
  if (np === "bytes") return { dtype: np, shape, data: Array.from({ length: n }, (_, i) => Uint8Array.from({ length: (i * 37) % 200 }, () => Math.floor(r() * 256))) };
  const bytes = Uint8Array.from({ length: n * ITEM_SIZE[np] }, () => Math.floor(r() * 256));
  if (np === "bool") for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! & 1;
  const lanes = np === "complex64" || np === "complex128" ? 2 : 1;
  const Ctor = { int8: Int8Array, uint8: Uint8Array, bool: Uint8Array, int16: Int16Array, uint16: Uint16Array, float16: Uint16Array, bfloat16: Uint16Array, int32: Int32Array, uint32: Uint32Array, float32: Float32Array, complex64: Float32Array, int64: BigInt64Array, uint64: BigUint64Array, float64: Float64Array, complex128: Float64Array }[np as Exclude<NpDType, "bytes" | "str">];
  return { dtype: np, shape, data: new Ctor(bytes.buffer, 0, n * lanes) as NdArray["data"] };
}

function rawBytes(a: NdArray): Uint8Array[] | Uint8Array {
  if (a.dtype === "bytes") return a.data as Uint8Array[];
  const d = a.data as ArrayBufferView;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

function sameTensor(got: { dtype: number; shape: readonly number[]; array: NdArray }, want: TensorToWrite & { dtype: DataType }, what: string): void {
  assert.is(got.dtype, want.dtype, `${what} dtype`);
  assert.equal([...got.shape], [...want.array.shape], `${what} shape`);
  assert.equal([...got.array.shape], [...want.array.shape], `${what} array shape`);
  assert.is(got.array.dtype, want.array.dtype, `${what} storage`);
  const g = rawBytes(got.array);
  const w = rawBytes(want.array);
  if (Array.isArray(w)) {
    assert.is((g as Uint8Array[]).length, w.length, what);
    w.forEach((b, i) => assert.equal([...(g as Uint8Array[])[i]!], [...b], `${what}[${i}]`));
  } else assert.equal([...(g as Uint8Array)], [...w], what);
}

function open(files: { index: Uint8Array; data: Uint8Array }, extra: Record<string, Uint8Array> = {}) {
  return openCheckpoint(P, { openFile: memoryFiles({ [INDEX]: files.index, [DATA]: files.data, ...extra }) });
}

function expectError(f: () => unknown, file: string, re: RegExp, pyClass?: string): FileFormatError {
  try {
    f();
  } catch (e) {
    if (!(e instanceof FileFormatError)) throw e;
    assert.is(e.file, file, `wrong file in: ${e.message}`);
    assert.match(e.message, re);
    assert.ok(e.message.startsWith(file + ": "), e.message);
    if (pyClass) assert.is(e.pyClass, pyClass, e.message);
    return e;
  }
  assert.unreachable(`expected an error matching ${re}`);
  throw new Error("unreachable");
}

/** Every dtype a checkpoint can hold, scalar + matrix + empty. */
function allDtypeTensors(): Map<string, TensorToWrite & { dtype: DataType }> {
  const r = rng(42);
  const out = new Map<string, TensorToWrite & { dtype: DataType }>();
  for (const dt of allDtypes()) {
    const info = dtypeInfo(dt)!;
    if (info.isRef || info.np === undefined) continue;
    const name = dtypeName(dt);
    out.set(`${name}/matrix`, { dtype: dt, array: randomArray(info.np, [2, 3], r) });
    out.set(`${name}/scalar`, { dtype: dt, array: randomArray(info.np, [], r) });
    out.set(`${name}/empty`, { dtype: dt, array: randomArray(info.np, [0, 4], r) });
  }
  return out;
}

test("round trip: every dtype (scalar, matrix, empty), exact bits", () => {
  const tensors = allDtypeTensors();
  assert.ok(tensors.size >= 3 * 31);
  const files = encodeCheckpoint(tensors);
  const ck = open(files);
  assert.equal(ck.keys(), [...tensors.keys()].sort((a, b) => compareBytes(enc(a), enc(b))));
  for (const [k, t] of tensors) sameTensor(ck.read(k), t, k);
  assert.is(ck.readAll().size, tensors.size);
  // quantized / float8 storage mapping
  assert.is(ck.read("DT_QINT32/matrix").array.dtype, "int32");
  assert.is(ck.read("DT_FLOAT8_E4M3FN/matrix").array.dtype, "uint8");
  assert.is(ck.read("DT_INT4/matrix").array.dtype, "int8");
  assert.is(ck.read("DT_HALF/matrix").array.dtype, "float16");
  assert.is(ck.read("DT_COMPLEX128/matrix").array.data.length, 12);
});

test("empty tensors: size 0 and crc Mask(0); empty string tensor has the 4-byte length checksum", () => {
  const files = encodeCheckpoint({
    f: { array: { dtype: "float32", shape: [0], data: new Float32Array(0) } },
    s: { array: { dtype: "bytes", shape: [0, 2], data: [] } },
  });
  const ck = open(files);
  assert.equal({ ...ck.entry("f") }, { key: "f", dtype: DataType.DT_FLOAT, shape: [0], shardId: 0, offset: 0, size: 0, crc32c: 0xa282ead8, slices: 0 });
  assert.is(ck.entry("s").size, 4);
  assert.equal(ck.read("s").array.data, []);
});

test("strings: multi-byte varint lengths (≥128, ≥16384), str input, layout per spec §7.5", () => {
  const lens = [0, 1, 127, 128, 300, 16383, 16384, 70000];
  const r = rng(5);
  const data = lens.map((n) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256)));
  const files = encodeCheckpoint([
    ["s", { array: { dtype: "bytes", shape: [2, 4], data } }],
    ["u", { dtype: DataType.DT_STRING, array: { dtype: "str", shape: [2], data: ["héllo", ""] } }],
  ]);
  const ck = open(files);
  const got = ck.read("s").array.data as Uint8Array[];
  data.forEach((d, i) => assert.equal(got[i], d));
  assert.equal((ck.read("u").array.data as Uint8Array[]).map((b) => new TextDecoder().decode(b)), ["héllo", ""]);
  // layout: varints, 4-byte masked length CRC, bytes
  const e = ck.entry("s");
  const raw = files.data.subarray(e.offset, e.offset + e.size);
  const varintBytes = 1 + 1 + 1 + 2 + 2 + 2 + 3 + 3;
  assert.is(e.size, varintBytes + 4 + lens.reduce((a, b) => a + b));
  const lenCrc = new Uint8Array(lens.length * 4);
  lens.forEach((n, i) => new DataView(lenCrc.buffer).setUint32(4 * i, n, true));
  assert.is(new DataView(raw.buffer, raw.byteOffset).getUint32(varintBytes, true), mask(crc32c(lenCrc)));
});

test("variant tensors: framing parsed, raw VariantTensorDataProto bytes returned", () => {
  const protos = ["tensorflow::Tensor", "", "x".repeat(200)].map((typeName) => toBinary(VariantTensorDataProtoSchema, create(VariantTensorDataProtoSchema, { typeName, metadata: enc("meta") })));
  const files = encodeCheckpoint({ v: { dtype: DataType.DT_VARIANT, array: { dtype: "bytes", shape: [3], data: protos } } });
  const t = open(files).read("v");
  assert.is(t.dtype, DataType.DT_VARIANT);
  (t.array.data as Uint8Array[]).forEach((b, i) => assert.equal(b, protos[i]));
});

test("many keys spanning several index blocks (default 256 KiB blocks and small blocks)", () => {
  const tensors = new Map<string, TensorToWrite>();
  for (let i = 0; i < 6000; i++) tensors.set(`model/layer_${String(i).padStart(5, "0")}/kernel/.ATTRIBUTES/VARIABLE_VALUE`, { array: { dtype: "int32", shape: [1], data: Int32Array.of(i) } });
  for (const blockSize of [undefined, 1024]) {
    const files = encodeCheckpoint(tensors, { blockSize });
    const blocks = [...new SSTable(files.index).index.entries()].length;
    assert.ok(blockSize === undefined ? blocks >= 2 : blocks > 100, `index data blocks: ${blocks}`);
    const ck = open(files);
    const keys = ck.keys();
    assert.is(keys.length, 6000);
    for (let i = 0; i < 6000; i += 97) assert.is((ck.read(keys[i]!).array.data as Int32Array)[0], i);
    assert.is((ck.read(keys[5999]!).array.data as Int32Array)[0], 5999);
    assert.not.ok(ck.has("model/layer_00000"));
    expectError(() => ck.read("model/nope"), INDEX, /key "model\/nope" not found/, "NotFoundError");
  }
});

test("index written with Snappy blocks (as Google-built TF does) reads the same", () => {
  const tensors = allDtypeTensors();
  const files = encodeCheckpoint(tensors, { compression: "snappy", blockSize: 2048 });
  const ck = open(files);
  for (const [k, t] of tensors) sameTensor(ck.read(k), t, k);
});

test("big-endian bundles are byte-swapped (numbers and the string length checksum)", () => {
  const tensors = allDtypeTensors();
  for (const k of [...tensors.keys()]) if (k.startsWith("DT_VARIANT")) tensors.delete(k);
  tensors.set("one", { dtype: DataType.DT_FLOAT, array: { dtype: "float32", shape: [], data: Float32Array.of(1) } });
  const files = encodeCheckpoint(tensors, { endianness: "big" });
  const ck = open(files);
  assert.is(ck.endianness, "big");
  const e = ck.entry("one");
  assert.equal([...files.data.subarray(e.offset, e.offset + 4)], [0x3f, 0x80, 0, 0]);
  for (const [k, t] of tensors) sameTensor(ck.read(k), t, k);
  // variants cannot be swapped (as in TF)
  const v = encodeCheckpoint({ v: { dtype: DataType.DT_VARIANT, array: { dtype: "bytes", shape: [1], data: [enc("x")] } } }, { endianness: "big" });
  expectError(() => open(v).read("v"), INDEX, /byte-swapping variant tensors is not implemented/, "UnimplementedError");
});

/** A hand-built index: header + the given entries. */
function index(header: Init<typeof BundleHeaderProtoSchema>, entries: Record<string, Init<typeof BundleEntryProtoSchema>>): Uint8Array {
  const rows: Entry[] = [[new Uint8Array(0), toBinary(BundleHeaderProtoSchema, create(BundleHeaderProtoSchema, header))]];
  const keyed = Object.entries(entries).map(([k, e]) => [enc(k), toBinary(BundleEntryProtoSchema, create(BundleEntryProtoSchema, e))] as Entry);
  keyed.sort((a, b) => compareBytes(a[0], b[0]));
  return buildSSTable([...rows, ...keyed]);
}
const shape = (...dims: number[]) => create(TensorShapeProtoSchema, { dim: dims.map((d) => create(TensorShapeProto_DimSchema, { size: BigInt(d) })) });
const f32bytes = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const fEntry = (bytes: Uint8Array, shardId: number, offset: number, dims: number[]) => ({ dtype: DataType.DT_FLOAT, shape: shape(...dims), shardId, offset: BigInt(offset), size: BigInt(bytes.length), crc32c: mask(crc32c(bytes)) });

test("multi-shard bundle: shards opened lazily, only the tensor's bytes read", () => {
  const d0 = f32bytes(1, 2, 3, 4);
  const d1 = f32bytes(9, 8, 7, 6, 5);
  const idx = index({ numShards: 2, version: create(VersionDefSchema, { producer: 1 }) }, {
    x: fEntry(d0.subarray(4, 12), 0, 4, [2]),
    y: fEntry(d1.subarray(8, 20), 1, 8, [3]),
  });
  const base = memoryFiles({ [INDEX]: idx, [dataFilename(P, 0, 2)]: d0, [dataFilename(P, 1, 2)]: d1 });
  const log: string[] = [];
  const opener: FileOpener = (p) => {
    const f = base(p);
    log.push(`open ${p.slice(p.lastIndexOf("/") + 1)}`);
    const wrapped: RandomAccessFile = {
      path: f.path,
      size: f.size,
      readInto: (dest, pos) => {
        log.push(`read ${p.slice(p.lastIndexOf("/") + 1)} ${pos}+${dest.length}`);
        f.readInto(dest, pos);
      },
      close: () => f.close(),
    };
    return wrapped;
  };
  const ck = openCheckpoint(P, { openFile: opener });
  assert.is(ck.numShards, 2);
  assert.equal([...(ck.read("y").array.data as Float32Array)], [7, 6, 5]);
  assert.equal(log.slice(2), ["open variables.data-00001-of-00002", "read variables.data-00001-of-00002 8+12"]);
  assert.equal([...(ck.read("x").array.data as Float32Array)], [2, 3]);
  assert.equal(log.slice(4), ["open variables.data-00000-of-00002", "read variables.data-00000-of-00002 4+8"]);
  ck.close();
});

test("sliced (partitioned) entries are listed but rejected with a clear error", () => {
  const slice = create(TensorSliceProtoSchema, { extent: [{ start: 0n, hasLength: { case: "length", value: 2n } }] });
  const part = f32bytes(1, 2);
  const idx = index({ numShards: 1, version: create(VersionDefSchema, { producer: 1 }) }, {
    w: { dtype: DataType.DT_FLOAT, shape: shape(4), slices: [slice, slice] },
    "\u0000\u0001w-slice-part": fEntry(part, 0, 0, [2]),
  });
  const ck = open({ index: idx, data: part });
  assert.equal(ck.keys(), ["w"]);
  assert.is(ck.entry("w").slices, 2);
  expectError(() => ck.read("w"), INDEX, /tensor "w" is partitioned into 2 slices; sliced \(partitioned\) checkpoint entries are not supported/, "UnimplementedError");
  expectError(() => ck.readAll(), INDEX, /partitioned/);
});

test("keys that are not valid UTF-8 are listed lossily but stay readable", () => {
  const d = f32bytes(5);
  const header = toBinary(BundleHeaderProtoSchema, create(BundleHeaderProtoSchema, { numShards: 1 }));
  const entry = toBinary(BundleEntryProtoSchema, create(BundleEntryProtoSchema, fEntry(d, 0, 0, [])));
  const idx = buildSSTable([[new Uint8Array(0), header], [Uint8Array.of(0x66, 0xff), entry]]);
  const ck = open({ index: idx, data: d });
  assert.equal(ck.keys(), ["f\ufffd"]);
  assert.ok(ck.has("f\ufffd"));
  assert.equal([...(ck.read("f\ufffd").array.data as Float32Array)], [5]);
});

test("header checks: missing header, versions, endianness, shard count", () => {
  const v = (o: object) => create(VersionDefSchema, { producer: 1, ...o });
  const data = f32bytes(1);
  const e = { a: fEntry(data, 0, 0, []) };
  expectError(() => open({ index: buildSSTable([[enc("a"), enc("x")]]), data }), INDEX, /no header entry/, "DataLossError");
  expectError(() => open({ index: index({ numShards: 1, version: v({ minConsumer: 2 }) }, e), data }), INDEX, /min consumer version 2 above current version 1/, "InvalidArgumentError");
  expectError(() => open({ index: index({ numShards: 1, version: v({ badConsumers: [1] }) }, e), data }), INDEX, /disallows consumer version 1/, "InvalidArgumentError");
  expectError(() => open({ index: index({ numShards: 1, version: v({ producer: -1 }) }, e), data }), INDEX, /producer version -1 below min producer 0/);
  expectError(() => open({ index: index({ numShards: 1, endianness: 7 as BundleHeaderProto_Endianness }, e), data }), INDEX, /unknown endianness 7/);
  expectError(() => open({ index: index({ numShards: -1 }, e), data }), INDEX, /negative shard count/);
  // no version at all is producer 0: accepted
  assert.equal([...(open({ index: index({ numShards: 1 }, e), data }).read("a").array.data as Float32Array)], [1]);
  const ck = open({ index: index({ numShards: 1 }, { a: { ...fEntry(data, 0, 0, []), shardId: 1 } }), data });
  expectError(() => ck.read("a"), INDEX, /tensor "a": shard_id 1 out of range/);
});

test("entry checks name the index file and the key", () => {
  const data = f32bytes(1, 2, 3);
  const ck = open({
    index: index({ numShards: 1 }, {
      size: { ...fEntry(data, 0, 0, [2]) },
      neg: { ...fEntry(data, 0, 0, [-1]), size: 0n },
      unk: { ...fEntry(data, 0, 0, [3]), shape: create(TensorShapeProtoSchema, { unknownRank: true }) },
      res: { ...fEntry(data, 0, 0, [3]), dtype: DataType.DT_RESOURCE },
      ref: { ...fEntry(data, 0, 0, [3]), dtype: DataType.DT_FLOAT_REF },
      odd: { ...fEntry(data, 0, 0, [3]), dtype: 77 as DataType },
      past: fEntry(f32bytes(1, 2, 3, 4), 0, 4, [4]),
      crc: { ...fEntry(data, 0, 0, [3]), crc32c: 12345 },
      str: { dtype: DataType.DT_STRING, shape: shape(5), offset: 0n, size: 4n },
    }),
    data,
  });
  expectError(() => ck.read("size"), INDEX, /tensor "size": invalid size in bundle entry: stored size 12; expected size 8/);
  expectError(() => ck.read("neg"), INDEX, /tensor "neg": invalid tensor shape \(dimension -1\)/);
  expectError(() => ck.read("unk"), INDEX, /unknown rank/);
  expectError(() => ck.read("res"), INDEX, /DT_RESOURCE cannot be stored/);
  expectError(() => ck.read("ref"), INDEX, /DT_FLOAT_REF cannot be stored/);
  expectError(() => ck.read("odd"), INDEX, /unknown dtype 77/);
  expectError(() => ck.read("past"), DATA, /data extends past the end of the file for tensor "past" \(offset 4, size 16, file 12 bytes\)/, "DataLossError");
  expectError(() => ck.read("crc"), DATA, /checksum mismatch for tensor "crc" \(stored 0x00003039, computed 0x[0-9a-f]{8}\)/, "DataLossError");
  expectError(() => ck.read("str"), INDEX, /expected size is at least 5/);
});

test("missing files: NotFoundError naming the file (and the key for data shards)", () => {
  const files = encodeCheckpoint({ a: { array: { dtype: "float32", shape: [], data: Float32Array.of(1) } } });
  expectError(() => openCheckpoint(P, { openFile: memoryFiles({}) }), INDEX, /no such file/, "NotFoundError");
  const ck = openCheckpoint(P, { openFile: memoryFiles({ [INDEX]: files.index }) });
  expectError(() => ck.read("a"), DATA, /no such file \(data shard 0 of 1, needed for tensor "a"\)/, "NotFoundError");
  expectError(() => openCheckpoint("/nonexistent-tfsm/variables/variables"), "/nonexistent-tfsm/variables/variables.index", /no such file/, "NotFoundError");
});

test("writeCheckpoint on disk: TF file names, temp files renamed, readable by prefix or .index path", () => {
  const dir = mkdtempSync(join(tmpdir(), "tfsm-ckpt-"));
  try {
    const prefix = join(dir, "variables", "variables");
    const tensors = allDtypeTensors();
    const { indexPath, dataPath } = writeCheckpoint(prefix, tensors);
    assert.equal(readdirSync(join(dir, "variables")).sort(), ["variables.data-00000-of-00001", "variables.index"]);
    const mem = encodeCheckpoint(tensors);
    assert.equal(new Uint8Array(readFileSync(indexPath)), mem.index);
    assert.equal(new Uint8Array(readFileSync(dataPath)), mem.data);
    for (const p of [prefix, indexPath, dataPath]) {
      const ck = openCheckpoint(p);
      for (const [k, t] of tensors) sameTensor(ck.read(k), t, k);
      ck.close();
    }
    assert.throws(() => writeCheckpoint(join(dir, "bad", "x"), { a: { dtype: DataType.DT_INT32, array: { dtype: "float32", shape: [], data: Float32Array.of(1) } } }), /DT_INT32 needs int32 storage/);
    assert.equal(readdirSync(join(dir, "bad")), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("writer input validation", () => {
  const f = { array: { dtype: "float32" as const, shape: [2], data: Float32Array.of(1, 2) } };
  assert.throws(() => encodeCheckpoint({ "": f }), /reserved for the bundle header/);
  assert.throws(() => encodeCheckpoint([["a", f], ["a", f]]), /duplicate key/);
  assert.throws(() => encodeCheckpoint({ a: { array: { dtype: "float32", shape: [3], data: Float32Array.of(1, 2) } } }), /needs 12 bytes/);
  assert.throws(() => encodeCheckpoint({ a: { dtype: DataType.DT_RESOURCE, array: f.array } }), /cannot be written/);
  assert.throws(() => encodeCheckpoint({ a: { dtype: DataType.DT_VARIANT, array: f.array } }), /needs a bytes array/);
});

test.run();
